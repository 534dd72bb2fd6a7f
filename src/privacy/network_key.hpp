// What stands in for an IP address in memory: a keyed hash under a salt that lives only in
// this process. Rate limits are keyed by it; it is never written anywhere.
#pragma once

#include <string>
#include <string_view>

namespace sc::privacy {

class network_salt {
  public:
    network_salt();  // random, in memory only
    /// An opaque 16-byte key for a client address. The address itself goes no further.
    std::string key_for(std::string_view address) const;

  private:
    std::string salt_;
};

}  // namespace sc::privacy
