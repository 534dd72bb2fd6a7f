// Fuzz target: a staff console's text frames through the protocol layer (staff_session,
// frame gate, frames) against a real hub and store, with a visitor waiting in the queue.
// The input is one or more frames separated by '\n'; "@conv@" stands for the waiting
// visitor's conversation id and the session's CSRF token is "fuzz-csrf-token", so that
// hello, accept, send, transfer, end and history are reachable.
// Must hold: no crash and no sanitizer report; every frame and close sent back, to the
// console and to the visitor, is valid (see checking_link).
#include "chat/staff_session.hpp"
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
    static staff::member coordinator;
    if (generation != w.generation()) {
        coordinator = w.add_staff("fuzz@example.org", staff::role::coordinator);
        // Someone to transfer to (staff id 2).
        w.add_staff("other@example.org", staff::role::coordinator);
        generation = w.generation();
    }
    auto visitor = w.start_visitor();

    auto l = std::make_shared<fuzz::checking_link>();
    chat::staff_session session(*w.hub, w.clock, l, coordinator, "fuzz-csrf-token");
    std::string_view input(reinterpret_cast<const char*>(data), size);
    for (auto frame : fuzz::split(input, '\n')) {
        // 50 ms per frame: faster than the frame limit refills, so a long input reaches it.
        w.clock.advance(std::chrono::milliseconds(50));
        session.on_frame(fuzz::replace_all(frame, "@conv@", visitor.id));
    }
    session.on_close();
    w.hub->visitor_gone(visitor.link.get());
    w.settle();
    return 0;
}
