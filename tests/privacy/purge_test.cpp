// Retention: closed conversations are erased for good once the retention period has passed,
// by destroying their key and deleting (overwriting) their rows.
#include "privacy/purge.hpp"

#include "core/random.hpp"
#include "core/temp_dir.hpp"
#include "privacy/keyring.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace sc::privacy {
namespace {

using namespace std::chrono_literals;

constexpr auto retention = std::chrono::hours(72);

struct stored_conversation {
    std::string id;
    std::string sealed_key;
    std::string sealed_body;
    std::string sealed_intake;
};

class purge_test : public ::testing::Test {
  protected:
    struct options {
        std::string status = "closed";
        std::optional<core::time_point> closed_at = std::nullopt;
        bool legal_hold = false;
        bool evaluated = false;
        bool with_key = true;
        boost::json::object intake = {};
        std::string text = "hello";
        std::string id = core::random_hex(16);
    };

    /// A conversation as the chat stores it: key in the vault, intake and text encrypted.
    stored_conversation add(options o) {
        stored_conversation c;
        c.id = o.id;
        secret_key key;
        c.sealed_key = keys_.seal(key, c.id);
        c.sealed_body =
            encrypt(key, R"({"from":"visitor","text":")" + o.text + R"("})", c.id + ":1");
        if (!o.intake.empty()) {
            c.sealed_intake = encrypt(key, boost::json::serialize(o.intake), c.id + ":intake");
        }
        auto created = clock_.now() - 1h;
        if (o.with_key) {
            db_->prepare(
                   "INSERT INTO vault.conversation_keys (conversation_id, sealed_key) VALUES (?, "
                   "?)")
                .bind(1, c.id)
                .bind_blob(2, c.sealed_key)
                .run();
        }
        auto s = db_->prepare(
            "INSERT INTO conversations (id, channel, lang, status, intake, created_at, accepted_at,"
            " closed_at, closed_by, legal_hold, evaluated, policy_version)"
            " VALUES (?, 'chat', 'en', ?, ?, ?, ?, ?, ?, ?, ?, 1)");
        s.bind(1, c.id).bind(2, o.status);
        if (c.sealed_intake.empty()) {
            s.bind_null(3);
        } else {
            s.bind_blob(3, c.sealed_intake);
        }
        s.bind(4, core::unix_seconds(created)).bind(5, core::unix_seconds(created + 2min));
        if (o.status == "closed") {
            s.bind(6, core::unix_seconds(o.closed_at.value_or(clock_.now())));
            s.bind(7, "advocate");
        } else {
            s.bind_null(6).bind_null(7);
        }
        s.bind(8, o.legal_hold ? 1 : 0).bind(9, o.evaluated ? 1 : 0).run();
        db_->prepare(
               "INSERT INTO messages (conversation_id, seq, sender, body, created_at)"
               " VALUES (?, 1, 'visitor', ?, ?)")
            .bind(1, c.id)
            .bind_blob(2, c.sealed_body)
            .bind(3, core::unix_seconds(created))
            .run();
        return c;
    }

    purge_batch_result purge(core::time_point now, int limit = 100) {
        return purge_expired(*work_, keys_, now, retention, limit);
    }

    std::int64_t count(const std::string& sql, const std::string& id) {
        auto s = db_->prepare(sql);
        s.bind(1, id);
        s.step();
        return s.integer(0);
    }

    bool exists(const std::string& id) {
        return count("SELECT count(*) FROM conversations WHERE id = ?", id) +
                   count("SELECT count(*) FROM messages WHERE conversation_id = ?", id) +
                   count("SELECT count(*) FROM vault.conversation_keys WHERE conversation_id = ?",
                         id) >
               0;
    }

    std::int64_t evaluations() {
        auto s = db_->prepare("SELECT count(*) FROM evaluations");
        s.step();
        return s.integer(0);
    }

