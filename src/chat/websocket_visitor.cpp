#include "chat/websocket_visitor.hpp"

#include "chat/frames.hpp"
#include "core/log.hpp"

namespace sc::chat {

namespace visitor_frames = frames::visitor;

void websocket_visitor::started(std::string_view resume_token,
                                const conversations::visitor_view& conversation) {
    send(visitor_frames::started(resume_token, visitor_frames::conversation(conversation)));
}

void websocket_visitor::resumed(const conversations::visitor_view& conversation,
                                conversations::transcript_ptr missed) {
    auto to = to_.lock();
    if (!to) return;
    to->deliver(make_frame(visitor_frames::resumed(visitor_frames::conversation(conversation))));
    // Each missed message is decrypted on the connection's own thread, in its place.
    for (std::size_t i = 0; i < missed->size(); ++i) {
        to->deliver(std::make_shared<deferred_frame>([missed, i] {
            try {
                return visitor_frames::message(frames::message_object(missed->read(i)));
            } catch (const std::exception&) {
                spdlog::error("event=message_unreadable");
                return error_frame({core::errc::internal, "the chat could not be resumed"});
            }
        }));
    }
}

void websocket_visitor::message(const conversations::message_ptr& m) {
    send(visitor_frames::message(frames::message_object(*m)));
}

void websocket_visitor::acknowledged(std::string_view client_id, std::int64_t seq) {
    send(visitor_frames::ack(client_id, seq));
}

void websocket_visitor::waiting(std::size_t position, std::chrono::seconds estimate) {
    send(visitor_frames::queue(position, estimate.count()));
}

void websocket_visitor::advocate_typing(bool active) { send(visitor_frames::typing(active)); }

void websocket_visitor::ended(conversations::closed_by by) {
    send(visitor_frames::ended(conversations::name(by)));
}

void websocket_visitor::failed(const core::error& e, std::string_view client_id) {
    send(error_frame(e, client_id));
}

void websocket_visitor::replaced() {
    if (auto to = to_.lock())
        to->close(close_status::replaced, "the chat continued in another window");
}

void websocket_visitor::send(std::string frame) {
    if (auto to = to_.lock()) to->deliver(make_frame(std::move(frame)));
}

}  // namespace sc::chat
