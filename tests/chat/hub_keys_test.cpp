// Cryptographic erasure needs each conversation key drawn at random. A key that is any
// function of the master key and the conversation id (both outlive a purge: the key file,
// and the id in every old backup) could be made again, and a purged transcript read again.
#include "chat/hub_fixture.hpp"
#include "store/sqlite/sql_job.hpp"

namespace sc::chat {
namespace {

class hub_keys_test : public hub_test {
  protected:
    /// The key the vault holds for conversation `id`, unsealed with the master key.
    std::string key_of(const std::string& id) {
        auto sealed = store_->call(test_support::sql_job([&](store::database& db) {
            auto s = db.prepare(
                "SELECT sealed_key FROM vault.conversation_keys WHERE conversation_id = ?");
            s.bind(1, id);
            EXPECT_TRUE(s.step()) << "no key for " << id;
            return s.blob(0);
        }));
        auto key = keys_->unseal(sealed, id);
        return {reinterpret_cast<const char*>(key.data()), privacy::secret_key::size};
    }
};

TEST_F(hub_keys_test, one_master_key_and_one_id_still_give_different_conversation_keys) {
    auto settings = settings_;
    settings.new_conversation_id = [] { return std::string(32, 'c'); };
    use_settings(settings);
    auto first = start_visitor();
    ASSERT_EQ(first.id, std::string(32, 'c'));
    std::string first_key = key_of(first.id);

    // A second store on the same master key file: the same id arrives again.
    db_path_ = dir_ / "second.db";
    vault_path_ = dir_ / "second-keys.db";
    restart();
    auto second = start_visitor();
    ASSERT_EQ(second.id, first.id);
    EXPECT_NE(key_of(second.id), first_key);
}

}  // namespace
}  // namespace sc::chat
