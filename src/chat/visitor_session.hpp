// One visitor connection's side of the protocol: reads frames, checks them, and calls the
// hub; what the hub answers reaches the connection through websocket_visitor. The transport
// feeds it text frames and tells it when the connection is gone.
#pragma once

#include "chat/frame_gate.hpp"
#include "chat/handler_table.hpp"
#include "chat/hub.hpp"
#include "chat/websocket_visitor.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sc::chat {

class visitor_session {
  public:
    /// `network_key` is the salted hash standing in for the client's address.
    visitor_session(hub& h, const core::clock& clock, std::shared_ptr<link> l,
                    std::string network_key);
    void on_frame(std::string_view text);
    void on_binary();
    void on_close();
    /// The request `type`s this endpoint handles (`ping` is answered by the frame gate).
    static std::vector<std::string_view> request_types();

  private:
    static const handler_table<visitor_session>& handlers();
    core::result<> handle(const boost::json::object& frame, const std::string& type);
    core::result<> start(const boost::json::object& frame);
    core::result<> resume(const boost::json::object& frame);
    core::result<> send(const boost::json::object& frame);
    core::result<> typing(const boost::json::object& frame);
    core::result<> end(const boost::json::object& frame);

    hub& hub_;
    std::shared_ptr<link> link_;
    std::shared_ptr<websocket_visitor> visitor_;  // what the hub tells this connection
    std::string network_key_;
    frame_gate gate_;
};

}  // namespace sc::chat
