// The project's error type: a stable code for clients and a message people can read.
#pragma once

#include <boost/system/result.hpp>

#include <string>

namespace sc::core {

enum class errc {
    bad_json,
    bad_request,
    unknown_type,
    rate_limited,
    not_found,
    conflict,
    forbidden,
    unauthenticated,
    unavailable,
    internal,
};

/// The stable wire name of a code, e.g. "bad_request".
const char* code_name(errc code);

struct error {
    errc code;
    std::string message;  // safe to show to the client; never holds visitor data
};

template <class T = void>
using result = boost::system::result<T, error>;

inline error fail(errc code, std::string message) { return error{code, std::move(message)}; }

}  // namespace sc::core
