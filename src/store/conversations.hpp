// The repository of conversations and their messages, and the claims on them: what the domains may
// ask of the store, with plain row types. Each engine implements it (the SQLite one in
// store/sqlite/conversations_repository.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sc::store {

struct closed_conversation_row;

class conversation_repository {
  public:
    conversation_repository() = default;
    conversation_repository(const conversation_repository&) = delete;
    conversation_repository& operator=(const conversation_repository&) = delete;
    virtual ~conversation_repository() = default;

    /// The `limit` most recently closed conversations, newest first, for the console's
    /// retention page.
    virtual std::vector<closed_conversation_row> list_closed(int limit) = 0;
};

struct closed_conversation_row {
    std::string id;
    std::optional<std::int64_t> closed_at;  // unix seconds
    std::string closed_by;                  // "visitor" or "advocate"; empty if unknown
    std::string advocate;                   // the name of the advocate who held it, or empty
    std::string disposition;                // empty if none was recorded
    bool legal_hold = false;
};

}  // namespace sc::store
