// Evaluation records: coarse enough that none leads back to a conversation or a person.
#include "privacy/evaluation.hpp"

#include "core/known_bug.hpp"
#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cmath>
#include <set>
#include <vector>

namespace sc::privacy {
namespace {

using namespace std::chrono_literals;

TEST(evaluation_scales, wait_is_bucketed) {
    EXPECT_EQ(wait_bucket(std::nullopt), "not_answered");
    EXPECT_EQ(wait_bucket(59s), "under_1m");
    EXPECT_EQ(wait_bucket(60s), "1_5m");
    EXPECT_EQ(wait_bucket(5min), "5_15m");
    EXPECT_EQ(wait_bucket(15min), "15_60m");
    EXPECT_EQ(wait_bucket(60min), "over_60m");
}

TEST(evaluation_scales, duration_is_bucketed) {
    EXPECT_EQ(duration_bucket(std::nullopt), "not_answered");
    EXPECT_EQ(duration_bucket(4min + 59s), "under_5m");
    EXPECT_EQ(duration_bucket(5min), "5_15m");
    EXPECT_EQ(duration_bucket(15min), "15_30m");
    EXPECT_EQ(duration_bucket(30min), "30_60m");
    EXPECT_EQ(duration_bucket(2h), "over_60m");
}

TEST(evaluation_scales, age_becomes_a_band) {
    EXPECT_EQ(age_band(""), "unspecified");
    EXPECT_EQ(age_band("abc"), "unspecified");
    EXPECT_EQ(age_band("17"), "under_18");
    EXPECT_EQ(age_band("18"), "18_24");
    EXPECT_EQ(age_band("34"), "25_34");
    EXPECT_EQ(age_band("35"), "35_44");
    EXPECT_EQ(age_band("54"), "45_54");
    EXPECT_EQ(age_band("64"), "55_64");
    EXPECT_EQ(age_band("65"), "65_plus");
}

TEST(evaluation_scales, free_text_answers_become_fixed_categories) {
    EXPECT_EQ(gender_category(""), "unspecified");
    EXPECT_EQ(gender_category("Woman"), "female");
    EXPECT_EQ(gender_category("mujer"), "female");
    EXPECT_EQ(gender_category("male"), "male");
    EXPECT_EQ(gender_category("non-binary"), "nonbinary");
    EXPECT_EQ(gender_category("trans man"), "transgender");
    EXPECT_EQ(gender_category("my name is Maria"), "other");
    EXPECT_EQ(state_category("ct"), "CT");
    EXPECT_EQ(state_category("Connecticut"), "CT");
    EXPECT_EQ(state_category("Hartford, near my ex's house"), "other");
    EXPECT_EQ(state_category(""), "unspecified");
    EXPECT_EQ(heard_about_category("Google"), "search");
    EXPECT_EQ(heard_about_category("my sister"), "friend_or_family");
    EXPECT_EQ(heard_about_category("the police officer"), "professional");
    EXPECT_EQ(heard_about_category("Officer Jones at 12 Elm St"), "other");
    EXPECT_EQ(heard_about_category(""), "unspecified");
}

TEST(evaluation_scales, an_answer_of_none_is_not_counted_as_nonbinary) {
    EXPECT_NE(gender_category("none"), "nonbinary");
    EXPECT_NE(gender_category("None of your business"), "nonbinary");
}

TEST(evaluate, keeps_only_coarse_values) {
    conversation_facts f;
    f.lang = "es";
    f.created_at = core::from_unix_seconds(1'795'946'645);  // 2026-11-29T10:04:05Z
    f.accepted_at = f.created_at + 3min;
    f.closed_at = *f.accepted_at + 20min;
    f.intake = {{"name", "Maria Quokkavale"}, {"age", "34"},   {"gender", "woman"},
                {"city", "Hartford"},         {"state", "CT"}, {"zip", "06103"},
                {"heard_about", "a friend"}};
    f.disposition = "safety_planning";
    f.policy_version = 2;
    auto e = evaluate(f);
    EXPECT_EQ(e.day, "2026-11-29");
    EXPECT_EQ(e.lang, "es");
    EXPECT_EQ(e.wait, "1_5m");
    EXPECT_EQ(e.duration, "15_30m");
    EXPECT_EQ(e.age_band, "25_34");
    EXPECT_EQ(e.gender, "female");
    EXPECT_EQ(e.state, "CT");
    EXPECT_EQ(e.heard_about, "friend_or_family");
    EXPECT_EQ(e.disposition, "safety_planning");
    EXPECT_EQ(e.policy_version, 2);
}

TEST(evaluate, a_chat_never_answered_or_dispositioned_says_so) {
    conversation_facts f;
    f.created_at = core::from_unix_seconds(1'795'946'645);
    f.closed_at = f.created_at + 2min;
    auto e = evaluate(f);
    EXPECT_EQ(e.wait, "not_answered");
    EXPECT_EQ(e.duration, "not_answered");
    EXPECT_EQ(e.disposition, "unrecorded");
    EXPECT_EQ(e.age_band, "unspecified");
}

class evaluation_store_test : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }

    test_support::temp_dir dir_;
    std::unique_ptr<store::database> db_ = store::open_store(dir_ / "main.db", dir_ / "keys.db");
    store::sqlite_unit_of_work work_{*db_};
};

// The promise "nothing connects the user to the individual interaction", checked on the
// schema: the evaluation table holds only coarse columns and refers to nothing.
TEST_F(evaluation_store_test, evaluation_table_has_no_path_to_a_conversation) {
    std::set<std::string> columns;
    auto s = db_->prepare("SELECT name FROM pragma_table_info('evaluations')");
    while (s.step()) columns.insert(s.text(0));
    EXPECT_EQ(columns, (std::set<std::string>{"id", "day", "channel", "lang", "wait", "duration",
                                              "age_band", "gender", "state", "heard_about",
                                              "disposition", "policy_version"}));
    auto keys = db_->prepare("SELECT count(*) FROM pragma_foreign_key_list('evaluations')");
    keys.step();
    EXPECT_EQ(keys.integer(0), 0);
}

TEST_F(evaluation_store_test, inserted_records_get_random_unordered_ids) {
    conversation_facts f;
    f.closed_at = core::from_unix_seconds(1'795'946'645);
    for (int i = 0; i < 5; ++i) insert_evaluation(work_, evaluate(f));
    auto s = db_->prepare("SELECT id, day FROM evaluations");
    std::set<std::string> ids;
    while (s.step()) {
        ids.insert(s.text(0));
        EXPECT_EQ(s.text(0).size(), 32u);
        EXPECT_EQ(s.text(1), "2026-11-29");
    }
    EXPECT_EQ(ids.size(), 5u);
}

TEST_F(evaluation_store_test, records_keep_no_hidden_row_number) {
    // A rowid would number the records in the order conversations closed.
    EXPECT_THROW(db_->prepare("SELECT rowid FROM evaluations"), store::store_error);
}

// Spearman's rank correlation of two permutations of 0..n-1.
double rank_correlation(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
    double n = static_cast<double>(a.size());
    double d2 = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
        d2 += d * d;
    }
    return 1 - 6 * d2 / (n * (n * n - 1));
}

TEST_F(evaluation_store_test, neither_the_ids_nor_the_stored_order_reveal_the_order_of_writing) {
    constexpr std::size_t n = 1000;
    conversation_facts f;
    f.closed_at = core::from_unix_seconds(1'795'946'645);
    {
        store::transaction tx(*db_);
        for (std::size_t i = 0; i < n; ++i) {
            auto e = evaluate(f);
            e.policy_version = static_cast<std::int64_t>(i);  // the test's marker of the order
            insert_evaluation(work_, e);
        }
        tx.commit();
    }
    std::vector<std::size_t> written, by_id, scanned;
    auto sorted = db_->prepare("SELECT policy_version FROM evaluations ORDER BY id");
    while (sorted.step()) by_id.push_back(static_cast<std::size_t>(sorted.integer(0)));
    auto plain = db_->prepare("SELECT policy_version FROM evaluations");
    while (plain.step()) scanned.push_back(static_cast<std::size_t>(plain.integer(0)));
    for (std::size_t i = 0; i < n; ++i) written.push_back(i);
    ASSERT_EQ(by_id.size(), n);
    ASSERT_EQ(scanned.size(), n);
    // Random ids give |rho| around 0.03 here; a counter, a timestamp or a rowid gives 1.
    EXPECT_LT(std::abs(rank_correlation(written, by_id)), 0.15);
    EXPECT_LT(std::abs(rank_correlation(written, scanned)), 0.15);
}

}  // namespace
}  // namespace sc::privacy
