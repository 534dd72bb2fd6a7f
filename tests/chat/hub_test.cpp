// The live chat hub end to end: queue, accept, messages, resume, transfer, ending, restart,
// and what reaches the disk.
#include "chat/hub.hpp"
#include "store/sqlite/sql_job.hpp"

#include "chat/hub_fixture.hpp"
#include "core/known_bug.hpp"
#include "store/sqlite/worker_gate.hpp"

#include <algorithm>

namespace sc::chat {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// ---------------------------------------------------------------- starting and the queue

TEST_F(hub_test, visitor_start_answers_started_with_a_token_and_a_waiting_state) {
    auto l = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_start(l->visitor(), {}, "en", "net-1"));
    auto started = l->wait_type("started");
    EXPECT_TRUE(core::is_hex(std::string(started.at("token").as_string()), 64));
    EXPECT_EQ(started.at("conversation"),
              json::parse(R"({"status":"waiting","last_seq":0,"advocate":null})"));
}

TEST_F(hub_test, visitor_start_is_followed_by_the_queue_position) {
    auto v = start_visitor();
    auto queue = v.link->wait_type("queue");
    EXPECT_EQ(queue.at("position"), 1);
    EXPECT_EQ(queue.at("estimated_wait_s"), 0) << "nobody is available, so the wait is unknown";
}

TEST_F(hub_test, each_chat_gets_its_own_token_and_conversation) {
    auto a = start_visitor();
    auto b = start_visitor();
    EXPECT_NE(a.token, b.token);
    EXPECT_NE(a.id, b.id);
    EXPECT_FALSE(a.id.empty());
}

TEST_F(hub_test, the_database_keeps_only_the_hash_of_the_resume_token) {
    auto v = start_visitor();
    EXPECT_EQ(query<std::string>("SELECT resume_token_hash FROM conversations WHERE id = ?", v.id),
              core::token_hash(v.token));
}

TEST_F(hub_test, queue_positions_follow_arrival_and_move_up) {
    auto ana = join(ana_);
    auto first = start_visitor();
    auto second = start_visitor();
    second.link->wait_for(
        [](const json::object& f) { return f.at("type") == "queue" && f.at("position") == 2; },
        "queue position 2");
    accept(ana, first);
    second.link->wait_for(
        [](const json::object& f) { return f.at("type") == "queue" && f.at("position") == 1; },
        "queue position 1");
}

TEST_F(hub_test, waiting_visitors_get_an_estimate_once_someone_is_available) {
    auto ana = join(ana_);
    auto v = start_visitor();
    ASSERT_TRUE(hub_->staff_availability(ana.get(), true));
    v.link->wait_for(
        [](const json::object& f) {
            return f.at("type") == "queue" && f.at("estimated_wait_s").as_int64() > 0;
        },
        "queue with an estimate");
}

TEST_F(hub_test, a_second_start_on_one_connection_is_a_conflict) {
    auto v = start_visitor();
    auto again = hub_->visitor_start(v.link->visitor(), {}, "en", "net-1");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, core::errc::conflict);
}

TEST_F(hub_test, sending_before_starting_is_a_conflict) {
    auto l = std::make_shared<recording_link>();
    auto r = hub_->visitor_send(l->visitor().get(), "v1", "hello");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::conflict);
}

TEST_F(hub_test, too_many_new_chats_from_one_network_are_refused_for_an_hour) {
    use_settings({3, 2});
    start_visitor({}, "net-a");
    start_visitor({}, "net-a");
    auto l = std::make_shared<recording_link>();
    auto third = hub_->visitor_start(l->visitor(), {}, "en", "net-a");
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().code, core::errc::unavailable);

    start_visitor({}, "net-b");  // another network is not affected

    clock_.advance(61min);
    EXPECT_TRUE(hub_->visitor_start(l->visitor(), {}, "en", "net-a"));
}

// ---------------------------------------------------------------- staff console

TEST_F(hub_test, staff_join_answers_state_with_the_queue) {
    auto v = start_visitor(json::object{{"state", "CT"}});
    auto ana = join(ana_);
    auto state = ana->wait_type("state");
    EXPECT_EQ(state.at("me"), json::parse(R"({"id":)" + std::to_string(ana_.id) +
                                          R"(,"name":"Ana","role":"coordinator"})"));
    EXPECT_EQ(state.at("available"), false);
    EXPECT_EQ(state.at("max_chats"), 3);
    EXPECT_EQ(state.at("now"), core::format_utc(clock_.now()).c_str()) << "the server's clock";
    EXPECT_EQ(state.at("overview"), json::array{}) << "coordinators see no overview";
    const auto& queue = state.at("queue").as_array();
    ASSERT_EQ(queue.size(), 1u);
    EXPECT_EQ(queue[0].at("conversation_id"), v.id.c_str());
    EXPECT_EQ(queue[0].at("has_intake"), true);
    EXPECT_EQ(queue[0].at("lang"), "en");
}

TEST_F(hub_test, signed_in_staff_hear_of_new_chats) {
    auto ana = join(ana_);
    clock_.advance(5min);
    auto v = start_visitor();
    auto queue = ana->wait_for(
        [&](const json::object& f) {
            return f.at("type") == "queue" && f.at("entries").as_array().size() == 1 &&
                   f.at("entries").as_array()[0].at("conversation_id") == v.id.c_str();
        },
        "queue with the new chat");
    EXPECT_EQ(queue.at("now"), core::format_utc(clock_.now()).c_str());
    auto entry = queue.at("entries").as_array()[0].as_object();
    EXPECT_EQ(entry.at("waiting_since"), core::format_utc(clock_.now()).c_str());
    EXPECT_EQ(entry.at("has_intake"), false);
    EXPECT_EQ(entry.at("visitor_connected"), true);
}

