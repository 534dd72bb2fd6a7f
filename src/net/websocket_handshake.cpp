#include "net/websocket_handshake.hpp"

#include <algorithm>
#include <cctype>

namespace sc::net {

namespace {

bool base64_char(char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '+' || ch == '/';
}

// The key is 16 random bytes in base64: 22 characters and "==".
bool valid_key(std::string_view key) {
    return key.size() == 24 && key.ends_with("==") &&
           std::all_of(key.begin(), key.end() - 2, base64_char);
}

bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        auto comma = list.find(',');
        auto item = list.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (item.size() == token.size() &&
            std::equal(item.begin(), item.end(), token.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            })) {
            return true;
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace

std::optional<refusal> websocket_handshake_problem(const http::request& req) {
    if (req.method != "GET") return refusal{400, "a WebSocket handshake must use GET"};
    if (!has_token(req.header("connection"), "upgrade") ||
        !has_token(req.header("upgrade"), "websocket")) {
        return refusal{400,
                       "a WebSocket handshake needs Connection: Upgrade and Upgrade: websocket"};
    }
    if (req.header("sec-websocket-version") != "13") {
        return refusal{426, "only WebSocket version 13 is supported (Sec-WebSocket-Version: 13)"};
    }
    if (!valid_key(req.header("sec-websocket-key"))) {
        return refusal{400, "Sec-WebSocket-Key must be 16 bytes in base64"};
    }
    return std::nullopt;
}

}  // namespace sc::net
