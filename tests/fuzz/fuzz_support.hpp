// Support for the libFuzzer targets: the check that turns a broken promise into a crash the
// fuzzer records, a strict UTF-8 test, splitting one input into several frames, a link that
// checks every frame the hub sends, and a real hub over a real store in a temporary directory
// (as tests/chat/hub_fixture.hpp builds one), made once per process.
#pragma once

#include "chat/hub.hpp"
#include "chat/visitor_link.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/temp_dir.hpp"
#include "privacy/keyring.hpp"
#include "privacy/policy.hpp"
#include "staff/accounts.hpp"
#include "store/sqlite/sql_job.hpp"
#include "store/sqlite/worker.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sc::fuzz {

/// Stops the run with a message when a promise of the code under test does not hold; the
/// fuzzer saves the input as a crash.
[[noreturn]] inline void broken(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "FUZZ CHECK FAILED: %.*s\n%.*s\n", static_cast<int>(what.size()),
                 what.data(), static_cast<int>(detail.size()), detail.data());
    std::abort();
}

inline void check(bool holds, std::string_view what, std::string_view detail = {}) {
    if (!holds) broken(what, detail);
}

/// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
inline bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= s.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

/// The pieces of `input` between `separator` bytes (empty pieces included).
inline std::vector<std::string_view> split(std::string_view input, char separator) {
    std::vector<std::string_view> out;
    for (;;) {
        auto at = input.find(separator);
        out.push_back(input.substr(0, at));
        if (at == std::string_view::npos) return out;
        input.remove_prefix(at + 1);
    }
}

/// Every occurrence of `from` in `s` replaced by `to`.
inline std::string replace_all(std::string_view s, std::string_view from, const std::string& to) {
    std::string out;
    for (;;) {
        auto at = s.find(from);
        out.append(s.substr(0, at));
        if (at == std::string_view::npos) return out;
        out += to;
        s.remove_prefix(at + from.size());
    }
}

/// Quiet logs (they cost time, and the targets check outcomes, not log lines) and libsodium.
inline void init_process() {
    spdlog::set_level(spdlog::level::off);
    if (sodium_init() < 0) broken("sodium_init failed");
}

/// A connection standing in for a WebSocket: checks that every frame the server sends is a
/// JSON object with a string `type` in valid UTF-8 (a browser drops a connection on invalid
/// UTF-8 in a text frame), and that a close reason fits a close frame (123 bytes).
class checking_link final : public chat::visitor_link<checking_link> {
  public:
    void deliver(chat::frame_ptr shared) override {
        const std::string& frame = *shared;
        check(valid_utf8(frame), "a frame sent to a client is not valid UTF-8", frame);
        boost::system::error_code ec;
        auto v = boost::json::parse(frame, ec);
        check(!ec && v.is_object(), "a frame sent to a client is not a JSON object", frame);
        auto* type = v.as_object().if_contains("type");
        check(type != nullptr && type->is_string(), "a frame sent to a client has no type", frame);
        if (type->as_string() == "error") {
            const auto& o = v.as_object();
            check(o.contains("code") && o.at("code").is_string() && o.contains("message") &&
                      o.at("message").is_string() && !o.at("message").as_string().empty(),
                  "an error frame without code and message", frame);
        }
        std::lock_guard lock(mutex_);
        frames_.push_back(std::move(v.as_object()));
    }

    void close(std::uint16_t code, std::string reason) override {
        check(code >= 1000 && code < 5000, "close code out of range");
        check(reason.size() <= 123 && valid_utf8(reason),
              "a close reason does not fit a close frame", reason);
    }

    /// The frames received so far, parsed.
    std::vector<boost::json::object> frames() const {
        std::lock_guard lock(mutex_);
        return frames_;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<boost::json::object> frames_;
};

/// A real hub over a real store worker, keyring and policy in a temporary directory, with a
/// manual clock. The fuzz targets reuse it across inputs and replace it every
/// `inputs_per_world` inputs, so the database and the hub's memory stay small however long a
/// run lasts.
class chat_world {
  public:
    static constexpr int inputs_per_world = 2000;

