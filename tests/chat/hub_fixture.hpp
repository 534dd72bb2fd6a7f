// Test support for the chat domain: recording links standing in for WebSocket connections,
// and a fixture with a real hub over a real store worker (temporary database and key vault),
// a real keyring and a manual clock.
//
// The hub answers some calls at once and others from the store thread after a commit. Tests
// wait for an expected frame with a condition variable (never a sleep); to check that nothing
// *else* arrived they call settle(), which returns once every store job queued before it, and
// so every frame those jobs deliver, is done.
#pragma once

#include "chat/hub.hpp"
#include "chat/visitor_link.hpp"
#include "core/random.hpp"
#include "core/temp_dir.hpp"
#include "store/sqlite/sql_job.hpp"
#include "store/sqlite/worker.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sc::chat {

namespace json = boost::json;

inline constexpr auto patience = std::chrono::seconds(20);

inline std::int64_t seq_of(const json::object& message) { return message.at("seq").as_int64(); }

/// A connection that records every frame (parsed) and close the hub sends it.
class recording_link final : public visitor_link<recording_link> {
  public:
    void deliver(frame_ptr frame) override {
        boost::system::error_code ec;
        auto parsed = json::parse(*frame, ec);
        EXPECT_TRUE(!ec && parsed.is_object()) << "not a JSON object: " << *frame;
        {
            std::lock_guard lock(mutex_);
            frames_.push_back(parsed.is_object() ? parsed.as_object()
                                                 : json::object{{"type", "unparsable"}});
        }
        changed_.notify_all();
    }

    /// A transport makes a deferred frame on its own thread; this one makes it here, and
    /// counts it.
    void deliver(const deferred_ptr& frame) override {
        {
            std::lock_guard lock(mutex_);
            ++deferred_;
        }
        deliver(frame->get());
    }

    void close(std::uint16_t code, std::string) override {
        {
            std::lock_guard lock(mutex_);
            close_codes_.push_back(code);
        }
        changed_.notify_all();
    }

    /// Waits for a frame that `match` accepts and returns the first such; fails the test
    /// (and returns an empty object) when none arrives.
    template <class Match>
    json::object wait_for(Match match, const std::string& what) {
        std::unique_lock lock(mutex_);
        json::object found;
        bool arrived = changed_.wait_for(lock, patience, [&] {
            for (const auto& f : frames_) {
                if (match(f)) {
                    found = f;
                    return true;
                }
            }
            return false;
        });
        if (!arrived) ADD_FAILURE() << "no " << what << " frame; received:\n" << dump(frames_);
        return found;
    }

    json::object wait_type(const std::string& type) {
        return wait_for([&](const json::object& f) { return f.at("type") == type.c_str(); },
                        "'" + type + "'");
    }

    /// The message object of the `message` frame with this seq.
    json::object wait_message(std::int64_t seq) {
        auto f = wait_for(
            [&](const json::object& x) {
                return x.at("type") == "message" && seq_of(x.at("message").as_object()) == seq;
            },
            "message seq " + std::to_string(seq));
        return f.contains("message") ? f.at("message").as_object() : json::object{};
    }

    /// The `chat` frame's chat object for this conversation.
    json::object wait_chat(const std::string& conversation_id) {
        auto f = wait_for(
            [&](const json::object& x) {
                return x.at("type") == "chat" &&
                       x.at("chat").at("conversation_id") == conversation_id.c_str();
            },
            "chat " + conversation_id);
        return f.contains("chat") ? f.at("chat").as_object() : json::object{};
    }

    /// The message with this seq, whether it came live or in a `chat` frame's history: a
    /// console gets the events of taking a chat (advocate_joined, transferred) that way.
    json::object wait_seen(std::int64_t seq) {
        json::object found;
        wait_for(
            [&](const json::object& x) {
                if (x.at("type") == "message" && seq_of(x.at("message").as_object()) == seq) {
                    found = x.at("message").as_object();
                    return true;
                }
                if (x.at("type") != "chat") return false;
                for (const auto& m : x.at("chat").at("messages").as_array()) {
                    if (seq_of(m.as_object()) == seq) {
                        found = m.as_object();
                        return true;
                    }
                }
                return false;
            },
            "message seq " + std::to_string(seq) + ", live or in a chat's history");
        return found;
    }

    std::vector<json::object> frames() const {
        std::lock_guard lock(mutex_);
        return frames_;
    }

    /// How many frames came deferred, to be made by the connection.
    int deferred() const {
        std::lock_guard lock(mutex_);
        return deferred_;
    }

    std::vector<json::object> frames_of(const std::string& type) const {
        std::vector<json::object> out;
        for (auto& f : frames()) {
            if (f.at("type") == type.c_str()) out.push_back(f);
        }
        return out;
    }

    json::object last_of(const std::string& type) const {
        auto all = frames_of(type);
        if (all.empty()) {
            ADD_FAILURE() << "no '" << type << "' frame";
            return {};
        }
        return all.back();
    }

    /// The message objects received, in arrival order.
    std::vector<json::object> messages() const {
        std::vector<json::object> out;
        for (auto& f : frames_of("message")) out.push_back(f.at("message").as_object());
        return out;
    }

    std::vector<std::int64_t> message_seqs() const {
        std::vector<std::int64_t> out;
        for (auto& m : messages()) out.push_back(seq_of(m));
        return out;
    }

    /// The message objects seen, in arrival order: each `chat` frame's history, then the
    /// live messages, as a console shows them.
    std::vector<json::object> seen() const {
        std::vector<json::object> out;
        for (auto& f : frames()) {
            if (f.at("type") == "message") out.push_back(f.at("message").as_object());
            if (f.at("type") != "chat") continue;
            for (const auto& m : f.at("chat").at("messages").as_array()) {
                out.push_back(m.as_object());
            }
        }
        return out;
    }

