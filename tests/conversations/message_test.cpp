// Messages as the core sees them, and their stored body: the same JSON the store has always
// held, so that conversations stored before keep reading back.
#include "conversations/message.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sc::conversations {
namespace {

TEST(message_body, each_kind_is_stored_in_the_form_the_store_holds) {
    EXPECT_EQ(body_text(message::visitor_text("hi")), R"({"from":"visitor","text":"hi"})");
    EXPECT_EQ(body_text(message::advocate_text("Ana", "hello")),
              R"({"from":"advocate","name":"Ana","text":"hello"})");
    EXPECT_EQ(body_text(message::advocate_joined("Ana")),
              R"({"from":"system","event":"advocate_joined","name":"Ana"})");
    EXPECT_EQ(body_text(message::transferred("Ben")),
              R"({"from":"system","event":"transferred","name":"Ben"})");
    EXPECT_EQ(body_text(message::ended(closed_by::visitor)),
              R"({"from":"system","event":"ended","by":"visitor"})");
}

TEST(message_body, reads_back_what_it_wrote_with_its_number_and_time) {
    for (const auto& m : {message::visitor_text("hi"), message::advocate_text("Ana", "hello"),
                          message::advocate_joined("Ana"), message::transferred("Ben"),
                          message::ended(closed_by::advocate)}) {
        auto back = from_body(body_text(m), 7, 1700000000);
        EXPECT_EQ(back.seq, 7);
        EXPECT_EQ(back.at, 1700000000);
        EXPECT_EQ(back.from, m.from);
        EXPECT_EQ(back.text, m.text);
        EXPECT_EQ(back.name, m.name);
        EXPECT_EQ(back.what, m.what);
        EXPECT_EQ(back.by, m.by);
    }
}

TEST(message_body, a_body_this_server_never_wrote_is_refused) {
    for (const char* text :
         {"", "[]", "{}", R"({"from":"someone","text":"x"})", R"({"from":"visitor"})",
          R"({"from":"advocate","text":"x"})", R"({"from":"system","event":"party"})",
          R"({"from":"system","event":"ended","by":"nobody"})",
          R"({"from":"system","event":"transferred"})"}) {
        EXPECT_ANY_THROW(from_body(text, 1, 0)) << text;
    }
}

}  // namespace
}  // namespace sc::conversations
