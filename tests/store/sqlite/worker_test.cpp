// The store worker: ordered jobs, group commit with per-job savepoints, completions only
// after the commit is durable.
#include "store/sqlite/worker.hpp"
#include "store/sqlite/sql_job.hpp"

#include "core/temp_dir.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/worker_gate.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace sc::store {
namespace {

using namespace std::chrono_literals;

// Generous: a loaded two-core machine may be slow, but a correct worker never gets near it.
constexpr auto patience = 20s;

/// Things that happened, recorded from any thread, and a way to wait for enough of them.
class event_log {
  public:
    void add(std::string what) {
        {
            std::lock_guard lock(mutex_);
            events_.push_back(std::move(what));
        }
        changed_.notify_all();
    }
    /// Waits until `n` events were recorded; returns them.
    std::vector<std::string> wait_for(std::size_t n) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, patience, [&] { return events_.size() >= n; });
        return events_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> events_;
};

void insert_item(database& db, const std::string& name) {
    db.prepare("INSERT INTO items (name) VALUES (?)").bind(1, name).run();
}

class worker_test : public ::testing::Test {
  protected:
    void SetUp() override {
        worker_ = std::make_unique<sqlite_worker>(path_, vault_path_);
        worker_->call(test_support::sql_job([](database& db) {
            db.exec(
                "CREATE TABLE items (name TEXT NOT NULL);"
                // An orphan child fails the commit it is part of, not its own statement.
                "CREATE TABLE parents (id INTEGER PRIMARY KEY);"
                "CREATE TABLE children (parent INTEGER NOT NULL"
                " REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)");
        }));
    }
    void TearDown() override { worker_.reset(); }

    /// The committed rows as seen by a separate connection.
    std::vector<std::string> committed_items() const {
        database reader(path_);
        auto s = reader.prepare("SELECT name FROM items ORDER BY rowid");
        std::vector<std::string> out;
        while (s.step()) out.push_back(s.text(0));
        return out;
    }

    test_support::temp_dir dir_;
    std::filesystem::path path_ = dir_ / "worker.db";
    std::filesystem::path vault_path_ = dir_ / "keys.db";
    std::unique_ptr<worker> worker_;
};

TEST_F(worker_test, migrates_the_database_it_opens) {
    auto version = worker_->call(test_support::sql_job([](database& db) {
        auto s = db.prepare("PRAGMA user_version");
        s.step();
        return s.integer(0);
    }));
    EXPECT_EQ(version, latest_schema_version());
}

TEST_F(worker_test, call_returns_the_value_of_the_job) {
    EXPECT_EQ(worker_->call(test_support::sql_job([](database&) { return 42; })), 42);
    EXPECT_EQ(worker_->call(test_support::sql_job([](database&) { return std::string("text"); })),
              "text");
}

TEST_F(worker_test, call_returns_once_the_job_is_committed) {
    worker_->call(test_support::sql_job([](database& db) { insert_item(db, "one"); }));
    EXPECT_EQ(committed_items(), std::vector<std::string>{"one"});
}

TEST_F(worker_test, call_rethrows_a_failing_job_as_store_error) {
    EXPECT_THROW(worker_->call(test_support::sql_job(
                     [](database&) -> int { throw std::runtime_error("no"); })),
                 store_error);
}

TEST_F(worker_test, a_failed_call_leaves_nothing_behind) {
    EXPECT_THROW(worker_->call(test_support::sql_job([](database& db) {
        insert_item(db, "half done");
        throw std::runtime_error("no");
    })),
                 store_error);
    EXPECT_TRUE(committed_items().empty());
}

TEST_F(worker_test, jobs_commit_in_submission_order) {
    std::vector<std::string> expected;
    for (int i = 0; i < 200; ++i) {
        expected.push_back(std::to_string(i));
        worker_->submit(test_support::sql_job(
            [name = expected.back()](database& db) { insert_item(db, name); }));
    }
    worker_->call(test_support::sql_job([](database&) {}));
    EXPECT_EQ(committed_items(), expected);
}

