// IP address ranges (CIDR) for the trusted_proxies setting, and the client address a request
// really comes from when it passed through such a proxy. Addresses stay in memory only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sc::core {

class address_range {
  public:
    /// "192.0.2.7", "10.0.0.0/8", "::1" or "2001:db8::/32"; nothing when it is none of these.
    static std::optional<address_range> parse(std::string_view text);

    /// True when `address` (textual, IPv4 or IPv6, IPv4-mapped IPv6 as IPv4) lies inside.
    bool contains(std::string_view address) const;

  private:
    std::array<std::uint8_t, 16> bytes_{};  // IPv4 as ::ffff:a.b.c.d
    int prefix_ = 128;                      // bits that must match
};

/// Parses a comma-separated list of ranges; throws config_error naming the bad entry.
std::vector<address_range> parse_address_ranges(const std::string& key, std::string_view list);

/// The client behind `peer`: if `peer` is a trusted proxy, the nearest address in
/// X-Forwarded-For (read from the right) that is not itself a trusted proxy; else `peer`.
std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<address_range>& trusted);

}  // namespace sc::core
