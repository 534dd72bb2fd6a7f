#include "conversations/routing.hpp"

#include <string>

namespace sc::conversations {

using core::errc;

core::result<> routing::may_accept(status now, const advocate_load& who) const {
    if (now != status::waiting) {
        return core::fail(errc::conflict, "this chat was already taken or has ended");
    }
    if (who.active_chats >= max_chats_) {
        return core::fail(errc::conflict, "you already have " + std::to_string(max_chats_) +
                                              " chats open; end one first");
    }
    return {};
}

core::result<> routing::may_transfer(std::int64_t from, const advocate_load& to) const {
    if (!to.online) return core::fail(errc::conflict, "that person is not signed in");
    if (to.staff_id == from)
        return core::fail(errc::conflict, "the chat is already with that person");
    if (to.active_chats >= max_chats_) {
        return core::fail(errc::conflict, "that person already has as many chats as they can take");
    }
    return {};
}

}  // namespace sc::conversations
