#include "privacy/policy.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>

namespace sc::privacy {

void policy_registry::load(store::database& db, const std::string& initial_markdown,
                           int retention_hours, core::time_point now) {
    auto count = db.prepare("SELECT count(*) FROM policy_versions");
    count.step();
    if (count.integer(0) == 0) {
        auto t = core::unix_seconds(now);
        db.prepare(
              "INSERT INTO policy_versions (version, markdown, effective_at, published_at,"
              " retention_hours) VALUES (1, ?, ?, ?, ?)")
            .bind(1, initial_markdown)
            .bind(2, t)
            .bind(3, t)
            .bind(4, retention_hours)
            .run();
    }
    auto s = db.prepare(
        "SELECT version, markdown, effective_at, published_at, published_by,"
        " retention_hours FROM policy_versions ORDER BY version");
    std::vector<policy_version> loaded;
    while (s.step()) {
        loaded.push_back({s.integer(0), s.text(1), s.integer(2), s.integer(3),
                          s.optional_integer(4), static_cast<int>(s.integer(5))});
    }
    std::lock_guard lock(mutex_);
    versions_ = std::move(loaded);
}

std::int64_t policy_registry::in_force(core::time_point now) const {
    std::lock_guard lock(mutex_);
    auto t = core::unix_seconds(now);
    std::int64_t best = versions_.empty() ? 1 : versions_.front().version;
    std::int64_t best_effective = -1;
    for (const auto& v : versions_) {
        if (v.effective_at <= t && v.effective_at >= best_effective) {
            best = v.version;
            best_effective = v.effective_at;
        }
    }
    return best;
}

std::optional<policy_version> policy_registry::find(std::int64_t version) const {
    std::lock_guard lock(mutex_);
    for (const auto& v : versions_) {
        if (v.version == version) return v;
    }
    return std::nullopt;
}

std::vector<policy_version> policy_registry::published(core::time_point now) const {
    std::lock_guard lock(mutex_);
    auto t = core::unix_seconds(now);
    std::vector<policy_version> out;
    for (const auto& v : versions_) {
        if (v.effective_at <= t) out.push_back(v);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.effective_at != b.effective_at ? a.effective_at > b.effective_at
                                                : a.version > b.version;
    });
    return out;
}

std::vector<policy_version> policy_registry::all() const {
    std::lock_guard lock(mutex_);
    return {versions_.rbegin(), versions_.rend()};
}

std::string policy_registry::latest_markdown() const {
    std::lock_guard lock(mutex_);
    return versions_.empty() ? std::string() : versions_.back().markdown;
}

void policy_registry::reschedule_retention(store::database& db, int retention_hours,
                                           core::time_point now) {
    auto t = core::unix_seconds(now);
    db.prepare("UPDATE policy_versions SET retention_hours = ? WHERE effective_at > ?")
        .bind(1, retention_hours)
        .bind(2, t)
        .run();
    std::lock_guard lock(mutex_);
    for (auto& v : versions_) {
        if (v.effective_at > t) v.retention_hours = retention_hours;
    }
}

core::result<policy_version> policy_registry::publish(store::database& db,
                                                      const std::string& markdown,
                                                      int retention_hours,
                                                      core::time_point effective_at,
                                                      std::int64_t staff_id, core::time_point now) {
    if (markdown.find_first_not_of(" \t\r\n") == std::string::npos) {
        return core::fail(core::errc::bad_request, "the policy text is empty");
    }
    if (markdown.size() > policy_max_bytes) {
        return core::fail(core::errc::bad_request, "the policy text is larger than 200 KiB");
    }
    // The text is a template ({{retention_hours}} and friends): a broken one must be refused
    // here, not discovered by every visitor who opens /privacy.
    if (kainjow::mustache::mustache tmpl{markdown}; !tmpl.is_valid()) {
        return core::fail(core::errc::bad_request,
                          "the policy text has a template error: " + tmpl.error_message());
    }
    // A minute's grace for clocks and typing; earlier would change the past.
    if (effective_at < now - std::chrono::minutes(1)) {
        return core::fail(core::errc::bad_request, "the effective time is in the past");
    }
    auto effective = std::max(core::unix_seconds(effective_at), core::unix_seconds(now));
    db.prepare(
          "INSERT INTO policy_versions (markdown, effective_at, published_at, published_by,"
          " retention_hours) VALUES (?, ?, ?, ?, ?)")
        .bind(1, markdown)
        .bind(2, effective)
        .bind(3, core::unix_seconds(now))
        .bind(4, staff_id)
        .bind(5, retention_hours)
        .run();
    policy_version v{db.last_insert_id(),     markdown, effective,
                     core::unix_seconds(now), staff_id, retention_hours};
    std::lock_guard lock(mutex_);
    versions_.push_back(v);
    return v;
}

}  // namespace sc::privacy
