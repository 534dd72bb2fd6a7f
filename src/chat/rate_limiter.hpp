// A token bucket: `rate` frames a second on average, bursts up to `burst`.
#pragma once

#include "core/clock.hpp"

#include <algorithm>
#include <chrono>

namespace sc::chat {

class token_bucket {
  public:
    token_bucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

    /// Takes one token if there is one.
    bool take(core::time_point now) {
        if (last_ != core::time_point{}) {
            std::chrono::duration<double> elapsed = now - last_;
            tokens_ = std::min(burst_, tokens_ + std::max(0.0, elapsed.count()) * rate_);
        }
        last_ = now;
        if (tokens_ < 1.0) return false;
        tokens_ -= 1.0;
        return true;
    }

  private:
    double rate_;
    double burst_;
    double tokens_;
    core::time_point last_{};
};

}  // namespace sc::chat
