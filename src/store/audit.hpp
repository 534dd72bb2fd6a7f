// The repository of the append-only audit log: what the domains may ask of the store, with plain
// row types. Each engine implements it (the SQLite one in store/sqlite/audit_repository.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::store {

struct audit_row {
    std::int64_t id = 0;
    std::int64_t at = 0;                   // unix seconds
    std::optional<std::int64_t> staff_id;  // empty: the system itself (scheduled purge)
    std::string action;
    std::string subject;
};

class audit_repository {
  public:
    audit_repository() = default;
    audit_repository(const audit_repository&) = delete;
    audit_repository& operator=(const audit_repository&) = delete;
    virtual ~audit_repository() = default;

    virtual void append(std::int64_t at, std::optional<std::int64_t> staff_id,
                        const std::string& action, const std::string& subject) = 0;
    /// At most `limit` entries, newest first; `before_id` pages backwards (0: from the newest).
    virtual std::vector<audit_row> newest(int limit, std::int64_t before_id) = 0;
};

}  // namespace sc::store
