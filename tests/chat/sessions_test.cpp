// One connection's side of the protocol: frames are parsed and checked before they reach the
// hub, errors are answered without closing, and each connection is rate limited.
#include "chat/staff_session.hpp"
#include "chat/visitor_session.hpp"
#include "store/sqlite/sql_job.hpp"

#include "chat/hub_fixture.hpp"

#include <gmock/gmock.h>

namespace sc::chat {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class visitor_session_test : public hub_test {
  protected:
    void SetUp() override {
        hub_test::SetUp();
        link_ = std::make_shared<recording_link>();
        session_ = std::make_unique<visitor_session>(*hub_, clock_, link_, "net-1");
    }
    void TearDown() override {
        session_.reset();
        hub_test::TearDown();
    }

    /// The error frame the session answered to `frame` (the last one received).
    json::object error_for(std::string_view frame) {
        auto before = link_->frames_of("error").size();
        session_->on_frame(frame);
        auto errors = link_->frames_of("error");
        EXPECT_EQ(errors.size(), before + 1) << "no error for " << frame;
        return errors.empty() ? json::object{} : errors.back();
    }

    std::int64_t conversation_count() {
        return store_->call(test_support::sql_job([](store::database& db) {
            auto s = db.prepare("SELECT count(*) FROM conversations");
            s.step();
            return s.integer(0);
        }));
    }

    link_ptr link_;
    std::unique_ptr<visitor_session> session_;
};

TEST_F(visitor_session_test, start_frame_starts_a_chat) {
    session_->on_frame(R"({"type":"start","intake":{"state":"CT"},"lang":"es"})");
    link_->wait_type("started");
    auto ana = join(ana_);
    auto queue = ana->wait_type("state").at("queue").as_array();
    ASSERT_EQ(queue.size(), 1u);
    EXPECT_EQ(queue[0].at("lang"), "es");
}

TEST_F(visitor_session_test, start_with_no_intake_is_fine) {
    session_->on_frame(R"({"type":"start"})");
    link_->wait_type("started");
}

TEST_F(visitor_session_test, text_that_is_not_json_answers_bad_json_and_the_session_goes_on) {
    EXPECT_EQ(error_for("hello?").at("code"), "bad_json");
    session_->on_frame(R"({"type":"start"})");
    link_->wait_type("started");
}

TEST_F(visitor_session_test, unknown_type_answers_unknown_type) {
    EXPECT_EQ(error_for(R"({"type":"accept"})").at("code"), "unknown_type");
}

TEST_F(visitor_session_test, unknown_intake_field_is_refused_and_nothing_is_stored) {
    auto error = error_for(R"({"type":"start","intake":{"email":"me@example.org"}})");
    EXPECT_EQ(error.at("code"), "bad_request");
    EXPECT_THAT(std::string(error.at("message").as_string()), HasSubstr("email"));
    EXPECT_EQ(conversation_count(), 0);
}

TEST_F(visitor_session_test, language_must_be_en_or_es) {
    EXPECT_EQ(error_for(R"({"type":"start","lang":"fr"})").at("code"), "bad_request");
    EXPECT_EQ(error_for(R"({"type":"start","lang":5})").at("code"), "bad_request");
    EXPECT_EQ(conversation_count(), 0);
}

TEST_F(visitor_session_test, a_bad_send_is_refused_with_its_client_id_as_ref) {
    session_->on_frame(R"({"type":"start"})");
    link_->wait_type("started");
    auto error = error_for(R"({"type":"send","client_id":"c-17","text":"   "})");
    EXPECT_EQ(error.at("code"), "bad_request");
    EXPECT_EQ(error.at("ref"), "c-17");
}

TEST_F(visitor_session_test, client_id_longer_than_64_characters_is_refused) {
    session_->on_frame(R"({"type":"start"})");
    link_->wait_type("started");
    std::string long_id(65, 'x');
    auto error = error_for(R"({"type":"send","client_id":")" + long_id + R"(","text":"hi"})");
    EXPECT_EQ(error.at("code"), "bad_request");
    EXPECT_EQ(error.at("ref"), std::string(64, 'x').c_str()) << "the echo is bounded";
}

TEST_F(visitor_session_test, resume_needs_a_64_hex_token) {
    EXPECT_EQ(error_for(R"({"type":"resume","token":"abc","last_seq":0})").at("code"),
              "bad_request");
    auto unknown = R"({"type":"resume","token":")" + core::new_token() + R"(","last_seq":0})";
    EXPECT_EQ(error_for(unknown).at("code"), "not_found");
}

TEST_F(visitor_session_test, resume_needs_a_last_seq_of_zero_or_more) {
    auto frame = R"({"type":"resume","token":")" + core::new_token() + R"(","last_seq":-1})";
    EXPECT_EQ(error_for(frame).at("code"), "bad_request");
}

TEST_F(visitor_session_test, ping_is_answered_with_pong) {
    session_->on_frame(R"({"type":"ping"})");
    EXPECT_EQ(link_->frames().back(), json::parse(R"({"type":"pong"})"));
}

TEST_F(visitor_session_test, a_long_client_id_is_echoed_cut_to_valid_utf8) {
    // Byte 64 falls inside the first é: cutting there made the error frame invalid UTF-8.
    std::string id = std::string(63, 'x') + "\u00e9\u00e9";
    auto error = error_for(R"({"type":"send","client_id":")" + id + R"(","text":""})");
    EXPECT_EQ(error.at("ref"), std::string(63, 'x').c_str());
    auto type = error_for(R"({"type":")" + std::string(39, 't') + R"(\u00e9"})");
    EXPECT_THAT(std::string(type.at("message").as_string()), HasSubstr(std::string(39, 't') + "'"));
}

TEST_F(visitor_session_test, binary_frames_are_refused_with_an_error) {
    session_->on_binary();
    EXPECT_EQ(link_->last_of("error").at("code"), "bad_request");
    EXPECT_TRUE(link_->close_codes().empty());
}

TEST_F(visitor_session_test, more_than_a_burst_of_20_frames_is_rate_limited) {
    for (int i = 0; i < 20; ++i) session_->on_frame(R"({"type":"typing","active":true})");
    for (const auto& f : link_->frames_of("error")) EXPECT_NE(f.at("code"), "rate_limited");
    auto dropped = error_for(R"({"type":"send","client_id":"c-21","text":"hi"})");
    EXPECT_EQ(dropped.at("code"), "rate_limited");
    EXPECT_EQ(dropped.at("ref"), "c-21") << "the client learns which message was dropped";
    EXPECT_EQ(conversation_count(), 0) << "the dropped frame did nothing";
    clock_.advance(100ms);
    session_->on_frame(R"({"type":"start"})");
    link_->wait_type("started");
}

TEST_F(visitor_session_test, closing_the_connection_tells_the_hub) {
    session_->on_frame(R"({"type":"start"})");
    link_->wait_type("started");
    auto ana = join(ana_);
    session_->on_close();
    ana->wait_for(
        [](const json::object& f) {
            return f.at("type") == "queue" && f.at("entries").as_array().size() == 1 &&
                   f.at("entries").as_array()[0].at("visitor_connected") == false;
        },
        "queue with the visitor disconnected");
}

class staff_session_test : public hub_test {
  protected:
    void SetUp() override {
        hub_test::SetUp();
        link_ = std::make_shared<recording_link>();
        session_ = std::make_unique<staff_session>(*hub_, clock_, link_, ana_, csrf_);
    }
    void TearDown() override {
        session_.reset();
        hub_test::TearDown();
    }

