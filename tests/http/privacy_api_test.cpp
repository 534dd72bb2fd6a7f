// The console's privacy routes: retention, closed conversations and their purge, the audit
// log, traffic counts and policy versions, each limited to the roles docs/API.md names.
#include "http/privacy_api.hpp"
#include "chat/visitor_link.hpp"
#include "store/sqlite/sql_job.hpp"

#include "core/known_bug.hpp"
#include "core/random.hpp"
#include "http/http_fixture.hpp"
#include "privacy/store_refusals.hpp"
#include "store/policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace sc::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

/// A visitor connection that nobody reads.
class quiet_link final : public chat::visitor_link<quiet_link> {
  public:
    void deliver(chat::frame_ptr) override {}
    void close(std::uint16_t, std::string) override {}
};

class privacy_api_test : public http_test {
  protected:
    void SetUp() override {
        http_test::SetUp();
        supervisor_ = add_staff("sam@example.org", "Sam", staff::role::supervisor);
    }

    /// A chat the visitor left while waiting: closed now, no visitor data but its intake.
    std::string closed_conversation() {
        auto l = std::make_shared<quiet_link>();
        links_.push_back(l);
        EXPECT_TRUE(hub_->visitor_start(l->visitor(), {{"state", "CT"}}, "en", "net"));
        store_->call(test_support::sql_job([](store::database&) {}));  // the start is stored
        EXPECT_TRUE(hub_->visitor_end(l->visitor().get()));
        store_->call(test_support::sql_job([](store::database&) {}));  // and the end
        auto ids = store_->call(test_support::sql_job([](store::database& db) {
            auto s = db.prepare("SELECT id FROM conversations WHERE status = 'closed'");
            std::vector<std::string> out;
            while (s.step()) out.push_back(s.text(0));
            return out;
        }));
        for (const auto& id : ids) {
            if (known_.insert(id).second) return id;
        }
        ADD_FAILURE() << "no new closed conversation";
        return {};
    }

    std::int64_t stored(const std::string& table_and_where, const std::string& id) {
        return store_->call(test_support::sql_job([&](store::database& db) {
            auto s = db.prepare("SELECT count(*) FROM " + table_and_where);
            s.bind(1, id);
            s.step();
            return s.integer(0);
        }));
    }

    response as_role(const signed_in& who, request req) { return serve(as(who, std::move(req))); }

    staff::member supervisor_;
    std::vector<std::shared_ptr<quiet_link>> links_;
    std::set<std::string> known_;
};

// ---------------------------------------------------------------- retention

