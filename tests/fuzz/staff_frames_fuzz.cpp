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

using namespace sc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& w = fuzz::chat_world::shared();
    w.next_input();
    static int generation = -1;
    static int inputs = 0;
    if (generation != w.generation()) {
        // Someone to transfer to (staff id 1).
        w.add_staff("other@example.org", staff::role::coordinator);
        generation = w.generation();
    }
    // A new coordinator each input: the chats the last ones accepted do not fill this one's
    // capacity.
    auto coordinator =
        w.add_staff("fuzz-" + std::to_string(++inputs) + "@example.org", staff::role::coordinator);
    auto visitor = w.start_visitor();

    auto l = std::make_shared<fuzz::checking_link>();
    chat::staff_session session(*w.hub, w.clock, l, coordinator, "fuzz-csrf-token");
    w.feed_frames(session, {reinterpret_cast<const char*>(data), size}, "@conv@", visitor.id);
    w.hub->visitor_gone(visitor.link->visitor().get());
    return 0;
}
