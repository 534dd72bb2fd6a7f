// The server against docs/protocol.schema.json: real sessions over a real hub and store go
// through every step of a chat's life on both endpoints, and every frame they send must fit
// the schema of its endpoint; every frame type the schema says the server sends must be sent
// (so the schema lists nothing the server never does). Requests: the sessions handle the
// request types of the schema and no other, each example the schema gives is accepted, each
// required field left out is refused with a message naming it, and the other endpoint's
// requests are unknown here.
#include "chat/json_schema.hpp"
#include "chat/staff_session.hpp"
#include "chat/visitor_session.hpp"

#include "chat/hub_fixture.hpp"

#include <gmock/gmock.h>

#include <fstream>
#include <set>
#include <sstream>

namespace sc::chat {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

test_support::json_schema load_schema() {
    std::ifstream in(std::filesystem::path(SAFECONNECT_SOURCE_DIR) / "docs" /
                     "protocol.schema.json");
    EXPECT_TRUE(in) << "cannot read docs/protocol.schema.json";
    std::stringstream text;
    text << in.rdbuf();
    return test_support::json_schema(json::parse(text.str()).as_object());
}

std::set<std::string> types_of(const test_support::json_schema& schema, std::string_view entry) {
    std::set<std::string> out;
    for (const auto& [type, frame] : schema.frames_of(entry)) out.insert(type);
    return out;
}

class protocol_schema_test : public hub_test {
  protected:
    struct console {
        link_ptr link;
        std::unique_ptr<staff_session> session;
        std::string csrf = core::random_hex(32);
    };
    struct browser {
        link_ptr link;
        std::unique_ptr<visitor_session> session;
    };

    void TearDown() override {
        consoles_.clear();
        browsers_.clear();
        hub_test::TearDown();
    }

    /// A console of `m` that said hello and got its state.
    console* open_console(const staff::member& m) {
        auto c = std::make_unique<console>();
        c->link = std::make_shared<recording_link>();
        c->session = std::make_unique<staff_session>(*hub_, clock_, c->link, m, c->csrf);
        to(*c, {{"type", "hello"}, {"csrf_token", c->csrf}});
        c->link->wait_type("state");
        consoles_.push_back(std::move(c));
        return consoles_.back().get();
    }

    browser* open_browser() {
        auto b = std::make_unique<browser>();
        b->link = std::make_shared<recording_link>();
        b->session = std::make_unique<visitor_session>(*hub_, clock_, b->link, "net-1");
        browsers_.push_back(std::move(b));
        return browsers_.back().get();
    }

    // A second between frames: the sessions' rate limit never drops one.
    void to(console& c, const json::object& frame) {
        clock_.advance(1s);
        c.session->on_frame(json::serialize(frame));
    }
    void to(browser& b, const json::object& frame) {
        clock_.advance(1s);
        b.session->on_frame(json::serialize(frame));
    }

    /// A visitor whose chat `c` accepted; its token is returned.
    std::string chat_with(browser& b, console& c) {
        to(b, {{"type", "start"}, {"intake", {{"state", "CT"}, {"age", 30}}}, {"lang", "es"}});
        auto token = std::string(b.link->wait_type("started").at("token").as_string());
        auto id = conversation_of(token);
        to(c, {{"type", "accept"}, {"conversation_id", id}});
        c.link->wait_chat(id);
        b.link->wait_for(
            [](const json::object& f) {
                return f.at("type") == "message" && f.at("message").at("from") == "system";
            },
            "advocate_joined");
        return token;
    }

