#include "staff/totp.hpp"

#include <liboath/oath.h>
#include <sodium.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace sc::staff {
namespace {

void ensure_oath() {
    static const bool ready = oath_init() == OATH_OK;
    if (!ready) throw std::runtime_error("liboath failed to initialise");
}

std::string uri_escape(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : text) {
        if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == '@') {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += hex[ch >> 4];
            out += hex[ch & 0xf];
        }
    }
    return out;
}

}  // namespace

std::string new_totp_secret() {
    std::string secret(totp_secret_bytes, '\0');
    randombytes_buf(secret.data(), secret.size());
    return secret;
}

std::string base32(std::string_view bytes) {
    ensure_oath();
    char* out = nullptr;
    std::size_t length = 0;
    if (oath_base32_encode(bytes.data(), bytes.size(), &out, &length) != OATH_OK) {
        throw std::runtime_error("base32 encoding failed");
    }
    std::string text(out, length);
    std::free(out);
    while (!text.empty() && text.back() == '=') text.pop_back();
    return text;
}

std::int64_t totp_step_of(core::time_point t) { return core::unix_seconds(t) / totp_step.count(); }

std::string totp_code(std::string_view secret, core::time_point t, unsigned digits) {
    ensure_oath();
    char out[16] = {};
    if (oath_totp_generate(secret.data(), secret.size(), core::unix_seconds(t), totp_step.count(),
                           OATH_TOTP_DEFAULT_START_TIME, digits, out) != OATH_OK) {
        throw std::runtime_error("TOTP generation failed");
    }
    return out;
}

std::optional<std::int64_t> match_totp(std::string_view secret, std::string_view code,
                                       core::time_point now, std::int64_t last_used_step) {
    ensure_oath();
    std::string digits;
    for (char ch : code) {
        if (ch == ' ') continue;
        if (ch < '0' || ch > '9' || digits.size() == 6) return std::nullopt;
        digits += ch;
    }
    if (digits.size() != 6) return std::nullopt;
    int position = 0;
    std::uint64_t counter = 0;
    int r = oath_totp_validate3(secret.data(), secret.size(), core::unix_seconds(now),
                                totp_step.count(), OATH_TOTP_DEFAULT_START_TIME, 1, &position,
                                &counter, digits.c_str());
    if (r < 0) return std::nullopt;
    auto step = static_cast<std::int64_t>(counter);
    if (step <= last_used_step) return std::nullopt;
    return step;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret) {
    auto label = uri_escape(issuer) + ":" + uri_escape(account);
    return "otpauth://totp/" + label + "?secret=" + base32(secret) +
           "&issuer=" + uri_escape(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace sc::staff
