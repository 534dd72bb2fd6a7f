// What a staff password must be (OWASP ASVS level 2, V2.1): 12 to 256 characters counted
// as Unicode code points, at most 1 KiB of UTF-8 so hashing stays cheap, and not guessable
// by the zxcvbn estimator (common passwords, words, keyboard patterns, sequences, dates,
// the account's own email or name). The refusal says which of these it found.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sc::staff {

inline constexpr std::size_t password_min_characters = 12;
inline constexpr std::size_t password_max_characters = 256;
inline constexpr std::size_t password_max_bytes = 1024;
/// zxcvbn's estimate, in bits (log2 of the guesses needed), that a password must reach.
inline constexpr double password_min_entropy_bits = 40;

/// The number of code points in valid UTF-8, or nothing when it is not valid UTF-8.
std::optional<std::size_t> count_code_points(std::string_view text);

/// Refuses a password a person must not choose; `personal` are the account's own words
/// (email, name) that make a password guessable for this account.
core::result<> check_new_password(std::string_view password,
                                  const std::vector<std::string_view>& personal);

}  // namespace sc::staff