TEST_F(hub_test, a_console_with_chats_gets_state_then_one_chat_frame_per_chat) {
    auto ana = join(ana_);
    active_chat(ana);
    active_chat(ana);
    auto again = join(ana_);
    settle();
    auto frames = again->frames();
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames[0].at("type"), "state");
    EXPECT_EQ(again->frames_of("chat").size(), 2u);
}

TEST_F(hub_test, supervisors_get_the_overview_and_coordinators_do_not) {
    auto sam = join(sam_);
    auto ana = join(ana_);
    auto v = start_visitor();
    accept(ana, v);
    sam->wait_for(
        [&](const json::object& f) {
            if (f.at("type") != "overview") return false;
            const auto& chats = f.at("chats").as_array();
            return chats.size() == 1 && chats[0].at("status") == "active" &&
                   chats[0].at("advocate") == "Ana";
        },
        "overview with Ana's active chat");
    settle();
    EXPECT_TRUE(ana->frames_of("overview").empty());
}

TEST_F(hub_test, staff_presence_is_broadcast) {
    auto ana = join(ana_);
    join(ben_);
    ana->wait_for(
        [](const json::object& f) {
            return f.at("type") == "staff" && f.at("staff").as_array().size() == 2;
        },
        "staff list with Ana and Ben");
    EXPECT_EQ(hub_->snapshot().staff_online, 2u);
}

// ---------------------------------------------------------------- accepting

TEST_F(hub_test, accept_gives_the_advocate_the_chat) {
    auto ana = join(ana_);
    auto v = start_visitor(json::object{{"state", "CT"}});
    accept(ana, v);
    auto chat = ana->wait_type("chat").at("chat").as_object();
    EXPECT_EQ(chat.at("conversation_id"), v.id.c_str());
    EXPECT_EQ(chat.at("status"), "active");
    EXPECT_EQ(chat.at("intake"), json::parse(R"({"state":"CT"})"));
    EXPECT_EQ(chat.at("needs_disposition"), false);
    EXPECT_EQ(chat.at("visitor_connected"), true);
    EXPECT_TRUE(chat.at("accepted_at").is_string());
    auto joined = ana->wait_seen(1);
    EXPECT_EQ(joined.at("event"), "advocate_joined");
}

TEST_F(hub_test, accept_tells_the_visitor_an_advocate_joined) {
    auto ana = join(ana_);
    auto v = start_visitor();
    accept(ana, v);
    auto joined = v.link->wait_message(1);
    EXPECT_EQ(joined.at("from"), "system");
    EXPECT_EQ(joined.at("event"), "advocate_joined");
    EXPECT_EQ(joined.at("name"), "Ana");
    EXPECT_TRUE(joined.at("at").is_string());
}

TEST_F(hub_test, accept_takes_the_chat_out_of_the_queue) {
    auto ana = join(ana_);
    auto v = start_visitor();
    accept(ana, v);
    settle();
    EXPECT_EQ(ana->last_of("queue").at("entries"), json::array{});
    auto counts = hub_->snapshot();
    EXPECT_EQ(counts.waiting, 0u);
    EXPECT_EQ(counts.active, 1u);
    EXPECT_EQ(query<std::string>("SELECT status FROM conversations WHERE id = ?", v.id), "active");
    EXPECT_EQ(query<std::int64_t>("SELECT staff_id FROM conversations WHERE id = ?", v.id),
              ana_.id);
}

TEST_F(hub_test, a_chat_can_be_accepted_only_once) {
    auto ana = join(ana_);
    auto ben = join(ben_);
    auto v = start_visitor();
    accept(ana, v);
    auto again = hub_->staff_accept(ben.get(), v.id);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, core::errc::conflict);
}

TEST_F(hub_test, accepting_an_unknown_chat_is_not_found) {
    auto ana = join(ana_);
    auto r = hub_->staff_accept(ana.get(), core::random_hex(16));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::not_found);
}

TEST_F(hub_test, accepting_before_hello_is_a_conflict) {
    auto v = start_visitor();
    recording_link stranger;
    auto r = hub_->staff_accept(&stranger, v.id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::conflict);
}

TEST_F(hub_test, accepting_beyond_max_chats_is_a_conflict_until_one_ends) {
    use_settings({2, 30});
    auto ana = join(ana_);
    auto a = start_visitor();
    auto b = start_visitor();
    auto c = start_visitor();
    accept(ana, a);
    accept(ana, b);
    auto third = hub_->staff_accept(ana.get(), c.id);
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().code, core::errc::conflict);

    ASSERT_TRUE(hub_->staff_end(ana.get(), a.id, "information"));
    ana->wait_type("removed");  // the end is stored
    EXPECT_TRUE(hub_->staff_accept(ana.get(), c.id));
}

// ---------------------------------------------------------------- messages

TEST_F(hub_test, visitor_message_is_acked_then_delivered_to_both_sides) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    visitor_says(v, "v1", "hello");
    auto ack = v.link->wait_type("ack");
    EXPECT_EQ(ack, json::parse(R"({"type":"ack","client_id":"v1","seq":2})"));
    auto mine = v.link->wait_message(2);
    EXPECT_EQ(mine.at("from"), "visitor");
    EXPECT_EQ(mine.at("text"), "hello");
    auto theirs = ana->wait_message(2);
    EXPECT_EQ(theirs.at("text"), "hello");
    EXPECT_EQ(ana->last_of("message").at("conversation_id"), v.id.c_str());
}

TEST_F(hub_test, advocate_message_is_acked_then_delivered_with_the_advocate_name) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    advocate_says(ana, v, "a1", "Are you safe right now?");
    auto ack = ana->wait_type("ack");
    EXPECT_EQ(ack.at("conversation_id"), v.id.c_str());
    EXPECT_EQ(ack.at("client_id"), "a1");
    EXPECT_EQ(ack.at("seq"), 2);
    auto message = v.link->wait_message(2);
    EXPECT_EQ(message.at("from"), "advocate");
    EXPECT_EQ(message.at("name"), "Ana");
    EXPECT_EQ(message.at("text"), "Are you safe right now?");
    settle();
    EXPECT_TRUE(v.link->frames_of("ack").empty()) << "the visitor is not acked for staff messages";
}

