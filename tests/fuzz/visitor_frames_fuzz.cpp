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

namespace {

using namespace sc;

fuzz::chat_world& world() {
    // Never destroyed: the store thread must not be stopped by exit-time destructors.
    static auto* w = new fuzz::chat_world;
    return *w;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::init_process();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& w = world();
    w.next_input();
    static int generation = -1;
    static fuzz::chat_world::waiting_visitor resumable;
    if (generation != w.generation()) {
        resumable = w.start_visitor();
        generation = w.generation();
    }

    auto l = std::make_shared<fuzz::checking_link>();
    chat::visitor_session session(*w.hub, w.clock, l, "fuzz-visitor-net");
    std::string_view input(reinterpret_cast<const char*>(data), size);
    for (auto frame : fuzz::split(input, '\n')) {
        // 50 ms per frame: faster than the frame limit refills, so a long input reaches it.
        w.clock.advance(std::chrono::milliseconds(50));
        session.on_frame(fuzz::replace_all(frame, "@token@", resumable.token));
    }
    session.on_close();
    w.settle();
    return 0;
}
