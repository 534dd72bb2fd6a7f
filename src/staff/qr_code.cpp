#include "staff/qr_code.hpp"

#include <qrencode.h>

namespace sc::staff {

std::optional<qr_code> make_qr_code(std::string_view text) {
    std::string data(text);
    QRcode* code = QRcode_encodeString8bit(data.c_str(), 0, QR_ECLEVEL_M);
    if (code == nullptr) return std::nullopt;
    qr_code out;
    out.size = code->width;
    out.modules.reserve(static_cast<std::size_t>(code->width) * code->width);
    for (int i = 0; i < code->width * code->width; ++i) {
        out.modules += (code->data[i] & 1) != 0 ? '1' : '0';
    }
    QRcode_free(code);
    return out;
}

}  // namespace sc::staff