TEST_F(hub_test, both_sides_see_every_message_once_in_seq_order) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    for (int i = 0; i < 20; ++i) {
        visitor_says(v, "v" + std::to_string(i), "visitor " + std::to_string(i));
        advocate_says(ana, v, "a" + std::to_string(i), "advocate " + std::to_string(i));
    }
    settle();
    EXPECT_EQ(v.link->message_seqs(), seqs_from(1, 41));
    EXPECT_EQ(ana->seen_seqs(), seqs_from(1, 41));
    auto messages = v.link->messages();
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(messages[static_cast<std::size_t>(1 + 2 * i)].at("text"),
                  ("visitor " + std::to_string(i)).c_str());
        EXPECT_EQ(messages[static_cast<std::size_t>(2 + 2 * i)].at("text"),
                  ("advocate " + std::to_string(i)).c_str());
    }
}

TEST_F(hub_test, visitor_may_write_while_waiting_and_the_advocate_gets_it_on_accept) {
    auto ana = join(ana_);
    auto v = start_visitor();
    visitor_says(v, "v1", "is anyone there?");
    v.link->wait_message(1);
    accept(ana, v);
    auto chat = ana->wait_type("chat").at("chat").as_object();
    const auto& history = chat.at("messages").as_array();
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].at("text"), "is anyone there?");
    EXPECT_EQ(history[1].at("event"), "advocate_joined");
}

TEST_F(hub_test, repeated_visitor_client_id_gives_the_same_seq_and_no_second_message) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    visitor_says(v, "v1", "hello");
    v.link->wait_type("ack");
    visitor_says(v, "v1", "hello");
    settle();
    auto acks = v.link->frames_of("ack");
    ASSERT_EQ(acks.size(), 2u);
    EXPECT_EQ(acks[1].at("seq"), 2);
    EXPECT_EQ(v.link->message_seqs(), seqs_from(1, 2));
    EXPECT_EQ(ana->seen_seqs(), seqs_from(1, 2));
    EXPECT_EQ(query<std::int64_t>("SELECT count(*) FROM messages WHERE conversation_id = ?", v.id),
              2);

    visitor_says(v, "v2", "next");
    EXPECT_EQ(v.link->wait_message(3).at("text"), "next");
}

TEST_F(hub_test, repeated_advocate_client_id_gives_the_same_seq_and_no_second_message) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    advocate_says(ana, v, "a1", "hello");
    ana->wait_type("ack");
    advocate_says(ana, v, "a1", "hello");
    settle();
    auto acks = ana->frames_of("ack");
    ASSERT_EQ(acks.size(), 2u);
    EXPECT_EQ(acks[1].at("seq"), 2);
    EXPECT_EQ(v.link->message_seqs(), seqs_from(1, 2));
    EXPECT_EQ(ana->seen_seqs(), seqs_from(1, 2));
}

TEST_F(hub_test, the_same_client_id_from_both_sides_is_two_messages) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    visitor_says(v, "m1", "from the visitor");
    advocate_says(ana, v, "m1", "from the advocate");
    settle();
    EXPECT_EQ(v.link->message_seqs(), seqs_from(1, 3));
}

TEST_F(hub_test, typing_reaches_the_other_side) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    ASSERT_TRUE(hub_->visitor_typing(v.link->visitor().get(), true));
    auto typing = ana->wait_type("typing");
    EXPECT_EQ(typing.at("conversation_id"), v.id.c_str());
    EXPECT_EQ(typing.at("active"), true);
    ASSERT_TRUE(hub_->staff_typing(ana.get(), v.id, true));
    EXPECT_EQ(v.link->wait_type("typing").at("active"), true);
}

TEST_F(hub_test, another_coordinator_may_not_write_in_a_chat) {
    auto ana = join(ana_);
    auto ben = join(ben_);
    auto v = active_chat(ana);
    auto r = hub_->staff_send(ben.get(), v.id, "b1", "hi");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::forbidden);
}

TEST_F(hub_test, nobody_may_write_in_a_waiting_chat) {
    auto ana = join(ana_);
    auto v = start_visitor();
    auto r = hub_->staff_send(ana.get(), v.id, "a1", "hi");
    EXPECT_FALSE(r);
}

TEST_F(hub_test, history_replays_messages_after_a_seq) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    visitor_says(v, "v1", "one");
    advocate_says(ana, v, "a1", "two");
    v.link->wait_message(3);
    auto again = join(ana_);  // a second console of the same advocate
    settle();
    ASSERT_TRUE(hub_->staff_history(again.get(), v.id, 2));
    auto chat = again->wait_for(
        [](const json::object& f) {
            return f.at("type") == "chat" && f.at("chat").at("messages").as_array().size() == 1;
        },
        "chat with one message");
    EXPECT_EQ(chat.at("chat").at("messages").as_array()[0].at("text"), "two");
}

TEST_F(hub_test, an_advocate_who_reconnects_gets_messages_sent_meanwhile) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    hub_->staff_gone(ana.get());
    visitor_says(v, "v1", "are you still there?");
    v.link->wait_message(2);
    auto back = join(ana_);
    auto chat = back->wait_type("chat").at("chat").as_object();
    const auto& history = chat.at("messages").as_array();
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].at("text"), "are you still there?");
    settle();
    EXPECT_EQ(ana->seen_seqs(), seqs_from(1, 1)) << "the closed console heard nothing more";
}

// ---------------------------------------------------------------- resuming

