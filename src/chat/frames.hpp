// Building and reading the JSON frames of docs/PROTOCOL.md.
#pragma once

#include "core/error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sc::chat {

/// Parses a frame: a JSON object with a string `type`.
core::result<boost::json::object> parse_frame(std::string_view text);

std::string encode(const boost::json::object& frame);
std::string error_frame(const core::error& e, std::string_view ref = {});

/// Field readers that name the field in their error.
core::result<std::string> get_string(const boost::json::object& o, std::string_view field,
                                     std::size_t min_len, std::size_t max_len);
core::result<bool> get_bool(const boost::json::object& o, std::string_view field);
core::result<std::int64_t> get_int(const boost::json::object& o, std::string_view field,
                                   std::int64_t min, std::int64_t max);
/// Message text: trimmed, 1 to 4,000 characters.
core::result<std::string> get_text(const boost::json::object& o);

inline constexpr std::size_t text_max_chars = 4000;

}  // namespace sc::chat
