// The OpenAPI 3.1 description of the HTTP API, made from the route table (src/http/routes.cpp)
// and the body schemas beside this file (api_schemas.json). docs/openapi.json is its
// output: tests/http/openapi_test.cpp fails when the committed file differs, and
// `build/tests/openapi_print > docs/openapi.json` writes it anew.
#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <string>

namespace sc::http {

/// The description; `schemas` is the JSON object of component schemas by name.
boost::json::value openapi_description(const boost::json::object& schemas);
/// The description with the schemas read from `source_dir`/tests/http/api_schemas.json.
boost::json::value openapi_description(const std::filesystem::path& source_dir);
/// JSON indented by two spaces, one member a line, ending in a newline.
std::string pretty_json(const boost::json::value& v);

}  // namespace sc::http
