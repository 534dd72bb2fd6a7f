// Encryption at rest. Each conversation has its own random key; that key is stored only
// sealed under the master key, which lives in a file outside the database. Destroying a
// conversation's sealed key makes every copy of its text unreadable (cryptographic erasure).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sc::privacy {

struct crypto_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A 256-bit key that wipes itself when it goes away.
class secret_key {
  public:
    secret_key();  // random
    secret_key(const secret_key&) = default;
    secret_key& operator=(const secret_key&) = default;
    ~secret_key();
    static secret_key from_bytes(std::string_view raw);
    const unsigned char* data() const { return bytes_.data(); }
    static constexpr std::size_t size = 32;

  private:
    std::array<unsigned char, size> bytes_{};
};

/// Authenticated encryption (XChaCha20-Poly1305); `context` binds the ciphertext to where
/// it belongs (a conversation id and sequence number), so rows cannot be swapped.
std::string encrypt(const secret_key& key, std::string_view plaintext, std::string_view context);
/// Throws crypto_error when the ciphertext was altered or belongs elsewhere.
std::string decrypt(const secret_key& key, std::string_view ciphertext, std::string_view context);

/// What each piece of a conversation is bound to (the `context` of encrypt and decrypt).
inline std::string message_context(const std::string& conversation_id, std::int64_t seq) {
    return conversation_id + ":" + std::to_string(seq);
}
inline std::string intake_context(const std::string& conversation_id) {
    return conversation_id + ":intake";
}

class keyring {
  public:
    /// Loads the master key from `path`, creating it (mode 0600) on first start.
    explicit keyring(const std::filesystem::path& path);

    std::string seal(const secret_key& conversation_key, std::string_view conversation_id) const;
    secret_key unseal(std::string_view sealed, std::string_view conversation_id) const;

    /// A key for another purpose (e.g. CSRF tokens), derived from the master key.
    secret_key derive(std::string_view purpose) const;

  private:
    secret_key master_;
};

}  // namespace sc::privacy
