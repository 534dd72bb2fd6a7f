// Password guessing is slowed per account: five failures lock it, each lock twice as long.
#include "staff/login_throttle.hpp"

#include <gtest/gtest.h>

namespace sc::staff {
namespace {

using namespace std::chrono_literals;

class login_throttle_test : public ::testing::Test {
protected:
    void fail(int times, const std::string& account = "ana@example.org") {
        for (int i = 0; i < times; ++i) throttle_.record_failure(account, clock_.now());
    }
    std::optional<std::chrono::seconds> locked(const std::string& account = "ana@example.org") {
        return throttle_.locked_for(account, clock_.now());
    }

    login_throttle throttle_;
    core::manual_clock clock_;
};

TEST_F(login_throttle_test, four_failures_do_not_lock) {
    fail(4);
    EXPECT_FALSE(locked());
}

TEST_F(login_throttle_test, the_fifth_failure_locks_for_a_minute) {
    fail(5);
    EXPECT_EQ(locked(), 60s);
    clock_.advance(59s);
    EXPECT_EQ(locked(), 1s);
    clock_.advance(1s);
    EXPECT_FALSE(locked());
}

TEST_F(login_throttle_test, each_further_failure_doubles_the_lock) {
    fail(5);
    for (auto expected : {120s, 240s, 480s}) {
        clock_.advance(*locked());
        fail(1);
        EXPECT_EQ(locked(), expected);
    }
}

TEST_F(login_throttle_test, lock_never_exceeds_15_minutes) {
    fail(5);
    for (int i = 0; i < 10; ++i) {
        clock_.advance(*locked());
        fail(1);
    }
    EXPECT_EQ(locked(), 15min);
}

TEST_F(login_throttle_test, success_resets_the_count) {
    fail(5);
    throttle_.record_success("ana@example.org");
    EXPECT_FALSE(locked());
    fail(4);
    EXPECT_FALSE(locked());
}

TEST_F(login_throttle_test, accounts_are_counted_separately) {
    fail(5, "ana@example.org");
    EXPECT_TRUE(locked("ana@example.org"));
    EXPECT_FALSE(locked("ben@example.org"));
    fail(4, "ben@example.org");
    EXPECT_FALSE(locked("ben@example.org"));
}

TEST_F(login_throttle_test, old_failures_are_forgotten_after_an_hour) {
    fail(4);
    clock_.advance(2h);
    fail(4);
    EXPECT_FALSE(locked());
}

TEST_F(login_throttle_test, unknown_accounts_are_locked_too) {
    fail(5, "nobody@example.org");
    EXPECT_TRUE(locked("nobody@example.org"));
}

}  // namespace
}  // namespace sc::staff
