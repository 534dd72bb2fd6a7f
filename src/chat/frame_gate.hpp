// The front half shared by the visitor and staff sessions: rate limit, parse, answer ping,
// and refuse what cannot be handled, with an error frame that says why.
#pragma once

#include "chat/link.hpp"
#include "chat/rate_limiter.hpp"
#include "core/clock.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sc::chat {

struct incoming_frame {
    boost::json::object body;
    std::string type;
    std::string ref;  // the frame's client_id, echoed in an error about it
};

class frame_gate {
  public:
    frame_gate(const core::clock& clock, link& to) : clock_(clock), link_(to) {}

    /// The frame to handle, or nothing when it was answered here already.
    std::optional<incoming_frame> admit(std::string_view text);
    void refuse_binary();

  private:
    const core::clock& clock_;
    link& link_;
    token_bucket frames_{10, 20};
};

}  // namespace sc::chat
