// Slows password (and second-factor code) guessing without letting a stranger lock an
// advocate out; docs/decisions/0002-sign-in-throttling.md explains the design.
//  - per (account, address): 5 failures, then that pair is locked 1 min, doubling to 15 min;
//  - per address, across accounts: 20 failures, then the address is locked the same way;
//  - per account, across addresses: from 5 recent failures on, every attempt from an
//    address that is not locked waits a few seconds (1 s more per failure, at most 5 s)
//    before its password is checked. The wait belongs to that address alone, so nobody
//    else's attempts can use it up or lengthen it.
// Keys are keyed BLAKE2b hashes (16 bytes) of the normalized address and the lower-cased
// email under a random key that lives in memory only; each table holds at most a fixed
// number of entries, dropping the least recently touched. A restart forgives everything.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "staff/recent_map.hpp"

namespace sc::staff {

struct throttle_verdict {
    enum class kind {
        go,      // check the password now
        wait,    // the account is under attack: try again after `retry_after`
        locked,  // this address failed too often (for this account or for all)
    };
    kind outcome = kind::go;
    std::chrono::seconds retry_after{0};
};

/// The part of an address that identifies a client: IPv4 as is (also when IPv4-mapped),
/// IPv6 by its /64 prefix (one host usually holds a whole /64). Anything else unchanged.
std::string normalized_address(std::string_view address);

class login_throttle {
  public:
    static constexpr int pair_free_failures = 5;
    static constexpr int address_free_failures = 20;
    static constexpr int account_slow_after = 5;
    static constexpr std::chrono::seconds longest_wait{5};

    explicit login_throttle(std::size_t max_entries_per_table = 65536);

    /// Asks before checking a password; `account` is the email as typed.
    throttle_verdict check(std::string_view account, std::string_view address,
                           core::time_point now);
    /// Returns true when this failure is the one that starts slowing the account down.
    bool record_failure(std::string_view account, std::string_view address, core::time_point now);
    /// Forgives this address's failures for this account (not the address's overall count:
    /// a sprayer with one account of their own must not reset their limit).
    void record_success(std::string_view account, std::string_view address);

    /// Entries across all tables; for tests of the size bound.
    std::size_t size();

  private:
    using key = std::array<unsigned char, 16>;
    using pair_key = std::array<unsigned char, 32>;
    struct strikes {
        int failures = 0;
        core::time_point locked_until{};
        core::time_point last_seen{};
        // When this address may next try an account that is being slowed down.
        core::time_point ready_at{};
    };

    struct keys {
        key account;
        key address;
        pair_key pair;
    };
    key hash(char domain, std::string_view text) const;
    keys keys_of(std::string_view account, std::string_view address) const;
    void drop_stale(core::time_point now);

    std::array<unsigned char, 32> hash_key_{};
    std::mutex mutex_;
    recent_map<pair_key, strikes> pairs_;
    recent_map<key, strikes> addresses_;
    recent_map<key, strikes> accounts_;
};

}  // namespace sc::staff
