// One staff console connection's side of the protocol. The transport has already checked
// the session cookie and origin; the first frame must prove the CSRF token.
#pragma once

#include "chat/frame_gate.hpp"
#include "chat/hub.hpp"
#include "staff/accounts.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace sc::chat {

class staff_session {
  public:
    staff_session(hub& h, const core::clock& clock, std::shared_ptr<link> l, staff::member who,
                  std::string expected_csrf, std::string session_id = {});
    void on_frame(std::string_view text);
    void on_binary();
    void on_close();

  private:
    core::result<> handle(const boost::json::object& frame, const std::string& type);

    hub& hub_;
    std::shared_ptr<link> link_;
    staff::member who_;
    std::string expected_csrf_;
    std::string session_id_;
    bool joined_ = false;
    frame_gate gate_;
};

}  // namespace sc::chat
