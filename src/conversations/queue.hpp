// The waiting line: conversations no advocate has taken yet, oldest first, and how long
// the next ones can expect to wait. Pure: the caller says what time it is.
#pragma once

#include "core/clock.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>

namespace sc::conversations {

class queue {
  public:
    struct entry {
        std::string id;
        core::time_point since;  // when the visitor started waiting
    };
    /// Consoles see the line a page at a time: a thousand entries on every change would
    /// flood every console.
    static constexpr std::size_t page_size = 50;

    void join(std::string id, core::time_point since);
    /// An advocate took `id` at `now`: it leaves, and its wait counts toward the estimate.
    bool take(const std::string& id, core::time_point now);
    /// `id` leaves for any other reason (the visitor left, the chat was purged).
    bool leave(const std::string& id);

    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    /// Oldest first.
    const std::deque<entry>& entries() const { return entries_; }
    /// A run of entries; not std::ranges::subrange, which clang 15 cannot instantiate over
    /// libstdc++ 12's deque iterators (the fuzz build uses clang).
    struct entry_range {
        std::deque<entry>::const_iterator first, last;
        auto begin() const { return first; }
        auto end() const { return last; }
        std::size_t size() const { return static_cast<std::size_t>(last - first); }
        bool empty() const { return first == last; }
        const entry& front() const { return *first; }
    };
    /// The page starting at `offset`, at most page_size entries.
    entry_range page(std::size_t offset) const;
    /// Where a page asked for at `requested` starts now: past the end, the last page.
    std::size_t page_start(std::size_t requested) const;

    /// The wait to expect at 1-based `position` with `available` advocates: the average of
    /// the recent waits (two minutes before there are any, never under 30 s) for every
    /// `available` chats ahead. Zero when nobody is available: no promise can be made.
    std::chrono::seconds estimated_wait(std::size_t position, std::size_t available) const;

  private:
    static constexpr std::size_t wait_samples = 20;
    std::deque<entry> entries_;
    std::deque<std::chrono::seconds> recent_waits_;
};

}  // namespace sc::conversations
