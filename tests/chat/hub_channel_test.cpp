// The hub's visitor side is channel-neutral: a channel that is not the WebSocket chat (here one
// that only records what it is told, as an email or no-JavaScript channel would turn it into
// mail or pages) gets the whole conversation as typed calls, and never a frame.
#include "chat/hub_fixture.hpp"

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace sc::chat {
namespace {

using conversations::closed_by;
using conversations::sender;
using conversations::status;

/// What a channel is told, one line per call.
class recording_channel final : public conversations::visitor_endpoint {
  public:
    conversations::channel channel() const override { return conversations::channel::chat; }
    void started(std::string_view token, const conversations::visitor_view& v) override {
        token_ = std::string(token);
        record("started " + view(v));
    }
    void resumed(const conversations::visitor_view& v,
                 conversations::transcript_ptr missed) override {
        std::string line = "resumed " + view(v) + " missed";
        for (std::size_t i = 0; i < missed->size(); ++i) line += " " + describe(missed->read(i));
        record(line);
    }
    void message(const conversations::message_ptr& m) override {
        record("message " + describe(*m));
    }
    void acknowledged(std::string_view client_id, std::int64_t seq) override {
        record("ack " + std::string(client_id) + " " + std::to_string(seq));
    }
    void waiting(std::size_t position, std::chrono::seconds) override {
        record("waiting " + std::to_string(position));
    }
    void advocate_typing(bool active) override { record(active ? "typing" : "not typing"); }
    void ended(closed_by by) override {
        record("ended by " + std::string(conversations::name(by)));
    }
    void failed(const core::error& e, std::string_view) override { record("failed " + e.message); }
    void replaced() override { record("replaced"); }

    /// Waits for the line and returns everything told so far.
    std::vector<std::string> wait_for(const std::string& line) {
        std::unique_lock lock(mutex_);
        bool seen = changed_.wait_for(lock, patience, [&] {
            return std::find(lines_.begin(), lines_.end(), line) != lines_.end();
        });
        if (!seen) {
            std::string all;
            for (const auto& l : lines_) all += "  " + l + "\n";
            ADD_FAILURE() << "never told '" << line << "'; told:\n" << all;
        }
        return lines_;
    }

    std::string token() const {
        std::lock_guard lock(mutex_);
        return token_;
    }

  private:
    static std::string view(const conversations::visitor_view& v) {
        return std::string(conversations::name(v.state)) + " " + std::to_string(v.last_seq) +
               (v.advocate ? " with " + *v.advocate : "");
    }
    static std::string describe(const conversations::message& m) {
        std::string out = std::to_string(m.seq) + ":" + std::string(conversations::name(m.from));
        if (m.what) out += "/" + std::string(conversations::name(*m.what));
        if (!m.name.empty()) out += "/" + m.name;
        if (!m.text.empty()) out += "/" + m.text;
        return out;
    }
    void record(std::string line) {
        {
            std::lock_guard lock(mutex_);
            lines_.push_back(std::move(line));
        }
        changed_.notify_all();
    }

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
    std::string token_;
};

TEST_F(hub_test, a_channel_is_told_the_whole_conversation_in_order) {
    auto channel = std::make_shared<recording_channel>();
    ASSERT_TRUE(hub_->visitor_start(channel, {}, "en", "net-1"));
    channel->wait_for("waiting 1");
    auto id = conversation_of(channel->token());
    ASSERT_TRUE(hub_->visitor_send(channel.get(), "c1", "hello"));
    channel->wait_for("ack c1 1");

    auto ana = join(ana_);
    ASSERT_TRUE(hub_->staff_accept(ana.get(), id));
    channel->wait_for("message 2:system/advocate_joined/Ana");
    ASSERT_TRUE(hub_->staff_typing(ana.get(), id, true));
    ASSERT_TRUE(hub_->staff_send(ana.get(), id, "a1", "how can I help?"));
    channel->wait_for("message 3:advocate/Ana/how can I help?");
    ASSERT_TRUE(hub_->staff_end(ana.get(), id, "information"));
    auto told = channel->wait_for("ended by advocate");

    EXPECT_EQ(told, (std::vector<std::string>{"started waiting 0", "waiting 1", "ack c1 1",
                                              "message 1:visitor/hello",
                                              "message 2:system/advocate_joined/Ana", "typing",
                                              "message 3:advocate/Ana/how can I help?",
                                              "message 4:system/ended", "ended by advocate"}));
}

TEST_F(hub_test, a_channel_that_comes_back_reads_what_it_missed_and_the_old_one_is_replaced) {
    auto first = std::make_shared<recording_channel>();
    ASSERT_TRUE(hub_->visitor_start(first, {}, "en", "net-1"));
    first->wait_for("waiting 1");
    auto ana = join(ana_);
    ASSERT_TRUE(hub_->staff_accept(ana.get(), conversation_of(first->token())));
    ASSERT_TRUE(hub_->visitor_send(first.get(), "c1", "one"));
    ASSERT_TRUE(hub_->visitor_send(first.get(), "c2", "two"));
    first->wait_for("ack c2 3");

    auto second = std::make_shared<recording_channel>();
    ASSERT_TRUE(hub_->visitor_resume(second, first->token(), 1, "net-1"));
    second->wait_for("resumed active 3 with Ana missed 2:visitor/one 3:visitor/two");
    first->wait_for("replaced");
    EXPECT_FALSE(hub_->visitor_send(first.get(), "c3", "from the old window"))
        << "the replaced channel no longer speaks for the visitor";
}

}  // namespace
}  // namespace sc::chat
