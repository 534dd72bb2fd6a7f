// At most so many new chats an hour from one network (a salted hash of the visitor's
// address, never the address): one person cannot fill the queue. Memory only.
#pragma once

#include "core/clock.hpp"

#include <deque>
#include <map>
#include <string>

namespace sc::conversations {

class new_chat_limit {
  public:
    explicit new_chat_limit(int per_hour) : per_hour_(per_hour) {}

    /// Counts a new chat from `network_key` at `now`, or refuses it (and counts nothing).
    bool allow(const std::string& network_key, core::time_point now);

  private:
    int per_hour_;
    std::map<std::string, std::deque<core::time_point>> recent_;
};

}  // namespace sc::conversations
