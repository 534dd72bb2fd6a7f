// docs/PRIVACY.md promises to name every stored field. This test holds it to that: every
// column of every table in the database and the key vault must be listed under its table's
// heading, and every table the document lists must exist.
#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

namespace sc::store {
namespace {

using columns_by_table = std::map<std::string, std::set<std::string>>;

// Headings like "## Table `staff`: ..." or "## Tables `a` and `b`: ..." open a section; the
// first backticked cell of each table row below names a column.
columns_by_table documented_columns() {
    std::ifstream in(std::string(SAFECONNECT_SOURCE_DIR) + "/docs/PRIVACY.md");
    EXPECT_TRUE(in) << "docs/PRIVACY.md is missing";
    columns_by_table out;
    std::vector<std::string> current;
    const std::regex ticked("`([^`]+)`");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("## ")) {
            current.clear();
            if (!line.starts_with("## Table")) continue;
            auto heading = line.substr(0, line.find(':'));
            for (std::sregex_iterator it(heading.begin(), heading.end(), ticked), end; it != end;
                 ++it) {
                current.push_back((*it)[1]);
                out[(*it)[1]];
            }
        } else if (!current.empty() && line.starts_with("| `")) {
            auto column = line.substr(3, line.find('`', 3) - 3);
            for (const auto& t : current) out[t].insert(column);
        }
    }
    return out;
}

columns_by_table schema_columns(database& db) {
    columns_by_table out;
    for (std::string schema : {"main", "vault"}) {
        auto tables =
            db.prepare("SELECT name FROM " + schema +
                       ".sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        while (tables.step()) {
            auto table = tables.text(0);
            std::string qualified = schema == "main" ? table : schema + "." + table;
            auto cols = db.prepare("PRAGMA " + schema + ".table_info(" + table + ")");
            while (cols.step()) out[qualified].insert(cols.text(1));
        }
    }
    return out;
}

TEST(privacy_doc, every_stored_column_is_documented_under_its_table) {
    test_support::temp_dir dir;
    auto db = open_store(dir.path() / "safeconnect.db", dir.path() / "keys.db");
    auto documented = documented_columns();
    auto actual = schema_columns(*db);
    ASSERT_FALSE(actual.empty());
    for (const auto& [table, columns] : actual) {
        ASSERT_TRUE(documented.contains(table))
            << "table " << table << " is not described in docs/PRIVACY.md";
        for (const auto& c : columns) {
            EXPECT_TRUE(documented[table].contains(c))
                << "column " << table << "." << c << " is not described in docs/PRIVACY.md";
        }
    }
}

TEST(privacy_doc, every_documented_table_and_column_exists) {
    test_support::temp_dir dir;
    auto db = open_store(dir.path() / "safeconnect.db", dir.path() / "keys.db");
    auto actual = schema_columns(*db);
    for (const auto& [table, columns] : documented_columns()) {
        ASSERT_TRUE(actual.contains(table))
            << "docs/PRIVACY.md describes a table " << table << " that the schema does not have";
        for (const auto& c : columns) {
            EXPECT_TRUE(actual[table].contains(c)) << "docs/PRIVACY.md describes a column " << table
                                                   << "." << c << " that the schema does not have";
        }
    }
}

}  // namespace
}  // namespace sc::store