    std::vector<std::int64_t> seen_seqs() const {
        std::vector<std::int64_t> out;
        for (auto& m : seen()) out.push_back(seq_of(m));
        return out;
    }

    std::vector<std::uint16_t> close_codes() const {
        std::lock_guard lock(mutex_);
        return close_codes_;
    }

  private:
    static std::string dump(const std::vector<json::object>& frames) {
        std::string out;
        for (const auto& f : frames) out += "  " + json::serialize(f) + "\n";
        return out;
    }

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<json::object> frames_;
    int deferred_ = 0;
    std::vector<std::uint16_t> close_codes_;
};

using link_ptr = std::shared_ptr<recording_link>;

struct visitor {
    link_ptr link;
    std::string token;
    std::string id;  // conversation id, which the visitor itself is never told
};

inline std::vector<std::int64_t> seqs_from(std::int64_t first, std::int64_t last) {
    std::vector<std::int64_t> out;
    for (auto s = first; s <= last; ++s) out.push_back(s);
    return out;
}

class hub_test : public ::testing::Test {
  protected:
    void SetUp() override {
        keys_ = std::make_unique<privacy::keyring>(dir_ / "master.key");
        store_ = std::make_unique<store::sqlite_worker>(db_path_, vault_path_);
        ana_ = add_staff("ana@example.org", "Ana", staff::role::coordinator);
        ben_ = add_staff("ben@example.org", "Ben", staff::role::coordinator);
        sam_ = add_staff("sam@example.org", "Sam", staff::role::supervisor);
        start_hub();
    }

    void TearDown() override { shut_down(); }

    staff::member add_staff(const std::string& email, const std::string& name, staff::role r) {
        return store_->call([&](store::unit_of_work& work) {
            return *staff::add_member(work, email, name, r, "not used", clock_.now());
        });
    }

    void start_hub() {
        policy_.load(*store_, "# Policy\n", 72, clock_.now());
        hub_ = std::make_unique<hub>(*store_, *keys_, policy_, clock_, settings_);
        hub_->load();
    }

    // The store finishes (and reports to the hub) before the hub goes away, as in serve().
    void shut_down() {
        if (store_) store_->stop();
        hub_.reset();
        store_.reset();
    }

    /// A process restart: new worker and hub over the same database and key file.
    void restart() {
        shut_down();
        keys_ = std::make_unique<privacy::keyring>(dir_ / "master.key");
        store_ = std::make_unique<store::sqlite_worker>(db_path_, vault_path_);
        start_hub();
    }

    void use_settings(hub_settings s) {
        settings_ = s;
        restart();
    }

    void settle() {
        store_->call(test_support::sql_job([](store::database&) {}));
    }

    visitor start_visitor(json::object intake = {}, const std::string& network = "net-1") {
        visitor v;
        v.link = std::make_shared<recording_link>();
        auto r = hub_->visitor_start(v.link->visitor(), std::move(intake), "en", network);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        auto started = v.link->wait_type("started");
        if (started.contains("token")) v.token = std::string(started.at("token").as_string());
        v.id = conversation_of(v.token);
        return v;
    }

    std::string conversation_of(const std::string& token) {
        return store_->call(test_support::sql_job([&](store::database& db) {
            auto s = db.prepare("SELECT id FROM conversations WHERE resume_token_hash = ?");
            s.bind(1, core::token_hash(token));
            return s.step() ? s.text(0) : std::string();
        }));
    }

    link_ptr join(const staff::member& m) {
        auto l = std::make_shared<recording_link>();
        hub_->staff_join(l, m);
        return l;
    }

    /// `advocate` accepts `v`'s chat, and the store has the claim: the `chat` frame arrived.
    void accept(const link_ptr& advocate, const visitor& v) {
        auto r = hub_->staff_accept(advocate.get(), v.id);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        advocate->wait_chat(v.id);
    }

    /// A visitor whose chat `advocate` accepted; the advocate_joined event (seq 1) has arrived.
    visitor active_chat(const link_ptr& advocate) {
        auto v = start_visitor();
        accept(advocate, v);
        v.link->wait_message(1);
        return v;
    }

    void visitor_says(const visitor& v, const std::string& client_id, const std::string& text) {
        auto r = hub_->visitor_send(v.link->visitor().get(), client_id, text);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
    }

    void advocate_says(const link_ptr& advocate, const visitor& v, const std::string& client_id,
                       const std::string& text) {
        auto r = hub_->staff_send(advocate.get(), v.id, client_id, text);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
    }

    template <class T>
    T query(const std::string& sql, const std::string& id) {
        return store_->call(test_support::sql_job([&](store::database& db) {
            auto s = db.prepare(sql);
            s.bind(1, id);
            EXPECT_TRUE(s.step()) << sql;
            if constexpr (std::is_same_v<T, std::string>) {
                return s.text(0);
            } else {
                return s.integer(0);
            }
        }));
    }

    test_support::temp_dir dir_;
    std::filesystem::path db_path_ = dir_ / "chat.db";
    std::filesystem::path vault_path_ = dir_ / "keys.db";
    core::manual_clock clock_;
    hub_settings settings_{3, 30};
    std::unique_ptr<privacy::keyring> keys_;
    std::unique_ptr<store::worker> store_;
    privacy::policy_registry policy_;
    std::unique_ptr<hub> hub_;
    staff::member ana_;
    staff::member ben_;
    staff::member sam_;
};

}  // namespace sc::chat
