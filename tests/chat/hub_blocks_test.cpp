// Blocking an abusive visitor through the hub, with the fixture's manual clock: the chat
// ends, the network is refused new chats and messages with a neutral answer, the block
// expires or is lifted (audited by its opaque id), and it never reaches the disk.
#include "chat/hub.hpp"
#include "store/sqlite/sql_job.hpp"

#include "chat/hub_fixture.hpp"

namespace sc::chat {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* neutral =
    "The chat service is not available right now. If you are in danger, call 911.";

class hub_blocks_test : public hub_test {
  protected:
    /// Ana's chat with a visitor from `network`; advocate_joined (seq 1) has arrived.
    visitor chat_from(const link_ptr& advocate, const std::string& network) {
        auto v = start_visitor({}, network);
        EXPECT_TRUE(hub_->staff_accept(advocate.get(), v.id));
        v.link->wait_message(1);
        return v;
    }

    std::string block(const link_ptr& advocate, const visitor& v,
                      const std::string& reason = "abusive") {
        auto r = hub_->staff_block(advocate.get(), v.id, reason, "other");
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        auto blocked = advocate->wait_for(
            [&](const json::object& f) {
                return f.at("type") == "blocked" && f.at("conversation_id") == v.id.c_str();
            },
            "'blocked'");
        return blocked.contains("block_id") ? std::string(blocked.at("block_id").as_string()) : "";
    }

    void expect_start_refused(const std::string& network) {
        auto l = std::make_shared<recording_link>();
        auto r = hub_->visitor_start(l->visitor(), {}, "en", network);
        ASSERT_FALSE(r) << "a chat from " << network << " was started";
        EXPECT_EQ(r.error().code, core::errc::unavailable);
        EXPECT_EQ(r.error().message, neutral);
    }

    std::int64_t audit_count(const std::string& action, const std::string& subject) {
        return store_->call(test_support::sql_job([&](store::database& db) {
            auto s = db.prepare("SELECT count(*) FROM audit_log WHERE action = ? AND subject = ?");
            s.bind(1, action).bind(2, subject);
            s.step();
            return s.integer(0);
        }));
    }
};

TEST_F(hub_blocks_test, blocking_ends_the_chat_and_refuses_new_chats_from_that_network) {
    auto ana = join(ana_);
    auto v = chat_from(ana, "net-abuser");
    auto id = block(ana, v);
    EXPECT_TRUE(core::is_hex(id, 16));
    auto ended = v.link->wait_type("ended");
    EXPECT_EQ(ended.at("by"), "advocate") << "the visitor sees an ordinary ending";
    ana->wait_for([&](const json::object& f) { return f.at("type") == "removed"; }, "'removed'");
    EXPECT_EQ(query<std::string>("SELECT disposition FROM conversations WHERE id = ?", v.id),
              "other");

    expect_start_refused("net-abuser");
    start_visitor({}, "net-other");  // everyone else still gets through
}

TEST_F(hub_blocks_test, the_blocked_network_cannot_write_in_its_other_open_chat) {
    auto ana = join(ana_);
    auto ben = join(ben_);
    auto first = chat_from(ana, "net-abuser");
    auto second = chat_from(ben, "net-abuser");
    auto bystander = chat_from(ben, "net-other");
    block(ana, first);

    auto r = hub_->visitor_send(second.link->visitor().get(), "v1", "still here");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::unavailable);
    EXPECT_EQ(r.error().message, neutral);
    visitor_says(bystander, "v1", "hello");
    bystander.link->wait_message(2);

    // Typing from the blocked network reaches nobody either.
    ASSERT_TRUE(hub_->visitor_typing(second.link->visitor().get(), true));
    settle();
    EXPECT_TRUE(ben->frames_of("typing").empty());
    EXPECT_TRUE(second.link->frames_of("ack").empty());
}

TEST_F(hub_blocks_test, a_visitor_who_resumes_from_a_blocked_network_is_refused_too) {
    auto ana = join(ana_);
    auto ben = join(ben_);
    auto abusive = chat_from(ana, "net-abuser");
    auto other = chat_from(ben, "net-2");
    block(ana, abusive);
    // The second chat's visitor moves to the blocked network (same person, other tab).
    auto again = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(again->visitor(), other.token, 1, "net-abuser"));
    again->wait_type("resumed");
    auto r = hub_->visitor_send(again->visitor().get(), "v1", "hi");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::unavailable);
}

TEST_F(hub_blocks_test, a_block_expires_after_the_configured_time) {
    use_settings({3, 30, std::chrono::hours(2)});
    auto ana = join(ana_);
    auto v = chat_from(ana, "net-abuser");
    block(ana, v);
    clock_.advance(2h - 1s);
    expect_start_refused("net-abuser");
    clock_.advance(1s);
    start_visitor({}, "net-abuser");
}

