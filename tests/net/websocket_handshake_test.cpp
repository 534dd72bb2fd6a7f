#include "net/websocket_handshake.hpp"

#include <gtest/gtest.h>

namespace sc::net {
namespace {

http::request upgrade_request() {
    http::request r;
    r.method = "GET";
    r.target = "/ws/visitor";
    r.headers = {{"connection", "keep-alive, Upgrade"},
                 {"upgrade", "websocket"},
                 {"sec-websocket-version", "13"},
                 {"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    return r;
}

TEST(websocket_handshake, accepts_the_rfc_example) {
    EXPECT_FALSE(websocket_handshake_problem(upgrade_request()));
}

TEST(websocket_handshake, refuses_a_key_that_is_not_16_bytes_of_base64) {
    for (const char* key : {"", "abc", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=!",
                            "dGhlIHNhbXBsZSB*b25jZQ==", "dGhlIHNhbXBsZSBub25jZQ==AAAA"}) {
        auto r = upgrade_request();
        r.headers["sec-websocket-key"] = key;
        auto problem = websocket_handshake_problem(r);
        ASSERT_TRUE(problem) << key;
        EXPECT_EQ(problem->status, 400);
        EXPECT_NE(problem->message.find("Sec-WebSocket-Key"), std::string::npos);
    }
}

TEST(websocket_handshake, asks_for_version_13_with_426) {
    auto r = upgrade_request();
    r.headers["sec-websocket-version"] = "8";
    auto problem = websocket_handshake_problem(r);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->status, 426);
}

TEST(websocket_handshake, refuses_other_methods_and_missing_upgrade_tokens) {
    auto post = upgrade_request();
    post.method = "POST";
    EXPECT_TRUE(websocket_handshake_problem(post));
    auto no_connection = upgrade_request();
    no_connection.headers["connection"] = "keep-alive";
    EXPECT_TRUE(websocket_handshake_problem(no_connection));
}

}  // namespace
}  // namespace sc::net
