// The injected clock and the time formats stored and sent on the wire.
#include "core/clock.hpp"
#include "core/error.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace sc::core {
namespace {

using namespace std::chrono_literals;

TEST(manual_clock, stands_still_until_advanced) {
    manual_clock clock;
    auto start = clock.now();
    EXPECT_EQ(clock.now(), start);
    clock.advance(90min);
    EXPECT_EQ(clock.now() - start, 90min);
}

TEST(manual_clock, starts_where_told) {
    manual_clock clock{from_unix_seconds(1'000)};
    EXPECT_EQ(unix_seconds(clock.now()), 1'000);
}

TEST(unix_seconds, round_trips_whole_seconds) {
    EXPECT_EQ(unix_seconds(from_unix_seconds(1'800'000'123)), 1'800'000'123);
}

TEST(format_utc, is_rfc3339_utc_with_seconds) {
    EXPECT_EQ(format_utc(from_unix_seconds(0)), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_utc(from_unix_seconds(1'795'946'645)), "2026-11-29T10:04:05Z");
}

TEST(format_utc_day, is_the_utc_calendar_day) {
    EXPECT_EQ(format_utc_day(from_unix_seconds(1'795'946'645)), "2026-11-29");
    EXPECT_EQ(format_utc_day(from_unix_seconds(1'795'996'799)), "2026-11-29");
    EXPECT_EQ(format_utc_day(from_unix_seconds(1'795'996'800)), "2026-11-30");
}

TEST(error_codes, have_the_wire_names_of_the_protocol) {
    EXPECT_STREQ(code_name(errc::bad_json), "bad_json");
    EXPECT_STREQ(code_name(errc::bad_request), "bad_request");
    EXPECT_STREQ(code_name(errc::unknown_type), "unknown_type");
    EXPECT_STREQ(code_name(errc::rate_limited), "rate_limited");
    EXPECT_STREQ(code_name(errc::not_found), "not_found");
    EXPECT_STREQ(code_name(errc::conflict), "conflict");
    EXPECT_STREQ(code_name(errc::forbidden), "forbidden");
    EXPECT_STREQ(code_name(errc::unauthenticated), "unauthenticated");
    EXPECT_STREQ(code_name(errc::unavailable), "unavailable");
    EXPECT_STREQ(code_name(errc::internal), "internal");
}

}  // namespace
}  // namespace sc::core