TEST_F(hub_blocks_test, a_supervisor_sees_the_block_and_lifts_it) {
    auto sam = join(sam_);
    auto state = sam->wait_type("state");
    EXPECT_EQ(state.at("blocks"), json::array{});
    auto ana = join(ana_);
    auto v = chat_from(ana, "net-abuser");
    auto id = block(ana, v, "threatening");

    auto listed = sam->wait_for(
        [](const json::object& f) {
            return f.at("type") == "blocks" && f.at("blocks").as_array().size() == 1;
        },
        "'blocks' with one block");
    auto entry = listed.at("blocks").as_array()[0].as_object();
    EXPECT_EQ(entry.at("block_id"), id.c_str());
    EXPECT_EQ(entry.at("placed_by"), ana_.id);
    EXPECT_EQ(entry.at("placed_by_name"), "Ana");
    EXPECT_EQ(entry.at("placed_at"), core::format_utc(clock_.now()).c_str());
    EXPECT_EQ(entry.at("expires_at"), core::format_utc(clock_.now() + 24h).c_str());
    EXPECT_EQ(entry.at("reason"), "threatening");
    EXPECT_TRUE(ana->frames_of("blocks").empty()) << "coordinators are not sent the list";

    ASSERT_TRUE(hub_->staff_unblock(sam.get(), id));
    EXPECT_EQ(sam->wait_type("unblocked").at("block_id"), id.c_str());
    sam->wait_for(
        [](const json::object& f) {
            return f.at("type") == "blocks" && f.at("blocks").as_array().empty();
        },
        "'blocks' with none");
    start_visitor({}, "net-abuser");

    settle();
    EXPECT_EQ(audit_count("visitor_blocked", id), 1);
    EXPECT_EQ(audit_count("visitor_block_lifted", id), 1);
    auto again = hub_->staff_unblock(sam.get(), id);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, core::errc::not_found);
}

TEST_F(hub_blocks_test, the_blocks_frame_answers_a_supervisor_on_request) {
    auto ana = join(ana_);
    auto id = block(ana, chat_from(ana, "net-abuser"));
    auto sam = join(sam_);
    sam->wait_type("state");
    ASSERT_TRUE(hub_->staff_blocks(sam.get()));
    auto f = sam->wait_type("blocks");
    ASSERT_EQ(f.at("blocks").as_array().size(), 1u);
    EXPECT_EQ(f.at("blocks").as_array()[0].at("block_id"), id.c_str());
}

TEST_F(hub_blocks_test, coordinators_neither_list_nor_lift_blocks) {
    auto ana = join(ana_);
    auto id = block(ana, chat_from(ana, "net-abuser"));
    auto list = hub_->staff_blocks(ana.get());
    ASSERT_FALSE(list);
    EXPECT_EQ(list.error().code, core::errc::forbidden);
    auto lift = hub_->staff_unblock(ana.get(), id);
    ASSERT_FALSE(lift);
    EXPECT_EQ(lift.error().code, core::errc::forbidden);
    expect_start_refused("net-abuser");
}

TEST_F(hub_blocks_test, only_the_chats_advocate_or_an_overseer_blocks) {
    auto ana = join(ana_);
    auto ben = join(ben_);
    auto v = chat_from(ana, "net-abuser");
    auto r = hub_->staff_block(ben.get(), v.id, "abusive", "other");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::forbidden);
    start_visitor({}, "net-abuser");

    auto sam = join(sam_);
    ASSERT_TRUE(hub_->staff_block(sam.get(), v.id, "prank", "other"));
    sam->wait_type("blocked");
    expect_start_refused("net-abuser");
}

TEST_F(hub_blocks_test, a_bad_reason_or_disposition_changes_nothing) {
    auto ana = join(ana_);
    auto v = chat_from(ana, "net-abuser");
    auto reason = hub_->staff_block(ana.get(), v.id, "rude", "other");
    ASSERT_FALSE(reason);
    EXPECT_EQ(reason.error().code, core::errc::bad_request);
    auto disposition = hub_->staff_block(ana.get(), v.id, "abusive", "blocked");
    ASSERT_FALSE(disposition);
    EXPECT_EQ(disposition.error().code, core::errc::bad_request);
    visitor_says(v, "v1", "the chat goes on");
    v.link->wait_message(2);
    start_visitor({}, "net-abuser");
}

TEST_F(hub_blocks_test, a_chat_the_visitor_already_left_can_still_be_blocked) {
    auto ana = join(ana_);
    auto v = chat_from(ana, "net-abuser");
    ASSERT_TRUE(hub_->visitor_end(v.link->visitor().get()));
    ana->wait_type("ended");
    block(ana, v, "prank");
    ana->wait_type("removed");
    expect_start_refused("net-abuser");
}

TEST_F(hub_blocks_test, a_restart_ends_every_block_and_none_reached_the_disk) {
    const std::string network = "net-canary-block-198.51.100.23";
    auto ana = join(ana_);
    auto v = chat_from(ana, network);
    auto id = block(ana, v);
    settle();
    restart();
    start_visitor({}, network);
    settle();
    shut_down();
    for (const auto& file : std::filesystem::recursive_directory_iterator(dir_.path())) {
        if (!file.is_regular_file()) continue;
        auto bytes = test_support::read_bytes(file.path());
        EXPECT_EQ(bytes.find(network), std::string::npos) << file.path();
    }
    EXPECT_FALSE(id.empty());
}

}  // namespace
}  // namespace sc::chat
