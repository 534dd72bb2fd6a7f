// The fan-out: what the hub decides to send while it holds its lock is queued here, each
// frame encoded once however many consoles it goes to, and delivered after the lock is let
// go. The delivery lock is taken before the hub's lock is released, so what one section
// decided reaches each connection before what the next decided, while the hub already
// serves others. Connections queue and return (link::deliver), so delivery never blocks on
// a slow reader.
#pragma once

#include "chat/link.hpp"
#include "conversations/visitor_endpoint.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sc::chat {

class outbox {
  public:
    using endpoint_call = std::function<void(conversations::visitor_endpoint&)>;

    // Each queues, for a connection that still exists (a null one is skipped).
    void send(const std::shared_ptr<link>& to, frame_ptr frame);
    void send(const std::shared_ptr<link>& to, deferred_ptr frame);
    void close(const std::shared_ptr<link>& to, std::uint16_t code, std::string reason);
    void tell(std::shared_ptr<conversations::visitor_endpoint> to, endpoint_call call);

    /// Unlocks `decided` (the lock everything queued was decided under) and delivers what
    /// was queued, in order. Call with `decided` held.
    void deliver(std::unique_lock<std::mutex>& decided);

  private:
    /// One of: a frame, a deferred frame or a close for a connection; or a call for a
    /// visitor's endpoint.
    struct item {
        std::shared_ptr<link> to = {};
        frame_ptr frame = {};
        deferred_ptr deferred = {};
        std::uint16_t close_code = 0;
        std::string close_reason = {};
        std::shared_ptr<conversations::visitor_endpoint> visitor = {};
        endpoint_call call = {};
    };
    std::vector<item> items_;  // guarded by the caller's lock
    std::mutex delivering_;
};

}  // namespace sc::chat
