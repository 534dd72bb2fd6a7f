#include "chat/frame_gate.hpp"

#include "chat/frames.hpp"
#include "chat/text.hpp"

namespace sc::chat {

using core::errc;

std::optional<incoming_frame> frame_gate::admit(std::string_view text) {
    // Every frame spends a token, well-formed or not; the frame is still read so that the
    // refusal can name the message it drops.
    bool allowed = frames_.take(clock_.now());
    auto parsed = parse_frame(text);
    std::string ref;
    if (parsed) {
        if (auto* id = parsed->if_contains("client_id"); id && id->is_string()) {
            ref = std::string(utf8_prefix(id->as_string(), 64));
        }
    }
    if (!allowed) {
        link_.deliver(make_frame(
            error_frame({errc::rate_limited, "too many frames; this one was dropped"}, ref)));
        return std::nullopt;
    }
    if (!parsed) {
        link_.deliver(make_frame(error_frame(parsed.error())));
        return std::nullopt;
    }
    std::string type(parsed->at("type").as_string());
    if (type == "ping") {
        // Browsers cannot see WebSocket pings; this lets a client notice a dead connection.
        static const frame_ptr pong = make_frame(frames::pong());
        link_.deliver(pong);
        return std::nullopt;
    }
    return incoming_frame{std::move(*parsed), std::move(type), std::move(ref)};
}

void frame_gate::refuse_binary() {
    link_.deliver(make_frame(
        error_frame({errc::bad_request, "binary frames are not accepted; send JSON text"})));
}

}  // namespace sc::chat
