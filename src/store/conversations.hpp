// The repository of conversations and their messages, and the claims on them: what the domains may
// ask of the store, with plain row types. Each engine implements it (the SQLite one in
// store/sqlite/conversations_repository.hpp).
#pragma once

namespace sc::store {

class conversation_repository {
  public:
    conversation_repository() = default;
    conversation_repository(const conversation_repository&) = delete;
    conversation_repository& operator=(const conversation_repository&) = delete;
    virtual ~conversation_repository() = default;
};

}  // namespace sc::store
