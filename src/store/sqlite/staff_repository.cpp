#include "store/sqlite/staff_repository.hpp"

namespace sc::store {}  // namespace sc::store