    void hello() {
        session_->on_frame(R"({"type":"hello","csrf_token":")" + csrf_ + R"("})");
        link_->wait_type("state");
    }

    json::object error_for(const std::string& frame) {
        auto before = link_->frames_of("error").size();
        session_->on_frame(frame);
        auto errors = link_->frames_of("error");
        EXPECT_EQ(errors.size(), before + 1) << "no error for " << frame;
        return errors.empty() ? json::object{} : errors.back();
    }

    std::string csrf_ = core::random_hex(32);
    link_ptr link_;
    std::unique_ptr<staff_session> session_;
};

TEST_F(staff_session_test, hello_with_the_csrf_token_opens_the_console) {
    hello();
    EXPECT_EQ(hub_->snapshot().staff_online, 1u);
}

TEST_F(staff_session_test, hello_with_a_wrong_csrf_token_is_forbidden) {
    auto error = error_for(R"({"type":"hello","csrf_token":")" + core::random_hex(32) + R"("})");
    EXPECT_EQ(error.at("code"), "forbidden");
    EXPECT_EQ(hub_->snapshot().staff_online, 0u);
    EXPECT_EQ(error_for(R"({"type":"hello"})").at("code"), "forbidden");
}

TEST_F(staff_session_test, nothing_but_hello_is_accepted_first) {
    auto v = start_visitor();
    auto error = error_for(R"({"type":"accept","conversation_id":")" + v.id + R"("})");
    EXPECT_EQ(error.at("code"), "conflict");
    EXPECT_EQ(hub_->snapshot().waiting, 1u);
}

TEST_F(staff_session_test, ping_is_answered_with_pong_even_before_hello) {
    session_->on_frame(R"({"type":"ping"})");
    EXPECT_EQ(link_->frames().back(), json::parse(R"({"type":"pong"})"));
    hello();
    session_->on_frame(R"({"type":"ping"})");
    EXPECT_EQ(link_->frames().back(), json::parse(R"({"type":"pong"})"));
}

TEST_F(staff_session_test, a_second_hello_is_a_conflict) {
    hello();
    EXPECT_EQ(error_for(R"({"type":"hello","csrf_token":")" + csrf_ + R"("})").at("code"),
              "conflict");
}

TEST_F(staff_session_test, accept_frame_accepts_the_chat) {
    hello();
    auto v = start_visitor();
    session_->on_frame(R"({"type":"accept","conversation_id":")" + v.id + R"("})");
    EXPECT_EQ(v.link->wait_message(1).at("event"), "advocate_joined");
}

TEST_F(staff_session_test, conversation_id_must_be_32_characters) {
    hello();
    EXPECT_EQ(error_for(R"({"type":"accept","conversation_id":"abc"})").at("code"), "bad_request");
    EXPECT_EQ(error_for(R"({"type":"accept"})").at("code"), "bad_request");
}

TEST_F(staff_session_test, disposition_must_be_a_known_code) {
    hello();
    auto v = start_visitor();
    session_->on_frame(R"({"type":"accept","conversation_id":")" + v.id + R"("})");
    v.link->wait_message(1);
    auto error = error_for(R"({"type":"end","conversation_id":")" + v.id +
                           R"(","disposition":"visitor is called Maria"})");
    EXPECT_EQ(error.at("code"), "bad_request");
    EXPECT_EQ(hub_->snapshot().active, 1u);
}