TEST_F(hub_test, resume_replays_exactly_the_missed_messages) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    visitor_says(v, "v1", "hello");
    advocate_says(ana, v, "a1", "Are you safe right now?");
    advocate_says(ana, v, "a2", "Take your time.");
    v.link->wait_message(4);
    hub_->visitor_gone(v.link->visitor().get());

    auto again = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(again->visitor(), v.token, 2, "net-1"));
    auto resumed = again->wait_type("resumed");
    EXPECT_EQ(resumed.at("conversation"),
              json::parse(R"({"status":"active","last_seq":4,"advocate":"Ana"})"));
    settle();
    EXPECT_EQ(again->message_seqs(), seqs_from(3, 4));
    EXPECT_EQ(again->messages()[0].at("text"), "Are you safe right now?");
    EXPECT_EQ(again->messages()[1].at("text"), "Take your time.");
    EXPECT_EQ(again->frames().front().at("type"), "resumed") << "the state comes before the replay";
}

TEST_F(hub_test, replayed_messages_are_decrypted_by_the_connection_not_the_store) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    visitor_says(v, "v1", "hello");
    advocate_says(ana, v, "a1", "Are you safe right now?");
    v.link->wait_message(3);
    hub_->visitor_gone(v.link->visitor().get());

    auto again = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(again->visitor(), v.token, 0, "net-1"));
    again->wait_message(3);
    EXPECT_EQ(again->deferred(), 3) << "each replayed message is made by the connection";

    auto console = join(ana_);
    ASSERT_TRUE(hub_->staff_history(console.get(), v.id, 0));
    console->wait_for(
        [](const json::object& f) {
            return f.at("type") == "chat" && f.at("chat").at("messages").as_array().size() == 3;
        },
        "chat with its whole history");
    EXPECT_GE(console->deferred(), 1) << "the history is made by the console's connection";
}

TEST_F(hub_test, after_resume_new_messages_arrive_once_on_the_new_connection_only) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    hub_->visitor_gone(v.link->visitor().get());
    settle();
    auto before = v.link->frames().size();
    auto again = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(again->visitor(), v.token, 1, "net-1"));
    again->wait_type("resumed");
    advocate_says(ana, v, "a1", "welcome back");
    again->wait_message(2);
    settle();
    EXPECT_EQ(again->message_seqs(), seqs_from(2, 2));
    EXPECT_EQ(v.link->frames().size(), before);
}

TEST_F(hub_test, resume_from_zero_replays_everything) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    visitor_says(v, "v1", "hello");
    v.link->wait_message(2);
    auto again = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(again->visitor(), v.token, 0, "net-1"));
    again->wait_type("resumed");
    settle();
    EXPECT_EQ(again->message_seqs(), seqs_from(1, 2));
}

TEST_F(hub_test, resume_on_a_new_connection_closes_the_old_one) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    auto again = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(again->visitor(), v.token, 1, "net-1"));
    EXPECT_EQ(v.link->close_codes(), std::vector<std::uint16_t>{4001});
    again->wait_type("resumed");
    advocate_says(ana, v, "a1", "still here");
    again->wait_message(2);
    settle();
    EXPECT_EQ(v.link->message_seqs(), seqs_from(1, 1));
}

TEST_F(hub_test, resume_of_a_waiting_chat_keeps_its_place_in_the_queue) {
    auto v = start_visitor();
    hub_->visitor_gone(v.link->visitor().get());
    auto again = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(again->visitor(), v.token, 0, "net-1"));
    EXPECT_EQ(again->wait_type("resumed").at("conversation").at("status"), "waiting");
    EXPECT_EQ(again->wait_type("queue").at("position"), 1);
}

TEST_F(hub_test, message_stored_during_a_resume_arrives_once_and_a_resend_gets_its_seq) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    auto again = std::make_shared<recording_link>();
    {
        test_support::worker_gate held(*store_);
        visitor_says(v, "v1", "sent as the connection dropped");
        hub_->visitor_gone(v.link->visitor().get());
        ASSERT_TRUE(hub_->visitor_resume(again->visitor(), v.token, 1, "net-1"));
    }
    again->wait_type("resumed");
    settle();
    EXPECT_EQ(again->message_seqs(), seqs_from(2, 2));
    // The ack was lost with the old connection; the client resends and learns the seq.
    visitor_says(visitor{again, v.token, v.id}, "v1", "sent as the connection dropped");
    auto ack = again->wait_type("ack");
    EXPECT_EQ(ack.at("seq"), 2);
    settle();
    EXPECT_EQ(again->message_seqs(), seqs_from(2, 2));
}

TEST_F(hub_test, resume_with_an_unknown_token_is_not_found) {
    auto l = std::make_shared<recording_link>();
    auto r = hub_->visitor_resume(l->visitor(), core::new_token(), 0, "net-1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::not_found);
}

TEST_F(hub_test, resume_on_a_connection_with_a_chat_is_a_conflict) {
    auto a = start_visitor();
    auto b = start_visitor();
    auto r = hub_->visitor_resume(a.link->visitor(), b.token, 0, "net-1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::conflict);
}

// ---------------------------------------------------------------- transfer

TEST_F(hub_test, transfer_hands_the_chat_and_its_history_to_the_other_advocate) {
    auto ana = join(ana_);
    auto ben = join(ben_);
    auto v = active_chat(ana);
    visitor_says(v, "v1", "hello");
    v.link->wait_message(2);

    ASSERT_TRUE(hub_->staff_transfer(ana.get(), v.id, ben_.id));
    auto removed = ana->wait_type("removed");
    EXPECT_EQ(removed.at("conversation_id"), v.id.c_str());
    EXPECT_EQ(removed.at("reason"), "transferred");

    // Ben's console gets the chat once the store has the transfer: its history ends with it.
    auto chat = ben->wait_type("chat").at("chat").as_object();
    EXPECT_EQ(chat.at("conversation_id"), v.id.c_str());
    const auto& messages = chat.at("messages").as_array();
    ASSERT_EQ(messages.size(), 3u);
    const auto& event = messages.back().as_object();
    EXPECT_EQ(seq_of(event), 3);
    EXPECT_EQ(event.at("event"), "transferred");
    EXPECT_EQ(event.at("name"), "Ben");
    EXPECT_EQ(v.link->wait_message(3).at("name"), "Ben");
    EXPECT_EQ(query<std::int64_t>("SELECT staff_id FROM conversations WHERE id = ?", v.id),
              ben_.id);
}

TEST_F(hub_test, after_transfer_only_the_new_advocate_writes_and_hears) {
    auto ana = join(ana_);
    auto ben = join(ben_);
    auto v = active_chat(ana);
    ASSERT_TRUE(hub_->staff_transfer(ana.get(), v.id, ben_.id));
    ben->wait_seen(2);

    auto old = hub_->staff_send(ana.get(), v.id, "a1", "hi");
    ASSERT_FALSE(old);
    EXPECT_EQ(old.error().code, core::errc::forbidden);
    advocate_says(ben, v, "b1", "I'm Ben, I'll continue.");
    EXPECT_EQ(v.link->wait_message(3).at("name"), "Ben");
    visitor_says(v, "v1", "ok");
    ben->wait_message(4);
    settle();
    EXPECT_EQ(ana->seen_seqs(), seqs_from(1, 1));
}

TEST_F(hub_test, transfer_to_someone_not_signed_in_is_a_conflict) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    auto r = hub_->staff_transfer(ana.get(), v.id, ben_.id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::conflict);
}

TEST_F(hub_test, transfer_to_oneself_is_a_conflict) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    auto r = hub_->staff_transfer(ana.get(), v.id, ana_.id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::conflict);
}