TEST_F(worker_test, completions_run_in_submission_order) {
    event_log log;
    std::vector<std::string> expected;
    for (int i = 0; i < 50; ++i) {
        expected.push_back(std::to_string(i));
        worker_->submit(test_support::sql_job([](database&) {}),
                        [&log, i](core::result<>) { log.add(std::to_string(i)); });
    }
    EXPECT_EQ(log.wait_for(50), expected);
}

TEST_F(worker_test, a_throwing_job_fails_alone_while_its_batch_commits) {
    event_log log;
    std::vector<core::result<>> outcomes(3);
    {
        test_support::worker_gate held(*worker_);
        worker_->submit(test_support::sql_job([&](database& db) {
                            log.add("work a");
                            insert_item(db, "a");
                        }),
                        [&](core::result<> r) {
                            outcomes[0] = r;
                            log.add("done a");
                        });
        worker_->submit(test_support::sql_job([&](database& db) {
                            log.add("work b");
                            insert_item(db, "b");
                            throw std::runtime_error("job b fails");
                        }),
                        [&](core::result<> r) {
                            outcomes[1] = r;
                            log.add("done b");
                        });
        worker_->submit(test_support::sql_job([&](database& db) {
                            log.add("work c");
                            insert_item(db, "c");
                        }),
                        [&](core::result<> r) {
                            outcomes[2] = r;
                            log.add("done c");
                        });
        held.open();
    }
    // One batch: every job ran before any completion, so they shared one transaction.
    EXPECT_EQ(log.wait_for(6), (std::vector<std::string>{"work a", "work b", "work c", "done a",
                                                         "done b", "done c"}));
    EXPECT_TRUE(outcomes[0]);
    ASSERT_FALSE(outcomes[1]);
    EXPECT_EQ(outcomes[1].error().code, core::errc::internal);
    EXPECT_TRUE(outcomes[2]);
    EXPECT_EQ(committed_items(), (std::vector<std::string>{"a", "c"}));
}

TEST_F(worker_test, a_job_breaking_a_constraint_fails_alone) {
    event_log log;
    std::vector<core::result<>> outcomes(2);
    {
        test_support::worker_gate held(*worker_);
        worker_->submit(test_support::sql_job([](database& db) {
                            db.exec("INSERT INTO items (name) VALUES (NULL)");
                        }),
                        [&](core::result<> r) {
                            outcomes[0] = r;
                            log.add("done");
                        });
        worker_->submit(test_support::sql_job([](database& db) { insert_item(db, "kept"); }),
                        [&](core::result<> r) {
                            outcomes[1] = r;
                            log.add("done");
                        });
        held.open();
    }
    log.wait_for(2);
    EXPECT_FALSE(outcomes[0]);
    EXPECT_TRUE(outcomes[1]);
    EXPECT_EQ(committed_items(), std::vector<std::string>{"kept"});
}

TEST_F(worker_test, a_commit_one_job_breaks_fails_that_job_alone) {
    // The orphan breaks a deferred constraint, checked at COMMIT: the batch's shared commit
    // fails because of one job, as it does when the disk cannot take one job's writes.
    event_log log;
    std::vector<core::result<>> outcomes(3);
    std::vector<std::string> read;
    {
        test_support::worker_gate held(*worker_);
        worker_->submit(test_support::sql_job([&](database& db) {
                            log.add("work a");
                            insert_item(db, "a");
                        }),
                        [&](core::result<> r) { outcomes[0] = r; });
        worker_->submit(test_support::sql_job([&](database& db) {
                            log.add("work orphan");
                            db.exec("INSERT INTO children (parent) VALUES (99)");
                        }),
                        [&](core::result<> r) { outcomes[1] = r; });
        worker_->submit(test_support::sql_job([&](database& db) {
                            log.add("work read");
                            auto s = db.prepare("SELECT name FROM items ORDER BY rowid");
                            read.clear();
                            while (s.step()) read.push_back(s.text(0));
                        }),
                        [&](core::result<> r) {
                            outcomes[2] = r;
                            log.add("done");
                        });
        held.open();
    }
    // Together, then each alone: only the orphan fails, and the read sees what committed.
    EXPECT_EQ(log.wait_for(7),
              (std::vector<std::string>{"work a", "work orphan", "work read", "work a",
                                        "work orphan", "work read", "done"}));
    EXPECT_TRUE(outcomes[0]);
    ASSERT_FALSE(outcomes[1]);
    EXPECT_EQ(outcomes[1].error().code, core::errc::internal);
    EXPECT_TRUE(outcomes[2]) << "a read failed with a batch-mate's commit";
    EXPECT_EQ(read, std::vector<std::string>{"a"});
    EXPECT_EQ(committed_items(), std::vector<std::string>{"a"});
}

