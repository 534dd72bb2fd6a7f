// Prints docs/openapi.json as the route table yields it:
//   build/tests/openapi_print > docs/openapi.json
#include <iostream>

#include "openapi.hpp"

int main() {
    std::cout << sc::http::pretty_json(sc::http::openapi_description(SAFECONNECT_SOURCE_DIR));
    return 0;
}
