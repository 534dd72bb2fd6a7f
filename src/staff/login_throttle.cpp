#include "staff/login_throttle.hpp"

#include <algorithm>

namespace sc::staff {
namespace {

constexpr int free_attempts = 5;
constexpr std::chrono::seconds first_lock{60};
constexpr std::chrono::seconds longest_lock{15 * 60};

}  // namespace

std::optional<std::chrono::seconds> login_throttle::locked_for(const std::string& account,
                                                               core::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(account);
    if (it == entries_.end() || it->second.locked_until <= now) return std::nullopt;
    return std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
}

void login_throttle::record_failure(const std::string& account, core::time_point now) {
    std::lock_guard lock(mutex_);
    forget_stale(now);
    auto& e = entries_[account];
    e.failures += 1;
    e.last_failure = now;
    if (e.failures >= free_attempts) {
        auto doublings = std::min(e.failures - free_attempts, 4);
        e.locked_until = now + std::min(first_lock * (1 << doublings), longest_lock);
    }
}

void login_throttle::record_success(const std::string& account) {
    std::lock_guard lock(mutex_);
    entries_.erase(account);
}

void login_throttle::forget_stale(core::time_point now) {
    std::erase_if(entries_, [&](const auto& kv) {
        return kv.second.locked_until <= now && now - kv.second.last_failure > std::chrono::hours(1);
    });
}

}  // namespace sc::staff
