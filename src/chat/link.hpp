// What the hub needs of a live connection: push a frame, or close it. The transport
// implements it; the hub never sees sockets.
#pragma once

#include <cstdint>
#include <string>

namespace sc::chat {

class link {
public:
    virtual ~link() = default;
    /// Queues a text frame; safe from any thread, never blocks.
    virtual void deliver(std::string frame) = 0;
    /// Sends a close frame with `code` after what is already queued; safe from any thread.
    virtual void close(std::uint16_t code, std::string reason) = 0;
};

}  // namespace sc::chat