/// A job that inserts `name` and publishes a change naming it.
std::function<void(unit_of_work&)> insert_and_publish(const std::string& name) {
    return [name](unit_of_work& work) {
        insert_item(test_support::sql_of(work), name);
        work.publish({change::kind::message_added, name, 1, "node"});
    };
}

TEST_F(worker_test, a_published_change_reaches_listeners_after_commit_before_the_completion) {
    event_log log;
    auto listening = worker_->listen([&](const change& c) {
        log.add("change " + c.conversation_id +
                " committed: " + (committed_items().empty() ? "no" : "yes"));
    });
    worker_->submit(insert_and_publish("a"), [&](const core::result<>&) { log.add("done a"); });
    EXPECT_EQ(log.wait_for(2), (std::vector<std::string>{"change a committed: yes", "done a"}));
}

TEST_F(worker_test, a_job_that_fails_publishes_nothing) {
    event_log log;
    auto listening = worker_->listen([&](const change& c) { log.add(c.conversation_id); });
    {
        test_support::worker_gate held(*worker_);
        worker_->submit(insert_and_publish("a"));
        worker_->submit([](unit_of_work& work) {
            work.publish({change::kind::message_added, "thrown", 1, "node"});
            throw std::runtime_error("fails after publishing");
        });
        worker_->submit(
            [](unit_of_work& work) {
                work.publish({change::kind::message_added, "orphan", 1, "node"});
                test_support::sql_of(work).exec("INSERT INTO children (parent) VALUES (99)");
            },
            [&](const core::result<>&) { log.add("orphan done"); });
        worker_->submit(insert_and_publish("c"), [&](const core::result<>&) { log.add("c done"); });
        held.open();
    }
    // The orphan fails the shared commit; alone, "a" and "c" publish once each.
    EXPECT_EQ(log.wait_for(4), (std::vector<std::string>{"a", "orphan done", "c", "c done"}));
}

TEST_F(worker_test, a_listener_let_go_is_not_called) {
    event_log log;
    auto listening = worker_->listen([&](const change&) { log.add("heard"); });
    listening.reset();
    worker_->call(insert_and_publish("a"));
    worker_->submit(insert_and_publish("b"), [&](const core::result<>&) { log.add("done"); });
    EXPECT_EQ(log.wait_for(1), std::vector<std::string>{"done"});
}

TEST_F(worker_test, completion_runs_after_commit_so_another_connection_sees_the_data) {
    std::promise<std::vector<std::string>> seen;
    worker_->submit(test_support::sql_job([](database& db) { insert_item(db, "durable"); }),
                    [&](core::result<> r) {
                        EXPECT_TRUE(r);
                        seen.set_value(committed_items());
                    });
    auto future = seen.get_future();
    ASSERT_EQ(future.wait_for(patience), std::future_status::ready);
    EXPECT_EQ(future.get(), std::vector<std::string>{"durable"});
}

TEST_F(worker_test, ordinary_jobs_run_inside_a_transaction) {
    EXPECT_EQ(worker_->call(test_support::sql_job(
                  [](database& db) { return sqlite3_get_autocommit(db.handle()); })),
              0);
}

