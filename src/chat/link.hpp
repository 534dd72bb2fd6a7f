// What the hub needs of a live connection: push a frame, or close it. The transport
// implements it; the hub never sees sockets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace sc::chat {

/// An encoded frame. Shared, so that a frame for many connections is encoded once and each
/// connection's queue holds the same bytes.
using frame_ptr = std::shared_ptr<const std::string>;

inline frame_ptr make_frame(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

class link {
  public:
    virtual ~link() = default;
    /// Queues a text frame; safe from any thread, never blocks.
    virtual void deliver(frame_ptr frame) = 0;
    /// Sends a close frame with `code` after what is already queued; safe from any thread.
    virtual void close(std::uint16_t code, std::string reason) = 0;
};

}  // namespace sc::chat
