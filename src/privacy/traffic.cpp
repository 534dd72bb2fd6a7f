#include "privacy/traffic.hpp"

#include <sodium.h>

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
    ++pending_views_[{today, std::string(page)}];

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
    if (seen_today_.insert(std::move(visitor)).second) ++pending_visitors_[today];
}

void traffic_counter::flush(store::database& db) {
    std::map<std::pair<std::string, std::string>, std::int64_t> views;
    std::map<std::string, std::int64_t> visitors;
    {
        std::lock_guard lock(mutex_);
        views.swap(pending_views_);
        visitors.swap(pending_visitors_);
    }
    for (const auto& [key, n] : views) {
        db.prepare(
              "INSERT INTO traffic_page_views (day, page, views) VALUES (?, ?, ?)"
              " ON CONFLICT (day, page) DO UPDATE SET views = views + excluded.views")
            .bind(1, key.first)
            .bind(2, key.second)
            .bind(3, n)
            .run();
    }
    for (const auto& [day, n] : visitors) {
        db.prepare(
              "INSERT INTO traffic_visitors (day, visitors) VALUES (?, ?)"
              " ON CONFLICT (day) DO UPDATE SET visitors = visitors + excluded.visitors")
            .bind(1, day)
            .bind(2, n)
            .run();
    }
}

std::vector<traffic_row> read_traffic(store::database& db, const std::string& since_day) {
    auto s = db.prepare(
        "SELECT day, page, views FROM traffic_page_views WHERE day >= ?"
        " UNION ALL SELECT day, '*', visitors FROM traffic_visitors WHERE day >= ?"
        " ORDER BY 1 DESC, 2");
    s.bind(1, since_day).bind(2, since_day);
    std::vector<traffic_row> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2)});
    return out;
}

}  // namespace sc::privacy
