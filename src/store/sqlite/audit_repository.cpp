#include "store/sqlite/audit_repository.hpp"

namespace sc::store {}  // namespace sc::store
