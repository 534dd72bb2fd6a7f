// A session's request handlers, one per frame `type`, and what both sessions do with them.
#pragma once

#include "chat/text.hpp"
#include "core/error.hpp"

#include <boost/json/object.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sc::chat {

template <class Session>
using handler_table =
    std::map<std::string_view, core::result<> (Session::*)(const boost::json::object& frame)>;

/// The request types a table handles, in order.
template <class Session>
std::vector<std::string_view> types_of(const handler_table<Session>& table) {
    std::vector<std::string_view> out;
    for (const auto& [type, h] : table) out.push_back(type);
    return out;
}

/// Calls the handler of `type`, or names the type it does not know.
template <class Session>
core::result<> dispatch(Session& session, const handler_table<Session>& table,
                        const boost::json::object& frame, const std::string& type) {
    auto h = table.find(type);
    if (h == table.end()) {
        return core::fail(core::errc::unknown_type,
                          "unknown frame type '" + std::string(utf8_prefix(type, 40)) + "'");
    }
    return (session.*h->second)(frame);
}

}  // namespace sc::chat
