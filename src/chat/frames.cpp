#include "chat/frames.hpp"

#include "chat/text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sc::chat {

namespace json = boost::json;

core::result<json::object> parse_frame(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return core::fail(core::errc::bad_json, "the frame is not valid JSON");
    if (!v.is_object()) return core::fail(core::errc::bad_json, "the frame must be a JSON object");
    auto& o = v.as_object();
    auto* type = o.if_contains("type");
    if (type == nullptr || !type->is_string()) {
        return core::fail(core::errc::bad_request, "field 'type' must be a string");
    }
    return std::move(o);
}

std::string encode(const json::object& frame) { return json::serialize(frame); }

std::string error_frame(const core::error& e, std::string_view ref) {
    json::object o{{"type", "error"}, {"code", core::code_name(e.code)}, {"message", e.message}};
    if (!ref.empty()) o["ref"] = ref;
    return encode(o);
}

core::result<std::string> get_string(const json::object& o, std::string_view field,
                                     std::size_t min_len, std::size_t max_len) {
    const auto* v = o.if_contains(field);
    if (v == nullptr || !v->is_string()) {
        return core::fail(core::errc::bad_request,
                          "field '" + std::string(field) + "' must be a string");
    }
    std::string s(v->as_string());
    auto n = utf8_length(s);
    if (n < min_len || n > max_len) {
        return core::fail(core::errc::bad_request, "field '" + std::string(field) + "' must be " +
                                                       std::to_string(min_len) + " to " +
                                                       std::to_string(max_len) + " characters");
    }
    return s;
}

core::result<bool> get_bool(const json::object& o, std::string_view field) {
    const auto* v = o.if_contains(field);
    if (v == nullptr || !v->is_bool()) {
        return core::fail(core::errc::bad_request,
                          "field '" + std::string(field) + "' must be true or false");
    }
    return v->as_bool();
}

core::result<std::int64_t> get_int(const json::object& o, std::string_view field, std::int64_t min,
                                   std::int64_t max) {
    const auto* v = o.if_contains(field);
    std::optional<std::int64_t> n;
    if (v != nullptr && v->is_int64()) n = v->as_int64();
    if (v != nullptr && v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(max)) {
        n = static_cast<std::int64_t>(v->as_uint64());
    }
    if (!n || *n < min || *n > max) {
        return core::fail(core::errc::bad_request,
                          "field '" + std::string(field) + "' must be a whole number from " +
                              std::to_string(min) + " to " + std::to_string(max));
    }
    return *n;
}

core::result<std::string> get_text(const json::object& o) {
    const auto* v = o.if_contains("text");
    if (v == nullptr || !v->is_string()) {
        return core::fail(core::errc::bad_request, "field 'text' must be a string");
    }
    auto t = trim(v->as_string());
    if (t.empty()) return core::fail(core::errc::bad_request, "field 'text' is empty");
    if (utf8_length(t) > text_max_chars) {
        return core::fail(core::errc::bad_request, "field 'text' is longer than 4000 characters");
    }
    return std::string(t);
}

