// Every plain HTTP request ends here: public pages, assets, health, the staff API. The
// transport calls handle() on the blocking pool and writes what it returns. handle() finds
// the request's line in the route table (route.hpp) and, for a staff route, checks in this
// one place what the line asks: the Origin, the session, the CSRF token, the sign-in step
// and the permission (staff/permissions.hpp); then the line's handler answers.
#pragma once

#include "core/config.hpp"
#include "http/assets.hpp"
#include "http/message.hpp"
#include "http/pages.hpp"
#include "http/privacy_api.hpp"
#include "http/route.hpp"
#include "http/staff_api.hpp"
#include "privacy/traffic.hpp"
#include "store/worker.hpp"

#include <string>

namespace sc::http {

class router {
  public:
    router(const core::config& config, const core::clock& clock, const asset_catalog& assets,
           const pages& site, staff_api& api, privacy_api& privacy, store::worker& store,
           privacy::traffic_counter& traffic);

    response handle(const request& req);

    /// The origin that browsers on our own pages send, for CSRF and WebSocket checks.
    std::string expected_origin(const request& req) const;

    /// Security headers, and no-store for anything dynamic. Applied to every response.
    void finish(response& r) const;
    /// The headers finish() adds to every response, for answers the router does not build
    /// (the WebSocket handshake).
    std::vector<std::pair<std::string, std::string>> security_headers() const;

    /// Requests that hash a password: the transport runs them apart from everything else.
    static bool hashes_password(const request& req);

    // The handlers of the public lines of the route table.
    response serve_page(const call& c) { return page(c.req); }
    response serve_asset(const call& c) { return asset(c.req); }
    response serve_health(const call& /*unused*/) { return health(); }

  private:
    /// A request under /api/staff/: the checks its route asks for, then its handler.
    response staff_route(const request& req);
    response asset(const request& req);
    response health();
    /// A public page by path; counts the view.
    response page(const request& req);

    const core::config& config_;
    const core::clock& clock_;
    const asset_catalog& assets_;
    const pages& site_;
    staff_api& api_;
    store::worker& store_;
    services services_;
    privacy::traffic_counter& traffic_;
};

}  // namespace sc::http