    /// The one world of this process. Never destroyed: the store thread must not be stopped
    /// by exit-time destructors.
    static chat_world& shared() {
        static auto* w = (init_process(), new chat_world);
        return *w;
    }

    chat_world() { open(); }
    ~chat_world() { close(); }
    chat_world(const chat_world&) = delete;
    chat_world& operator=(const chat_world&) = delete;

    /// Called once per input: renews the world when it has served its share.
    void next_input() {
        if (++inputs_ > inputs_per_world) {
            close();
            open();
            inputs_ = 1;
            ++generation_;
        }
        // A new hour each input: the per-network limit on new chats does not pile up. The
        // last inputs' visitors are gone: their chats leave the queue, which stays short.
        clock.advance(std::chrono::hours(1));
        hub->close_abandoned(std::chrono::seconds(0));
    }

    /// Returns once every store job queued so far, and every frame those jobs deliver, is
    /// done.
    void settle() {
        store->call(test_support::sql_job([](store::database&) {}));
    }

    staff::member add_staff(const std::string& email, staff::role r) {
        return store->call([&](store::unit_of_work& work) {
            auto m = staff::add_member(work, email, "Fuzz", r, "not used", clock.now());
            if (!m) broken("add_member failed", m.error().message);
            return *m;
        });
    }

    /// A visitor who has started a chat and is waiting: its link, resume token and
    /// conversation id.
    struct waiting_visitor {
        std::shared_ptr<checking_link> link;
        std::string token;
        std::string id;
    };

    waiting_visitor start_visitor() {
        waiting_visitor v;
        v.link = std::make_shared<checking_link>();
        auto r = hub->visitor_start(v.link->visitor(), {}, "en",
                                    "fuzz-net-" + std::to_string(++visitors_));
        if (!r) broken("visitor_start failed", r.error().message);
        settle();
        for (const auto& f : v.link->frames()) {
            if (f.at("type") == "started") v.token = std::string(f.at("token").as_string());
        }
        if (v.token.empty()) broken("no started frame");
        v.id = store->call(test_support::sql_job([&](store::database& db) {
            auto s = db.prepare("SELECT id FROM conversations WHERE resume_token_hash = ?");
            s.bind(1, core::token_hash(v.token));
            return s.step() ? s.text(0) : std::string();
        }));
        return v;
    }

    /// Changes whenever the world is renewed (what a target kept from it is gone).
    int generation() const { return generation_; }

    /// Feeds `input` to a session as frames separated by '\n', with `placeholder` standing
    /// for `value`, then ends the connection and waits for what the store still delivers.
    template <class Session>
    void feed_frames(Session& session, std::string_view input, std::string_view placeholder,
                     const std::string& value) {
        for (auto frame : split(input, '\n')) {
            // 50 ms per frame: faster than the frame limit refills, so long inputs reach it.
            clock.advance(std::chrono::milliseconds(50));
            session.on_frame(replace_all(frame, placeholder, value));
        }
        session.on_close();
        settle();
    }

    core::manual_clock clock;
    std::unique_ptr<test_support::temp_dir> dir;
    std::unique_ptr<privacy::keyring> keys;
    std::unique_ptr<store::worker> store;
    privacy::policy_registry policy;
    std::unique_ptr<chat::hub> hub;

  private:
    void open() {
        dir = std::make_unique<test_support::temp_dir>();
        keys = std::make_unique<privacy::keyring>(*dir / "master.key");
        store = std::make_unique<store::sqlite_worker>(*dir / "chat.db", *dir / "keys.db");
        policy.load(*store, "# Policy\n", 72, clock.now());
        hub = std::make_unique<chat::hub>(*store, *keys, policy, clock, chat::hub_settings{3, 30});
        hub->load();
    }

    // The store finishes (and reports to the hub) before the hub goes away, as in serve().
    void close() {
        if (store) store->stop();
        hub.reset();
        store.reset();
        keys.reset();
        dir.reset();
    }

    int inputs_ = 0;
    int generation_ = 0;
    std::uint64_t visitors_ = 0;
};

}  // namespace sc::fuzz
