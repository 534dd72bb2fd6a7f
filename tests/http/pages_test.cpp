// Server-rendered pages: Markdown content inside the layout, operator overrides, config values
// filled in, and the privacy policy by version with this installation's retention.
#include "http/pages.hpp"
#include "store/sqlite/sql_job.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/worker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

namespace sc::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

class pages_test : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        policy_.load(store_, "# Privacy\n\n{{service_name}} keeps chats. {{retention_summary}}\n",
                     72, clock_.now());
    }

    std::string page(const pages& site, std::string_view path) {
        const auto* html = site.find(path);
        EXPECT_NE(html, nullptr) << path;
        return html ? *html : std::string();
    }

    pages make() { return pages(assets_, config_, policy_); }

    void publish(const std::string& markdown, core::time_point effective, int retention = 72) {
        auto v = policy_.publish(store_, markdown, retention, effective, admin_id(), clock_.now());
        ASSERT_TRUE(v) << v.error().message;
    }

    std::int64_t admin_id() {
        store_.call(test_support::sql_job([](store::database& db) {
            db.exec(
                "INSERT OR IGNORE INTO staff (id, email, name, role, password_hash, created_at)"
                " VALUES (1, 'admin@example.org', 'Alex', 'admin', 'x', 0)");
        }));
        return 1;
    }

    test_support::temp_dir dir_;
    store::sqlite_worker store_{dir_ / "main.db", dir_ / "keys.db"};
    core::manual_clock clock_;
    asset_catalog assets_;
    core::config config_;
    privacy::policy_registry policy_;
};

TEST(markdown_to_html, renders_commonmark) {
    EXPECT_EQ(markdown_to_html("# Title\n\nSome *words*."),
              "<h1>Title</h1>\n<p>Some <em>words</em>.</p>\n");
}

TEST(markdown_to_html, drops_raw_html) {
    auto html =
        markdown_to_html("Hello <script>alert(1)</script>\n\n<iframe src=\"x\"></iframe>\n");
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("<iframe")));
}

TEST_F(pages_test, every_fixed_page_is_rendered_and_unknown_paths_are_not) {
    auto site = make();
    for (auto path : {"/", "/safety", "/contact", "/chat", "/staff"}) {
        EXPECT_NE(site.find(path), nullptr) << path;
    }
    EXPECT_EQ(site.find("/admin"), nullptr);
    EXPECT_THAT(site.not_found(), HasSubstr("Page not found"));
}

TEST_F(pages_test, config_values_are_filled_in) {
    config_.service_name = "Harbor Line";
    config_.contact_email = "reach@harbor.example";
    auto site = make();
    EXPECT_THAT(page(site, "/"), HasSubstr("Harbor Line"));
    EXPECT_THAT(page(site, "/contact"), HasSubstr("reach@harbor.example"));
    EXPECT_THAT(site.privacy(clock_.now()), HasSubstr("Harbor Line keeps chats."));
}

TEST_F(pages_test, config_values_are_html_escaped) {
    config_.service_name = "<b>Line</b>";
    auto site = make();
    EXPECT_THAT(page(site, "/"), Not(HasSubstr("<b>Line</b>")));
}

TEST_F(pages_test, visitor_pages_have_the_quick_exit_and_the_staff_console_does_not) {
    config_.quick_exit_url = "https://weather.example/today";
    auto site = make();
    EXPECT_THAT(page(site, "/chat"), HasSubstr("https://weather.example/today"));
    EXPECT_THAT(page(site, "/"), HasSubstr("quick-exit"));
    EXPECT_THAT(page(site, "/staff"), Not(HasSubstr("quick-exit")));
}

TEST_F(pages_test, an_operator_page_replaces_the_built_in_one) {
    test_support::write_text(dir_ / "home.md", "# Our own home\n\nWelcome to {{service_name}}.\n");
    config_.content_dir = dir_.path();
    auto site = make();
    auto home = page(site, "/");
    EXPECT_THAT(home, HasSubstr("<h1>Our own home</h1>"));
    EXPECT_THAT(home, HasSubstr("Welcome to Safe Connect."));
    EXPECT_THAT(home, HasSubstr("<title>Our own home"));
    core::config defaults;
    pages built_in(assets_, defaults, policy_);
    EXPECT_EQ(page(site, "/safety"), page(built_in, "/safety"))
        << "pages the operator did not replace stay built in";
}

