#include "store/sqlite/conversations_repository.hpp"

namespace sc::store {}  // namespace sc::store
