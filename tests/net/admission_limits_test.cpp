#include "net/admission_limits.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sc::net {
namespace {

using verdict = admission_limits::verdict;

TEST(admission_limits, caps_one_address_but_not_the_others) {
    admission_limits limits(10, 2);
    admission_limits::ticket a1, a2, a3, b1;
    EXPECT_EQ(limits.admit("a", a1), verdict::admitted);
    EXPECT_EQ(limits.admit("a", a2), verdict::admitted);
    EXPECT_EQ(limits.admit("a", a3), verdict::too_many_from_address);
    EXPECT_FALSE(a3);
    EXPECT_EQ(limits.admit("b", b1), verdict::admitted);
    EXPECT_EQ(limits.open(), 3u);
}

TEST(admission_limits, a_released_ticket_frees_its_place) {
    admission_limits limits(10, 1);
    {
        admission_limits::ticket t;
        EXPECT_EQ(limits.admit("a", t), verdict::admitted);
        admission_limits::ticket moved = std::move(t);
        admission_limits::ticket again;
        EXPECT_EQ(limits.admit("a", again), verdict::too_many_from_address);
    }
    admission_limits::ticket later;
    EXPECT_EQ(limits.admit("a", later), verdict::admitted);
    EXPECT_EQ(limits.open(), 1u);
}

TEST(admission_limits, caps_the_total_including_exempt_peers) {
    admission_limits limits(3, 1);
    std::vector<admission_limits::ticket> held(4);
    EXPECT_EQ(limits.admit("", held[0]), verdict::admitted);
    EXPECT_EQ(limits.admit("", held[1]), verdict::admitted);  // exempt from the per-address cap
    EXPECT_EQ(limits.admit("x", held[2]), verdict::admitted);
    EXPECT_EQ(limits.admit("y", held[3]), verdict::too_many_in_all);
}

}  // namespace
}  // namespace sc::net
