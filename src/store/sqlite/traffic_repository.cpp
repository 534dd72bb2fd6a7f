#include "store/sqlite/traffic_repository.hpp"

namespace sc::store {

void sqlite_traffic_repository::add_page_views(const std::string& day, const std::string& page,
                                               std::int64_t views) {
    db_.prepare(
           "INSERT INTO traffic_page_views (day, page, views) VALUES (?, ?, ?)"
           " ON CONFLICT (day, page) DO UPDATE SET views = views + excluded.views")
        .bind(1, day)
        .bind(2, page)
        .bind(3, views)
        .run();
}

void sqlite_traffic_repository::add_visitors(const std::string& day, std::int64_t visitors) {
    db_.prepare(
           "INSERT INTO traffic_visitors (day, visitors) VALUES (?, ?)"
           " ON CONFLICT (day) DO UPDATE SET visitors = visitors + excluded.visitors")
        .bind(1, day)
        .bind(2, visitors)
        .run();
}

std::vector<traffic_row> sqlite_traffic_repository::counts_since(const std::string& since_day) {
    auto s = db_.prepare(
        "SELECT day, page, views FROM traffic_page_views WHERE day >= ?"
        " UNION ALL SELECT day, '*', visitors FROM traffic_visitors WHERE day >= ?"
        " ORDER BY 1 DESC, 2");
    s.bind(1, since_day).bind(2, since_day);
    std::vector<traffic_row> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2)});
    return out;
}

}  // namespace sc::store
