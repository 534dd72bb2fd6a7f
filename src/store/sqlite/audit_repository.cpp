#include "store/sqlite/audit_repository.hpp"

namespace sc::store {

void sqlite_audit_repository::append(std::int64_t at, std::optional<std::int64_t> staff_id,
                                     const std::string& action, const std::string& subject) {
    auto s =
        db_.prepare("INSERT INTO audit_log (at, staff_id, action, subject) VALUES (?, ?, ?, ?)");
    s.bind(1, at);
    if (staff_id) {
        s.bind(2, *staff_id);
    } else {
        s.bind_null(2);
    }
    s.bind(3, action).bind(4, subject).run();
}

std::vector<audit_row> sqlite_audit_repository::newest(int limit, std::int64_t before_id) {
    auto s = db_.prepare(
        "SELECT id, at, staff_id, action, subject FROM audit_log WHERE (? = 0 OR id < ?)"
        " ORDER BY id DESC LIMIT ?");
    s.bind(1, before_id).bind(2, before_id).bind(3, limit);
    std::vector<audit_row> out;
    while (s.step()) {
        out.push_back({s.integer(0), s.integer(1), s.optional_integer(2), s.text(3), s.text(4)});
    }
    return out;
}

}  // namespace sc::store
