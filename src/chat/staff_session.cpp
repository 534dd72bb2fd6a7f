#include "chat/staff_session.hpp"

#include "chat/frames.hpp"
#include "chat/text.hpp"
#include "core/random.hpp"

#include <sodium.h>

namespace sc::chat {

using core::errc;

namespace {

constexpr std::size_t conversation_id_length = 32;
constexpr std::size_t block_id_length = 16;
// Far beyond any real queue; an offset past the end shows the last page.
constexpr std::int64_t max_queue_offset = 1'000'000;

core::result<std::string> conversation_id_of(const boost::json::object& frame) {
    return get_string(frame, "conversation_id", conversation_id_length, conversation_id_length);
}

}  // namespace

staff_session::staff_session(hub& h, const core::clock& clock, std::shared_ptr<link> l,
                             staff::member who, std::string expected_csrf, std::string session_id)
    : hub_(h),
      link_(std::move(l)),
      who_(std::move(who)),
      expected_csrf_(std::move(expected_csrf)),
      session_id_(std::move(session_id)),
      gate_(clock, *link_) {}

void staff_session::on_frame(std::string_view text) {
    auto frame = gate_.admit(text);
    if (!frame) return;
    if (auto r = handle(frame->body, frame->type); !r) {
        link_->deliver(make_frame(error_frame(r.error(), frame->ref)));
    }
}

void staff_session::on_binary() { gate_.refuse_binary(); }

void staff_session::on_close() {
    if (joined_) hub_.staff_gone(link_.get());
}

const handler_table<staff_session>& staff_session::handlers() {
    static const handler_table<staff_session> table{{"hello", &staff_session::hello},
                                                    {"availability", &staff_session::availability},
                                                    {"queue_page", &staff_session::queue_page},
                                                    {"blocks", &staff_session::blocks},
                                                    {"unblock", &staff_session::unblock},
                                                    {"accept", &staff_session::accept},
                                                    {"send", &staff_session::send},
                                                    {"typing", &staff_session::typing},
                                                    {"transfer", &staff_session::transfer},
                                                    {"end", &staff_session::end},
                                                    {"block", &staff_session::block},
                                                    {"history", &staff_session::history}};
    return table;
}

std::vector<std::string_view> staff_session::request_types() { return types_of(handlers()); }

core::result<> staff_session::handle(const boost::json::object& frame, const std::string& type) {
    if (type != "hello" && !joined_) return core::fail(errc::conflict, "send hello first");
    return dispatch(*this, handlers(), frame, type);
}

core::result<> staff_session::hello(const boost::json::object& frame) {
    if (joined_) return core::fail(errc::conflict, "hello was already sent");
    auto csrf = get_string(frame, "csrf_token", 1, 128);
    if (!csrf || !core::equal_secrets(*csrf, expected_csrf_)) {
        return core::fail(errc::forbidden, "field 'csrf_token' is missing or wrong");
    }
    joined_ = true;
    hub_.staff_join(link_, who_, session_id_);
    return {};
}

core::result<> staff_session::availability(const boost::json::object& frame) {
    auto available = get_bool(frame, "available");
    if (!available) return available.error();
    return hub_.staff_availability(link_.get(), *available);
}

core::result<> staff_session::queue_page(const boost::json::object& frame) {
    auto offset = get_int(frame, "offset", 0, max_queue_offset);
    if (!offset) return offset.error();
    return hub_.staff_queue_page(link_.get(), *offset);
}

core::result<> staff_session::blocks(const boost::json::object&) {
    return hub_.staff_blocks(link_.get());
}

core::result<> staff_session::unblock(const boost::json::object& frame) {
    auto id = get_string(frame, "block_id", block_id_length, block_id_length);
    if (!id || !core::is_hex(*id, block_id_length)) {
        return core::fail(errc::bad_request, "field 'block_id' must be 16 hex characters");
    }
    return hub_.staff_unblock(link_.get(), *id);
}

core::result<> staff_session::accept(const boost::json::object& frame) {
    auto conversation_id = conversation_id_of(frame);
    if (!conversation_id) return conversation_id.error();
    return hub_.staff_accept(link_.get(), *conversation_id);
}

core::result<> staff_session::send(const boost::json::object& frame) {
    auto conversation_id = conversation_id_of(frame);
    if (!conversation_id) return conversation_id.error();
    auto client_id = get_string(frame, "client_id", 1, 64);
    if (!client_id) return client_id.error();
    auto text = get_text(frame);
    if (!text) return text.error();
    return hub_.staff_send(link_.get(), *conversation_id, *client_id, std::move(*text));
}

core::result<> staff_session::typing(const boost::json::object& frame) {
    auto conversation_id = conversation_id_of(frame);
    if (!conversation_id) return conversation_id.error();
    auto active = get_bool(frame, "active");
    if (!active) return active.error();
    return hub_.staff_typing(link_.get(), *conversation_id, *active);
}

core::result<> staff_session::transfer(const boost::json::object& frame) {
    auto conversation_id = conversation_id_of(frame);
    if (!conversation_id) return conversation_id.error();
    auto to = get_int(frame, "to", 1, INT64_MAX);
    if (!to) return to.error();
    return hub_.staff_transfer(link_.get(), *conversation_id, *to);
}

core::result<> staff_session::end(const boost::json::object& frame) {
    auto conversation_id = conversation_id_of(frame);
    if (!conversation_id) return conversation_id.error();
    auto disposition = get_string(frame, "disposition", 1, 40);
    if (!disposition) return disposition.error();
    return hub_.staff_end(link_.get(), *conversation_id, *disposition);
}

core::result<> staff_session::block(const boost::json::object& frame) {
    auto conversation_id = conversation_id_of(frame);
    if (!conversation_id) return conversation_id.error();
    auto reason = get_string(frame, "reason", 1, 40);
    if (!reason) return reason.error();
    std::string disposition = "other";
    if (frame.contains("disposition")) {
        auto d = get_string(frame, "disposition", 1, 40);
        if (!d) return d.error();
        disposition = *d;
    }
    return hub_.staff_block(link_.get(), *conversation_id, *reason, disposition);
}

core::result<> staff_session::history(const boost::json::object& frame) {
    auto conversation_id = conversation_id_of(frame);
    if (!conversation_id) return conversation_id.error();
    auto after = get_int(frame, "after_seq", 0, INT64_MAX);
    if (!after) return after.error();
    return hub_.staff_history(link_.get(), *conversation_id, *after);
}

}  // namespace sc::chat
