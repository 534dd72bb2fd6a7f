// The numbering and idempotency of one conversation's messages. Every message gets the next
// `seq` before it is stored; a client's resend (same client id) is recognised and answered
// with the first number; a message whose commit failed gives its number back, so the numbers
// the clients see never have a gap. Pure: the store is the caller's business.
#pragma once

#include "conversations/types.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace sc::conversations {

class message_log {
  public:
    explicit message_log(std::int64_t last_seq = 0) : last_seq_(last_seq) {}

    struct known {
        std::int64_t seq = 0;
        bool stored = false;  // false while its commit is under way
        std::uint64_t epoch = 0;
    };
    /// What the log knows of `client_id` from `who` (only visitors and advocates have ids).
    std::optional<known> find(sender who, const std::string& client_id) const;

    /// A number handed out and not yet stored.
    struct reservation {
        std::int64_t seq = 0;
        std::uint64_t epoch = 0;
    };
    /// The next number, for a new message; a non-empty `client_id` is remembered as pending.
    reservation reserve(sender who, const std::string& client_id);
    /// The message with this reservation is durable.
    void stored(sender who, const std::string& client_id);
    /// Its commit failed: the client id is forgotten (a resend is a new message), and the
    /// first failure since the last one takes the count back to before it. The messages
    /// numbered after it in the meantime fail in the store too (each must follow the last
    /// stored one), and their failures change nothing more.
    void failed(const reservation& r, sender who, const std::string& client_id);
    /// A message already in the store (at start).
    void remember(sender who, std::string client_id, std::int64_t seq);

    std::int64_t last_seq() const { return last_seq_; }

  private:
    using client_ids = std::map<std::string, known>;
    /// The ids of visitors ([0]) and advocates ([1]); system messages have none.
    static std::optional<std::size_t> slot(sender who);

    std::int64_t last_seq_ = 0;
    std::uint64_t epoch_ = 0;
    std::array<client_ids, 2> ids_;
};

}  // namespace sc::conversations
