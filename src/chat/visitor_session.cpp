#include "chat/visitor_session.hpp"

#include "chat/frames.hpp"
#include "chat/intake.hpp"
#include "chat/text.hpp"
#include "core/random.hpp"

namespace sc::chat {

using core::errc;

visitor_session::visitor_session(hub& h, const core::clock& clock, std::shared_ptr<link> l,
                                 std::string network_key)
    : hub_(h),
      link_(std::move(l)),
      visitor_(std::make_shared<websocket_visitor>(link_)),
      network_key_(std::move(network_key)),
      gate_(clock, *link_) {}

void visitor_session::on_frame(std::string_view text) {
    auto frame = gate_.admit(text);
    if (!frame) return;
    if (auto r = handle(frame->body, frame->type); !r) {
        link_->deliver(make_frame(error_frame(r.error(), frame->ref)));
    }
}

void visitor_session::on_binary() { gate_.refuse_binary(); }

void visitor_session::on_close() { hub_.visitor_gone(visitor_.get()); }

const handler_table<visitor_session>& visitor_session::handlers() {
    static const handler_table<visitor_session> table{{"start", &visitor_session::start},
                                                      {"resume", &visitor_session::resume},
                                                      {"send", &visitor_session::send},
                                                      {"typing", &visitor_session::typing},
                                                      {"end", &visitor_session::end}};
    return table;
}

std::vector<std::string_view> visitor_session::request_types() { return types_of(handlers()); }

core::result<> visitor_session::handle(const boost::json::object& frame, const std::string& type) {
    return dispatch(*this, handlers(), frame, type);
}

core::result<> visitor_session::start(const boost::json::object& frame) {
    auto intake = validate_intake(frame.if_contains("intake"));
    if (!intake) return intake.error();
    std::string lang = "en";
    if (frame.contains("lang")) {
        auto l = get_string(frame, "lang", 2, 2);
        if (!l || (*l != "en" && *l != "es")) {
            return core::fail(errc::bad_request, R"(field 'lang' must be "en" or "es")");
        }
        lang = *l;
    }
    return hub_.visitor_start(visitor_, std::move(*intake), lang, network_key_);
}

core::result<> visitor_session::resume(const boost::json::object& frame) {
    auto token = get_string(frame, "token", 64, 64);
    if (!token || !core::is_hex(*token, 64)) {
        return core::fail(errc::bad_request, "field 'token' must be 64 hex characters");
    }
    auto last_seq = get_int(frame, "last_seq", 0, INT64_MAX);
    if (!last_seq) return last_seq.error();
    return hub_.visitor_resume(visitor_, *token, *last_seq, network_key_);
}

core::result<> visitor_session::send(const boost::json::object& frame) {
    auto client_id = get_string(frame, "client_id", 1, 64);
    if (!client_id) return client_id.error();
    auto text = get_text(frame);
    if (!text) return text.error();
    return hub_.visitor_send(visitor_.get(), std::move(*client_id), std::move(*text));
}

core::result<> visitor_session::typing(const boost::json::object& frame) {
    auto active = get_bool(frame, "active");
    if (!active) return active.error();
    return hub_.visitor_typing(visitor_.get(), *active);
}

core::result<> visitor_session::end(const boost::json::object&) {
    return hub_.visitor_end(visitor_.get());
}

}  // namespace sc::chat
