// A route's path pattern with typed parameters: "/api/staff/users/{id:int}/disable".
// A literal segment matches itself exactly; "{name}" matches one non-empty segment,
// percent-decoded; "{name:int}" matches a decimal number that fits in 64 bits, digits only.
// Nothing else matches: no trailing slash, no empty segment, no malformed escape. Optional
// query parameters may follow for the record ("/api/staff/audit?before={before:int}"); a
// path matches whatever its query string holds, and the handler reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sc::http {

/// The parameters a path matched, by name, decoded and checked against their type.
class path_params {
  public:
    /// The text of a parameter; empty if the pattern has none of that name.
    const std::string& text(std::string_view name) const;
    /// An {name:int} parameter; 0 if there is none of that name.
    std::int64_t integer(std::string_view name) const;
    void add(std::string name, std::string text, std::int64_t number);

  private:
    struct value {
        std::string name;
        std::string text;
        std::int64_t number = 0;
    };
    std::vector<value> values_;
};

class path_pattern {
  public:
    enum class kind { literal, text, integer };
    struct segment {
        kind type;
        std::string name;  // the literal itself, or the parameter's name
    };

    /// Throws std::invalid_argument for a malformed pattern (a bug in the route table).
    path_pattern(const char* text);  // NOLINT(google-explicit-constructor): table syntax

    std::optional<path_params> match(std::string_view path) const;

    const std::string& text() const { return text_; }
    const std::vector<segment>& segments() const { return segments_; }
    /// The optional query parameters ("{before:int}" gives {integer, "before"}).
    const std::vector<segment>& query() const { return query_; }
    /// The pattern without parameter types, as OpenAPI writes paths: "/api/staff/users/{id}".
    std::string template_path() const;

  private:
    std::string text_;
    std::vector<segment> segments_;
    std::vector<segment> query_;
};

/// Decodes %XX escapes; nothing for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace sc::http
