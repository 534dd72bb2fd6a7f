#include "conversations/types.hpp"

#include <array>
#include <utility>

namespace sc::conversations {
namespace {

template <class E, std::size_t N>
std::string_view name_in(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
    for (const auto& [e, n] : names) {
        if (e == value) return n;
    }
    return {};
}

template <class E, std::size_t N>
std::optional<E> parse_in(const std::array<std::pair<E, std::string_view>, N>& names,
                          std::string_view text) {
    for (const auto& [e, n] : names) {
        if (n == text) return e;
    }
    return std::nullopt;
}

constexpr std::array status_names{std::pair{status::waiting, std::string_view("waiting")},
                                  std::pair{status::active, std::string_view("active")},
                                  std::pair{status::closed, std::string_view("closed")}};
constexpr std::array sender_names{std::pair{sender::visitor, std::string_view("visitor")},
                                  std::pair{sender::advocate, std::string_view("advocate")},
                                  std::pair{sender::system, std::string_view("system")}};
constexpr std::array channel_names{std::pair{channel::chat, std::string_view("chat")}};

}  // namespace

std::string_view name(status s) { return name_in(status_names, s); }
std::string_view name(sender s) { return name_in(sender_names, s); }
std::string_view name(channel c) { return name_in(channel_names, c); }

std::optional<status> parse_status(std::string_view text) { return parse_in(status_names, text); }
std::optional<sender> parse_sender(std::string_view text) { return parse_in(sender_names, text); }
std::optional<channel> parse_channel(std::string_view text) {
    return parse_in(channel_names, text);
}

}  // namespace sc::conversations
