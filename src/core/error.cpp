#include "core/error.hpp"

namespace sc::core {

const char* code_name(errc code) {
    switch (code) {
        case errc::bad_json:
            return "bad_json";
        case errc::bad_request:
            return "bad_request";
        case errc::unknown_type:
            return "unknown_type";
        case errc::rate_limited:
            return "rate_limited";
        case errc::not_found:
            return "not_found";
        case errc::conflict:
            return "conflict";
        case errc::forbidden:
            return "forbidden";
        case errc::unauthenticated:
            return "unauthenticated";
        case errc::unavailable:
            return "unavailable";
        case errc::internal:
            return "internal";
    }
    return "internal";
}

}  // namespace sc::core
