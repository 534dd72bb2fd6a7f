#include "conversations/message.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace sc::conversations {

namespace json = boost::json;

namespace {

std::string string_at(const json::object& o, std::string_view field) {
    const auto* v = o.if_contains(field);
    if (v == nullptr || !v->is_string()) {
        throw std::runtime_error("a stored message lacks '" + std::string(field) + "'");
    }
    return std::string(v->as_string());
}

}  // namespace

std::string_view name(event e) {
    switch (e) {
        case event::advocate_joined:
            return "advocate_joined";
        case event::transferred:
            return "transferred";
        case event::ended:
            return "ended";
    }
    return {};
}

message message::visitor_text(std::string text) {
    message m;
    m.from = sender::visitor;
    m.text = std::move(text);
    return m;
}

message message::advocate_text(std::string name, std::string text) {
    message m;
    m.from = sender::advocate;
    m.name = std::move(name);
    m.text = std::move(text);
    return m;
}

message message::advocate_joined(std::string name) {
    message m;
    m.what = event::advocate_joined;
    m.name = std::move(name);
    return m;
}

message message::transferred(std::string name) {
    message m;
    m.what = event::transferred;
    m.name = std::move(name);
    return m;
}

message message::ended(closed_by by) {
    message m;
    m.what = event::ended;
    m.by = by;
    return m;
}

json::object body_of(const message& m) {
    json::object o{{"from", conversations::name(m.from)}};
    if (m.what) o["event"] = conversations::name(*m.what);
    if (m.from == sender::advocate || m.what == event::advocate_joined ||
        m.what == event::transferred) {
        o["name"] = m.name;
    }
    if (m.by) o["by"] = conversations::name(*m.by);
    if (m.from != sender::system) o["text"] = m.text;
    return o;
}

std::string body_text(const message& m) { return json::serialize(body_of(m)); }

message from_body(std::string_view text, std::int64_t seq, std::int64_t at) {
    auto parsed = json::parse(text);
    if (!parsed.is_object()) throw std::runtime_error("a stored message is not an object");
    const auto& o = parsed.as_object();
    message m;
    m.seq = seq;
    m.at = at;
    auto from = parse_sender(string_at(o, "from"));
    if (!from) throw std::runtime_error("a stored message has an unknown sender");
    m.from = *from;
    if (m.from != sender::system) {
        m.text = string_at(o, "text");
        if (m.from == sender::advocate) m.name = string_at(o, "name");
        return m;
    }
    auto what = string_at(o, "event");
    if (what == "ended") {
        m.what = event::ended;
        auto by = string_at(o, "by");
        if (by != "visitor" && by != "advocate") {
            throw std::runtime_error("a stored message says an unknown side ended the chat");
        }
        m.by = by == "visitor" ? closed_by::visitor : closed_by::advocate;
    } else if (what == "advocate_joined" || what == "transferred") {
        m.what = what == "transferred" ? event::transferred : event::advocate_joined;
        m.name = string_at(o, "name");
    } else {
        throw std::runtime_error("a stored message has an unknown event");
    }
    return m;
}

}  // namespace sc::conversations
