#include "store/sqlite/traffic_repository.hpp"

namespace sc::store {}  // namespace sc::store
