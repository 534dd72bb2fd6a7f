#include "core/clock.hpp"

#include <array>
#include <ctime>

namespace sc::core {

namespace {

std::string format(time_point t, const char* pattern) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::array<char, 32> buf{};
    std::strftime(buf.data(), buf.size(), pattern, &tm);
    return buf.data();
}

}  // namespace

std::string format_utc(time_point t) { return format(t, "%Y-%m-%dT%H:%M:%SZ"); }

std::string format_utc_day(time_point t) { return format(t, "%Y-%m-%d"); }

}  // namespace sc::core
