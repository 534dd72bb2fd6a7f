#include "chat/visitor_blocks.hpp"

#include "core/random.hpp"

#include <algorithm>
#include <array>

namespace sc::chat {

using core::errc;

namespace {

constexpr std::array block_reasons{"abusive", "threatening", "prank", "other"};
constexpr std::size_t block_id_bytes = 8;

}  // namespace

bool valid_block_reason(std::string_view code) {
    return std::find(block_reasons.begin(), block_reasons.end(), code) != block_reasons.end();
}

visitor_blocks::visitor_blocks(const core::clock& clock, std::chrono::seconds duration)
    : clock_(clock), duration_(duration) {}

core::result<visitor_block> visitor_blocks::place(const std::string& network_key,
                                                  std::int64_t staff_id,
                                                  const std::string& reason) {
    if (!valid_block_reason(reason)) {
        return core::fail(errc::bad_request,
                          "field 'reason' must be one of abusive, threatening, prank, other");
    }
    if (network_key.empty()) {
        return core::fail(errc::conflict,
                          "the visitor's network is not known (they have not connected since "
                          "the server restarted), so they cannot be blocked");
    }
    drop_expired();
    auto now = clock_.now();
    auto& b = by_key_[network_key];
    if (b.id.empty()) b.id = core::random_hex(block_id_bytes);
    b.placed_by = staff_id;
    b.placed_at = now;
    b.expires_at = now + duration_;
    b.reason = reason;
    return b;
}

bool visitor_blocks::is_blocked(const std::string& network_key) {
    auto it = by_key_.find(network_key);
    if (it == by_key_.end()) return false;
    if (clock_.now() < it->second.expires_at) return true;
    by_key_.erase(it);
    return false;
}

core::result<> visitor_blocks::lift(const std::string& block_id) {
    drop_expired();
    auto it = std::find_if(by_key_.begin(), by_key_.end(),
                           [&](const auto& kv) { return kv.second.id == block_id; });
    if (it == by_key_.end()) {
        return core::fail(errc::not_found, "no such block (it may have expired or been lifted)");
    }
    by_key_.erase(it);
    return {};
}

std::vector<visitor_block> visitor_blocks::active() {
    drop_expired();
    std::vector<visitor_block> out;
    out.reserve(by_key_.size());
    for (const auto& [key, b] : by_key_) out.push_back(b);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.placed_at != b.placed_at ? a.placed_at < b.placed_at : a.id < b.id;
    });
    return out;
}

void visitor_blocks::drop_expired() {
    auto now = clock_.now();
    std::erase_if(by_key_, [&](const auto& kv) { return now >= kv.second.expires_at; });
}

}  // namespace sc::chat
