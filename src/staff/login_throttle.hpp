// Slows password guessing per account: after 5 failures in a row an account (existing or
// not, so the answer reveals nothing) is locked for a minute, doubling up to 15 minutes.
// Kept in memory: a restart forgives, which is acceptable for an online guessing limit.
#pragma once

#include "core/clock.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sc::staff {

class login_throttle {
public:
    /// When the account is locked, how long until it may try again.
    std::optional<std::chrono::seconds> locked_for(const std::string& account, core::time_point now);
    void record_failure(const std::string& account, core::time_point now);
    void record_success(const std::string& account);

private:
    struct entry {
        int failures = 0;
        core::time_point locked_until{};
        core::time_point last_failure{};
    };
    void forget_stale(core::time_point now);

    std::mutex mutex_;
    std::map<std::string, entry> entries_;
};

}  // namespace sc::staff
