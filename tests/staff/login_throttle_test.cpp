// Sign-in throttling: each (account, address) pair and each address have their own lock;
// an account attacked from many addresses slows every attempt by a few seconds but never
// refuses its owner from an address that has not failed.
#include "staff/login_throttle.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace sc::staff {
namespace {

using namespace std::chrono_literals;
using kind = throttle_verdict::kind;

constexpr const char* ana = "ana@example.org";
constexpr const char* home = "192.0.2.1";

std::string stranger(int n) { return "198.51.100." + std::to_string(n); }

class login_throttle_test : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }

    void fail(int times, const std::string& account = ana, const std::string& address = home) {
        for (int i = 0; i < times; ++i) throttle_.record_failure(account, address, clock_.now());
    }
    throttle_verdict check(const std::string& account = ana, const std::string& address = home) {
        return throttle_.check(account, address, clock_.now());
    }
    /// Waits as told, then asks again: the attempt an owner's console makes.
    throttle_verdict check_after_wait(const std::string& account, const std::string& address) {
        auto v = check(account, address);
        if (v.outcome != kind::wait) return v;
        clock_.advance(v.retry_after);
        return check(account, address);
    }

    login_throttle throttle_;
    core::manual_clock clock_;
};

TEST_F(login_throttle_test, four_failures_change_nothing) {
    fail(4);
    EXPECT_EQ(check().outcome, kind::go);
}

TEST_F(login_throttle_test, the_fifth_failure_from_one_address_locks_that_pair_for_a_minute) {
    fail(5);
    auto v = check();
    EXPECT_EQ(v.outcome, kind::locked);
    EXPECT_EQ(v.retry_after, 60s);
    clock_.advance(59s);
    EXPECT_EQ(check().retry_after, 1s);
    clock_.advance(1s);
    EXPECT_NE(check().outcome, kind::locked);
}

TEST_F(login_throttle_test, each_further_failure_doubles_the_pair_lock_up_to_15_minutes) {
    fail(5);
    for (auto expected : {120s, 240s, 480s, 900s, 900s}) {
        clock_.advance(check().retry_after);
        fail(1);
        EXPECT_EQ(check().retry_after, expected);
    }
}

TEST_F(login_throttle_test, a_locked_pair_does_not_lock_the_owner_elsewhere) {
    fail(5, ana, stranger(1));
    EXPECT_EQ(check(ana, stranger(1)).outcome, kind::locked);
    // The owner's address has not failed: at most a short wait, never a lock.
    auto v = check_after_wait(ana, home);
    EXPECT_EQ(v.outcome, kind::go);
}

TEST_F(login_throttle_test, many_addresses_slow_the_account_by_a_few_seconds_at_most) {
    for (int i = 1; i <= 200; ++i) fail(5, ana, stranger(i));
    auto first = check(ana, home);
    ASSERT_EQ(first.outcome, kind::wait);
    EXPECT_LE(first.retry_after, login_throttle::longest_wait);
    // Asking again early does not reset the wait; after it, the owner gets their turn.
    clock_.advance(1s);
    EXPECT_EQ(check(ana, home).retry_after, first.retry_after - 1s);
    clock_.advance(first.retry_after - 1s);
    EXPECT_EQ(check(ana, home).outcome, kind::go);
}

TEST_F(login_throttle_test, the_wait_grows_with_failures) {
    fail(5, ana, stranger(1));
    EXPECT_EQ(check(ana, home).retry_after, 1s);
    clock_.advance(1s);
    EXPECT_EQ(check(ana, home).outcome, kind::go);
    fail(2, ana, stranger(2));
    EXPECT_EQ(check(ana, home).retry_after, 3s);
}

TEST_F(login_throttle_test, strangers_cannot_use_up_or_extend_the_owners_turn) {
    for (int i = 1; i <= 5; ++i) fail(1, ana, stranger(i));
    auto mine = check(ana, home);
    ASSERT_EQ(mine.outcome, kind::wait);
    // While the owner waits, strangers keep trying and failing.
    for (int i = 10; i < 60; ++i) {
        (void)check(ana, stranger(i));
        fail(1, ana, stranger(i));
    }
    clock_.advance(mine.retry_after);
    EXPECT_EQ(check(ana, home).outcome, kind::go);
}

