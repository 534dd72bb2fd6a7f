// The words of the conversation core, as types: where a conversation stands, who wrote a
// message, and which channel it came through. Stored and sent on the wire by name.
#pragma once

#include <optional>
#include <string_view>

namespace sc::conversations {

enum class status { waiting, active, closed };
enum class sender { visitor, advocate, system };
/// How the visitor reaches the service. Every channel shares the queue, routing, message
/// log and closing; only its adapter differs.
enum class channel { chat };

std::string_view name(status s);
std::string_view name(sender s);
std::string_view name(channel c);

std::optional<status> parse_status(std::string_view text);
std::optional<sender> parse_sender(std::string_view text);
std::optional<channel> parse_channel(std::string_view text);

}  // namespace sc::conversations