TEST_F(pages_test, raw_html_in_an_operator_page_is_dropped) {
    test_support::write_text(
        dir_ / "contact.md",
        "# Contact\n\n<script src=\"https://tracker.example/t.js\"></script>\n");
    config_.content_dir = dir_.path();
    auto site = make();
    EXPECT_THAT(page(site, "/contact"), Not(HasSubstr("tracker.example")));
}

TEST_F(pages_test, a_broken_operator_template_is_refused_at_start) {
    test_support::write_text(dir_ / "home.md", "# Home\n\n{{#unclosed}}\n");
    config_.content_dir = dir_.path();
    EXPECT_THROW(make(), std::runtime_error);
}

TEST_F(pages_test, the_initial_policy_is_the_operators_page_when_there_is_one) {
    EXPECT_THAT(initial_privacy_policy(assets_, config_), HasSubstr("{{retention_summary}}"))
        << "the built-in policy states the retention";
    test_support::write_text(dir_ / "privacy.md", "# Our policy\n");
    config_.content_dir = dir_.path();
    EXPECT_EQ(initial_privacy_policy(assets_, config_), "# Our policy\n");
}

TEST_F(pages_test, privacy_page_states_the_retention_of_the_version_in_force) {
    auto site = make();
    EXPECT_THAT(site.privacy(clock_.now()), HasSubstr("72 hours after the chat ends"));
    publish(policy_.latest_markdown(), clock_.now(), 1);
    EXPECT_THAT(site.privacy(clock_.now()), HasSubstr("1 hour after the chat ends"));
    publish(policy_.latest_markdown(), clock_.now(), 0);
    EXPECT_THAT(site.privacy(clock_.now()), HasSubstr("within a minute"));
}

TEST_F(pages_test, an_old_version_keeps_saying_what_it_promised) {
    publish(policy_.latest_markdown(), clock_.now(), 24);
    auto site = make();
    auto first = site.privacy_version(1, clock_.now());
    ASSERT_TRUE(first);
    EXPECT_THAT(*first, HasSubstr("72 hours after the chat ends"));
    EXPECT_THAT(site.privacy(clock_.now()), HasSubstr("24 hours after the chat ends"));
}

TEST_F(pages_test, privacy_page_shows_the_version_in_force) {
    publish("# Privacy\n\nThe second version.\n", clock_.now() + 24h);
    auto site = make();
    auto today = site.privacy(clock_.now());
    EXPECT_THAT(today, HasSubstr("Version 1"));
    EXPECT_THAT(today, Not(HasSubstr("The second version.")));
    auto tomorrow = site.privacy(clock_.now() + 24h);
    EXPECT_THAT(tomorrow, HasSubstr("Version 2"));
    EXPECT_THAT(tomorrow, HasSubstr("The second version."));
}

TEST_F(pages_test, archive_lists_only_versions_already_in_force) {
    publish("# Privacy\n\nThe second version.\n", clock_.now() + 24h);
    auto site = make();
    auto today = site.privacy_archive(clock_.now());
    EXPECT_THAT(today, HasSubstr("Version 1"));
    EXPECT_THAT(today, Not(HasSubstr("Version 2")));
    auto tomorrow = site.privacy_archive(clock_.now() + 24h);
    EXPECT_THAT(tomorrow, HasSubstr("Version 2"));
    EXPECT_THAT(tomorrow, HasSubstr("/privacy/versions/1"));
}

TEST_F(pages_test, an_earlier_version_says_it_is_not_current_and_a_future_one_is_hidden) {
    publish("# Privacy\n\nThe second version.\n", clock_.now() + 24h);
    auto site = make();
    EXPECT_FALSE(site.privacy_version(2, clock_.now())) << "not yet in force";
    EXPECT_FALSE(site.privacy_version(9, clock_.now()));
    auto old = site.privacy_version(1, clock_.now() + 24h);
    ASSERT_TRUE(old);
    EXPECT_THAT(*old, HasSubstr("not the current policy"));
}

}  // namespace
}  // namespace sc::http