TEST_F(worker_test, maintenance_jobs_run_outside_any_transaction) {
    auto autocommit = worker_->call_maintenance(test_support::sql_job([](database& db) {
        int outside = sqlite3_get_autocommit(db.handle());
        transaction tx(db);  // work that commits in steps of its own
        insert_item(db, "own transaction");
        tx.commit();
        return outside;
    }));
    EXPECT_NE(autocommit, 0);
    EXPECT_EQ(committed_items(), std::vector<std::string>{"own transaction"});
}

TEST_F(worker_test, atomically_commits_a_maintenance_jobs_steps_or_none_of_them) {
    worker_->call_maintenance([](unit_of_work& work) {
        work.atomically([&] { insert_item(test_support::sql_of(work), "first step"); });
        try {
            work.atomically([&] {
                insert_item(test_support::sql_of(work), "half a step");
                throw std::runtime_error("the disk is full");
            });
        } catch (const std::runtime_error&) {
        }
        EXPECT_NE(sqlite3_get_autocommit(test_support::sql_of(work).handle()), 0)
            << "each step committed";
    });
    EXPECT_EQ(committed_items(), std::vector<std::string>{"first step"});
}

TEST_F(worker_test, atomically_inside_an_ordinary_job_undoes_only_its_steps) {
    worker_->call([](unit_of_work& work) {
        insert_item(test_support::sql_of(work), "the job's own");
        try {
            work.atomically([&] {
                insert_item(test_support::sql_of(work), "undone");
                throw std::runtime_error("no");
            });
        } catch (const std::runtime_error&) {
        }
    });
    EXPECT_EQ(committed_items(), std::vector<std::string>{"the job's own"});
}

TEST_F(worker_test, maintenance_jobs_keep_their_place_in_the_order) {
    event_log log;
    {
        test_support::worker_gate held(*worker_);
        worker_->submit(test_support::sql_job([](database& db) { insert_item(db, "before"); }));
        worker_->submit_maintenance(
            test_support::sql_job([](database& db) { insert_item(db, "maintenance"); }));
        worker_->submit(test_support::sql_job([](database& db) { insert_item(db, "after"); }),
                        [&log](core::result<>) { log.add("done"); });
        held.open();
    }
    log.wait_for(1);
    EXPECT_EQ(committed_items(), (std::vector<std::string>{"before", "maintenance", "after"}));
}

TEST_F(worker_test, a_failing_maintenance_job_is_reported) {
    EXPECT_THROW(worker_->call_maintenance(test_support::sql_job(
                     [](database&) -> int { throw std::runtime_error("no"); })),
                 store_error);
    EXPECT_EQ(worker_->call(test_support::sql_job([](database&) { return 7; })), 7)
        << "the worker carries on";
}

TEST_F(worker_test, stop_finishes_every_queued_job) {
    event_log log;
    {
        test_support::worker_gate held(*worker_);
        for (int i = 0; i < 10; ++i) {
            worker_->submit(
                test_support::sql_job([i](database& db) { insert_item(db, std::to_string(i)); }),
                [&log](core::result<> r) { log.add(r ? "ok" : "failed"); });
        }
        held.open();
    }
    worker_->stop();
    EXPECT_EQ(log.wait_for(10), std::vector<std::string>(10, "ok"));
    EXPECT_EQ(committed_items().size(), 10u);
}

TEST_F(worker_test, after_stop_a_submission_is_refused_as_unavailable) {
    worker_->stop();
    std::optional<core::result<>> outcome;
    bool ran = false;
    worker_->submit(test_support::sql_job([&](database&) { ran = true; }),
                    [&](core::result<> r) { outcome = r; });
    EXPECT_FALSE(ran);
    ASSERT_TRUE(outcome.has_value());
    ASSERT_FALSE(*outcome);
    EXPECT_EQ(outcome->error().code, core::errc::unavailable);
}

TEST_F(worker_test, after_stop_call_throws) {
    worker_->stop();
    EXPECT_THROW(worker_->call(test_support::sql_job([](database&) { return 1; })), store_error);
}

}  // namespace
}  // namespace sc::store
