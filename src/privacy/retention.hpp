// The retention period in force, shared by the purge, the privacy page and the console.
#pragma once

#include <atomic>
#include <chrono>

namespace sc::privacy {

class retention_setting {
  public:
    explicit retention_setting(int hours) : hours_(hours) {}
    int hours() const { return hours_.load(); }
    std::chrono::seconds period() const { return std::chrono::hours(hours_.load()); }
    void set(int hours) { hours_.store(hours); }

  private:
    std::atomic<int> hours_;
};

}  // namespace sc::privacy