TEST_F(hub_test, transfer_to_someone_at_max_chats_is_a_conflict) {
    use_settings({1, 30});
    auto ana = join(ana_);
    auto ben = join(ben_);
    auto mine = active_chat(ana);
    active_chat(ben);
    auto r = hub_->staff_transfer(ana.get(), mine.id, ben_.id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::conflict);
}

// ---------------------------------------------------------------- ending

TEST_F(hub_test, advocate_ends_a_chat_with_a_disposition) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    ASSERT_TRUE(hub_->staff_end(ana.get(), v.id, "referral"));

    auto event = v.link->wait_message(2);
    EXPECT_EQ(event.at("event"), "ended");
    EXPECT_EQ(event.at("by"), "advocate");
    EXPECT_EQ(v.link->wait_type("ended").at("by"), "advocate");
    auto removed = ana->wait_type("removed");
    EXPECT_EQ(removed.at("conversation_id"), v.id.c_str());
    EXPECT_EQ(removed.at("reason"), "closed");

    EXPECT_EQ(query<std::string>("SELECT status || '/' || closed_by || '/' || disposition "
                                 "FROM conversations WHERE id = ?",
                                 v.id),
              "closed/advocate/referral");
    EXPECT_EQ(hub_->snapshot().active, 0u);
}

TEST_F(hub_test, an_ended_chat_cannot_be_resumed_or_written_to) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    ASSERT_TRUE(hub_->staff_end(ana.get(), v.id, "information"));
    v.link->wait_type("ended");
    EXPECT_EQ(query<std::int64_t>(
                  "SELECT resume_token_hash IS NULL FROM conversations WHERE id = ?", v.id),
              1);
    auto again = std::make_shared<recording_link>();
    auto resumed = hub_->visitor_resume(again->visitor(), v.token, 0, "net-1");
    ASSERT_FALSE(resumed);
    EXPECT_EQ(resumed.error().code, core::errc::not_found);
    EXPECT_FALSE(hub_->staff_send(ana.get(), v.id, "a1", "hello?"));
}

TEST_F(hub_test, disposition_must_be_one_of_the_fixed_codes) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    auto r = hub_->staff_end(ana.get(), v.id, "she said her name is Maria");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::errc::bad_request);
    EXPECT_EQ(hub_->snapshot().active, 1u);
}

TEST_F(hub_test, visitor_end_asks_the_advocate_for_a_disposition) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    ASSERT_TRUE(hub_->visitor_end(v.link->visitor().get()));
    EXPECT_EQ(v.link->wait_type("ended").at("by"), "visitor");
    auto event = ana->wait_message(2);
    EXPECT_EQ(event.at("event"), "ended");
    EXPECT_EQ(event.at("by"), "visitor");
    auto ended = ana->wait_type("ended");
    EXPECT_EQ(ended.at("conversation_id"), v.id.c_str());
    EXPECT_EQ(ended.at("by"), "visitor");
    settle();
    EXPECT_TRUE(ana->frames_of("removed").empty());
    EXPECT_EQ(hub_->snapshot().active, 0u);
}

TEST_F(hub_test, disposition_after_visitor_end_removes_the_chat) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    ASSERT_TRUE(hub_->visitor_end(v.link->visitor().get()));
    ana->wait_type("ended");
    ASSERT_TRUE(hub_->staff_end(ana.get(), v.id, "emotional_support"));
    auto removed = ana->wait_type("removed");
    EXPECT_EQ(removed.at("conversation_id"), v.id.c_str());
    EXPECT_EQ(removed.at("reason"), "closed");
    EXPECT_EQ(query<std::string>("SELECT closed_by || '/' || disposition FROM conversations "
                                 "WHERE id = ?",
                                 v.id),
              "visitor/emotional_support");
    EXPECT_FALSE(hub_->staff_end(ana.get(), v.id, "other")) << "the chat is gone";
}

TEST_F(hub_test, visitor_leaving_the_queue_closes_the_chat) {
    auto ana = join(ana_);
    auto v = start_visitor();
    ASSERT_TRUE(hub_->visitor_end(v.link->visitor().get()));
    EXPECT_EQ(v.link->wait_type("ended").at("by"), "visitor");
    settle();
    EXPECT_EQ(ana->last_of("queue").at("entries"), json::array{});
    EXPECT_EQ(hub_->snapshot().waiting, 0u);
    EXPECT_EQ(query<std::string>("SELECT status FROM conversations WHERE id = ?", v.id), "closed");
    auto r = hub_->staff_accept(ana.get(), v.id);
    EXPECT_FALSE(r);
}

