#include "chat/frames.hpp"

#include "chat/text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sc::chat {

namespace json = boost::json;

core::result<json::object> parse_frame(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return core::fail(core::errc::bad_json, "the frame is not valid JSON");
    if (!v.is_object()) return core::fail(core::errc::bad_json, "the frame must be a JSON object");
    auto& o = v.as_object();
    auto* type = o.if_contains("type");
    if (type == nullptr || !type->is_string()) {
        return core::fail(core::errc::bad_request, "field 'type' must be a string");
    }
    return std::move(o);
}

std::string encode(const json::object& frame) { return json::serialize(frame); }

std::string error_frame(const core::error& e, std::string_view ref) {
    json::object o{{"type", "error"}, {"code", core::code_name(e.code)}, {"message", e.message}};
    if (!ref.empty()) o["ref"] = ref;
    return encode(o);
}

core::result<std::string> get_string(const json::object& o, std::string_view field,
                                     std::size_t min_len, std::size_t max_len) {
    auto* v = o.if_contains(field);
    if (v == nullptr || !v->is_string()) {
        return core::fail(core::errc::bad_request,
                          "field '" + std::string(field) + "' must be a string");
    }
    std::string s(v->as_string());
    auto n = utf8_length(s);
    if (n < min_len || n > max_len) {
        return core::fail(core::errc::bad_request, "field '" + std::string(field) + "' must be " +
                                                       std::to_string(min_len) + " to " +
                                                       std::to_string(max_len) + " characters");
    }
    return s;
}

core::result<bool> get_bool(const json::object& o, std::string_view field) {
    auto* v = o.if_contains(field);
    if (v == nullptr || !v->is_bool()) {
        return core::fail(core::errc::bad_request,
                          "field '" + std::string(field) + "' must be true or false");
    }
    return v->as_bool();
}

core::result<std::int64_t> get_int(const json::object& o, std::string_view field, std::int64_t min,
                                   std::int64_t max) {
    auto* v = o.if_contains(field);
    std::optional<std::int64_t> n;
    if (v != nullptr && v->is_int64()) n = v->as_int64();
    if (v != nullptr && v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(max)) {
        n = static_cast<std::int64_t>(v->as_uint64());
    }
    if (!n || *n < min || *n > max) {
        return core::fail(core::errc::bad_request,
                          "field '" + std::string(field) + "' must be a whole number from " +
                              std::to_string(min) + " to " + std::to_string(max));
    }
    return *n;
}

core::result<std::string> get_text(const json::object& o) {
    auto* v = o.if_contains("text");
    if (v == nullptr || !v->is_string()) {
        return core::fail(core::errc::bad_request, "field 'text' must be a string");
    }
    auto t = trim(v->as_string());
    if (t.empty()) return core::fail(core::errc::bad_request, "field 'text' is empty");
    if (utf8_length(t) > text_max_chars) {
        return core::fail(core::errc::bad_request, "field 'text' is longer than 4000 characters");
    }
    return std::string(t);
}

}  // namespace sc::chat
