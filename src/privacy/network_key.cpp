#include "privacy/network_key.hpp"

#include <sodium.h>

namespace sc::privacy {

network_salt::network_salt() : salt_(crypto_generichash_KEYBYTES, '\0') {
    randombytes_buf(salt_.data(), salt_.size());
}

std::string network_salt::key_for(std::string_view address) const {
    std::string out(16, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                       reinterpret_cast<const unsigned char*>(address.data()), address.size(),
                       reinterpret_cast<const unsigned char*>(salt_.data()), salt_.size());
    return out;
}

}  // namespace sc::privacy
