#include "privacy/keyring.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sc::privacy {
namespace {

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

std::string read_or_create_key_file(const std::filesystem::path& path) {
    std::string raw(secret_key::size, '\0');
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = ::read(fd, raw.data(), raw.size());
        ::close(fd);
        if (n != static_cast<ssize_t>(raw.size())) {
            throw crypto_error("key file " + path.string() + " is not " +
                               std::to_string(secret_key::size) + " bytes long");
        }
        return raw;
    }
    if (errno != ENOENT) {
        throw crypto_error("cannot read key file " + path.string() + ": " + std::strerror(errno));
    }
    randombytes_buf(raw.data(), raw.size());
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw crypto_error("cannot create key file " + path.string() + ": " + std::strerror(errno));
    }
    bool ok =
        ::write(fd, raw.data(), raw.size()) == static_cast<ssize_t>(raw.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw crypto_error("cannot write key file " + path.string());
    return raw;
}

secret_key load_master_key(const std::filesystem::path& path) {
    // Before any other libsodium call, including the random bytes of a new key.
    if (sodium_init() < 0) throw crypto_error("libsodium failed to initialise");
    std::string raw = read_or_create_key_file(path);
    auto key = secret_key::from_bytes(raw);
    sodium_memzero(raw.data(), raw.size());
    return key;
}

}  // namespace

secret_key::secret_key() { randombytes_buf(bytes_.data(), bytes_.size()); }

secret_key::~secret_key() { sodium_memzero(bytes_.data(), bytes_.size()); }

secret_key secret_key::from_bytes(std::string_view raw) {
    if (raw.size() != size) throw crypto_error("a key must be 32 bytes");
    secret_key k;
    std::memcpy(k.bytes_.data(), raw.data(), size);
    return k;
}

std::string encrypt(const secret_key& key, std::string_view plaintext, std::string_view context) {
    constexpr auto nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    std::string out(nonce_size + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES,
                    '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, nonce_size);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + nonce_size, &written, bytes(plaintext),
                                               plaintext.size(), bytes(context), context.size(),
                                               nullptr, nonce, key.data());
    out.resize(nonce_size + written);
    return out;
}

std::string decrypt(const secret_key& key, std::string_view ciphertext, std::string_view context) {
    constexpr auto nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    constexpr auto tag_size = crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (ciphertext.size() < nonce_size + tag_size) throw crypto_error("ciphertext too short");
    std::string out(ciphertext.size() - nonce_size - tag_size, '\0');
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(out.data()), &written, nullptr,
            bytes(ciphertext) + nonce_size, ciphertext.size() - nonce_size, bytes(context),
            context.size(), bytes(ciphertext), key.data()) != 0) {
        throw crypto_error("ciphertext failed authentication");
    }
    out.resize(written);
    return out;
}

keyring::keyring(const std::filesystem::path& path) : master_(load_master_key(path)) {}

std::string keyring::seal(const secret_key& conversation_key,
                          std::string_view conversation_id) const {
    return encrypt(master_,
                   {reinterpret_cast<const char*>(conversation_key.data()), secret_key::size},
                   conversation_id);
}

secret_key keyring::unseal(std::string_view sealed, std::string_view conversation_id) const {
    std::string raw = decrypt(master_, sealed, conversation_id);
    auto key = secret_key::from_bytes(raw);
    sodium_memzero(raw.data(), raw.size());
    return key;
}

secret_key keyring::derive(std::string_view purpose) const {
    unsigned char out[secret_key::size];
    crypto_generichash(out, sizeof out, bytes(purpose), purpose.size(), master_.data(),
                       secret_key::size);
    auto key = secret_key::from_bytes({reinterpret_cast<const char*>(out), sizeof out});
    sodium_memzero(out, sizeof out);
    return key;
}

}  // namespace sc::privacy
