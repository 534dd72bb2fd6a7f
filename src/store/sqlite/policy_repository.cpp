#include "store/sqlite/policy_repository.hpp"

namespace sc::store {}  // namespace sc::store
