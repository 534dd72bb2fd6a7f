// One line of the route table: method, path pattern, the permission it needs, the sign-in
// steps a session may be at, the handler, and what the route answers (for docs/API.md and
// docs/openapi.json). The table itself is in routes.cpp; router.cpp walks it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "http/identity.hpp"
#include "http/message.hpp"
#include "http/path_pattern.hpp"
#include "staff/permissions.hpp"

namespace sc::http {

class router;
class staff_api;
class privacy_api;

enum class verb { get, post };
const char* verb_name(verb v);

/// The sign-in steps at which a session may use a route.
class step_set {
  public:
    constexpr step_set(std::initializer_list<sign_in_step> steps) {
        for (auto s : steps) bits_ |= bit(s);
    }
    constexpr bool contains(sign_in_step s) const { return (bits_ & bit(s)) != 0; }

  private:
    static constexpr unsigned bit(sign_in_step s) { return 1U << static_cast<unsigned>(s); }
    unsigned bits_ = 0;
};

/// Fully signed in: what most routes need.
inline constexpr step_set signed_in_fully{sign_in_step::done};
inline constexpr step_set any_step{sign_in_step::done, sign_in_step::totp_code,
                                   sign_in_step::change_password, sign_in_step::enrol_totp};

/// One answer a route documents: its status, the schema of its body ("" for none; for an
/// error, "error"), and for errors the codes it may carry, space-separated.
struct answer {
    int status;
    std::string_view schema;
    std::string_view codes = {};
    std::string_view says = {};
};

/// What the handlers are members of.
struct services {
    router& site;
    staff_api& staff;
    privacy_api& privacy;
};

/// A request that matched a route, with its parameters and, for a staff route, the session.
struct call {
    const request& req;
    const path_params& params;
    const staff_identity* session;  // null on public routes

    const staff_identity& me() const { return *session; }
};

using handler = response (*)(services&, const call&);

struct route {
    verb method;
    path_pattern path;
    /// Empty: a public route, no session. Otherwise the session's member must hold it.
    std::optional<staff::permission> needs;
    step_set steps;
    handler handle;
    std::string_view summary;
    /// The component schema of the JSON request body, or empty for none.
    std::string_view body;
    std::vector<answer> answers;
    /// Hashes a password on purpose (slow): the transport runs it apart.
    bool hashes_password = false;
};

/// Every route the HTTP side serves, in the order docs/API.md lists them. The WebSocket
/// upgrades (/ws/visitor, /ws/staff) are the transport's and not here.
const std::vector<route>& routes();

}  // namespace sc::http