TEST_F(privacy_api_test, supervisors_read_the_retention) {
    auto sam = login("sam@example.org");
    auto r = as_role(sam, get("/api/staff/retention"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_json(r), boost::json::parse(R"({"hours":72})"));
}

TEST_F(privacy_api_test, coordinators_may_not_read_the_retention) {
    auto ana = login("ana@example.org");
    EXPECT_EQ(as_role(ana, get("/api/staff/retention")).status, 403);
}

TEST_F(privacy_api_test, only_admins_change_the_retention) {
    auto sam = login("sam@example.org");
    EXPECT_EQ(as_role(sam, post("/api/staff/retention", R"({"hours":24})")).status, 403);
    EXPECT_EQ(retention_.hours(), 72);
    auto alex = login("admin@example.org");
    auto r = as_role(alex, post("/api/staff/retention", R"({"hours":24})"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_json(r), boost::json::parse(R"({"hours":24,"policy_version":2})"));
    EXPECT_EQ(retention_.hours(), 24);
    EXPECT_EQ(
        store_->call([](store::unit_of_work& work) { return work.policy().retention_hours(); }),
        24);
}

TEST_F(privacy_api_test, retention_change_is_audited) {
    auto alex = login("admin@example.org");
    as_role(alex, post("/api/staff/retention", R"({"hours":24})"));
    EXPECT_EQ(stored("audit_log WHERE action = ?", "retention_changed"), 1);
}

TEST_F(privacy_api_test, retention_outside_0_to_87600_hours_is_refused) {
    auto alex = login("admin@example.org");
    for (auto body : {R"({"hours":-1})", R"({"hours":87601})", R"({"hours":"24"})",
                      R"({"hours":1.5})", R"({})", "nonsense"}) {
        EXPECT_EQ(as_role(alex, post("/api/staff/retention", body)).status, 400) << body;
    }
    EXPECT_EQ(retention_.hours(), 72);
}

TEST_F(privacy_api_test, a_retention_change_publishes_a_policy_version_in_force_now) {
    auto alex = login("admin@example.org");
    as_role(alex, post("/api/staff/retention", R"({"hours":24})"));
    EXPECT_EQ(policy_.in_force(clock_.now()), 2);
    EXPECT_EQ(policy_.find(2)->retention_hours, 24);
    EXPECT_THAT(serve(get("/privacy")).body, HasSubstr("24 hours"));
    EXPECT_THAT(serve(get("/privacy/versions/1")).body, HasSubstr("72 hours"))
        << "the earlier version keeps its promise";
    EXPECT_EQ(stored("audit_log WHERE action = 'policy_published' AND subject = ?", "version 2"),
              1);
}

TEST_F(privacy_api_test, a_scheduled_version_does_not_bring_back_an_old_retention) {
    auto alex = login("admin@example.org");
    auto scheduled =
        as_role(alex, post("/api/staff/policies",
                           R"({"markdown":"# Policy\n\nKept {{retention_hours}} hours.\n",)"
                           R"("effective_at":")" +
                               core::format_utc(clock_.now() + 24h) + R"("})"));
    ASSERT_EQ(scheduled.status, 201) << scheduled.body;
    ASSERT_EQ(as_role(alex, post("/api/staff/retention", R"({"hours":168})")).status, 200);
    clock_.advance(24h);
    EXPECT_EQ(retention_.hours(), 168);
    EXPECT_THAT(serve(get("/privacy")).body, HasSubstr("168 hours"))
        << "the policy in force must state the retention actually applied";
}

// Found by the template_render fuzz target (issue 6, item 7): a policy with a broken Mustache
// tag was accepted with 201, and then /privacy answered 500 to everyone.
TEST_F(privacy_api_test, a_policy_that_is_not_a_valid_template_is_refused_and_privacy_stays_up) {
    auto alex = login("admin@example.org");
    auto r =
        as_role(alex, post("/api/staff/policies",
                           R"({"markdown":"# Policy\n\n{{#retention_hours}} never closed\n"})"));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_code(r), "bad_request");
    EXPECT_THAT(r.body, HasSubstr("template error"));
    EXPECT_EQ(serve(get("/privacy")).status, 200);
    EXPECT_EQ(policy_.in_force(clock_.now()), 1);
}

// Issue 8 ("persist first"): memory used to take a version before its commit, so a failed
// one left the console and /privacy showing a version the store never had.
TEST_F(privacy_api_test, a_retention_change_the_store_refuses_changes_nothing) {
    auto alex = login("admin@example.org");
    test_support::refuse(*store_, test_support::refusal::commit);
    auto r = as_role(alex, post("/api/staff/retention", R"({"hours":24})"));
    EXPECT_EQ(r.status, 500) << r.body;
    EXPECT_EQ(error_code(r), "internal");
    EXPECT_THAT(r.body, HasSubstr("nothing changed"));
    EXPECT_EQ(body_json(as_role(alex, get("/api/staff/retention"))),
              boost::json::parse(R"({"hours":72})"));
    EXPECT_EQ(policy_.in_force(clock_.now()), 1);
    EXPECT_THAT(serve(get("/privacy")).body, HasSubstr("72 hours"));
    EXPECT_EQ(stored("audit_log WHERE action = ?", "retention_changed"), 0);

    test_support::allow(*store_);
    r = as_role(alex, post("/api/staff/retention", R"({"hours":24})"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_json(r), boost::json::parse(R"({"hours":24,"policy_version":2})"));
}

TEST_F(privacy_api_test, a_policy_version_the_store_refuses_is_not_published) {
    auto alex = login("admin@example.org");
    auto versions_before = as_role(alex, get("/api/staff/policies")).body;
    auto privacy_before = serve(get("/privacy")).body;
    test_support::refuse(*store_, test_support::refusal::commit);
    auto r = as_role(alex, post("/api/staff/policies", R"({"markdown":"# Refused\n"})"));
    EXPECT_EQ(r.status, 500) << r.body;
    EXPECT_EQ(error_code(r), "internal");
    EXPECT_THAT(r.body, HasSubstr("nothing was published"));
    EXPECT_EQ(as_role(alex, get("/api/staff/policies")).body, versions_before);
    EXPECT_EQ(serve(get("/privacy")).body, privacy_before);

    test_support::allow(*store_);
    r = as_role(alex, post("/api/staff/policies", R"({"markdown":"# Refused\n"})"));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(body_json(r).at("version"), 2);
    EXPECT_THAT(serve(get("/privacy")).body, HasSubstr("Refused"));
}

// ---------------------------------------------------------------- closed conversations

TEST_F(privacy_api_test, closed_conversations_are_listed_with_their_purge_time) {
    auto id = closed_conversation();
    auto sam = login("sam@example.org");
    auto r = as_role(sam, get("/api/staff/conversations"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = body_json(r);
    EXPECT_EQ(body.at("retention_hours"), 72);
    const auto& list = body.at("conversations").as_array();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].at("conversation_id"), id.c_str());
    EXPECT_EQ(list[0].at("closed_by"), "visitor");
    EXPECT_EQ(list[0].at("legal_hold"), false);
    EXPECT_EQ(list[0].at("purge_due_at"), core::format_utc(clock_.now() + 72h).c_str());
    EXPECT_THAT(r.body, Not(HasSubstr("CT"))) << "no visitor data";
}

TEST_F(privacy_api_test, coordinators_may_not_list_conversations) {
    auto ana = login("ana@example.org");
    EXPECT_EQ(as_role(ana, get("/api/staff/conversations")).status, 403);
}

TEST_F(privacy_api_test, supervisor_purges_a_closed_conversation) {
    auto id = closed_conversation();
    auto sam = login("sam@example.org");
    auto r = as_role(sam, post("/api/staff/conversations/" + id + "/purge"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_json(r), boost::json::parse(R"({"purged":")" + id + R"("})"));
    EXPECT_EQ(stored("conversations WHERE id = ?", id), 0);
    EXPECT_EQ(stored("vault.conversation_keys WHERE conversation_id = ?", id), 0);
    EXPECT_EQ(stored("audit_log WHERE action = 'conversation_purged' AND subject = ?", id), 1);
}

TEST_F(privacy_api_test, purging_an_open_conversation_answers_409) {
    auto l = std::make_shared<quiet_link>();
    ASSERT_TRUE(hub_->visitor_start(l->visitor(), {}, "en", "net"));
    auto id = store_->call(test_support::sql_job([](store::database& db) {
        auto s = db.prepare("SELECT id FROM conversations");
        s.step();
        return s.text(0);
    }));
    auto sam = login("sam@example.org");
    EXPECT_EQ(as_role(sam, post("/api/staff/conversations/" + id + "/purge")).status, 409);
    EXPECT_EQ(stored("conversations WHERE id = ?", id), 1);
}

TEST_F(privacy_api_test, purging_an_unknown_conversation_answers_404) {
    auto sam = login("sam@example.org");
    EXPECT_EQ(
        as_role(sam, post("/api/staff/conversations/" + core::random_hex(16) + "/purge")).status,
        404);
}

TEST_F(privacy_api_test, coordinators_may_not_purge) {
    auto id = closed_conversation();
    auto ana = login("ana@example.org");
    EXPECT_EQ(as_role(ana, post("/api/staff/conversations/" + id + "/purge")).status, 403);
    EXPECT_EQ(stored("conversations WHERE id = ?", id), 1);
}

// ---------------------------------------------------------------- audit, traffic, policies

TEST_F(privacy_api_test, the_audit_log_shows_sign_ins_newest_first) {
    login("ana@example.org");
    auto sam = login("sam@example.org");
    auto r = as_role(sam, get("/api/staff/audit"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = body_json(r);
    const auto& entries = body.at("entries").as_array();
    ASSERT_GE(entries.size(), 2u);
    EXPECT_EQ(entries[0].at("action"), "signed_in");
    EXPECT_EQ(entries[0].at("staff_name"), "Sam");
    EXPECT_EQ(entries[1].at("staff_name"), "Ana");
}

TEST_F(privacy_api_test, coordinators_may_not_read_the_audit_log) {
    auto ana = login("ana@example.org");
    EXPECT_EQ(as_role(ana, get("/api/staff/audit")).status, 403);
}

TEST_F(privacy_api_test, traffic_counts_public_pages_but_not_the_staff_console) {
    serve(get("/"));
    serve(get("/chat"));
    serve(get("/staff"));
    serve(get("/no-such-page-with-a-visitor-chosen-name"));
    traffic_.flush(*store_);
    store_->call([](store::unit_of_work&) {});  // the flush is committed
    auto alex = login("admin@example.org");
    auto r = as_role(alex, get("/api/staff/traffic?days=1"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = body_json(r);
    const auto& days = body.at("days").as_array();
    ASSERT_EQ(days.size(), 1u);
    const auto& pages = days[0].at("pages").as_object();
    EXPECT_EQ(pages.at("/"), 1);
    EXPECT_EQ(pages.at("/chat"), 1);
    EXPECT_FALSE(pages.contains("/staff"));
    EXPECT_FALSE(pages.contains("/no-such-page-with-a-visitor-chosen-name"));
    EXPECT_EQ(pages.at("(not found)"), 1);
}

TEST_F(privacy_api_test, only_admins_see_traffic) {
    auto sam = login("sam@example.org");
    EXPECT_EQ(as_role(sam, get("/api/staff/traffic")).status, 403);
}

TEST_F(privacy_api_test, admin_publishes_a_policy_version_for_later) {
    auto alex = login("admin@example.org");
    auto r = as_role(
        alex, post("/api/staff/policies", R"({"markdown":"# Policy two\n","effective_at":")" +
                                              core::format_utc(clock_.now() + 24h) + R"("})"));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(body_json(r).at("version"), 2);
    auto list = body_json(as_role(alex, get("/api/staff/policies")));
    const auto& versions = list.at("versions").as_array();
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[0].at("version"), 2);
    EXPECT_EQ(versions[0].at("in_force"), false);
    EXPECT_EQ(versions[1].at("in_force"), true);
    EXPECT_EQ(versions[0].at("retention_hours"), 72);
    EXPECT_EQ(stored("audit_log WHERE action = 'policy_published' AND subject = ?", "version 2"),
              1);
}

TEST_F(privacy_api_test, a_policy_cannot_be_backdated) {
    auto alex = login("admin@example.org");
    auto r = as_role(alex, post("/api/staff/policies",
                                R"({"markdown":"# Old","effective_at":"2001-01-01T00:00:00Z"})"));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(
        as_role(alex, post("/api/staff/policies", R"({"markdown":"# x","effective_at":"soon"})"))
            .status,
        400);
}

TEST_F(privacy_api_test, only_admins_manage_policies) {
    auto sam = login("sam@example.org");
    EXPECT_EQ(as_role(sam, get("/api/staff/policies")).status, 403);
    EXPECT_EQ(as_role(sam, post("/api/staff/policies", R"({"markdown":"# Mine"})")).status, 403);
}

// ---------------------------------------------------------------- helpers

TEST(parse_utc, reads_rfc3339_utc_with_or_without_seconds) {
    EXPECT_EQ(parse_utc("2026-12-01T09:00:00Z"), core::from_unix_seconds(1'796'115'600));
    EXPECT_EQ(parse_utc("2026-12-01T09:00Z"), core::from_unix_seconds(1'796'115'600));
    EXPECT_EQ(parse_utc("2026-12-01T09:00:30Z"), core::from_unix_seconds(1'796'115'630));
}

TEST(parse_utc, refuses_anything_else) {
    for (auto text : {"", "2026-12-01", "2026-12-01T09:00:00", "2026-12-01T09:00:00+01:00",
                      "2026-13-01T09:00:00Z", "2026-12-01T25:00:00Z", "tomorrow",
                      // Found by the http_request fuzz target: the clock overflowed.
                      "4060-01-01T00:00:00Z", "1969-12-31T23:59:59Z"}) {
        EXPECT_FALSE(parse_utc(text)) << text;
    }
}

TEST(query_param, finds_a_parameter_by_name) {
    request req;
    req.target = "/api/staff/audit?days=7&before=42";
    EXPECT_EQ(query_param(req, "before"), "42");
    EXPECT_EQ(query_param(req, "days"), "7");
    EXPECT_EQ(query_param(req, "day"), "");
    req.target = "/api/staff/audit";
    EXPECT_EQ(query_param(req, "before"), "");
}

}  // namespace
}  // namespace sc::http
