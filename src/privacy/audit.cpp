#include "privacy/audit.hpp"

#include "store/audit.hpp"

namespace sc::privacy {

void audit(store::unit_of_work& work, core::time_point at, std::optional<std::int64_t> staff_id,
           const std::string& action, const std::string& subject) {
    work.audit().append(core::unix_seconds(at), staff_id, action, subject);
}

}  // namespace sc::privacy
