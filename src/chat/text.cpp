#include "chat/text.hpp"

namespace sc::chat {

std::string_view trim(std::string_view s) {
    constexpr std::string_view space = " \t\r\n\f\v";
    auto b = s.find_first_not_of(space);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(space);
    return s.substr(b, e - b + 1);
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return s;
    std::size_t end = max_bytes;
    // Step back over continuation bytes to the start of the character that did not fit.
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end);
}

}  // namespace sc::chat
