// What the hub needs of a live connection: push a frame, or close it. The transport
// implements it; the hub never sees sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace sc::chat {

/// An encoded frame. Shared, so that a frame for many connections is encoded once and each
/// connection's queue holds the same bytes.
using frame_ptr = std::shared_ptr<const std::string>;

inline frame_ptr make_frame(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

/// A frame whose text is made only when a connection is about to queue it, on the
/// transport's own thread: decrypting and encoding a transcript then happens neither on the
/// store's thread nor under the hub's lock, and the frame still keeps its place in each
/// connection's order. However many connections it goes to, it is made once.
class deferred_frame {
  public:
    explicit deferred_frame(std::function<std::string()> make) : make_(std::move(make)) {}

    /// The frame's text; the first caller makes it. Safe from any thread.
    frame_ptr get() {
        std::call_once(made_once_, [this] {
            made_ = make_frame(make_());
            make_ = nullptr;  // let go of what it was made from (a conversation's key)
        });
        return made_;
    }

  private:
    std::once_flag made_once_;
    std::function<std::string()> make_;
    frame_ptr made_;
};
using deferred_ptr = std::shared_ptr<deferred_frame>;

class link {
  public:
    virtual ~link() = default;
    /// Queues a text frame; safe from any thread, never blocks.
    virtual void deliver(frame_ptr frame) = 0;
    /// Queues a frame made later (see deferred_frame), in order with the others. A transport
    /// makes it on its own thread; this default makes it at once, on the caller's.
    virtual void deliver(const deferred_ptr& frame) { deliver(frame->get()); }
    /// Sends a close frame with `code` after what is already queued; safe from any thread.
    virtual void close(std::uint16_t code, std::string reason) = 0;
};

}  // namespace sc::chat
