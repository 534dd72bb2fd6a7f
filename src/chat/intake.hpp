// The optional intake form: the policy's seven fields, each optional. A chat starts with
// none of them.
#pragma once

#include "core/error.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sc::chat {

inline constexpr std::array<std::string_view, 7> intake_fields{
    "name", "gender", "age", "city", "state", "zip", "heard_about"};

inline constexpr std::size_t intake_field_max = 100;

/// Validates a visitor's intake object; returns the kept (non-empty, trimmed) fields.
core::result<boost::json::object> validate_intake(const boost::json::value* intake);

}  // namespace sc::chat
