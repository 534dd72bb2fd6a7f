#include "staff/password_policy.hpp"

#include <zxcvbn.h>

#include <optional>
#include <set>
#include <string>

namespace sc::staff {

std::optional<std::size_t> count_code_points(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size();) {
        auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = lead < 0x80           ? 1
                             : (lead >> 5) == 0x6  ? 2
                             : (lead >> 4) == 0xe  ? 3
                             : (lead >> 3) == 0x1e ? 4
                                                   : 0;
        if (length == 0 || i + length > text.size()) return std::nullopt;
        std::uint32_t cp = length == 1 ? lead : lead & (0x7f >> length);
        for (std::size_t k = 1; k < length; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (next & 0x3f);
        }
        // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
        static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < smallest[length] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
            return std::nullopt;
        }
        i += length;
        ++count;
    }
    return count;
}

namespace {

const char* pattern_name(ZxcTypeMatch_t type) {
    switch (static_cast<int>(type) & ~MULTIPLE_MATCH) {
        case DICTIONARY_MATCH:
        case DICT_LEET_MATCH:
            return "common words or passwords";
        case USER_MATCH:
        case USER_LEET_MATCH:
            return "your email address or name";
        case REPEATS_MATCH:
            return "repeated characters or words";
        case SEQUENCE_MATCH:
            return "a sequence such as abc or 1234";
        case SPATIAL_MATCH:
            return "a keyboard pattern such as qwerty";
        case DATE_MATCH:
        case YEAR_MATCH:
            return "dates or years";
        default:
            return nullptr;
    }
}

}  // namespace

core::result<> check_new_password(std::string_view password,
                                  const std::vector<std::string_view>& personal) {
    using core::errc;
    if (password.size() > password_max_bytes) {
        return core::fail(errc::bad_request, "the password must be at most 1024 bytes of UTF-8");
    }
    auto characters = count_code_points(password);
    if (!characters) return core::fail(errc::bad_request, "the password is not valid UTF-8");
    if (*characters < password_min_characters || *characters > password_max_characters) {
        return core::fail(errc::bad_request,
                          "the password must be 12 to 256 characters long (this one has " +
                              std::to_string(*characters) + ")");
    }
    if (password.find('\0') != std::string_view::npos) {
        return core::fail(errc::bad_request, "the password must not contain a NUL character");
    }
    std::vector<std::string> words;
    for (auto w : personal) {
        words.emplace_back(w);
        // The parts of an email are guessable on their own too.
        if (auto at = w.find('@'); at != std::string_view::npos) {
            words.emplace_back(w.substr(0, at));
            words.emplace_back(w.substr(at + 1));
        }
    }
    std::vector<const char*> dictionary;
    dictionary.reserve(words.size());
    for (const auto& w : words) dictionary.push_back(w.c_str());
    dictionary.push_back(nullptr);
    std::string text(password);
    ZxcMatch_t* info = nullptr;
    double bits = ZxcvbnMatch(text.c_str(), dictionary.data(), &info);
    std::set<std::string> found;
    for (auto* m = info; m != nullptr; m = m->Next) {
        if (const char* name = pattern_name(m->Type)) found.insert(name);
        // zxcvbn marks a part that repeats an earlier one, whatever its kind.
        if ((static_cast<int>(m->Type) & MULTIPLE_MATCH) != 0) {
            found.insert("repeated characters or words");
        }
    }
    ZxcvbnFreeInfo(info);
    if (bits >= password_min_entropy_bits) return {};
    std::string why;
    for (const auto& f : found) why += (why.empty() ? "" : ", ") + f;
    return core::fail(errc::bad_request,
                      "the password is too easy to guess" +
                          (why.empty() ? std::string() : " (it is built on " + why + ")") +
                          "; a few unrelated words or a longer phrase work well");
}

}  // namespace sc::staff
