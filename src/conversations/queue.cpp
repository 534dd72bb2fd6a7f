#include "conversations/queue.hpp"

#include <algorithm>
#include <numeric>

namespace sc::conversations {

namespace {
constexpr std::chrono::seconds default_wait{120};
constexpr std::chrono::seconds shortest_wait{30};
}  // namespace

void queue::join(std::string id, core::time_point since) {
    entries_.push_back({std::move(id), since});
}

bool queue::take(const std::string& id, core::time_point now) {
    auto it =
        std::find_if(entries_.begin(), entries_.end(), [&](const entry& e) { return e.id == id; });
    if (it == entries_.end()) return false;
    recent_waits_.push_back(std::chrono::duration_cast<std::chrono::seconds>(now - it->since));
    if (recent_waits_.size() > wait_samples) recent_waits_.pop_front();
    entries_.erase(it);
    return true;
}

bool queue::leave(const std::string& id) {
    return std::erase_if(entries_, [&](const entry& e) { return e.id == id; }) > 0;
}

queue::entry_range queue::page(std::size_t offset) const {
    auto first = std::min(offset, entries_.size());
    auto last = std::min(entries_.size(), first + page_size);
    return {entries_.begin() + static_cast<std::ptrdiff_t>(first),
            entries_.begin() + static_cast<std::ptrdiff_t>(last)};
}

std::size_t queue::page_start(std::size_t requested) const {
    if (entries_.empty()) return 0;
    return std::min(requested, (entries_.size() - 1) / page_size * page_size);
}

std::chrono::seconds queue::estimated_wait(std::size_t position, std::size_t available) const {
    if (available == 0) return std::chrono::seconds{0};
    auto average =
        recent_waits_.empty()
            ? default_wait
            : std::accumulate(recent_waits_.begin(), recent_waits_.end(), std::chrono::seconds{0}) /
                  static_cast<std::int64_t>(recent_waits_.size());
    average = std::max(average, shortest_wait);
    auto n = static_cast<std::int64_t>(available);
    return std::chrono::seconds{(static_cast<std::int64_t>(position) * average.count() + n - 1) /
                                n};
}

}  // namespace sc::conversations