    test_support::temp_dir dir_;
    std::filesystem::path main_path_ = dir_ / "safeconnect.db";
    std::filesystem::path vault_path_ = dir_ / "keys.db";
    core::manual_clock clock_;
    keyring keys_{dir_ / "master.key"};
    std::unique_ptr<store::database> db_ = store::open_store(main_path_, vault_path_);
    // Rebuilt when a test swaps in another store.
    std::unique_ptr<store::sqlite_unit_of_work> work_ =
        std::make_unique<store::sqlite_unit_of_work>(*db_);
};

TEST_F(purge_test, erases_key_messages_and_row_once_retention_has_passed) {
    auto c = add({});
    auto r = purge(clock_.now() + retention);
    EXPECT_EQ(r.purged, std::vector<std::string>{c.id});
    EXPECT_FALSE(exists(c.id));
}

TEST_F(purge_test, keeps_what_closed_within_the_retention_period) {
    auto c = add({});
    EXPECT_TRUE(purge(clock_.now() + retention - 1s).purged.empty());
    EXPECT_TRUE(exists(c.id));
}

TEST_F(purge_test, keeps_open_conversations_however_old) {
    auto waiting = add({.status = "waiting"});
    auto active = add({.status = "active"});
    EXPECT_TRUE(purge(clock_.now() + 10 * retention).purged.empty());
    EXPECT_TRUE(exists(waiting.id));
    EXPECT_TRUE(exists(active.id));
}

TEST_F(purge_test, keeps_conversations_on_legal_hold) {
    auto held = add({.legal_hold = true});
    auto other = add({});
    EXPECT_EQ(purge(clock_.now() + retention).purged, std::vector<std::string>{other.id});
    EXPECT_TRUE(exists(held.id));
}

TEST_F(purge_test, erases_oldest_first_up_to_the_limit) {
    auto newer = add({.closed_at = clock_.now()});
    auto older = add({.closed_at = clock_.now() - 1h});
    EXPECT_EQ(purge(clock_.now() + retention, 1).purged, std::vector<std::string>{older.id});
    EXPECT_EQ(purge(clock_.now() + retention, 1).purged, std::vector<std::string>{newer.id});
}

TEST_F(purge_test, writes_the_missing_evaluation_from_the_intake_before_erasing) {
    add({.intake = {{"name", "Maria Quokkavale"}, {"age", "34"}, {"state", "CT"}}});
    auto r = purge(clock_.now() + retention);
    EXPECT_EQ(r.evaluations_written, 1);
    auto s = db_->prepare("SELECT age_band, state, disposition FROM evaluations");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.text(0), "25_34");
    EXPECT_EQ(s.text(1), "CT");
    EXPECT_EQ(s.text(2), "unrecorded");
}

TEST_F(purge_test, writes_no_second_evaluation_for_an_evaluated_conversation) {
    add({.evaluated = true});
    EXPECT_EQ(purge(clock_.now() + retention).evaluations_written, 0);
    EXPECT_EQ(evaluations(), 0);
}

TEST_F(purge_test, erasure_leaves_key_and_ciphertext_in_no_file) {
    auto c = add({.text = "canary-purge-8c1e-heron"});
    db_->exec("PRAGMA main.wal_checkpoint(PASSIVE); PRAGMA vault.wal_checkpoint(PASSIVE);");
    purge(clock_.now() + retention);
    work_->flush_erased();
    for (const auto& file : {main_path_, std::filesystem::path(main_path_.string() + "-wal"),
                             vault_path_, std::filesystem::path(vault_path_.string() + "-wal")}) {
        auto bytes = test_support::read_bytes(file);
        EXPECT_EQ(bytes.find(c.sealed_key), std::string::npos) << "key in " << file.filename();
        EXPECT_EQ(bytes.find(c.sealed_body), std::string::npos) << "text in " << file.filename();
        EXPECT_EQ(bytes.find(c.id), std::string::npos) << "id in " << file.filename();
    }
}

