// Random identifiers and tokens, and the one-way hashes under which tokens are stored.
#pragma once

#include <string>
#include <string_view>

namespace sc::core {

/// Hex of `bytes` random bytes from the operating system's CSPRNG.
std::string random_hex(std::size_t bytes);

/// A 256-bit secret token, 64 hex characters.
inline std::string new_token() { return random_hex(32); }

/// Hex of the BLAKE2b-256 hash of a token: what the database keeps instead of the token.
std::string token_hash(std::string_view token);

std::string to_hex(std::string_view bytes);

/// Compares two secrets in constant time.
bool equal_secrets(std::string_view a, std::string_view b);

/// True when `s` is exactly `n` lowercase hex characters.
bool is_hex(std::string_view s, std::size_t n);

}  // namespace sc::core
