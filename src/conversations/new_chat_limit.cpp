#include "conversations/new_chat_limit.hpp"

#include <chrono>

namespace sc::conversations {

bool new_chat_limit::allow(const std::string& network_key, core::time_point now) {
    constexpr auto window = std::chrono::hours(1);
    auto& times = recent_[network_key];
    while (!times.empty() && now - times.front() > window) times.pop_front();
    bool allowed = static_cast<int>(times.size()) < per_hour_;
    if (allowed) times.push_back(now);
    // Forget networks with nothing recent so the map cannot grow without bound.
    std::erase_if(recent_, [&](const auto& kv) {
        return kv.second.empty() || now - kv.second.back() > window;
    });
    return allowed;
}

}  // namespace sc::conversations