TEST_F(login_throttle_test, a_turn_is_good_for_one_attempt) {
    fail(5, ana, stranger(1));
    ASSERT_EQ(check_after_wait(ana, home).outcome, kind::go);
    EXPECT_EQ(check(ana, home).outcome, kind::wait);
}

TEST_F(login_throttle_test, account_slowing_ends_15_minutes_after_the_last_failure) {
    fail(5, ana, stranger(1));
    EXPECT_EQ(check(ana, home).outcome, kind::wait);
    clock_.advance(16min);
    EXPECT_EQ(check(ana, stranger(2)).outcome, kind::go);
}

TEST_F(login_throttle_test, one_address_spraying_many_accounts_is_locked) {
    for (int i = 0; i < login_throttle::address_free_failures; ++i) {
        EXPECT_EQ(check("user" + std::to_string(i) + "@example.org", stranger(1)).outcome,
                  kind::go);
        fail(1, "user" + std::to_string(i) + "@example.org", stranger(1));
    }
    auto v = check("fresh@example.org", stranger(1));
    EXPECT_EQ(v.outcome, kind::locked);
    EXPECT_EQ(v.retry_after, 60s);
    // Other addresses are not affected.
    EXPECT_EQ(check("fresh@example.org", stranger(2)).outcome, kind::go);
}

TEST_F(login_throttle_test, success_forgives_the_pair_but_not_the_address) {
    fail(4);
    throttle_.record_success(ana, home);
    fail(4);
    // Not locked (the pair starts again), only slowed: the account saw 8 failures.
    EXPECT_EQ(check().outcome, kind::wait);
    for (int i = 0; i < login_throttle::address_free_failures; ++i) {
        fail(1, "user" + std::to_string(i) + "@example.org", stranger(1));
        throttle_.record_success("user" + std::to_string(i) + "@example.org", stranger(1));
    }
    EXPECT_EQ(check("x@example.org", stranger(1)).outcome, kind::locked);
}

TEST_F(login_throttle_test, the_first_failure_that_slows_an_account_is_reported_once) {
    int reported = 0;
    for (int i = 1; i <= 8; ++i)
        reported += throttle_.record_failure(ana, stranger(i), clock_.now());
    EXPECT_EQ(reported, 1);
}

TEST_F(login_throttle_test, emails_are_compared_without_case) {
    fail(5, "Ana@Example.ORG", home);
    EXPECT_EQ(check(ana, home).outcome, kind::locked);
}

TEST_F(login_throttle_test, addresses_of_one_ipv6_64_count_as_one) {
    fail(5, ana, "2001:db8:1:2::1");
    EXPECT_EQ(check(ana, "2001:db8:1:2:ffff::9").outcome, kind::locked);
    EXPECT_NE(check(ana, "2001:db8:1:3::1").outcome, kind::locked);
    fail(5, ana, "::ffff:192.0.2.7");
    EXPECT_EQ(check(ana, "192.0.2.7").outcome, kind::locked);
}

TEST_F(login_throttle_test, state_is_bounded_whatever_strangers_send) {
    login_throttle small(100);
    std::string huge(60 * 1024, 'x');
    for (int i = 0; i < 400; ++i) {
        small.record_failure(huge + std::to_string(i), stranger(i % 200), clock_.now());
    }
    EXPECT_LE(small.size(), 300u);
}

TEST_F(login_throttle_test, untouched_entries_are_forgotten_after_an_hour) {
    fail(4);
    clock_.advance(2h);
    fail(4);
    EXPECT_EQ(check().outcome, kind::go);
    EXPECT_EQ(throttle_.size(), 3u);
}

TEST(normalized_address_test, keeps_what_identifies_a_client) {
    EXPECT_EQ(normalized_address("127.0.0.1"), normalized_address("::ffff:127.0.0.1"));
    EXPECT_NE(normalized_address("127.0.0.1"), normalized_address("127.0.0.2"));
    EXPECT_EQ(normalized_address("2001:db8::1"), normalized_address("2001:db8::2"));
    EXPECT_EQ(normalized_address("").size(), 1u);
}

}  // namespace
}  // namespace sc::staff
