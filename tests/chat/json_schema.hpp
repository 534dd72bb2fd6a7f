// A validator for the part of JSON Schema 2020-12 that docs/protocol.schema.json uses: $ref to
// its own $defs, type, const, enum, properties, required, additionalProperties: false, items,
// maxItems, minimum, maximum, minLength, maxLength (in code points), pattern, oneOf, anyOf.
// Any other keyword is reported as a problem, so the schema cannot rely on a rule this
// validator would silently skip. Test support only: no new dependency for the server.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sc::test_support {

class json_schema {
  public:
    explicit json_schema(boost::json::object root) : root_(std::move(root)) {}

    /// What is wrong with `v` as an instance of the definition `def`; empty when it fits.
    std::vector<std::string> problems(const boost::json::value& v, std::string_view def) const;

    /// The definition `def` of $defs.
    const boost::json::object& definition(std::string_view def) const;
    /// Follows a $ref to a definition of this schema.
    const boost::json::object& resolve(const boost::json::object& s) const;
    /// The frames an entry point (a oneOf of frame definitions) lists, by their `type` const.
    std::vector<std::pair<std::string, const boost::json::object*>> frames_of(
        std::string_view entry) const;

  private:
    void check(const boost::json::object& s, const boost::json::value& v, const std::string& at,
               std::vector<std::string>& out) const;

    boost::json::object root_;
};

}  // namespace sc::test_support
