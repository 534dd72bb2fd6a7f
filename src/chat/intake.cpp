#include "chat/intake.hpp"

#include "chat/text.hpp"

#include <algorithm>
#include <charconv>

namespace sc::chat {
namespace {

bool valid_zip(std::string_view zip) {
    if (zip.size() < 3 || zip.size() > 10) return false;
    return std::all_of(zip.begin(), zip.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == ' ' || c == '-';
    });
}

bool valid_age(std::string_view age) {
    // Digits only: from_chars alone would also take "-0".
    if (age.empty() ||
        !std::all_of(age.begin(), age.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    int v = -1;
    auto [end, ec] = std::from_chars(age.data(), age.data() + age.size(), v);
    return ec == std::errc{} && end == age.data() + age.size() && v >= 0 && v <= 120;
}

}  // namespace

core::result<boost::json::object> validate_intake(const boost::json::value* intake) {
    boost::json::object kept;
    if (intake == nullptr || intake->is_null()) return kept;
    if (!intake->is_object()) {
        return core::fail(core::errc::bad_request, "field 'intake' must be an object");
    }
    for (const auto& [key, v] : intake->as_object()) {
        if (std::find(intake_fields.begin(), intake_fields.end(), key) == intake_fields.end()) {
            return core::fail(core::errc::bad_request,
                              "intake has no field '" + std::string(key) + "'");
        }
        std::string text;
        if (v.is_string()) {
            text = std::string(trim(v.as_string()));
        } else if (key == "age" && v.is_int64()) {
            text = std::to_string(v.as_int64());
        } else if (v.is_null()) {
            continue;
        } else {
            return core::fail(core::errc::bad_request,
                              "intake field '" + std::string(key) + "' must be a string");
        }
        if (text.empty()) continue;
        if (utf8_length(text) > intake_field_max) {
            return core::fail(core::errc::bad_request, "intake field '" + std::string(key) +
                                                           "' is longer than 100 characters");
        }
        if (key == "age" && !valid_age(text)) {
            return core::fail(core::errc::bad_request,
                              "intake field 'age' must be a whole number from 0 to 120");
        }
        if (key == "zip" && !valid_zip(text)) {
            return core::fail(
                core::errc::bad_request,
                "intake field 'zip' must be 3 to 10 digits, letters, spaces or dashes");
        }
        kept[key] = text;
    }
    return kept;
}

}  // namespace sc::chat
