// The network front: accepts connections, speaks HTTP/1.1 and WebSocket (Boost.Beast with
// C++20 coroutines), hands plain requests to the router on the blocking pool and chat
// frames to the chat sessions. The only part of the program that knows about sockets.
#pragma once

#include "chat/hub.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "http/router.hpp"
#include "http/staff_api.hpp"
#include "privacy/network_key.hpp"

#include <functional>
#include <memory>

namespace sc::net {

struct services {
    const core::config& config;
    const core::clock& clock;
    http::router& router;
    http::staff_api& staff;
    chat::hub& hub;
    const privacy::network_salt& salt;
    /// Runs on a network thread once a minute; must only queue work, never block.
    std::function<void()> every_minute;
};

class server {
  public:
    explicit server(services s);
    ~server();
    /// Serves until SIGINT or SIGTERM. Throws when the address cannot be bound.
    void run();

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace sc::net
