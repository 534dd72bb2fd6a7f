// The WebSocket chat as a channel: the visitor's side of a conversation, told to a /ws/visitor
// connection as the frames of docs/PROTOCOL.md.
#pragma once

#include "chat/link.hpp"
#include "conversations/visitor_endpoint.hpp"

#include <memory>

namespace sc::chat {

class websocket_visitor final : public conversations::visitor_endpoint {
  public:
    /// What the core tells once the connection is gone is dropped.
    explicit websocket_visitor(std::weak_ptr<link> to) : to_(std::move(to)) {}

    conversations::channel channel() const override { return conversations::channel::chat; }
    void started(std::string_view resume_token,
                 const conversations::visitor_view& conversation) override;
    void resumed(const conversations::visitor_view& conversation,
                 conversations::transcript_ptr missed) override;
    void message(const conversations::message_ptr& m) override;
    void acknowledged(std::string_view client_id, std::int64_t seq) override;
    void waiting(std::size_t position, std::chrono::seconds estimate) override;
    void advocate_typing(bool active) override;
    void ended(conversations::closed_by by) override;
    void failed(const core::error& e, std::string_view client_id) override;
    void replaced() override;

  private:
    void send(std::string frame);

    std::weak_ptr<link> to_;
};

}  // namespace sc::chat
