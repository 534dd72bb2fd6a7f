// Caps how many of a thing are held at once, in all and per client address: open
// connections (so one address holding many half-open requests cannot take every file
// descriptor) and password hashes in progress (so a sign-in flood cannot queue without end).
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace sc::net {

class admission_limits {
  public:
    admission_limits(std::size_t total, std::size_t per_address);

    /// Holds one admitted place until it is destroyed. Movable only.
    class ticket {
      public:
        ticket() = default;
        ticket(ticket&& other) noexcept;
        ticket& operator=(ticket&& other) noexcept;
        ticket(const ticket&) = delete;
        ticket& operator=(const ticket&) = delete;
        ~ticket();
        explicit operator bool() const { return owner_ != nullptr; }

      private:
        friend class admission_limits;
        ticket(admission_limits* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
        admission_limits* owner_ = nullptr;
        std::string key_;  // empty: counted in the total only
    };

    enum class verdict { admitted, too_many_in_all, too_many_from_address };

    /// Admits one more from `key` (a client address; empty for one exempt from the
    /// per-address cap, such as a trusted proxy). `out` receives the ticket when admitted.
    verdict admit(const std::string& key, ticket& out);

    std::size_t open() const;
    std::size_t total_limit() const { return total_; }

  private:
    void release(const std::string& key);

    const std::size_t total_;
    const std::size_t per_address_;
    mutable std::mutex mutex_;
    std::size_t open_ = 0;
    std::map<std::string, std::size_t> by_address_;
};

}  // namespace sc::net
