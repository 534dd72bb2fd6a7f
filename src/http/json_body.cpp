#include "http/json_body.hpp"

#include <boost/json/parse.hpp>

namespace sc::http {

using core::errc;

core::result<json_body> json_body::parse(const request& req) {
    boost::system::error_code ec;
    auto v = boost::json::parse(req.body, ec);
    if (ec || !v.is_object()) {
        return core::fail(errc::bad_request, "the request body must be a JSON object");
    }
    return json_body(std::move(v.as_object()));
}

core::result<std::string> json_body::text(std::string_view field) const {
    const auto* v = object_.if_contains(field);
    if (v == nullptr || !v->is_string()) {
        return core::fail(errc::bad_request, "field '" + std::string(field) + "' is required");
    }
    return std::string(v->as_string());
}

core::result<std::int64_t> json_body::integer(std::string_view field, std::int64_t min,
                                              std::int64_t max) const {
    const auto* v = object_.if_contains(field);
    if (v == nullptr || !v->is_int64() || v->as_int64() < min || v->as_int64() > max) {
        return core::fail(errc::bad_request,
                          "field '" + std::string(field) + "' must be a whole number from " +
                              std::to_string(min) + " to " + std::to_string(max));
    }
    return v->as_int64();
}

const boost::json::value* json_body::optional(std::string_view field) const {
    const auto* v = object_.if_contains(field);
    return v == nullptr || v->is_null() ? nullptr : v;
}

}  // namespace sc::http
