// Who may take which conversation: today, capacity (an advocate holds at most so many chats
// at once); later, language and member organization. Pure rules over what the caller knows.
#pragma once

#include "conversations/types.hpp"
#include "core/error.hpp"

#include <cstdint>

namespace sc::conversations {

/// What routing needs to know of an advocate.
struct advocate_load {
    std::int64_t staff_id = 0;
    bool online = false;
    int active_chats = 0;
};

class routing {
  public:
    explicit routing(int max_chats_per_advocate) : max_chats_(max_chats_per_advocate) {}

    int max_chats() const { return max_chats_; }
    /// `who` asks to take a conversation that is `now`.
    core::result<> may_accept(status now, const advocate_load& who) const;
    /// A conversation held by `from` is to move to `to`.
    core::result<> may_transfer(std::int64_t from, const advocate_load& to) const;

  private:
    int max_chats_;
};

}  // namespace sc::conversations
