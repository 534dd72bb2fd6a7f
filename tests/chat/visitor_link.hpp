// A test's connection, with the visitor endpoint a visitor_session would hold for it: the
// WebSocket channel over that connection, made on first use and living as long as it does.
#pragma once

#include "chat/link.hpp"
#include "chat/websocket_visitor.hpp"

#include <memory>

namespace sc::chat {

template <class Self>
class visitor_link : public link, public std::enable_shared_from_this<Self> {
  public:
    /// What the hub's visitor side is given for this connection.
    std::shared_ptr<websocket_visitor> visitor() {
        if (!endpoint_) endpoint_ = std::make_shared<websocket_visitor>(this->weak_from_this());
        return endpoint_;
    }

  private:
    std::shared_ptr<websocket_visitor> endpoint_;
};

}  // namespace sc::chat
