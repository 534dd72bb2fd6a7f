// Checks a WebSocket opening handshake (RFC 6455 §4.2.1) before Beast sees it, so a bad one
// gets our clear refusal and headers instead of a bare answer, or worse, a 101.
#pragma once

#include "http/message.hpp"
#include "net/request_reader.hpp"

#include <optional>

namespace sc::net {

/// What is wrong with an upgrade request, or nothing when it may be accepted.
std::optional<refusal> websocket_handshake_problem(const http::request& req);

}  // namespace sc::net
