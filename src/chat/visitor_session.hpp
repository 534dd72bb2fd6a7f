// One visitor connection's side of the protocol: reads frames, checks them, and calls the
// hub. The transport feeds it text frames and tells it when the connection is gone.
#pragma once

#include "chat/frame_gate.hpp"
#include "chat/hub.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace sc::chat {

class visitor_session {
  public:
    /// `network_key` is the salted hash standing in for the client's address.
    visitor_session(hub& h, const core::clock& clock, std::shared_ptr<link> l,
                    std::string network_key);
    void on_frame(std::string_view text);
    void on_binary();
    void on_close();

  private:
    core::result<> handle(const boost::json::object& frame, const std::string& type);

    hub& hub_;
    std::shared_ptr<link> link_;
    std::string network_key_;
    frame_gate gate_;
};

}  // namespace sc::chat
