#include "store/sqlite/conversations_repository.hpp"

namespace sc::store {

std::vector<closed_conversation_row> sqlite_conversation_repository::list_closed(int limit) {
    auto s = db_.prepare(
        "SELECT c.id, c.closed_at, coalesce(c.closed_by, ''), coalesce(m.name, ''),"
        " coalesce(c.disposition, ''), c.legal_hold FROM conversations c"
        " LEFT JOIN staff m ON m.id = c.staff_id WHERE c.status = 'closed'"
        " ORDER BY c.closed_at DESC LIMIT ?");
    s.bind(1, limit);
    std::vector<closed_conversation_row> out;
    while (s.step()) {
        out.push_back(
            {s.text(0), s.optional_integer(1), s.text(2), s.text(3), s.text(4), s.integer(5) != 0});
    }
    return out;
}

}  // namespace sc::store
