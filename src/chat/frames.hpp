// Building and reading the JSON frames of docs/PROTOCOL.md. Every frame the server sends is
// built here, one function each, in the shape docs/protocol.schema.json gives it;
// tests/chat/protocol_schema_test.cpp holds what the hub sends to that schema.
#pragma once

#include "conversations/message.hpp"
#include "conversations/visitor_endpoint.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sc::chat {

/// Parses a frame: a JSON object with a string `type`.
core::result<boost::json::object> parse_frame(std::string_view text);

std::string encode(const boost::json::object& frame);
std::string error_frame(const core::error& e, std::string_view ref = {});

/// Field readers that name the field in their error.
core::result<std::string> get_string(const boost::json::object& o, std::string_view field,
                                     std::size_t min_len, std::size_t max_len);
core::result<bool> get_bool(const boost::json::object& o, std::string_view field);
core::result<std::int64_t> get_int(const boost::json::object& o, std::string_view field,
                                   std::int64_t min, std::int64_t max);
/// Message text: trimmed, 1 to 4,000 characters.
core::result<std::string> get_text(const boost::json::object& o);

inline constexpr std::size_t text_max_chars = 4000;

/// The WebSocket close statuses of docs/PROTOCOL.md.
namespace close_status {
inline constexpr std::uint16_t replaced = 4001;    // the visitor's chat went on elsewhere
inline constexpr std::uint16_t signed_out = 4401;  // the console's staff session ended
}  // namespace close_status

/// The encoded frames the server sends, named as their `type`.
namespace frames {

std::string pong();

/// A message object: the message's body with `seq` and `at` (when it was stored).
boost::json::object message_object(const conversations::message& m);

/// To the visitor (/ws/visitor).
namespace visitor {
/// The conversation state object; `advocate` is null while nobody holds the chat.
boost::json::object conversation(const conversations::visitor_view& v);
std::string started(std::string_view token, boost::json::object conversation);
std::string resumed(boost::json::object conversation);
std::string ack(std::string_view client_id, std::int64_t seq);
std::string message(boost::json::object message);
std::string queue(std::size_t position, std::int64_t estimated_wait_s);
std::string typing(bool active);
std::string ended(std::string_view by);
}  // namespace visitor

/// To a staff console (/ws/staff).
namespace staff {

/// Owns its values: a chat frame with a transcript is encoded later, on another thread.
struct chat_fields {
    std::string conversation_id;
    std::string status;
    bool visitor_connected = false;
    core::time_point waiting_since;
    boost::json::object intake;
    std::string lang;
    bool needs_disposition = false;
    std::optional<core::time_point> accepted_at;
    boost::json::array messages;
};

struct state_fields {
    std::int64_t id = 0;
    std::string_view name;
    std::string_view role;
    bool available = false;
    int max_chats = 0;
    std::int64_t block_hours = 0;
    core::time_point now;
    boost::json::array queue;  // the first page
    std::size_t queue_total = 0;
    boost::json::array staff;
    boost::json::array overview;
    std::optional<boost::json::array> blocks;  // supervisors and admins only
};

enum class removal { transferred, closed, purged };

boost::json::object queue_entry(std::string_view conversation_id, core::time_point waiting_since,
                                bool has_intake, bool visitor_connected, std::string_view lang);
boost::json::object member(std::int64_t id, std::string_view name, std::string_view role,
                           bool available, int chats);
/// A row of the overview; an active chat has an advocate and a start.
boost::json::object overview_chat(std::string_view conversation_id, core::time_point waiting_since,
                                  const std::optional<std::string>& advocate,
                                  std::optional<core::time_point> started_at);
boost::json::object block(std::string_view block_id, std::int64_t placed_by,
                          std::string_view placed_by_name, core::time_point placed_at,
                          core::time_point expires_at, std::string_view reason);

std::string state(state_fields s);
std::string queue(core::time_point now, std::size_t total, std::size_t offset,
                  boost::json::array entries);
std::string chat(chat_fields c);
std::string message(std::string_view conversation_id, boost::json::object message);
std::string ack(std::string_view conversation_id, std::string_view client_id, std::int64_t seq);
std::string typing(std::string_view conversation_id, bool active);
std::string visitor(std::string_view conversation_id, bool connected);
std::string ended(std::string_view conversation_id, std::string_view by);
std::string removed(std::string_view conversation_id, removal reason);
std::string staff(boost::json::array members);
std::string overview(boost::json::array chats, std::size_t waiting);
std::string blocked(std::string_view conversation_id, std::string_view block_id,
                    core::time_point expires_at);
std::string blocks(core::time_point now, boost::json::array blocks);
std::string unblocked(std::string_view block_id);

}  // namespace staff
}  // namespace frames

}  // namespace sc::chat
