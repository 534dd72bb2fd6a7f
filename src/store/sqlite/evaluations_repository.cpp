#include "store/sqlite/evaluations_repository.hpp"

namespace sc::store {}  // namespace sc::store
