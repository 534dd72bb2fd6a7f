#include "store/sqlite/key_vault_repository.hpp"

namespace sc::store {}  // namespace sc::store