// ---------------------------------------------------------------- restart

class hub_reload_test : public hub_test {
  protected:
    // Before the restart: one waiting chat with intake, one active chat with messages, and
    // one the visitor ended that still needs its disposition.
    void SetUp() override {
        hub_test::SetUp();
        auto ana = join(ana_);
        waiting_ = start_visitor(json::object{{"state", "CT"}});
        active_ = start_visitor();
        accept(ana, active_);
        visitor_says(active_, "v1", "before the restart");
        advocate_says(ana, active_, "a1", "I hear you.");
        active_.link->wait_message(3);
        ended_ = active_chat(ana);
        ASSERT_TRUE(hub_->visitor_end(ended_.link->visitor().get()));
        ana->wait_type("ended");
        restart();
    }

    visitor waiting_;
    visitor active_;
    visitor ended_;
};

TEST_F(hub_test, a_chat_whose_key_cannot_be_unsealed_is_closed_and_left_to_the_purge) {
    auto v = start_visitor();
    settle();
    // A replaced master key: the sealed conversation key is there but opens no more.
    shut_down();
    std::filesystem::remove(dir_ / "master.key");
    keys_ = std::make_unique<privacy::keyring>(dir_ / "master.key");
    store_ = std::make_unique<store::sqlite_worker>(db_path_, vault_path_);
    start_hub();
    EXPECT_EQ(query<std::string>("SELECT status FROM conversations WHERE id = ?", v.id), "closed");
    EXPECT_GT(query<std::int64_t>("SELECT closed_at FROM conversations WHERE id = ?", v.id), 0);
    auto ana = join(ana_);
    EXPECT_EQ(ana->wait_type("state").at("queue").as_array().size(), 0u);
}

TEST_F(hub_reload_test, waiting_and_active_chats_are_back) {
    auto counts = hub_->snapshot();
    EXPECT_EQ(counts.waiting, 1u);
    EXPECT_EQ(counts.active, 1u);
}

TEST_F(hub_reload_test, the_queue_is_back_with_its_intake) {
    auto ana = join(ana_);
    auto queue = ana->wait_type("state").at("queue").as_array();
    ASSERT_EQ(queue.size(), 1u);
    EXPECT_EQ(queue[0].at("conversation_id"), waiting_.id.c_str());
    EXPECT_EQ(queue[0].at("has_intake"), true);
    accept(ana, waiting_);
    auto chat = ana->wait_for(
        [&](const json::object& f) {
            return f.at("type") == "chat" &&
                   f.at("chat").at("conversation_id") == waiting_.id.c_str();
        },
        "chat of the waiting visitor");
    EXPECT_EQ(chat.at("chat").at("intake"), json::parse(R"({"state":"CT"})"));
}

TEST_F(hub_reload_test, the_advocate_gets_the_active_chat_with_its_history) {
    auto ana = join(ana_);
    auto chat = ana->wait_for(
        [&](const json::object& f) {
            return f.at("type") == "chat" &&
                   f.at("chat").at("conversation_id") == active_.id.c_str();
        },
        "chat of the active visitor");
    const auto& history = chat.at("chat").at("messages").as_array();
    ASSERT_EQ(history.size(), 3u);
    EXPECT_EQ(history[1].at("text"), "before the restart");
    EXPECT_EQ(history[2].at("text"), "I hear you.");
    EXPECT_EQ(chat.at("chat").at("status"), "active");
}

TEST_F(hub_reload_test, the_visitor_resumes_with_its_token_and_seqs) {
    auto l = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(l->visitor(), active_.token, 0, "net-1"));
    EXPECT_EQ(l->wait_type("resumed").at("conversation"),
              json::parse(R"({"status":"active","last_seq":3,"advocate":"Ana"})"));
    settle();
    EXPECT_EQ(l->message_seqs(), seqs_from(1, 3));
    EXPECT_EQ(l->messages()[1].at("text"), "before the restart");
}

TEST_F(hub_reload_test, new_messages_continue_the_seq) {
    auto ana = join(ana_);
    auto l = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(l->visitor(), active_.token, 3, "net-1"));
    l->wait_type("resumed");
    ASSERT_TRUE(hub_->visitor_send(l->visitor().get(), "v2", "after the restart"));
    EXPECT_EQ(l->wait_message(4).at("text"), "after the restart");
    EXPECT_EQ(ana->wait_message(4).at("text"), "after the restart");
}

TEST_F(hub_reload_test, visitor_client_ids_are_remembered) {
    auto l = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(l->visitor(), active_.token, 3, "net-1"));
    l->wait_type("resumed");
    ASSERT_TRUE(hub_->visitor_send(l->visitor().get(), "v1", "before the restart"));
    EXPECT_EQ(l->wait_type("ack").at("seq"), 2);
    settle();
    EXPECT_TRUE(l->messages().empty());
    EXPECT_EQ(
        query<std::int64_t>("SELECT max(seq) FROM messages WHERE conversation_id = ?", active_.id),
        3);
}

TEST_F(hub_reload_test, advocate_client_ids_are_remembered) {
    auto ana = join(ana_);
    ana->wait_type("chat");
    ASSERT_TRUE(hub_->staff_send(ana.get(), active_.id, "a1", "I hear you."));
    EXPECT_EQ(ana->wait_type("ack").at("seq"), 3);
    settle();
    EXPECT_EQ(
        query<std::int64_t>("SELECT max(seq) FROM messages WHERE conversation_id = ?", active_.id),
        3);
}

TEST_F(hub_reload_test, a_chat_awaiting_its_disposition_is_back_and_can_be_finished) {
    auto ana = join(ana_);
    auto chat = ana->wait_for(
        [&](const json::object& f) {
            return f.at("type") == "chat" &&
                   f.at("chat").at("conversation_id") == ended_.id.c_str();
        },
        "chat awaiting a disposition");
    EXPECT_EQ(chat.at("chat").at("needs_disposition"), true);
    ASSERT_TRUE(hub_->staff_end(ana.get(), ended_.id, "other"));
    EXPECT_EQ(ana->wait_type("removed").at("conversation_id"), ended_.id.c_str());
}

