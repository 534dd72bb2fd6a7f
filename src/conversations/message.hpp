// A message of a conversation as every channel sees it: what a visitor or an advocate wrote,
// or an event the service recorded (an advocate joined, the chat was handed on or ended).
// The message log numbers it; the store keeps its body sealed, in the form body_text gives.
#pragma once

#include "conversations/closing.hpp"
#include "conversations/types.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sc::conversations {

enum class event { advocate_joined, transferred, ended };
std::string_view name(event e);

struct message {
    std::int64_t seq = 0;
    std::int64_t at = 0;  // unix seconds, when it was stored
    sender from = sender::system;
    std::string text;             // what the visitor or advocate wrote
    std::string name;             // the advocate who wrote, joined, or was handed the chat
    std::optional<event> what;    // for the service's own messages
    std::optional<closed_by> by;  // for `ended`

    static message visitor_text(std::string text);
    static message advocate_text(std::string name, std::string text);
    static message advocate_joined(std::string name);
    static message transferred(std::string name);
    static message ended(closed_by by);
};
using message_ptr = std::shared_ptr<const message>;

/// What the message says, without its seq and time: the JSON the store seals, and the core of
/// the message object on the WebSocket wire.
boost::json::object body_of(const message& m);
std::string body_text(const message& m);
/// A stored body back, numbered `seq` and stored at `at`; throws std::runtime_error when
/// the text is not a body this server writes.
message from_body(std::string_view text, std::int64_t seq, std::int64_t at);

/// Messages a channel is shown from the store (a replay after a reconnect), read one at a
/// time where the channel chooses: reading may decrypt, so it need not happen under the
/// core's lock or on the store's thread.
class transcript {
  public:
    virtual ~transcript() = default;
    virtual std::size_t size() const = 0;
    /// The i-th message; throws when it cannot be read.
    virtual message read(std::size_t i) const = 0;
};
using transcript_ptr = std::shared_ptr<const transcript>;

}  // namespace sc::conversations
