#include "store/sqlite/policy_repository.hpp"

#include <charconv>

namespace sc::store {

std::vector<policy_version_row> sqlite_policy_repository::versions() {
    auto s = db_.prepare(
        "SELECT version, markdown, effective_at, published_at, published_by,"
        " retention_hours FROM policy_versions ORDER BY version");
    std::vector<policy_version_row> out;
    while (s.step()) {
        out.push_back({s.integer(0), s.text(1), s.integer(2), s.integer(3), s.optional_integer(4),
                       static_cast<int>(s.integer(5))});
    }
    return out;
}

void sqlite_policy_repository::add_first_version(const std::string& markdown, std::int64_t at,
                                                 int retention_hours) {
    db_.prepare(
           "INSERT INTO policy_versions (version, markdown, effective_at, published_at,"
           " retention_hours) VALUES (1, ?, ?, ?, ?)")
        .bind(1, markdown)
        .bind(2, at)
        .bind(3, at)
        .bind(4, retention_hours)
        .run();
}

std::int64_t sqlite_policy_repository::add_version(const policy_version_row& row) {
    auto s = db_.prepare(
        "INSERT INTO policy_versions (markdown, effective_at, published_at, published_by,"
        " retention_hours) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, row.markdown).bind(2, row.effective_at).bind(3, row.published_at);
    if (row.published_by) {
        s.bind(4, *row.published_by);
    } else {
        s.bind_null(4);
    }
    s.bind(5, row.retention_hours).run();
    return db_.last_insert_id();
}

void sqlite_policy_repository::reschedule_retention(int retention_hours, std::int64_t after) {
    db_.prepare("UPDATE policy_versions SET retention_hours = ? WHERE effective_at > ?")
        .bind(1, retention_hours)
        .bind(2, after)
        .run();
}

std::optional<int> sqlite_policy_repository::retention_hours() {
    auto s = db_.prepare("SELECT value FROM settings WHERE key = 'retention_hours'");
    if (!s.step()) return std::nullopt;
    auto text = s.text(0);
    int hours = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), hours).ec != std::errc{}) {
        return std::nullopt;
    }
    return hours;
}

void sqlite_policy_repository::set_retention_hours(int hours) {
    db_.prepare(
           "INSERT INTO settings (key, value) VALUES ('retention_hours', ?)"
           " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(1, std::to_string(hours))
        .run();
}

}  // namespace sc::store
