// QR codes drawn here, never by an outside service: the matrix of dark and light modules
// (libqrencode) that the console draws as inline SVG for TOTP enrolment.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sc::staff {

struct qr_code {
    int size = 0;         // modules per side
    std::string modules;  // size * size characters, row by row: '1' dark, '0' light
};

/// Error correction level M; nothing when the text does not fit in a QR code.
std::optional<qr_code> make_qr_code(std::string_view text);

}  // namespace sc::staff
