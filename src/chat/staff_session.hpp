// One staff console connection's side of the protocol. The transport has already checked
// the session cookie and origin; the first frame must prove the CSRF token.
#pragma once

#include "chat/frame_gate.hpp"
#include "chat/handler_table.hpp"
#include "chat/hub.hpp"
#include "staff/accounts.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sc::chat {

class staff_session {
  public:
    staff_session(hub& h, const core::clock& clock, std::shared_ptr<link> l, staff::member who,
                  std::string expected_csrf, std::string session_id = {});
    void on_frame(std::string_view text);
    void on_binary();
    void on_close();
    /// The request `type`s this endpoint handles (`ping` is answered by the frame gate).
    static std::vector<std::string_view> request_types();

  private:
    static const handler_table<staff_session>& handlers();
    core::result<> handle(const boost::json::object& frame, const std::string& type);
    core::result<> hello(const boost::json::object& frame);
    core::result<> availability(const boost::json::object& frame);
    core::result<> queue_page(const boost::json::object& frame);
    core::result<> blocks(const boost::json::object& frame);
    core::result<> unblock(const boost::json::object& frame);
    core::result<> accept(const boost::json::object& frame);
    core::result<> send(const boost::json::object& frame);
    core::result<> typing(const boost::json::object& frame);
    core::result<> transfer(const boost::json::object& frame);
    core::result<> end(const boost::json::object& frame);
    core::result<> block(const boost::json::object& frame);
    core::result<> history(const boost::json::object& frame);

    hub& hub_;
    std::shared_ptr<link> link_;
    staff::member who_;
    std::string expected_csrf_;
    std::string session_id_;
    bool joined_ = false;
    frame_gate gate_;
};

}  // namespace sc::chat