    /// The types of the last two frames about a chat (on a console, those naming
    /// `conversation_id`), a message's with its event.
    static std::vector<std::string> last_two(const recording_link& l,
                                             const std::string& conversation_id = {}) {
        std::vector<std::string> out;
        std::vector<json::object> all;
        for (auto& f : l.frames()) {
            if (conversation_id.empty() || f["conversation_id"] == conversation_id.c_str()) {
                all.push_back(f);
            }
        }
        for (auto i = all.size() < 2 ? 0 : all.size() - 2; i < all.size(); ++i) {
            std::string type(all[i].at("type").as_string());
            if (auto* m = all[i].if_contains("message"); m && m->as_object().contains("event")) {
                type += " " + std::string(m->at("event").as_string());
            }
            out.push_back(type);
        }
        return out;
    }

    /// Every frame each connection received fits its endpoint's schema; the types seen.
    std::set<std::string> check_all(const std::vector<link_ptr>& links, std::string_view entry) {
        std::set<std::string> seen;
        for (const auto& l : links) {
            for (const auto& f : l->frames()) {
                seen.insert(std::string(f.at("type").as_string()));
                for (const auto& p : schema_.problems(f, entry)) {
                    ADD_FAILURE() << entry << " " << json::serialize(f) << "\n  " << p;
                }
            }
        }
        return seen;
    }