TEST_F(staff_session_test, queue_page_needs_an_offset_from_zero) {
    hello();
    for (const char* frame :
         {R"({"type":"queue_page"})", R"({"type":"queue_page","offset":-1})",
          R"({"type":"queue_page","offset":"50"})", R"({"type":"queue_page","offset":1000001})"}) {
        auto error = error_for(frame);
        EXPECT_EQ(error.at("code"), "bad_request") << frame;
        EXPECT_THAT(std::string(error.at("message").as_string()), HasSubstr("offset"));
    }
    session_->on_frame(R"({"type":"queue_page","offset":50})");
    EXPECT_EQ(link_->wait_type("queue").at("offset"), 0) << "an empty queue has one page";
}

TEST_F(staff_session_test, block_frames_are_checked_before_the_hub_sees_them) {
    hello();
    auto v = start_visitor();
    session_->on_frame(R"({"type":"accept","conversation_id":")" + v.id + R"("})");
    v.link->wait_message(1);
    auto chat = R"({"type":"block","conversation_id":")" + v.id + R"(")";
    EXPECT_EQ(error_for(chat + "}").at("code"), "bad_request") << "no reason";
    EXPECT_EQ(error_for(chat + R"(,"reason":"he said his name is Joe"})").at("code"),
              "bad_request");
    EXPECT_EQ(error_for(chat + R"(,"reason":"abusive","disposition":7})").at("code"),
              "bad_request");
    EXPECT_EQ(error_for(R"({"type":"block","reason":"abusive"})").at("code"), "bad_request");
    EXPECT_EQ(hub_->snapshot().active, 1u);
    EXPECT_EQ(error_for(R"({"type":"unblock","block_id":"../../etc"})").at("code"), "bad_request");
    EXPECT_EQ(error_for(R"({"type":"unblock"})").at("code"), "bad_request");
    EXPECT_EQ(error_for(R"({"type":"blocks"})").at("code"), "forbidden") << "Ana coordinates";

    session_->on_frame(chat + R"(,"reason":"prank","disposition":"no_response"})");
    EXPECT_EQ(link_->wait_type("blocked").at("conversation_id"), v.id.c_str());
    link_->wait_type("removed");
    EXPECT_EQ(query<std::string>("SELECT disposition FROM conversations WHERE id = ?", v.id),
              "no_response");
}

TEST_F(staff_session_test, unknown_type_answers_unknown_type) {
    hello();
    EXPECT_EQ(error_for(R"({"type":"start"})").at("code"), "unknown_type");
}

TEST_F(staff_session_test, closing_the_console_signs_the_member_out_of_the_hub) {
    hello();
    session_->on_close();
    EXPECT_EQ(hub_->snapshot().staff_online, 0u);
}

TEST_F(staff_session_test, more_than_a_burst_of_20_frames_is_rate_limited) {
    hello();
    for (int i = 0; i < 19; ++i) session_->on_frame(R"({"type":"availability","available":true})");
    EXPECT_EQ(error_for(R"({"type":"availability","available":false})").at("code"), "rate_limited");
}

}  // namespace
}  // namespace sc::chat
