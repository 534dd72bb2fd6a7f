// docs/API.md and the route table list the same routes: one missing from either fails.
// A route is documented by a table row whose first cell is `METHOD /path`, the path written
// as in the table without parameter types (`/api/staff/users/{id}/disable`).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "http/route.hpp"

namespace sc::http {
namespace {

std::set<std::string> documented_routes() {
    std::ifstream in(std::filesystem::path(SAFECONNECT_SOURCE_DIR) / "docs" / "API.md");
    EXPECT_TRUE(in) << "cannot read docs/API.md";
    std::set<std::string> out;
    const std::regex row(R"(^\|\s*`(GET|POST|PUT|PATCH|DELETE) (/[^`?\s]*)(\?[^`]*)?`)");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, row)) out.insert(m[1].str() + " " + m[2].str());
    }
    return out;
}

std::set<std::string> table_routes() {
    std::set<std::string> out;
    for (const auto& r : routes()) {
        out.insert(std::string(verb_name(r.method)) + " " + r.path.template_path());
    }
    return out;
}

TEST(api_doc, every_route_in_the_table_is_in_docs_api_md) {
    auto docs = documented_routes();
    for (const auto& r : table_routes()) {
        EXPECT_TRUE(docs.contains(r)) << r << " is served but not in docs/API.md";
    }
}

TEST(api_doc, every_route_in_docs_api_md_is_in_the_table) {
    auto table = table_routes();
    for (const auto& r : documented_routes()) {
        EXPECT_TRUE(table.contains(r))
            << r << " is in docs/API.md but the server has no such route";
    }
}

TEST(api_doc, the_table_is_not_empty) { EXPECT_GT(table_routes().size(), 30u); }

}  // namespace
}  // namespace sc::http