namespace frames {

namespace {

json::value time_or_null(const std::optional<core::time_point>& t) {
    if (t) return json::value(core::format_utc(*t));
    return nullptr;
}

json::value string_or_null(const std::optional<std::string>& s) {
    if (s) return json::value(*s);
    return nullptr;
}

const char* removal_name(staff::removal r) {
    switch (r) {
        case staff::removal::transferred:
            return "transferred";
        case staff::removal::closed:
            return "closed";
        case staff::removal::purged:
            return "purged";
    }
    return "closed";
}

}  // namespace

std::string pong() { return R"({"type":"pong"})"; }

json::object message_object(const conversations::message& m) {
    json::object o = conversations::body_of(m);
    o["seq"] = m.seq;
    o["at"] = core::format_utc(core::from_unix_seconds(m.at));
    return o;
}

namespace visitor {

json::object conversation(const conversations::visitor_view& v) {
    return {{"status", conversations::name(v.state)},
            {"last_seq", v.last_seq},
            {"advocate", string_or_null(v.advocate)}};
}

std::string started(std::string_view token, json::object conversation) {
    return encode(
        {{"type", "started"}, {"token", token}, {"conversation", std::move(conversation)}});
}

std::string resumed(json::object conversation) {
    return encode({{"type", "resumed"}, {"conversation", std::move(conversation)}});
}

std::string ack(std::string_view client_id, std::int64_t seq) {
    return encode({{"type", "ack"}, {"client_id", client_id}, {"seq", seq}});
}

std::string message(json::object message) {
    return encode({{"type", "message"}, {"message", std::move(message)}});
}

std::string queue(std::size_t position, std::int64_t estimated_wait_s) {
    return encode(
        {{"type", "queue"}, {"position", position}, {"estimated_wait_s", estimated_wait_s}});
}

std::string typing(bool active) { return encode({{"type", "typing"}, {"active", active}}); }

std::string ended(std::string_view by) { return encode({{"type", "ended"}, {"by", by}}); }

}  // namespace visitor

namespace staff {

json::object queue_entry(std::string_view conversation_id, core::time_point waiting_since,
                         bool has_intake, bool visitor_connected, std::string_view lang) {
    return {{"conversation_id", conversation_id},
            {"waiting_since", core::format_utc(waiting_since)},
            {"has_intake", has_intake},
            {"visitor_connected", visitor_connected},
            {"lang", lang}};
}

json::object member(std::int64_t id, std::string_view name, std::string_view role, bool available,
                    int chats) {
    return {{"id", id}, {"name", name}, {"role", role}, {"available", available}, {"chats", chats}};
}

json::object overview_chat(std::string_view conversation_id, core::time_point waiting_since,
                           const std::optional<std::string>& advocate,
                           std::optional<core::time_point> started_at) {
    return {{"conversation_id", conversation_id},
            {"status", started_at ? "active" : "waiting"},
            {"advocate", string_or_null(advocate)},
            {"waiting_since", core::format_utc(waiting_since)},
            {"started_at", time_or_null(started_at)}};
}

json::object block(std::string_view block_id, std::int64_t placed_by,
                   std::string_view placed_by_name, core::time_point placed_at,
                   core::time_point expires_at, std::string_view reason) {
    return {{"block_id", block_id},
            {"placed_by", placed_by},
            {"placed_by_name", placed_by_name},
            {"placed_at", core::format_utc(placed_at)},
            {"expires_at", core::format_utc(expires_at)},
            {"reason", reason}};
}

std::string state(state_fields s) {
    json::object o{{"type", "state"},
                   {"me", {{"id", s.id}, {"name", s.name}, {"role", s.role}}},
                   {"available", s.available},
                   {"max_chats", s.max_chats},
                   {"block_hours", s.block_hours},
                   {"now", core::format_utc(s.now)},
                   {"queue", std::move(s.queue)},
                   {"queue_offset", 0},
                   {"queue_total", s.queue_total},
                   {"staff", std::move(s.staff)},
                   {"overview", std::move(s.overview)}};
    if (s.blocks) o["blocks"] = std::move(*s.blocks);
    return encode(o);
}

std::string queue(core::time_point now, std::size_t total, std::size_t offset,
                  json::array entries) {
    return encode({{"type", "queue"},
                   {"now", core::format_utc(now)},
                   {"total", total},
                   {"offset", offset},
                   {"entries", std::move(entries)}});
}

std::string chat(chat_fields c) {
    json::object o{{"conversation_id", c.conversation_id},
                   {"status", c.status},
                   {"visitor_connected", c.visitor_connected},
                   {"waiting_since", core::format_utc(c.waiting_since)},
                   {"intake", std::move(c.intake)},
                   {"lang", c.lang},
                   {"needs_disposition", c.needs_disposition},
                   {"accepted_at", time_or_null(c.accepted_at)},
                   {"messages", std::move(c.messages)}};
    return encode({{"type", "chat"}, {"chat", std::move(o)}});
}

std::string message(std::string_view conversation_id, json::object message) {
    return encode({{"type", "message"},
                   {"conversation_id", conversation_id},
                   {"message", std::move(message)}});
}

std::string ack(std::string_view conversation_id, std::string_view client_id, std::int64_t seq) {
    return encode({{"type", "ack"},
                   {"conversation_id", conversation_id},
                   {"client_id", client_id},
                   {"seq", seq}});
}

std::string typing(std::string_view conversation_id, bool active) {
    return encode({{"type", "typing"}, {"conversation_id", conversation_id}, {"active", active}});
}

std::string visitor(std::string_view conversation_id, bool connected) {
    return encode(
        {{"type", "visitor"}, {"conversation_id", conversation_id}, {"connected", connected}});
}

std::string ended(std::string_view conversation_id, std::string_view by) {
    return encode({{"type", "ended"}, {"conversation_id", conversation_id}, {"by", by}});
}

std::string removed(std::string_view conversation_id, removal reason) {
    return encode({{"type", "removed"},
                   {"conversation_id", conversation_id},
                   {"reason", removal_name(reason)}});
}

std::string staff(json::array members) {
    return encode({{"type", "staff"}, {"staff", std::move(members)}});
}

std::string overview(json::array chats, std::size_t waiting) {
    return encode({{"type", "overview"}, {"chats", std::move(chats)}, {"waiting", waiting}});
}

std::string blocked(std::string_view conversation_id, std::string_view block_id,
                    core::time_point expires_at) {
    return encode({{"type", "blocked"},
                   {"conversation_id", conversation_id},
                   {"block_id", block_id},
                   {"expires_at", core::format_utc(expires_at)}});
}

std::string blocks(core::time_point now, json::array blocks) {
    return encode(
        {{"type", "blocks"}, {"now", core::format_utc(now)}, {"blocks", std::move(blocks)}});
}

std::string unblocked(std::string_view block_id) {
    return encode({{"type", "unblocked"}, {"block_id", block_id}});
}

}  // namespace staff
}  // namespace frames

}  // namespace sc::chat
