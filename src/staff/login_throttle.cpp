#include "staff/login_throttle.hpp"

#include <arpa/inet.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sc::staff {
namespace {

using std::chrono::seconds;

constexpr seconds first_lock{60};
constexpr seconds longest_lock{15 * 60};
// Failures older than this stop counting towards slowing an account down.
constexpr std::chrono::minutes account_window{15};
// How long a granted turn stays usable after its wait is over.
constexpr std::chrono::minutes turn_lifetime{2};
// Entries untouched this long are forgotten (every lock is shorter).
constexpr std::chrono::hours forget_after{1};

core::time_point lock_end(int failures, int free_failures, core::time_point now) {
    auto doublings = std::min(failures - free_failures, 4);
    return now + std::min(first_lock * (1 << doublings), longest_lock);
}

seconds until(core::time_point later, core::time_point now) {
    return std::max(seconds{1}, std::chrono::ceil<seconds>(later - now));
}

std::string lower_case(std::string_view account) {
    std::string out(account);
    for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

}  // namespace

std::string normalized_address(std::string_view address) {
    std::string text(address);
    unsigned char bytes[16];
    if (inet_pton(AF_INET, text.c_str(), bytes) == 1)
        return std::string("4") + std::string(reinterpret_cast<char*>(bytes), 4);
    if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
        static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(bytes, mapped, sizeof mapped) == 0) {
            return std::string("4") + std::string(reinterpret_cast<char*>(bytes + 12), 4);
        }
        return std::string("6") + std::string(reinterpret_cast<char*>(bytes), 8);
    }
    return "?" + text;
}

login_throttle::login_throttle(std::size_t max_entries_per_table)
    : pairs_(max_entries_per_table),
      addresses_(max_entries_per_table),
      accounts_(max_entries_per_table) {
    randombytes_buf(hash_key_.data(), hash_key_.size());
}

login_throttle::key login_throttle::hash(char domain, std::string_view text) const {
    key out{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, hash_key_.data(), hash_key_.size(), out.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&domain), 1);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                              text.size());
    crypto_generichash_final(&state, out.data(), out.size());
    return out;
}

login_throttle::keys login_throttle::keys_of(std::string_view account,
                                             std::string_view address) const {
    keys out{hash('e', lower_case(account)), hash('a', normalized_address(address)), {}};
    std::copy(out.account.begin(), out.account.end(), out.pair.begin());
    std::copy(out.address.begin(), out.address.end(), out.pair.begin() + out.account.size());
    return out;
}

throttle_verdict login_throttle::check(std::string_view account, std::string_view address,
                                       core::time_point now) {
    auto k = keys_of(account, address);
    std::lock_guard lock(mutex_);
    drop_stale(now);
    if (auto* a = addresses_.find(k.address); a && a->locked_until > now) {
        return {throttle_verdict::kind::locked, until(a->locked_until, now)};
    }
    auto* p = pairs_.find(k.pair);
    if (p && p->locked_until > now) {
        return {throttle_verdict::kind::locked, until(p->locked_until, now)};
    }
    auto* acc = accounts_.find(k.account);
    bool slowed =
        acc && acc->failures >= account_slow_after && now - acc->last_seen <= account_window;
    if (!slowed) return {};
    auto& turn = pairs_.touch(k.pair);
    turn.last_seen = now;
    if (turn.ready_at != core::time_point{} && turn.ready_at <= now &&
        now <= turn.ready_at + turn_lifetime) {
        turn.ready_at = {};  // one attempt per wait
        return {};
    }
    if (turn.ready_at == core::time_point{} || now > turn.ready_at + turn_lifetime) {
        auto wait = std::min(seconds{acc->failures - account_slow_after + 1}, longest_wait);
        turn.ready_at = now + wait;
    }
    return {throttle_verdict::kind::wait, until(turn.ready_at, now)};
}

bool login_throttle::record_failure(std::string_view account, std::string_view address,
                                    core::time_point now) {
    auto k = keys_of(account, address);
    std::lock_guard lock(mutex_);
    drop_stale(now);
    auto count = [&](strikes& s, int free_failures) {
        s.failures += 1;
        s.last_seen = now;
        if (s.failures >= free_failures) s.locked_until = lock_end(s.failures, free_failures, now);
    };
    count(pairs_.touch(k.pair), pair_free_failures);
    count(addresses_.touch(k.address), address_free_failures);
    auto& acc = accounts_.touch(k.account);
    if (now - acc.last_seen > account_window) acc.failures = 0;
    acc.failures += 1;
    acc.last_seen = now;
    return acc.failures == account_slow_after;
}

void login_throttle::record_success(std::string_view account, std::string_view address) {
    auto k = keys_of(account, address);
    std::lock_guard lock(mutex_);
    pairs_.erase(k.pair);
}

std::size_t login_throttle::size() {
    std::lock_guard lock(mutex_);
    return pairs_.size() + addresses_.size() + accounts_.size();
}

void login_throttle::drop_stale(core::time_point now) {
    auto stale = [&](const strikes& s) { return now - s.last_seen > forget_after; };
    pairs_.drop_stale(stale);
    addresses_.drop_stale(stale);
    accounts_.drop_stale(stale);
}

}  // namespace sc::staff
