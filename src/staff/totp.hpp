// Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30 s steps) with liboath,
// as every authenticator app speaks them. A code is accepted one step early or late (clock
// drift), and never twice: the caller keeps the last step used and passes it back.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace sc::staff {

inline constexpr std::chrono::seconds totp_step{30};
inline constexpr std::size_t totp_secret_bytes = 20;  // 160 bits, as RFC 4226 recommends

/// A new random secret (raw bytes).
std::string new_totp_secret();
/// RFC 4648 base32 without padding: the "manual key" people type into an app.
std::string base32(std::string_view bytes);
/// The step number that `t` falls in.
std::int64_t totp_step_of(core::time_point t);
/// The code for `t`; `digits` is 6 except for RFC 6238's own test vectors (8).
std::string totp_code(std::string_view secret, core::time_point t, unsigned digits = 6);
/// The step a code belongs to when it matches the current step or one either side and that
/// step is after `last_used_step`; nothing otherwise. Spaces in `code` are ignored.
std::optional<std::int64_t> match_totp(std::string_view secret, std::string_view code,
                                       core::time_point now, std::int64_t last_used_step);
/// The otpauth:// URI an app reads from the QR code.
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret);

}  // namespace sc::staff
