#include "conversations/message_log.hpp"

namespace sc::conversations {

std::optional<std::size_t> message_log::slot(sender who) {
    if (who == sender::visitor) return 0;
    if (who == sender::advocate) return 1;
    return std::nullopt;
}

std::optional<message_log::known> message_log::find(sender who,
                                                    const std::string& client_id) const {
    auto i = slot(who);
    if (!i) return std::nullopt;
    auto it = ids_[*i].find(client_id);
    if (it == ids_[*i].end()) return std::nullopt;
    return it->second;
}

message_log::reservation message_log::reserve(sender who, const std::string& client_id) {
    reservation r{++last_seq_, epoch_};
    if (auto i = slot(who); i && !client_id.empty()) ids_[*i][client_id] = {r.seq, false, r.epoch};
    return r;
}

void message_log::stored(sender who, const std::string& client_id) {
    auto i = slot(who);
    if (!i) return;
    if (auto it = ids_[*i].find(client_id); it != ids_[*i].end()) it->second.stored = true;
}

void message_log::failed(const reservation& r, sender who, const std::string& client_id) {
    if (r.epoch == epoch_) {
        last_seq_ = r.seq - 1;
        ++epoch_;
    }
    auto i = slot(who);
    if (!i) return;
    auto it = ids_[*i].find(client_id);
    if (it != ids_[*i].end() && it->second.seq == r.seq && it->second.epoch == r.epoch) {
        ids_[*i].erase(it);
    }
}

void message_log::remember(sender who, std::string client_id, std::int64_t seq) {
    if (auto i = slot(who); i && !client_id.empty())
        ids_[*i][std::move(client_id)] = {seq, true, epoch_};
}

}  // namespace sc::conversations
