// Encryption at rest: authenticated encryption bound to a context, and the master key file
// under which each conversation's key is sealed.
#include "privacy/keyring.hpp"

#include "core/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <string>

namespace sc::privacy {
namespace {

class encryption_test : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(encryption_test, decrypt_returns_what_was_encrypted) {
    secret_key key;
    auto sealed = encrypt(key, "are you safe right now?", "conv:1");
    EXPECT_EQ(decrypt(key, sealed, "conv:1"), "are you safe right now?");
}

TEST_F(encryption_test, empty_plaintext_round_trips) {
    secret_key key;
    EXPECT_EQ(decrypt(key, encrypt(key, "", "c"), "c"), "");
}

TEST_F(encryption_test, ciphertext_does_not_contain_the_plaintext) {
    secret_key key;
    auto sealed = encrypt(key, "a distinctive sentence", "conv:1");
    EXPECT_EQ(sealed.find("distinctive"), std::string::npos);
}

TEST_F(encryption_test, same_plaintext_encrypts_differently_each_time) {
    secret_key key;
    EXPECT_NE(encrypt(key, "hello", "c"), encrypt(key, "hello", "c"));
}

TEST_F(encryption_test, wrong_context_fails) {
    secret_key key;
    auto sealed = encrypt(key, "hello", "conv:1");
    EXPECT_THROW(decrypt(key, sealed, "conv:2"), crypto_error);
}

TEST_F(encryption_test, any_altered_byte_fails) {
    secret_key key;
    auto sealed = encrypt(key, "hello", "conv:1");
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        auto altered = sealed;
        altered[i] = static_cast<char>(altered[i] ^ 0x01);
        EXPECT_THROW(decrypt(key, altered, "conv:1"), crypto_error) << "byte " << i;
    }
}

TEST_F(encryption_test, wrong_key_fails) {
    secret_key key;
    secret_key other;
    EXPECT_THROW(decrypt(other, encrypt(key, "hello", "c"), "c"), crypto_error);
}

TEST_F(encryption_test, truncated_ciphertext_fails) {
    secret_key key;
    auto sealed = encrypt(key, "hello", "c");
    EXPECT_THROW(decrypt(key, sealed.substr(0, 10), "c"), crypto_error);
    EXPECT_THROW(decrypt(key, sealed.substr(0, sealed.size() - 1), "c"), crypto_error);
}

TEST_F(encryption_test, a_key_needs_exactly_32_bytes) {
    EXPECT_THROW(secret_key::from_bytes(std::string(31, 'k')), crypto_error);
    EXPECT_NO_THROW(secret_key::from_bytes(std::string(32, 'k')));
}

class keyring_test : public ::testing::Test {
  protected:
    test_support::temp_dir dir_;
    std::filesystem::path key_file_ = dir_ / "master.key";
};

TEST_F(keyring_test, creates_a_32_byte_key_file_readable_only_by_the_owner) {
    keyring keys(key_file_);
    struct stat st {};
    ASSERT_EQ(::stat(key_file_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    EXPECT_EQ(st.st_size, 32);
}

TEST_F(keyring_test, unseals_what_it_sealed) {
    keyring keys(key_file_);
    secret_key conversation_key;
    auto sealed = keys.seal(conversation_key, "conv-1");
    auto unsealed = keys.unseal(sealed, "conv-1");
    EXPECT_EQ(decrypt(unsealed, encrypt(conversation_key, "hello", "m"), "m"), "hello");
}

TEST_F(keyring_test, a_new_keyring_over_the_same_file_unseals_what_an_earlier_one_sealed) {
    secret_key conversation_key;
    std::string sealed;
    auto sealed_text = encrypt(conversation_key, "still readable after a restart", "conv-1:1");
    {
        keyring first(key_file_);
        sealed = first.seal(conversation_key, "conv-1");
    }
    auto key_bytes = test_support::read_bytes(key_file_);
    keyring second(key_file_);
    EXPECT_EQ(test_support::read_bytes(key_file_), key_bytes) << "the key file was rewritten";
    auto unsealed = second.unseal(sealed, "conv-1");
    EXPECT_EQ(decrypt(unsealed, sealed_text, "conv-1:1"), "still readable after a restart");
}

TEST_F(keyring_test, sealed_key_does_not_contain_the_key) {
    keyring keys(key_file_);
    secret_key conversation_key;
    auto sealed = keys.seal(conversation_key, "conv-1");
    std::string raw(reinterpret_cast<const char*>(conversation_key.data()), secret_key::size);
    EXPECT_EQ(sealed.find(raw), std::string::npos);
}

TEST_F(keyring_test, a_sealed_key_belongs_to_its_conversation) {
    keyring keys(key_file_);
    auto sealed = keys.seal(secret_key{}, "conv-1");
    EXPECT_THROW(keys.unseal(sealed, "conv-2"), crypto_error);
}

TEST_F(keyring_test, another_master_key_cannot_unseal) {
    keyring keys(key_file_);
    keyring other(dir_ / "other.key");
    auto sealed = keys.seal(secret_key{}, "conv-1");
    EXPECT_THROW(other.unseal(sealed, "conv-1"), crypto_error);
}

TEST_F(keyring_test, a_key_file_of_the_wrong_size_is_refused) {
    test_support::write_text(key_file_, "too short");
    EXPECT_THROW(keyring{key_file_}, crypto_error);
}

TEST_F(keyring_test, a_key_file_in_a_missing_directory_is_refused) {
    EXPECT_THROW(keyring{dir_ / "absent" / "master.key"}, crypto_error);
}

TEST_F(keyring_test, derived_keys_are_stable_per_purpose_and_differ_between_purposes) {
    std::string csrf_a;
    {
        keyring keys(key_file_);
        auto k = keys.derive("csrf token key");
        csrf_a.assign(reinterpret_cast<const char*>(k.data()), secret_key::size);
        auto other = keys.derive("another purpose");
        EXPECT_NE(csrf_a,
                  std::string(reinterpret_cast<const char*>(other.data()), secret_key::size));
    }
    keyring again(key_file_);
    auto k = again.derive("csrf token key");
    EXPECT_EQ(csrf_a, std::string(reinterpret_cast<const char*>(k.data()), secret_key::size));
}

}  // namespace
}  // namespace sc::privacy
