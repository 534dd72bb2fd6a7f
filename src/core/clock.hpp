// The time source. Retention, expiry, rate limits and queue estimates read a clock that
// tests can move, so no test sleeps through a day.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace sc::core {

using time_point = std::chrono::system_clock::time_point;

class clock {
  public:
    virtual ~clock() = default;
    virtual time_point now() const = 0;
};

class system_clock final : public clock {
  public:
    time_point now() const override { return std::chrono::system_clock::now(); }
};

/// A clock that only moves when told to; for tests.
class manual_clock final : public clock {
  public:
    explicit manual_clock(time_point start = time_point{std::chrono::seconds{1'800'000'000}})
        : now_(start.time_since_epoch().count()) {}
    time_point now() const override { return time_point{time_point::duration{now_.load()}}; }
    void advance(std::chrono::nanoseconds by) {
        now_ += std::chrono::duration_cast<time_point::duration>(by).count();
    }

  private:
    std::atomic<time_point::rep> now_;
};

/// Seconds since the Unix epoch, the unit stored in the database.
inline std::int64_t unix_seconds(time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

inline time_point from_unix_seconds(std::int64_t s) { return time_point{std::chrono::seconds{s}}; }

/// RFC 3339 UTC with second precision, e.g. 2026-11-29T10:04:05Z.
std::string format_utc(time_point t);
/// The UTC calendar day, e.g. 2026-11-29.
std::string format_utc_day(time_point t);

}  // namespace sc::core
