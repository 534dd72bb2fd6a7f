// Small text checks shared by the chat frames.
#pragma once

#include <string>
#include <string_view>

namespace sc::chat {

/// Surrounding white space removed.
std::string_view trim(std::string_view s);
/// True for well-formed UTF-8 (Boost.JSON already guarantees it for parsed strings).
std::size_t utf8_length(std::string_view s);
/// The longest start of well-formed UTF-8 `s` that fits in `max_bytes` without cutting a
/// character in two.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

}  // namespace sc::chat
