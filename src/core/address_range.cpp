#include "core/address_range.hpp"

#include "core/config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace sc::core {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// An address as 16 bytes, IPv4 mapped into IPv6, so both families compare alike.
std::optional<std::array<std::uint8_t, 16>> to_bytes(std::string_view text) {
    text = trim(text);
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
        text = text.substr(1, text.size() - 2);
    }
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    std::array<char, INET6_ADDRSTRLEN> buf{};
    std::memcpy(buf.data(), text.data(), text.size());
    std::array<std::uint8_t, 16> out{};
    in_addr v4{};
    if (inet_pton(AF_INET, buf.data(), &v4) == 1) {
        out[10] = 0xff;
        out[11] = 0xff;
        std::memcpy(out.data() + 12, &v4, 4);
        return out;
    }
    if (inet_pton(AF_INET6, buf.data(), out.data()) == 1) return out;
    return std::nullopt;
}

bool is_mapped_v4(const std::array<std::uint8_t, 16>& b) {
    return std::all_of(b.begin(), b.begin() + 10, [](std::uint8_t x) { return x == 0; }) &&
           b[10] == 0xff && b[11] == 0xff;
}

}  // namespace

std::optional<address_range> address_range::parse(std::string_view text) {
    text = trim(text);
    auto slash = text.find('/');
    auto bytes = to_bytes(text.substr(0, slash));
    if (!bytes) return std::nullopt;
    address_range r;
    r.bytes_ = *bytes;
    int max_prefix = is_mapped_v4(*bytes) ? 32 : 128;
    int prefix = max_prefix;
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (ec != std::errc{} || end != digits.data() + digits.size() || prefix < 0 ||
            prefix > max_prefix) {
            return std::nullopt;
        }
    }
    r.prefix_ = prefix + (max_prefix == 32 ? 96 : 0);
    return r;
}

bool address_range::contains(std::string_view address) const {
    auto bytes = to_bytes(address);
    if (!bytes) return false;
    int bits = prefix_;
    for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
        auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xff : 0xff << (8 - bits));
        if (((*bytes)[i] & mask) != (bytes_[i] & mask)) return false;
    }
    return true;
}

std::vector<address_range> parse_address_ranges(const std::string& key, std::string_view list) {
    std::vector<address_range> out;
    while (!trim(list).empty()) {
        auto comma = list.find(',');
        auto item = trim(list.substr(0, comma));
        auto range = address_range::parse(item);
        if (!range) {
            throw config_error(key + ": '" + std::string(item) +
                               "' is not an IP address or a range such as 10.0.0.0/8");
        }
        out.push_back(*range);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<address_range>& trusted) {
    auto is_trusted = [&](std::string_view a) {
        return std::any_of(trusted.begin(), trusted.end(),
                           [&](const address_range& r) { return r.contains(a); });
    };
    std::string_view nearest = peer;
    // Each proxy appends the address it received from; the rightmost entries are the most
    // trustworthy, and the first one not added by our own proxies is the client.
    while (is_trusted(nearest) && !forwarded_for.empty()) {
        auto comma = forwarded_for.rfind(',');
        auto hop =
            trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
        if (!to_bytes(hop)) break;  // a forged or garbled entry: stop at the last proxy
        nearest = hop;
        forwarded_for =
            comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
    }
    return std::string(trim(nearest));
}

}  // namespace sc::core