// ---------------------------------------------------------------- privacy at rest

TEST_F(hub_test, message_text_and_intake_never_reach_the_database_in_plaintext) {
    const std::string visitor_canary = "canary-visitor-7f3a9-zebra-lighthouse";
    const std::string advocate_canary = "canary-advocate-c41d2-otter-windmill";
    const std::string intake_canary = "Canaryintake Quokkavale";
    const std::string network_canary = "net-canary-203.0.113.9";
    auto ana = join(ana_);
    auto v = start_visitor(json::object{{"name", intake_canary}}, network_canary);
    accept(ana, v);
    visitor_says(v, "v1", visitor_canary);
    advocate_says(ana, v, "a1", advocate_canary);
    v.link->wait_message(3);
    settle();

    auto scan = [&](const std::string& when) {
        for (const auto& file :
             {db_path_, std::filesystem::path(db_path_.string() + "-wal"), vault_path_,
              std::filesystem::path(vault_path_.string() + "-wal")}) {
            auto bytes = test_support::read_bytes(file);
            for (const auto& canary :
                 {visitor_canary, advocate_canary, intake_canary, network_canary, v.token}) {
                EXPECT_EQ(bytes.find(canary), std::string::npos)
                    << canary << " in " << file.filename() << " " << when;
            }
        }
    };
    EXPECT_FALSE(test_support::read_bytes(db_path_.string() + "-wal").empty());
    scan("while running");
    shut_down();  // the last connection checkpoints the WAL into the main file
    scan("after shutdown");
}

TEST_F(hub_test, conversation_keys_are_kept_in_the_vault_not_the_main_database) {
    auto a = start_visitor();
    auto b = start_visitor();
    auto sealed = store_->call(test_support::sql_job([](store::database& db) {
        auto s = db.prepare(
            "SELECT conversation_id, sealed_key FROM vault.conversation_keys ORDER BY 1");
        std::vector<std::pair<std::string, std::string>> out;
        while (s.step()) out.emplace_back(s.text(0), s.blob(1));
        return out;
    }));
    auto expected = std::vector<std::string>{a.id, b.id};
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(sealed.size(), 2u);
    EXPECT_EQ(sealed[0].first, expected[0]);
    EXPECT_EQ(sealed[1].first, expected[1]);
    shut_down();
    auto main_file = test_support::read_bytes(db_path_);
    for (const auto& [id, key] : sealed) {
        EXPECT_EQ(main_file.find(key), std::string::npos) << "sealed key of " << id;
    }
}

// ---------------------------------------------------------------- abandoned chats

TEST_F(hub_test, a_waiting_chat_whose_visitor_is_gone_closes_after_the_grace_period) {
    auto ana = join(ana_);
    auto v = start_visitor();
    hub_->visitor_gone(v.link->visitor().get());
    clock_.advance(10min - 1s);
    hub_->close_abandoned(10min);
    EXPECT_EQ(hub_->snapshot().waiting, 1u);
    clock_.advance(1s);
    hub_->close_abandoned(10min);
    settle();
    EXPECT_EQ(hub_->snapshot().waiting, 0u);
    EXPECT_EQ(ana->last_of("queue").at("entries"), json::array{});
    EXPECT_EQ(query<std::string>(
                  "SELECT status || '/' || closed_by FROM conversations WHERE id = ?", v.id),
              "closed/visitor");
    EXPECT_EQ(
        query<std::string>("SELECT group_concat(disposition) FROM evaluations WHERE ? != ''", v.id),
        "left_queue");
}

TEST_F(hub_test, a_waiting_visitor_who_is_still_connected_is_never_closed) {
    auto v = start_visitor();
    clock_.advance(24h);
    hub_->close_abandoned(10min);
    EXPECT_EQ(hub_->snapshot().waiting, 1u);
}

TEST_F(hub_test, a_visitor_who_comes_back_in_time_keeps_the_place) {
    auto v = start_visitor();
    hub_->visitor_gone(v.link->visitor().get());
    clock_.advance(5min);
    auto again = std::make_shared<recording_link>();
    ASSERT_TRUE(hub_->visitor_resume(again->visitor(), v.token, 0, "net-1"));
    clock_.advance(1h);
    hub_->close_abandoned(10min);
    EXPECT_EQ(hub_->snapshot().waiting, 1u);
}

TEST_F(hub_test, active_chats_are_not_closed_as_abandoned) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    hub_->visitor_gone(v.link->visitor().get());
    clock_.advance(24h);
    hub_->close_abandoned(10min);
    EXPECT_EQ(hub_->snapshot().active, 1u);
}

TEST_F(hub_test, after_a_restart_waiting_visitors_get_the_whole_grace_period_to_return) {
    start_visitor();
    clock_.advance(24h);
    restart();
    clock_.advance(9min);
    hub_->close_abandoned(10min);
    EXPECT_EQ(hub_->snapshot().waiting, 1u);
    clock_.advance(1min);
    hub_->close_abandoned(10min);
    settle();
    EXPECT_EQ(hub_->snapshot().waiting, 0u);
}

// ---------------------------------------------------------------- evaluations, audit, policy

TEST_F(hub_test, advocate_end_writes_one_evaluation_with_the_disposition) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    ASSERT_TRUE(hub_->staff_end(ana.get(), v.id, "referral"));
    ana->wait_type("removed");
    EXPECT_EQ(
        query<std::string>("SELECT group_concat(disposition) FROM evaluations WHERE ? != ''", v.id),
        "referral");
    EXPECT_EQ(query<std::int64_t>("SELECT evaluated FROM conversations WHERE id = ?", v.id), 1);
}

