// Who is at a console, and who takes chats. A member is online while at least one of their
// consoles is open, and available only while they say so; closing the last console forgets
// the choice, so an advocate who comes back starts unavailable. Pure: a console is whatever
// ordered value the caller names it by.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

namespace sc::conversations {

template <class Console>
class presence {
  public:
    /// Returns whether the member came online with it (it is their first console).
    bool opened(std::int64_t staff_id, Console c) {
        auto [it, first] = members_.try_emplace(staff_id);
        it->second.consoles.insert(std::move(c));
        return first;
    }
    /// Returns whether the member went offline with it (it was their last console).
    bool closed(std::int64_t staff_id, const Console& c) {
        auto it = members_.find(staff_id);
        if (it == members_.end()) return false;
        it->second.consoles.erase(c);
        if (!it->second.consoles.empty()) return false;
        members_.erase(it);
        return true;
    }
    /// Of an online member; an offline one stays unavailable.
    void set_available(std::int64_t staff_id, bool available) {
        if (auto it = members_.find(staff_id); it != members_.end()) {
            it->second.available = available;
        }
    }

    bool online(std::int64_t staff_id) const { return members_.contains(staff_id); }
    bool available(std::int64_t staff_id) const {
        auto it = members_.find(staff_id);
        return it != members_.end() && it->second.available;
    }
    /// The member's open consoles; none when offline.
    const std::set<Console>& consoles(std::int64_t staff_id) const {
        static const std::set<Console> none;
        auto it = members_.find(staff_id);
        return it == members_.end() ? none : it->second.consoles;
    }
    /// The online members, in id order.
    std::vector<std::int64_t> online_members() const {
        std::vector<std::int64_t> out;
        out.reserve(members_.size());
        for (const auto& [id, m] : members_) out.push_back(id);
        return out;
    }
    std::size_t online_count() const { return members_.size(); }
    std::size_t available_count() const {
        return static_cast<std::size_t>(std::count_if(
            members_.begin(), members_.end(), [](const auto& kv) { return kv.second.available; }));
    }

  private:
    struct member {
        bool available = false;
        std::set<Console> consoles;
    };
    std::map<std::int64_t, member> members_;
};

}  // namespace sc::conversations
