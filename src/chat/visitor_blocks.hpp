// Blocked visitors: network keys (the salted in-memory hash of an address) that an advocate
// blocked after an abusive, threatening or prank contact. A blocked key may not start a chat
// or send a message until the block expires or a supervisor lifts it. Blocks live in this
// object only, never on disk or in a log, so a restart ends every one of them; consoles and
// the audit log know a block only by its opaque id, which says nothing about the key.
//
// Not thread-safe: the hub calls it under its own mutex.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sc::chat {

/// Why a visitor was blocked: a fixed code, never free text, so it can hold no visitor data.
bool valid_block_reason(std::string_view code);

struct visitor_block {
    std::string id;              // random, 16 hex characters; unrelated to the network key
    std::int64_t placed_by = 0;  // staff id
    core::time_point placed_at{};
    core::time_point expires_at{};
    std::string reason;
};

class visitor_blocks {
  public:
    visitor_blocks(const core::clock& clock, std::chrono::seconds duration);

    /// Blocks `network_key` for the configured duration. A key that is already blocked keeps
    /// its block id, and the block is renewed (new placer, reason and expiry).
    core::result<visitor_block> place(const std::string& network_key, std::int64_t staff_id,
                                      const std::string& reason);
    bool is_blocked(const std::string& network_key);
    /// Ends a block early; not_found when no active block has this id.
    core::result<> lift(const std::string& block_id);
    /// The active blocks, oldest first.
    std::vector<visitor_block> active();

  private:
    void drop_expired();

    const core::clock& clock_;
    std::chrono::seconds duration_;
    std::map<std::string, visitor_block> by_key_;
};

}  // namespace sc::chat
