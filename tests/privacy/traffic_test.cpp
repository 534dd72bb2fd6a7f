// Traffic statistics: counts per day and page, and unique visitors per day, without ever
// keeping an address.
#include "privacy/traffic.hpp"
#include "store/sqlite/sql_job.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/worker.hpp"
#include "store/traffic.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace sc::privacy {
namespace {

using namespace std::chrono_literals;

class traffic_test : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
    void TearDown() override { store_.stop(); }

    /// Flushes and waits for the flush's commit (and its completion) to be over.
    void flush() {
        counter_.flush(store_);
        store_.call([](store::unit_of_work&) {});
    }

    std::vector<store::traffic_row> stored(const std::string& since_day = "2000-01-01") {
        return store_.call(
            [&](store::unit_of_work& work) { return work.traffic().counts_since(since_day); });
    }

    std::vector<store::traffic_row> rows() {
        flush();
        return stored();
    }

    /// While on, the store refuses to count visitors, which fails the whole flush.
    void refuse_writes(bool on) {
        store_.call(test_support::sql_job([on](store::database& db) {
            db.exec(on ? "CREATE TEMP TRIGGER refuse_visitors BEFORE INSERT ON traffic_visitors"
                         " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                       : "DROP TRIGGER temp.refuse_visitors");
        }));
    }

    test_support::temp_dir dir_;
    std::filesystem::path main_path_ = dir_ / "main.db";
    store::sqlite_worker store_{main_path_, dir_ / "keys.db"};
    core::manual_clock clock_{core::from_unix_seconds(1'795'946'645)};  // 2026-11-29 10:04 UTC
    traffic_counter counter_{clock_};
};

TEST_F(traffic_test, counts_views_per_page_and_unique_visitors_per_day) {
    counter_.record_view("/", "203.0.113.9", "Firefox");
    counter_.record_view("/", "203.0.113.9", "Firefox");
    counter_.record_view("/chat", "203.0.113.9", "Firefox");
    counter_.record_view("/", "198.51.100.4", "Safari");
    auto r = rows();
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].day, "2026-11-29");
    EXPECT_EQ(r[0].page, "*");
    EXPECT_EQ(r[0].count, 2) << "two visitors";
    EXPECT_EQ(r[1].page, "/");
    EXPECT_EQ(r[1].count, 3);
    EXPECT_EQ(r[2].page, "/chat");
    EXPECT_EQ(r[2].count, 1);
}

TEST_F(traffic_test, flushes_add_up) {
    counter_.record_view("/", "203.0.113.9", "Firefox");
    rows();
    counter_.record_view("/", "203.0.113.9", "Firefox");
    counter_.record_view("/", "198.51.100.4", "Safari");
    auto r = rows();
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].count, 2) << "the first visitor is not counted twice in one day";
    EXPECT_EQ(r[1].count, 3);
}

TEST_F(traffic_test, a_new_day_counts_visitors_afresh) {
    counter_.record_view("/", "203.0.113.9", "Firefox");
    clock_.advance(24h);
    counter_.record_view("/", "203.0.113.9", "Firefox");
    auto r = rows();
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[0].day, "2026-11-30");
    EXPECT_EQ(r[0].page, "*");
    EXPECT_EQ(r[0].count, 1);
    EXPECT_EQ(r[2].day, "2026-11-29");
    EXPECT_EQ(r[2].count, 1);
}

TEST_F(traffic_test, no_address_or_user_agent_reaches_the_database) {
    counter_.record_view("/", "203.0.113.99", "Mozilla/5.0 CanaryAgent");
    ASSERT_FALSE(rows().empty()) << "the view was counted";
    // Read the files while the connection is open: closing would checkpoint and delete the
    // WAL, and a search of a missing file finds nothing, proving nothing.
    std::string bytes;
    for (const auto& file : {main_path_, std::filesystem::path(main_path_.string() + "-wal")}) {
        bytes += test_support::read_bytes(file);
    }
    ASSERT_NE(bytes.find("2026-11-29"), std::string::npos) << "the search sees the stored day";
    EXPECT_EQ(bytes.find("203.0.113.99"), std::string::npos);
    EXPECT_EQ(bytes.find("CanaryAgent"), std::string::npos);
}

TEST_F(traffic_test, counts_are_read_from_the_given_day_on) {
    counter_.record_view("/", "203.0.113.9", "Firefox");
    clock_.advance(24h);
    counter_.record_view("/", "203.0.113.9", "Firefox");
    flush();
    ASSERT_EQ(stored("2026-11-29").size(), 4u) << "both days are stored";
    auto from_30th = stored("2026-11-30");
    ASSERT_EQ(from_30th.size(), 2u);
    for (const auto& row : from_30th) EXPECT_EQ(row.day, "2026-11-30");
}

TEST_F(traffic_test, counts_whose_commit_fails_are_carried_by_the_next_flush) {
    counter_.record_view("/", "203.0.113.9", "Firefox");
    counter_.record_view("/chat", "198.51.100.4", "Safari");
    refuse_writes(true);
    flush();
    EXPECT_TRUE(stored().empty()) << "the page views written before the refusal are undone";
    counter_.record_view("/", "192.0.2.1", "Lynx");
    refuse_writes(false);
    const std::vector<store::traffic_row> each_once{
        {"2026-11-29", "*", 3}, {"2026-11-29", "/", 2}, {"2026-11-29", "/chat", 1}};
    EXPECT_EQ(rows(), each_once) << "three visitors, each view counted once";
    EXPECT_EQ(rows(), each_once) << "nothing is left over to count twice";
}

}  // namespace
}  // namespace sc::privacy
