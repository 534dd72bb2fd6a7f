#include "http/privacy_api.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <ctime>

#include "core/log.hpp"
#include "http/json_body.hpp"
#include "http/staff_api.hpp"
#include "privacy/audit.hpp"
#include "privacy/purge.hpp"
#include "privacy/retention_change.hpp"
#include "store/audit.hpp"
#include "store/conversations.hpp"
#include "store/traffic.hpp"

namespace sc::http {

namespace json = boost::json;
using core::errc;

namespace {

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

json::value time_or_null(std::optional<std::int64_t> t) {
    if (!t) return nullptr;
    return json::value(core::format_utc(core::from_unix_seconds(*t)));
}

response ok(const json::object& body) { return json_response(200, json::serialize(body)); }

}  // namespace

std::optional<core::time_point> parse_utc(std::string_view text) {
    std::tm tm{};
    int consumed = 0;
    std::string s(text);
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &consumed) != 5) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(static_cast<std::size_t>(consumed));
    if (rest.size() >= 3 && rest[0] == ':') {
        auto secs = parse_int(rest.substr(1, 2));
        if (!secs || *secs > 60) return std::nullopt;
        tm.tm_sec = static_cast<int>(*secs);
        rest.remove_prefix(3);
    }
    if (rest != "Z") return std::nullopt;
    // Years past 2200 would overflow the clock's nanoseconds (it ends in 2262).
    if (tm.tm_year < 1970 || tm.tm_year > 2200 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
        tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59) {
        return std::nullopt;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    std::tm check = tm;
    auto t = timegm(&check);
    // timegm rolls 2026-02-31 over into March; such a date is a typing error, not a time.
    if (check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon) return std::nullopt;
    return core::from_unix_seconds(static_cast<std::int64_t>(t));
}

