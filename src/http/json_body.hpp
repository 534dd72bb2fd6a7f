// The one way a handler reads its JSON request body: an object with typed fields. Every
// refusal is bad_request (400) with a message that names the field.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

namespace sc::http {

class json_body {
  public:
    /// Refuses a body that is not a JSON object: "the request body must be a JSON object".
    static core::result<json_body> parse(const request& req);

    /// A required string: "field 'NAME' is required" when absent or not a string.
    core::result<std::string> text(std::string_view field) const;
    /// Several required strings, in the order named; the first one missing is refused.
    template <std::size_t N>
    core::result<std::array<std::string, N>> texts(const char* const (&fields)[N]) const {
        std::array<std::string, N> out;
        for (std::size_t i = 0; i < N; ++i) {
            auto v = text(fields[i]);
            if (!v) return v.error();
            out[i] = std::move(*v);
        }
        return out;
    }
    /// A required whole number from `min` to `max`: "field 'NAME' must be a whole number
    /// from MIN to MAX" otherwise.
    core::result<std::int64_t> integer(std::string_view field, std::int64_t min,
                                       std::int64_t max) const;
    /// An optional field: null when absent or JSON null.
    const boost::json::value* optional(std::string_view field) const;

  private:
    explicit json_body(boost::json::object o) : object_(std::move(o)) {}
    boost::json::object object_;
};

/// Reads the required string fields of a request's body in one step.
template <std::size_t N>
core::result<std::array<std::string, N>> body_texts(const request& req,
                                                    const char* const (&fields)[N]) {
    auto body = json_body::parse(req);
    if (!body) return body.error();
    return body->texts(fields);
}

}  // namespace sc::http