TEST_F(hub_test, visitor_end_writes_the_evaluation_once_the_disposition_is_recorded) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    ASSERT_TRUE(hub_->visitor_end(v.link->visitor().get()));
    ana->wait_type("ended");
    EXPECT_EQ(query<std::int64_t>("SELECT count(*) FROM evaluations WHERE ? != ''", v.id), 0);
    ASSERT_TRUE(hub_->staff_end(ana.get(), v.id, "emotional_support"));
    ana->wait_type("removed");
    EXPECT_EQ(
        query<std::string>("SELECT group_concat(disposition) FROM evaluations WHERE ? != ''", v.id),
        "emotional_support");
}

TEST_F(hub_test, leaving_the_queue_is_evaluated_as_left_queue) {
    auto v = start_visitor(json::object{{"age", "34"}});
    ASSERT_TRUE(hub_->visitor_end(v.link->visitor().get()));
    v.link->wait_type("ended");
    settle();
    EXPECT_EQ(
        query<std::string>("SELECT disposition || '/' || wait || '/' || age_band FROM evaluations"
                           " WHERE ? != ''",
                           v.id),
        "left_queue/not_answered/25_34");
}

TEST_F(hub_test, opening_a_transcript_is_audited) {
    auto ana = join(ana_);
    auto v = start_visitor();
    accept(ana, v);
    ana->wait_type("chat");
    EXPECT_EQ(query<std::int64_t>("SELECT count(*) FROM audit_log WHERE action = "
                                  "'transcript_opened' AND subject = ?",
                                  v.id),
              1);
    EXPECT_EQ(query<std::int64_t>("SELECT staff_id FROM audit_log WHERE subject = ?", v.id),
              ana_.id);
}

TEST_F(hub_test, a_purged_conversation_is_removed_from_the_console) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    ASSERT_TRUE(hub_->visitor_end(v.link->visitor().get()));
    ana->wait_type("ended");
    hub_->forget_purged({v.id});
    auto removed = ana->wait_type("removed");
    EXPECT_EQ(removed.at("conversation_id"), v.id.c_str());
    EXPECT_EQ(removed.at("reason"), "purged");
    EXPECT_FALSE(hub_->staff_end(ana.get(), v.id, "other"));
}

TEST_F(hub_test, conversations_and_visitor_messages_record_the_policy_in_force) {
    auto ana = join(ana_);
    store_->call(test_support::sql_job([&](store::database& db) {
        db.exec(
            "INSERT INTO staff (id, email, name, role, password_hash, created_at)"
            " VALUES (99, 'admin@example.org', 'Alex', 'admin', 'x', 0)");
    }));
    ASSERT_TRUE(
        policy_.publish(*store_, "# Policy two\n", 72, clock_.now() + 1h, 99, clock_.now()));
    auto before = active_chat(ana);
    clock_.advance(1h);
    visitor_says(before, "v1", "written under version two");
    advocate_says(ana, before, "a1", "staff text records no version");
    before.link->wait_message(3);
    auto after = start_visitor();
    EXPECT_EQ(
        query<std::int64_t>("SELECT policy_version FROM conversations WHERE id = ?", before.id), 1);
    EXPECT_EQ(
        query<std::int64_t>("SELECT policy_version FROM conversations WHERE id = ?", after.id), 2);
    EXPECT_EQ(query<std::string>(
                  "SELECT group_concat(coalesce(policy_version, '-'), ',') FROM"
                  " (SELECT policy_version FROM messages WHERE conversation_id = ? ORDER BY seq)",
                  before.id),
              "-,2,-");
}

TEST_F(hub_test, a_conversation_whose_key_is_lost_is_closed_at_the_next_start) {
    auto v = start_visitor();
    store_->call(test_support::sql_job([&](store::database& db) {
        db.prepare("DELETE FROM vault.conversation_keys WHERE conversation_id = ?")
            .bind(1, v.id)
            .run();
    }));
    restart();
    EXPECT_EQ(hub_->snapshot().waiting, 0u);
    EXPECT_EQ(query<std::string>("SELECT status FROM conversations WHERE id = ?", v.id), "closed");
    auto l = std::make_shared<recording_link>();
    EXPECT_FALSE(hub_->visitor_resume(l->visitor(), v.token, 0, "net-1"));
}

// ---------------------------------------------------------------- known bugs

TEST_F(hub_test, transfer_by_a_supervisor_does_not_mark_the_offline_owner_as_signed_in) {
    auto ana = join(ana_);
    auto v = active_chat(ana);
    hub_->staff_gone(ana.get());
    auto sam = join(sam_);
    auto ben = join(ben_);
    ASSERT_EQ(hub_->snapshot().staff_online, 2u);
    ASSERT_TRUE(hub_->staff_transfer(sam.get(), v.id, ben_.id));
    EXPECT_EQ(hub_->snapshot().staff_online, 2u) << "Ana is offline";
    auto staff = ben->last_of("staff");
    for (const auto& entry : staff.at("staff").as_array()) {
        EXPECT_NE(entry.at("id"), ana_.id) << "Ana listed as signed in";
    }
}

TEST_F(hub_test, a_supervisor_writing_in_a_chat_is_not_passed_off_as_its_advocate) {
    auto ana = join(ana_);
    auto sam = join(sam_);
    auto v = active_chat(ana);
    auto r = hub_->staff_send(sam.get(), v.id, "s1", "This is Sam, a supervisor.");
    if (!r) {
        EXPECT_EQ(r.error().code, core::errc::forbidden);  // refusing is a fix too
        return;
    }
    auto message = v.link->wait_message(2);
    EXPECT_EQ(message.at("name"), "Sam");
    EXPECT_EQ(query<std::int64_t>(
                  "SELECT staff_id FROM messages WHERE conversation_id = ? AND seq = 2", v.id),
              sam_.id);
    sam->wait_type("ack");
}

}  // namespace
}  // namespace sc::chat
