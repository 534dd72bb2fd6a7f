#include "http/privacy_api.hpp"

#include "core/log.hpp"
#include "http/staff_api.hpp"
#include "privacy/audit.hpp"
#include "privacy/purge.hpp"
#include "privacy/traffic.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <ctime>

namespace sc::http {

namespace json = boost::json;
using core::errc;

namespace {

const core::error only_admins{errc::forbidden, "only administrators may do this"};
const core::error only_overseers{errc::forbidden, "only supervisors and administrators may do this"};

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

std::optional<response> privacy_api::handle(const request& req, const staff::member& me) {
    auto path = req.path();
    bool post = req.method == "POST";
    bool get = req.method == "GET";
    bool admin = me.staff_role == staff::role::admin;
    bool overseer = staff::oversees(me.staff_role);

    if (path == "/api/staff/retention" && (get || post)) {
        if (!overseer || (post && !admin)) return error_response(post ? only_admins : only_overseers);
        return retention(req, me);
    }
    if (path == "/api/staff/conversations" && get) {
        if (!overseer) return error_response(only_overseers);
        return closed_conversations();
    }
    constexpr std::string_view prefix = "/api/staff/conversations/";
    if (path.starts_with(prefix) && path.ends_with("/purge") && post) {
        if (!overseer) return error_response(only_overseers);
        auto id = path.substr(prefix.size(), path.size() - prefix.size() - 6);
        return purge(std::string(id), me);
    }
    if (path == "/api/staff/audit" && get) {
        if (!overseer) return error_response(only_overseers);
        return audit_log(req);
    }
    if (path == "/api/staff/traffic" && get) {
        if (!admin) return error_response(only_admins);
        return traffic(req);
    }
    if (path == "/api/staff/policies" && (get || post)) {
        if (!admin) return error_response(only_admins);
        return post ? publish_policy(req, me) : policies();
    }
    return std::nullopt;
}

response privacy_api::retention(const request& req, const staff::member& me) {
    if (req.method == "GET") return ok({{"hours", retention_.hours()}});
    boost::system::error_code ec;
    auto body = json::parse(req.body, ec);
    auto* hours = !ec && body.is_object() ? body.as_object().if_contains("hours") : nullptr;
    if (hours == nullptr || !hours->is_int64() || hours->as_int64() < 0 ||
        hours->as_int64() > 24 * 3650) {
        return error_response({errc::bad_request, "field 'hours' must be a whole number from 0 to 87600"});
    }
    int before = retention_.hours();
    int after = static_cast<int>(hours->as_int64());
    auto now = clock_.now();
    // The period is part of what the policy promises: a change is a new policy version.
    auto markdown = policy_.latest_markdown();
    auto published = store_.call([&](store::database& db) {
        privacy::set_retention_hours(db, after);
        privacy::audit(db, now, me.id, "retention_changed",
                       std::to_string(before) + " -> " + std::to_string(after) + " hours");
        policy_.reschedule_retention(db, after, now);
        auto v = policy_.publish(db, markdown, after, now, me.id, now);
        if (v) {
            privacy::audit(db, now, me.id, "policy_published",
                           "version " + std::to_string(v->version));
        }
        return v;
    });
    if (!published) return error_response(published.error());
    retention_.set(after);
    spdlog::info("event=retention_changed staff_id={} hours={}", me.id, after);
    return ok({{"hours", after}, {"policy_version", published->version}});
}

response privacy_api::closed_conversations() {
    auto hours = retention_.hours();
    auto rows = store_.call([](store::database& db) {
        auto s = db.prepare(
            "SELECT c.id, c.closed_at, coalesce(c.closed_by, ''), coalesce(m.name, ''),"
            " coalesce(c.disposition, ''), c.legal_hold FROM conversations c"
            " LEFT JOIN staff m ON m.id = c.staff_id WHERE c.status = 'closed'"
            " ORDER BY c.closed_at DESC LIMIT 500");
        json::array out;
        while (s.step()) {
            json::object o{{"conversation_id", s.text(0)},
                           {"closed_at", time_or_null(s.optional_integer(1))},
                           {"closed_by", s.text(2)},
                           {"advocate", s.text(3)},
                           {"disposition", s.text(4)},
                           {"legal_hold", s.integer(5) != 0},
                           {"closed_at_unix", s.integer(1)}};
            out.push_back(std::move(o));
        }
        return out;
    });
    for (auto& v : rows) {
        auto& o = v.as_object();
        auto closed = o["closed_at_unix"].as_int64();
        o.erase("closed_at_unix");
        o["purge_due_at"] = o["legal_hold"].as_bool()
                                ? json::value(nullptr)
                                : time_or_null(closed + std::int64_t{hours} * 3600);
    }
    return ok({{"retention_hours", hours}, {"conversations", rows}});
}

response privacy_api::purge(const std::string& conversation_id, const staff::member& me) {
    auto now = clock_.now();
    // The erasure commits in steps of its own, so it runs as a maintenance job.
    auto done = store_.call_maintenance([&](store::database& db) -> core::result<> {
        auto r = privacy::purge_conversation(db, keys_, conversation_id);
        if (!r) return r;
        store::transaction tx(db);
        privacy::audit(db, now, me.id, "conversation_purged", conversation_id);
        tx.commit();
        privacy::truncate_write_ahead_logs(db);
        return r;
    });
    if (!done) return error_response(done.error());
    hub_.forget_purged({conversation_id});
    spdlog::info("event=conversation_purged staff_id={}", me.id);
    return ok({{"purged", conversation_id}});
}

response privacy_api::audit_log(const request& req) {
    auto before = parse_int(query_param(req, "before")).value_or(0);
    auto entries = store_.call([before](store::database& db) {
        auto list = privacy::read_audit(db, 200, before);
        std::map<std::int64_t, std::string> names;
        for (const auto& m : staff::list_members(db)) names[m.id] = m.name;
        json::array out;
        for (const auto& e : list) {
            out.push_back({{"id", e.id},
                           {"at", core::format_utc(core::from_unix_seconds(e.at))},
                           {"staff_id", e.staff_id ? json::value(*e.staff_id) : json::value(nullptr)},
                           {"staff_name", e.staff_id ? json::value(names[*e.staff_id])
                                                     : json::value("(the system)")},
                           {"action", e.action},
                           {"subject", e.subject}});
        }
        return out;
    });
    return ok({{"entries", entries}});
}

response privacy_api::traffic(const request& req) {
    auto days = parse_int(query_param(req, "days")).value_or(30);
    days = std::clamp<std::int64_t>(days, 1, 366);
    auto since = core::format_utc_day(clock_.now() - std::chrono::hours(24 * (days - 1)));
    auto rows = store_.call([&](store::database& db) { return privacy::read_traffic(db, since); });
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

response privacy_api::policies() {
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

response privacy_api::publish_policy(const request& req, const staff::member& me) {
    boost::system::error_code ec;
    auto body = json::parse(req.body, ec);
    if (ec || !body.is_object()) {
        return error_response({errc::bad_request, "the request body must be a JSON object"});
    }
    auto& o = body.as_object();
    auto* markdown = o.if_contains("markdown");
    if (markdown == nullptr || !markdown->is_string()) {
        return error_response({errc::bad_request, "field 'markdown' is required"});
    }
    auto now = clock_.now();
    auto effective = now;
    if (auto* at = o.if_contains("effective_at"); at && !at->is_null()) {
        auto parsed = at->is_string() ? parse_utc(at->as_string()) : std::nullopt;
        if (!parsed) {
            return error_response({errc::bad_request,
                                   "field 'effective_at' must look like 2026-12-01T09:00:00Z"});
        }
        effective = *parsed;
    }
    std::string text(markdown->as_string());
    auto published = store_.call([&](store::database& db) {
        auto v = policy_.publish(db, text, retention_.hours(), effective, me.id, now);
        if (v) privacy::audit(db, now, me.id, "policy_published", "version " + std::to_string(v->version));
        return v;
    });
    if (!published) return error_response(published.error());
    spdlog::info("event=policy_published staff_id={} version={}", me.id, published->version);
    return json_response(
        201, json::serialize(json::object{
                 {"version", published->version},
                 {"effective_at",
                  core::format_utc(core::from_unix_seconds(published->effective_at))}}));
}

}  // namespace sc::http
