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

core::result<> staff_session::handle(const boost::json::object& frame, const std::string& type) {
    if (type == "hello") {
        if (joined_) return core::fail(errc::conflict, "hello was already sent");
        auto csrf = get_string(frame, "csrf_token", 1, 128);
        if (!csrf || !core::equal_secrets(*csrf, expected_csrf_)) {
            return core::fail(errc::forbidden, "field 'csrf_token' is missing or wrong");
        }
        joined_ = true;
        hub_.staff_join(link_, who_, session_id_);
        return {};
    }
    if (!joined_) return core::fail(errc::conflict, "send hello first");
    if (type == "availability") {
        auto available = get_bool(frame, "available");
        if (!available) return available.error();
        return hub_.staff_availability(link_.get(), *available);
    }
    if (type == "queue_page") {
        auto offset = get_int(frame, "offset", 0, max_queue_offset);
        if (!offset) return offset.error();
        return hub_.staff_queue_page(link_.get(), *offset);
    }
    if (type == "blocks") return hub_.staff_blocks(link_.get());
    if (type == "unblock") {
        auto id = get_string(frame, "block_id", block_id_length, block_id_length);
        if (!id || !core::is_hex(*id, block_id_length)) {
            return core::fail(errc::bad_request, "field 'block_id' must be 16 hex characters");
        }
        return hub_.staff_unblock(link_.get(), *id);
    }
    auto conversation_id =
        get_string(frame, "conversation_id", conversation_id_length, conversation_id_length);
    if (type == "accept" || type == "send" || type == "typing" || type == "transfer" ||
        type == "end" || type == "history" || type == "block") {
        if (!conversation_id) return conversation_id.error();
    }
    if (type == "accept") return hub_.staff_accept(link_.get(), *conversation_id);
    if (type == "send") {
        auto client_id = get_string(frame, "client_id", 1, 64);
        if (!client_id) return client_id.error();
        auto text = get_text(frame);
        if (!text) return text.error();
        return hub_.staff_send(link_.get(), *conversation_id, std::move(*client_id),
                               std::move(*text));
    }
    if (type == "typing") {
        auto active = get_bool(frame, "active");
        if (!active) return active.error();
        return hub_.staff_typing(link_.get(), *conversation_id, *active);
    }
    if (type == "transfer") {
        auto to = get_int(frame, "to", 1, INT64_MAX);
        if (!to) return to.error();
        return hub_.staff_transfer(link_.get(), *conversation_id, *to);
    }
    if (type == "end") {
        auto disposition = get_string(frame, "disposition", 1, 40);
        if (!disposition) return disposition.error();
        return hub_.staff_end(link_.get(), *conversation_id, *disposition);
    }
    if (type == "block") {
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
    if (type == "history") {
        auto after = get_int(frame, "after_seq", 0, INT64_MAX);
        if (!after) return after.error();
        return hub_.staff_history(link_.get(), *conversation_id, *after);
    }
    return core::fail(errc::unknown_type,
                      "unknown frame type '" + std::string(utf8_prefix(type, 40)) + "'");
}

}  // namespace sc::chat
