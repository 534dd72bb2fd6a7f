// The per-connection frame limit: 10 a second on average, bursts of 20.
#include "chat/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace sc::chat {
namespace {

using namespace std::chrono_literals;

int take_all(token_bucket& bucket, core::time_point now) {
    int n = 0;
    while (bucket.take(now) && n < 1000) ++n;
    return n;
}

TEST(token_bucket, allows_a_burst_then_refuses) {
    core::manual_clock clock;
    token_bucket bucket(10, 20);
    EXPECT_EQ(take_all(bucket, clock.now()), 20);
    EXPECT_FALSE(bucket.take(clock.now()));
}

TEST(token_bucket, refills_at_the_rate) {
    core::manual_clock clock;
    token_bucket bucket(10, 20);
    take_all(bucket, clock.now());
    clock.advance(100ms);
    EXPECT_TRUE(bucket.take(clock.now()));
    EXPECT_FALSE(bucket.take(clock.now()));
    clock.advance(1s);
    EXPECT_EQ(take_all(bucket, clock.now()), 10);
}

TEST(token_bucket, refill_stops_at_the_burst_size) {
    core::manual_clock clock;
    token_bucket bucket(10, 20);
    take_all(bucket, clock.now());
    clock.advance(1h);
    EXPECT_EQ(take_all(bucket, clock.now()), 20);
}

TEST(token_bucket, steady_rate_is_never_refused) {
    core::manual_clock clock;
    token_bucket bucket(10, 20);
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(bucket.take(clock.now())) << "frame " << i;
        clock.advance(100ms);
    }
}

TEST(token_bucket, time_going_backwards_adds_nothing) {
    core::manual_clock clock{core::from_unix_seconds(2'000'000'000)};
    token_bucket bucket(10, 20);
    take_all(bucket, clock.now());
    EXPECT_FALSE(bucket.take(clock.now() - 10s));
}

}  // namespace
}  // namespace sc::chat