    test_support::json_schema schema_ = load_schema();
    std::vector<std::unique_ptr<console>> consoles_;
    std::vector<std::unique_ptr<browser>> browsers_;
};

TEST_F(protocol_schema_test, every_frame_the_server_sends_fits_the_schema_and_each_is_sent) {
    auto& ana = *open_console(ana_);
    auto& ben = *open_console(ben_);
    auto& sam = *open_console(sam_);
    to(ana, {{"type", "availability"}, {"available", true}});
    to(ben, {{"type", "availability"}, {"available", true}});

    // A chat from start to its end by the advocate, with a dropped connection and a transfer.
    auto& first = *open_browser();
    auto token = chat_with(first, ana);
    auto id = conversation_of(token);
    to(first, {{"type", "typing"}, {"active", true}});
    ana.link->wait_type("typing");
    to(first, {{"type", "send"}, {"client_id", "v1"}, {"text", "hello"}});
    first.link->wait_type("ack");
    to(ana, {{"type", "send"}, {"conversation_id", id}, {"client_id", "s1"}, {"text", "Hi."}});
    ana.link->wait_type("ack");
    to(ana, {{"type", "typing"}, {"conversation_id", id}, {"active", true}});
    first.link->wait_type("typing");
    first.session->on_close();
    ana.link->wait_type("visitor");
    auto& again = *open_browser();
    to(again, {{"type", "resume"}, {"token", token}, {"last_seq", 0}});
    again.link->wait_type("resumed");
    to(ana, {{"type", "history"}, {"conversation_id", id}, {"after_seq", 1}});
    to(ana, {{"type", "queue_page"}, {"offset", 0}});
    to(ana, {{"type", "transfer"}, {"conversation_id", id}, {"to", ben_.id}});
    ben.link->wait_chat(id);
    to(ben, {{"type", "end"}, {"conversation_id", id}, {"disposition", "referral"}});
    again.link->wait_type("ended");
    ben.link->wait_type("removed");
    // What PROTOCOL.md says `end` answers: the event, then the frame that closes the chat.
    EXPECT_THAT(last_two(*ben.link, id), ElementsAre("message ended", "removed"));
    EXPECT_THAT(last_two(*again.link), ElementsAre("message ended", "ended"));
    auto& late = *open_browser();
    to(late, {{"type", "resume"}, {"token", token}, {"last_seq", 0}});
    EXPECT_EQ(late.link->wait_type("error").at("code"), "not_found") << "a closed chat's resume";

    // Waiting, then left by the visitor: the console owes a disposition.
    auto& second = *open_browser();
    auto second_id = conversation_of(chat_with(second, ana));
    to(second, {{"type", "end"}});
    ana.link->wait_type("ended");
    second.link->wait_type("ended");
    EXPECT_THAT(last_two(*second.link), ElementsAre("message ended", "ended"));
    to(ana, {{"type", "end"}, {"conversation_id", second_id}, {"disposition", "no_response"}});

    // Blocked, then the block lifted.
    auto& third = *open_browser();
    auto third_id = conversation_of(chat_with(third, ana));
    to(ana, {{"type", "block"}, {"conversation_id", third_id}, {"reason", "prank"}});
    auto blocked = ana.link->wait_type("blocked");
    to(sam, {{"type", "blocks"}});
    sam.link->wait_type("blocks");
    to(sam, {{"type", "unblock"}, {"block_id", blocked.at("block_id")}});
    sam.link->wait_type("unblocked");

    // Erased by the purge while still shown.
    auto& fourth = *open_browser();
    auto fourth_id = conversation_of(chat_with(fourth, ana));
    hub_->forget_purged({fourth_id});

    // Refusals and pings on both endpoints.
    auto& idle = *open_browser();
    to(idle, {{"type", "send"}, {"client_id", "v9"}, {"text", "anyone?"}});
    to(idle, {{"type", "ping"}});
    to(sam, {{"type", "accept"}, {"conversation_id", std::string(32, '0')}});
    to(sam, {{"type", "ping"}});
    idle.link->wait_type("pong");
    sam.link->wait_type("pong");
    settle();

    std::vector<link_ptr> visitors;
    for (const auto& b : browsers_) visitors.push_back(b->link);
    std::vector<link_ptr> staff;
    for (const auto& c : consoles_) staff.push_back(c->link);
    EXPECT_EQ(check_all(visitors, "VisitorFrame"), types_of(schema_, "VisitorFrame"));
    EXPECT_EQ(check_all(staff, "StaffFrame"), types_of(schema_, "StaffFrame"));
    std::set<std::string> reasons;
    for (const auto& l : staff) {
        for (const auto& f : l->frames_of("removed")) {
            reasons.insert(std::string(f.at("reason").as_string()));
        }
    }
    EXPECT_EQ(reasons, (std::set<std::string>{"transferred", "closed", "purged"}));
}

TEST_F(protocol_schema_test, the_validator_refuses_what_the_schema_does_not_allow) {
    json::object ack{{"type", "ack"}, {"client_id", "v1"}, {"seq", 2}};
    EXPECT_TRUE(schema_.problems(ack, "VisitorFrame").empty());
    auto extra = ack;
    extra["conversation_id"] = std::string(32, 'a');
    EXPECT_FALSE(schema_.problems(extra, "VisitorFrame").empty()) << "a field the schema lacks";
    auto missing = ack;
    missing.erase("seq");
    EXPECT_THAT(schema_.problems(missing, "VisitorFrame").at(0), HasSubstr("'seq'"));
    auto zero = ack;
    zero["seq"] = 0;
    EXPECT_FALSE(schema_.problems(zero, "VisitorFrame").empty()) << "seq starts at 1";
    json::object message{{"seq", 1}, {"from", "visitor"}, {"at", "2026-11-29T10:04:05Z"}};
    message["text"] = std::string(4001, 'x');
    EXPECT_FALSE(schema_.problems(message, "Message").empty()) << "text is at most 4000";
    message["text"] = "hi";
    message["at"] = "yesterday";
    EXPECT_FALSE(schema_.problems(message, "Message").empty()) << "at is a time";
    EXPECT_FALSE(schema_.problems(json::object{{"type", "hello"}}, "VisitorFrame").empty());
}

/// The error a session answered to `frame`, or an empty object.
json::object answer_to(recording_link& l, std::size_t errors_before) {
    auto errors = l.frames_of("error");
    return errors.size() > errors_before ? errors.back() : json::object{};
}

/// The request types a session handles, with `ping`, which the frame gate answers for both.
std::set<std::string> handled(std::vector<std::string_view> types) {
    std::set<std::string> out{"ping"};
    for (auto t : types) out.insert(std::string(t));
    return out;
}

TEST_F(protocol_schema_test, the_sessions_handle_the_request_types_of_the_schema_and_no_other) {
    EXPECT_EQ(handled(visitor_session::request_types()), types_of(schema_, "VisitorRequest"));
    EXPECT_EQ(handled(staff_session::request_types()), types_of(schema_, "StaffRequest"));
}

TEST_F(protocol_schema_test, visitor_requests_are_those_of_the_schema) {
    auto staff_only = types_of(schema_, "StaffRequest");
    for (const auto& [type, frame] : schema_.frames_of("VisitorRequest")) {
        staff_only.erase(type);
        for (const auto& example : frame->at("examples").as_array()) {
            auto& b = *open_browser();
            to(b, example.as_object());
            settle();
            auto error = answer_to(*b.link, 0);
            EXPECT_TRUE(error.empty() ||
                        (error.at("code") != "bad_request" && error.at("code") != "unknown_type"))
                << json::serialize(example) << " → " << json::serialize(error);
        }
        for (const auto& field : frame->at("required").as_array()) {
            if (field == "type") continue;
            auto& b = *open_browser();
            auto without = frame->at("examples").at(0).as_object();
            without.erase(field.as_string());
            to(b, without);
            auto error = answer_to(*b.link, 0);
            EXPECT_EQ(error["code"], "bad_request") << json::serialize(without);
            EXPECT_THAT(json::serialize(error["message"]),
                        HasSubstr("'" + std::string(field.as_string()) + "'"));
        }
    }
    for (const auto& type : staff_only) {
        auto& b = *open_browser();
        to(b, {{"type", type}});
        EXPECT_EQ(answer_to(*b.link, 0)["code"], "unknown_type") << type;
    }
}

TEST_F(protocol_schema_test, staff_requests_are_those_of_the_schema) {
    auto visitor_only = types_of(schema_, "VisitorRequest");
    for (const auto& [type, frame] : schema_.frames_of("StaffRequest")) {
        visitor_only.erase(type);
        for (const auto& example : frame->at("examples").as_array()) {
            auto& c = *open_console(sam_);
            auto before = c.link->frames_of("error").size();
            auto request = example.as_object();
            // A fresh console has said hello already: a second is a conflict, not a refusal.
            if (type == "hello") request["csrf_token"] = c.csrf;
            to(c, request);
            settle();
            auto error = answer_to(*c.link, before);
            EXPECT_TRUE(error.empty() ||
                        (error.at("code") != "bad_request" && error.at("code") != "unknown_type" &&
                         error.at("code") != "forbidden"))
                << json::serialize(request) << " → " << json::serialize(error);
        }
        for (const auto& field : frame->at("required").as_array()) {
            if (field == "type") continue;
            auto without = frame->at("examples").at(0).as_object();
            without.erase(field.as_string());
            json::object error;
            if (type == "hello") {
                // Before hello: the CSRF token is what is missing, and that is forbidden.
                auto l = std::make_shared<recording_link>();
                staff_session fresh(*hub_, clock_, l, ana_, core::random_hex(32));
                fresh.on_frame(json::serialize(without));
                error = answer_to(*l, 0);
                EXPECT_EQ(error["code"], "forbidden");
            } else {
                auto& c = *open_console(sam_);
                auto before = c.link->frames_of("error").size();
                to(c, without);
                error = answer_to(*c.link, before);
                EXPECT_EQ(error["code"], "bad_request") << json::serialize(without);
            }
            EXPECT_THAT(json::serialize(error["message"]),
                        HasSubstr("'" + std::string(field.as_string()) + "'"))
                << json::serialize(without);
        }
    }
    for (const auto& type : visitor_only) {
        auto& c = *open_console(sam_);
        auto before = c.link->frames_of("error").size();
        to(c, {{"type", type}});
        EXPECT_EQ(answer_to(*c.link, before)["code"], "unknown_type") << type;
    }
}

}  // namespace
}  // namespace sc::chat