std::string query_param(const request& req, std::string_view name) {
    auto q = req.target.find('?');
    if (q == std::string::npos) return {};
    std::string_view query = std::string_view(req.target).substr(q + 1);
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        auto eq = pair.find('=');
        if (pair.substr(0, eq) == name && eq != std::string_view::npos) {
            return std::string(pair.substr(eq + 1));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return {};
}

privacy_api::privacy_api(store::worker& store, const privacy::keyring& keys,
                         privacy::policy_registry& policy, privacy::retention_setting& retention,
                         const core::clock& clock, chat::hub& hub)
    : store_(store),
      keys_(keys),
      policy_(policy),
      retention_(retention),
      clock_(clock),
      hub_(hub) {}

response privacy_api::retention(const call&) { return ok({{"hours", retention_.hours()}}); }

response privacy_api::change_retention(const call& c) {
    auto body = json_body::parse(c.req);
    if (!body) return error_response(body.error());
    auto hours = body->integer("hours", 0, privacy::retention_hours_max);
    if (!hours) return error_response(hours.error());
    const auto& me = c.me().who;
    auto after = static_cast<int>(*hours);
    auto published =
        privacy::change_retention(store_, policy_, retention_, after, me.id, clock_.now());
    if (!published) return error_response(published.error());
    spdlog::info("event=retention_changed staff_id={} hours={}", me.id, after);
    return ok({{"hours", after}, {"policy_version", published->version}});
}

response privacy_api::closed_conversations(const call&) {
    auto hours = retention_.hours();
    auto rows = store_.call(
        [](store::unit_of_work& work) { return work.conversations().list_closed(500); });
    json::array list;
    for (const auto& r : rows) {
        list.push_back({{"conversation_id", r.id},
                        {"closed_at", time_or_null(r.closed_at)},
                        {"closed_by", r.closed_by},
                        {"advocate", r.advocate},
                        {"disposition", r.disposition},
                        {"legal_hold", r.legal_hold},
                        {"purge_due_at", r.legal_hold ? json::value(nullptr)
                                                      : time_or_null(r.closed_at.value_or(0) +
                                                                     std::int64_t{hours} * 3600)}});
    }
    return ok({{"retention_hours", hours}, {"conversations", list}});
}

response privacy_api::purge(const call& c) {
    const auto& conversation_id = c.params.text("id");
    const auto& me = c.me().who;
    auto now = clock_.now();
    // The erasure commits in steps of its own, so it runs as a maintenance job.
    auto done = store_.call_maintenance([&](store::unit_of_work& work) -> core::result<> {
        auto r = privacy::purge_conversation(work, keys_, conversation_id);
        if (!r) return r;
        work.atomically(
            [&] { privacy::audit(work, now, me.id, "conversation_purged", conversation_id); });
        work.flush_erased();
        return r;
    });
    if (!done) return error_response(done.error());
    hub_.forget_purged({conversation_id});
    spdlog::info("event=conversation_purged staff_id={}", me.id);
    return ok({{"purged", conversation_id}});
}

response privacy_api::audit_log(const call& c) {
    auto before = parse_int(query_param(c.req, "before")).value_or(0);
    auto entries = store_.call([before](store::unit_of_work& work) {
        auto list = work.audit().newest(200, before);
        std::map<std::int64_t, std::string> names;
        for (const auto& m : staff::list_members(work)) names[m.id] = m.name;
        json::array out;
        for (const auto& e : list) {
            out.push_back(
                {{"id", e.id},
                 {"at", core::format_utc(core::from_unix_seconds(e.at))},
                 {"staff_id", e.staff_id ? json::value(*e.staff_id) : json::value(nullptr)},
                 {"staff_name",
                  e.staff_id ? json::value(names[*e.staff_id]) : json::value("(the system)")},
                 {"action", e.action},
                 {"subject", e.subject}});
        }
        return out;
    });
    return ok({{"entries", entries}});
}

response privacy_api::traffic(const call& c) {
    auto days = parse_int(query_param(c.req, "days")).value_or(30);
    days = std::clamp<std::int64_t>(days, 1, 366);
    auto since = core::format_utc_day(clock_.now() - std::chrono::hours(24 * (days - 1)));
    auto rows =
        store_.call([&](store::unit_of_work& work) { return work.traffic().counts_since(since); });
    std::map<std::string, json::object, std::greater<>> by_day;
    for (const auto& r : rows) {
        auto& day = by_day[r.day];
        if (!day.contains("pages")) {
            day["day"] = r.day;
            day["visitors"] = 0;
            day["pages"] = json::object{};
        }
        if (r.page == "*") {
            day["visitors"] = r.count;
        } else {
            day["pages"].as_object()[r.page] = r.count;
        }
    }
    json::array list;
    for (auto& [d, o] : by_day) list.push_back(std::move(o));
    return ok({{"days", list}});
}

response privacy_api::policies(const call&) {
    auto now = clock_.now();
    auto in_force = policy_.in_force(now);
    json::array list;
    for (const auto& v : policy_.all()) {
        list.push_back({{"version", v.version},
                        {"effective_at", core::format_utc(core::from_unix_seconds(v.effective_at))},
                        {"published_at", core::format_utc(core::from_unix_seconds(v.published_at))},
                        {"in_force", v.version == in_force},
                        {"retention_hours", v.retention_hours},
                        {"markdown", v.markdown}});
    }
    return ok({{"versions", list}});
}

response privacy_api::publish_policy(const call& c) {
    const auto& me = c.me().who;
    auto body = json_body::parse(c.req);
    if (!body) return error_response(body.error());
    auto markdown = body->text("markdown");
    if (!markdown) return error_response(markdown.error());
    auto now = clock_.now();
    auto effective = now;
    if (const auto* at = body->optional("effective_at")) {
        auto parsed = at->is_string() ? parse_utc(at->as_string()) : std::nullopt;
        if (!parsed) {
            return error_response(
                {errc::bad_request, "field 'effective_at' must look like 2026-12-01T09:00:00Z"});
        }
        effective = *parsed;
    }
    auto published = policy_.publish(store_, *markdown, retention_.hours(), effective, me.id, now);
    if (!published) return error_response(published.error());
    spdlog::info("event=policy_published staff_id={} version={}", me.id, published->version);
    return json_response(
        201,
        json::serialize(json::object{
            {"version", published->version},
            {"effective_at", core::format_utc(core::from_unix_seconds(published->effective_at))}}));
}

}  // namespace sc::http
