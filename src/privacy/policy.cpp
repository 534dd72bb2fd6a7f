#include "privacy/policy.hpp"

#include "store/audit.hpp"
#include "store/policy.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>

namespace sc::privacy {

void policy_registry::load(store::worker& store, const std::string& initial_markdown,
                           int retention_hours, core::time_point now) {
    auto rows = store.call([&](store::unit_of_work& work) {
        auto& versions = work.policy();
        auto stored = versions.versions();
        if (!stored.empty()) return stored;
        versions.add_first_version(initial_markdown, core::unix_seconds(now), retention_hours);
        return versions.versions();
    });
    std::vector<policy_version> loaded;
    loaded.reserve(rows.size());
    for (auto& r : rows) {
        loaded.push_back({r.version, std::move(r.markdown), r.effective_at, r.published_at,
                          r.published_by, r.retention_hours});
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

void policy_registry::reschedule_retention(int retention_hours, core::time_point now) {
    auto t = core::unix_seconds(now);
    std::lock_guard lock(mutex_);
    for (auto& v : versions_) {
        if (v.effective_at > t) v.retention_hours = retention_hours;
    }
}

void policy_registry::add(policy_version v) {
    std::lock_guard lock(mutex_);
    // Two publishes may commit in one order and arrive here in the other.
    auto at = std::find_if(versions_.begin(), versions_.end(),
                           [&](const auto& known) { return known.version > v.version; });
    versions_.insert(at, std::move(v));
}

core::result<policy_version> policy_registry::publish(store::worker& store,
                                                      const std::string& markdown,
                                                      int retention_hours,
                                                      core::time_point effective_at,
                                                      std::int64_t staff_id, core::time_point now) {
    auto draft = draft_policy_version(markdown, retention_hours, effective_at, staff_id, now);
    if (!draft) return draft;
    try {
        auto v = store.call(
            [&](store::unit_of_work& work) { return record_policy_version(work, *draft); });
        add(v);
        return v;
    } catch (const store::store_error&) {
        return core::fail(core::errc::internal,
                          "the new version could not be saved, so nothing was published; "
                          "please try again");
    }
}

core::result<policy_version> draft_policy_version(const std::string& markdown, int retention_hours,
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
    return policy_version{0,        markdown,       effective, core::unix_seconds(now),
                          staff_id, retention_hours};
}

policy_version record_policy_version(store::unit_of_work& work, policy_version draft) {
    draft.version =
        work.policy().add_version({0, draft.markdown, draft.effective_at, draft.published_at,
                                   draft.published_by, draft.retention_hours});
    work.audit().append(draft.published_at, draft.published_by, "policy_published",
                        "version " + std::to_string(draft.version));
    return draft;
}

}  // namespace sc::privacy
