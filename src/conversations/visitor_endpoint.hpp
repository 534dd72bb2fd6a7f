// What the conversation core tells the visitor's side of a conversation, whatever channel
// carries it. A channel's adapter implements it: the WebSocket chat turns each call into a
// frame (chat/websocket_visitor.hpp); a page without JavaScript or an email thread will turn
// them into what their transport can show.
//
// The core calls these after it has let go of its lock, in the order it decided them, from
// any thread; an implementation queues and never blocks.
#pragma once

#include "conversations/closing.hpp"
#include "conversations/message.hpp"
#include "conversations/types.hpp"
#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sc::conversations {

/// Where the visitor's conversation stands.
struct visitor_view {
    status state = status::waiting;
    std::int64_t last_seq = 0;
    std::optional<std::string> advocate;  // who holds the chat, once somebody does
};

class visitor_endpoint {
  public:
    virtual ~visitor_endpoint() = default;

    /// The channel this endpoint belongs to; its conversations are recorded as that channel's.
    virtual conversations::channel channel() const = 0;

    /// The conversation exists; `resume_token` (shown to nobody else, stored only hashed)
    /// lets the visitor come back to it.
    virtual void started(std::string_view resume_token, const visitor_view& conversation) = 0;
    /// The visitor is back; `missed` follows with what they had not seen.
    virtual void resumed(const visitor_view& conversation, transcript_ptr missed) = 0;
    /// A message is stored: the visitor's own, the advocate's, or the service's.
    virtual void message(const message_ptr& m) = 0;
    /// The visitor's message sent as `client_id` is stored as `seq`.
    virtual void acknowledged(std::string_view client_id, std::int64_t seq) = 0;
    /// Still waiting: `position` in the queue (1 is next) and the estimated wait.
    virtual void waiting(std::size_t position, std::chrono::seconds estimate) = 0;
    virtual void advocate_typing(bool active) = 0;
    virtual void ended(closed_by by) = 0;
    /// Something the visitor asked for failed after it was accepted (the store refused it);
    /// `client_id` names the message it concerns, if any.
    virtual void failed(const core::error& e, std::string_view client_id = {}) = 0;
    /// The conversation went on through another connection: this one is done with it.
    virtual void replaced() = 0;
};

}  // namespace sc::conversations