TEST_F(purge_test, purge_conversation_erases_one_closed_conversation_now) {
    auto c = add({});
    auto kept = add({});
    ASSERT_TRUE(purge_conversation(*work_, keys_, c.id));
    EXPECT_FALSE(exists(c.id));
    EXPECT_TRUE(exists(kept.id));
    EXPECT_EQ(evaluations(), 1);
}

TEST_F(purge_test, purge_conversation_refuses_open_held_or_unknown_conversations) {
    auto open = purge_conversation(*work_, keys_, add({.status = "active"}).id);
    ASSERT_FALSE(open);
    EXPECT_EQ(open.error().code, core::errc::conflict);
    auto held = purge_conversation(*work_, keys_, add({.legal_hold = true}).id);
    ASSERT_FALSE(held);
    EXPECT_EQ(held.error().code, core::errc::conflict);
    auto unknown = purge_conversation(*work_, keys_, core::random_hex(16));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, core::errc::not_found);
}

TEST_F(purge_test, closed_conversations_whose_key_is_gone_are_removed) {
    auto keyless_closed = add({.with_key = false});
    auto keyless_open = add({.status = "waiting", .with_key = false});
    auto whole = add({});
    EXPECT_EQ(repair_partial_erasures(*work_), 1);
    EXPECT_FALSE(exists(keyless_closed.id));
    EXPECT_TRUE(exists(whole.id));
    EXPECT_TRUE(exists(keyless_open.id)) << "an open conversation is the live hub's business";
}

TEST_F(purge_test, keys_whose_conversation_is_gone_are_removed) {
    auto whole = add({});
    db_->prepare(
           "INSERT INTO vault.conversation_keys (conversation_id, sealed_key) VALUES (?, x'00')")
        .bind(1, core::random_hex(16))
        .run();
    EXPECT_EQ(repair_partial_erasures(*work_), 1);
    EXPECT_TRUE(exists(whole.id));
    EXPECT_EQ(
        count("SELECT count(*) FROM vault.conversation_keys WHERE conversation_id != ?", whole.id),
        0);
}

TEST_F(purge_test, an_evaluation_is_written_exactly_once_even_if_the_purge_is_repeated) {
    auto c = add({});
    // A crash after the evaluation but before the erasure: the next purge must not count twice.
    db_->prepare("UPDATE conversations SET evaluated = 1 WHERE id = ?").bind(1, c.id).run();
    db_->exec(
        "INSERT INTO evaluations (id, day, channel, lang, wait, duration, age_band, gender,"
        " state, heard_about, disposition, policy_version) VALUES ('x', 'd', 'chat', 'en',"
        " 'w', 'd', 'a', 'g', 's', 'h', 'd', 1)");
    purge(clock_.now() + retention);
    EXPECT_EQ(evaluations(), 1);
}

TEST_F(purge_test, the_evaluation_id_is_not_derived_from_the_conversation) {
    // The same conversation id erased in two installations: a hash or any other function of
    // the id would give the same evaluation id twice.
    auto first_id = [&](store::database& db) {
        auto s = db.prepare("SELECT id FROM evaluations");
        return s.step() ? s.text(0) : std::string();
    };
    const std::string id(32, 'a');
    add({.closed_at = clock_.now() - retention - 1h, .id = id});
    purge(clock_.now());
    auto here = first_id(*db_);
    ASSERT_FALSE(here.empty());

    test_support::temp_dir other_dir;
    auto other = store::open_store(other_dir / "safeconnect.db", other_dir / "keys.db");
    auto use = [&](std::unique_ptr<store::database>& db) {
        std::swap(db_, db);
        work_ = std::make_unique<store::sqlite_unit_of_work>(*db_);
    };
    use(other);
    add({.closed_at = clock_.now() - retention - 1h, .id = id});
    purge(clock_.now());
    auto there = first_id(*db_);
    use(other);
    ASSERT_FALSE(there.empty());
    EXPECT_NE(here, there);
    EXPECT_EQ(here.find(id), std::string::npos);
}

}  // namespace
}  // namespace sc::privacy
