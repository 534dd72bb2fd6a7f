// Paging through a long queue: each console asks for the page it wants, keeps getting that
// page as the queue changes, and every queue frame carries the true total.
#include "chat/hub.hpp"

#include "chat/hub_fixture.hpp"

namespace sc::chat {
namespace {

namespace json = boost::json;

class hub_queue_page_test : public hub_test {
  protected:
    void SetUp() override {
        hub_test::SetUp();
        for (int i = 0; i < 60; ++i)
            waiting_.push_back(start_visitor({}, "net-" + std::to_string(i)));
    }

    /// The newest queue frame `l` got once it says `total` and `offset`.
    static json::object page(const link_ptr& l, std::size_t total, std::size_t offset) {
        return l->wait_for(
            [&](const json::object& f) {
                return f.at("type") == "queue" && f.at("total") == total &&
                       f.at("offset") == offset;
            },
            "queue total " + std::to_string(total) + " offset " + std::to_string(offset));
    }

    static std::vector<std::string> ids(const json::object& frame) {
        std::vector<std::string> out;
        for (const auto& e : frame.at("entries").as_array()) {
            out.emplace_back(e.at("conversation_id").as_string());
        }
        return out;
    }

    std::vector<std::string> waiting_ids(std::size_t from, std::size_t to) const {
        std::vector<std::string> out;
        for (auto i = from; i < to; ++i) out.push_back(waiting_[i].id);
        return out;
    }

    std::vector<visitor> waiting_;
};

TEST_F(hub_queue_page_test, state_shows_the_first_page_and_the_true_total) {
    auto ana = join(ana_);
    auto state = ana->wait_type("state");
    EXPECT_EQ(state.at("queue_total"), 60);
    EXPECT_EQ(state.at("queue_offset"), 0);
    EXPECT_EQ(state.at("queue").as_array().size(), 50u);
}

TEST_F(hub_queue_page_test, the_second_page_reaches_the_61st_and_it_can_be_accepted) {
    auto extra = start_visitor({}, "net-60");
    waiting_.push_back(extra);
    auto ana = join(ana_);
    ASSERT_TRUE(hub_->staff_queue_page(ana.get(), 50));
    auto second = page(ana, 61, 50);
    EXPECT_EQ(ids(second), waiting_ids(50, 61));
    accept(ana, extra);
    extra.link->wait_message(1);
    auto after = page(ana, 60, 50);
    EXPECT_EQ(ids(after), waiting_ids(50, 60));
}

TEST_F(hub_queue_page_test, each_console_keeps_its_own_page_as_the_queue_changes) {
    auto ana = join(ana_);
    auto ben = join(ben_);
    ASSERT_TRUE(hub_->staff_queue_page(ana.get(), 50));
    page(ana, 60, 50);
    auto newcomer = start_visitor({}, "net-new");
    auto ana_page = page(ana, 61, 50);
    EXPECT_EQ(ids(ana_page).size(), 11u);
    EXPECT_EQ(ids(ana_page).back(), newcomer.id);
    auto ben_page = page(ben, 61, 0);
    EXPECT_EQ(ids(ben_page), waiting_ids(0, 50)) << "the first page stays the oldest 50";
}

TEST_F(hub_queue_page_test, a_page_past_the_end_shows_the_last_page) {
    auto ana = join(ana_);
    ASSERT_TRUE(hub_->staff_queue_page(ana.get(), 1000));
    EXPECT_EQ(ids(page(ana, 60, 50)), waiting_ids(50, 60));
}

TEST_F(hub_queue_page_test, when_the_queue_shrinks_below_a_page_the_console_moves_back) {
    auto ana = join(ana_);
    ASSERT_TRUE(hub_->staff_queue_page(ana.get(), 50));
    page(ana, 60, 50);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(hub_->visitor_end(waiting_[i].link->visitor().get()));
    auto back = page(ana, 50, 0);
    EXPECT_EQ(ids(back), waiting_ids(10, 60));
    // Once the queue grows again, the page it asked for is back.
    start_visitor({}, "net-new");
    EXPECT_EQ(ids(page(ana, 51, 50)).size(), 1u);
}

TEST_F(hub_queue_page_test, the_total_stays_true_while_chats_come_and_go) {
    auto ana = join(ana_);
    ana->wait_type("state");
    accept(ana, waiting_[0]);
    page(ana, 59, 0);
    ASSERT_TRUE(hub_->visitor_end(waiting_[55].link->visitor().get()));
    page(ana, 58, 0);
    start_visitor({}, "net-new");
    page(ana, 59, 0);
    hub_->visitor_gone(waiting_[56].link->visitor().get());
    hub_->close_abandoned(std::chrono::seconds(0));
    settle();  // the chat leaves the queue once the store has its end
    auto last = page(ana, 58, 0);
    EXPECT_EQ(hub_->snapshot().waiting, 58u);
    EXPECT_EQ(ids(last).size(), 50u);
}

TEST_F(hub_queue_page_test, the_overview_lists_only_the_head_of_a_long_queue) {
    auto sam = join(sam_);
    auto state = sam->wait_type("state");
    EXPECT_EQ(state.at("overview").as_array().size(), 50u);
    start_visitor({}, "net-new");
    auto overview = sam->wait_type("overview");
    EXPECT_EQ(overview.at("waiting"), 61);
    EXPECT_EQ(overview.at("chats").as_array().size(), 50u);
}

}  // namespace
}  // namespace sc::chat
