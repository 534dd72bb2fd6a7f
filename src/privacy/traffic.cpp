#include "privacy/traffic.hpp"

#include "store/traffic.hpp"

#include <sodium.h>

#include <memory>

namespace sc::privacy {

traffic_counter::traffic_counter(const core::clock& clock) : clock_(clock) {}

void traffic_counter::rotate_if_new_day(const std::string& today) {
    if (today == day_) return;
    day_ = today;
    salt_.assign(crypto_generichash_KEYBYTES, '\0');
    randombytes_buf(salt_.data(), salt_.size());
    seen_today_.clear();
}

void traffic_counter::record_view(std::string_view page, std::string_view address,
                                  std::string_view user_agent) {
    auto today = core::format_utc_day(clock_.now());
    std::lock_guard lock(mutex_);
    rotate_if_new_day(today);
    ++pending_.views[{today, std::string(page)}];

    crypto_generichash_state state;
    crypto_generichash_init(&state, reinterpret_cast<const unsigned char*>(salt_.data()),
                            salt_.size(), 16);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(address.data()),
                              address.size());
    const unsigned char separator = 0;
    crypto_generichash_update(&state, &separator, 1);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(user_agent.data()),
                              user_agent.size());
    std::string visitor(16, '\0');
    crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(visitor.data()),
                             visitor.size());
    if (seen_today_.insert(std::move(visitor)).second) ++pending_.visitors[today];
}

void traffic_counter::put_back(const counts& unsaved) {
    std::lock_guard lock(mutex_);
    for (const auto& [key, n] : unsaved.views) pending_.views[key] += n;
    for (const auto& [day, n] : unsaved.visitors) pending_.visitors[day] += n;
}

void traffic_counter::flush(store::worker& store) {
    auto taken = std::make_shared<counts>();
    {
        std::lock_guard lock(mutex_);
        std::swap(*taken, pending_);
    }
    if (taken->views.empty() && taken->visitors.empty()) return;
    store.submit(
        [taken](store::unit_of_work& work) {
            for (const auto& [key, n] : taken->views) {
                work.traffic().add_page_views(key.first, key.second, n);
            }
            for (const auto& [day, n] : taken->visitors) work.traffic().add_visitors(day, n);
        },
        [this, taken](const core::result<>& saved) {
            if (!saved) put_back(*taken);
        });
}

}  // namespace sc::privacy
