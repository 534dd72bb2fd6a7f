// Fuzz target: a visitor's text frames through the protocol layer (visitor_session, frame
// gate, frames, intake) against a real hub and store. The input is one or more frames
// separated by '\n'; "@token@" stands for the resume token of a chat that exists, so that
// resuming is reachable.
// Must hold: no crash and no sanitizer report; every frame and close sent back is valid
// (see checking_link): a JSON object with a type, in valid UTF-8.
#include "chat/visitor_session.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

using namespace sc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& w = fuzz::chat_world::shared();
    w.next_input();
    auto resumable = w.start_visitor();

    auto l = std::make_shared<fuzz::checking_link>();
    chat::visitor_session session(*w.hub, w.clock, l, "fuzz-visitor-net");
    w.feed_frames(session, {reinterpret_cast<const char*>(data), size}, "@token@", resumable.token);
    w.hub->visitor_gone(resumable.link->visitor().get());
    return 0;
}
