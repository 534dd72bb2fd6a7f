// HTTP requests and responses as plain values, so handlers can be tested without sockets.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sc::http {

struct request {
    std::string method;
    std::string target;                          // path and query as sent
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    /// The peer's address: in memory for this request only, never stored or logged.
    std::string client_address;

    std::string_view header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string_view{} : std::string_view{it->second};
    }
    /// The path without the query string.
    std::string_view path() const {
        std::string_view t = target;
        return t.substr(0, t.find('?'));
    }
};

struct response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// Dynamic responses get Cache-Control: no-store; immutable assets set their own.
    bool cacheable = false;

    void set(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
    }
    std::string_view header(std::string_view name) const {
        for (const auto& [k, v] : headers) {
            if (k == name) return v;
        }
        return {};
    }
};

}  // namespace sc::http
