// Fuzz target: raw bytes of one or more HTTP requests through the server's request reader
// (net/request_reader: Beast's parser with every limit) and then the real handlers
// (http::router with a real store, hub, pages and staff API in a temporary directory), as
// the transport drives them, without sockets. "@cookie@" and "@csrf@" stand for a signed-in
// administrator's session cookie and CSRF token, so the staff routes are reachable.
// Must hold: no crash, no sanitizer report, no exception out of the reader or a handler; the
// reader answers a whole request, "need more" or a refusal (4xx/501 with a message); no
// response is a 500; header values carry no line breaks; JSON and HTML bodies are valid
// UTF-8 (JSON bodies valid JSON); only staff routes set a cookie.
#include "fuzz_support.hpp"
#include "http/privacy_api.hpp"
#include "http/router.hpp"
#include "net/request_reader.hpp"
#include "privacy/retention.hpp"
#include "privacy/traffic.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <variant>

namespace {

using namespace sc;

constexpr const char* admin_password = "correct horse battery staple";
constexpr int inputs_per_world = 5000;

// The handlers with their real collaborators, as tests/http/http_fixture.hpp builds them.
struct world {
    world() {
        keys = std::make_unique<privacy::keyring>(dir / "master.key");
        store = std::make_unique<store::sqlite_worker>(dir / "http.db", dir / "keys.db");
        store->call([&](store::unit_of_work& work) {
            if (!staff::add_member(work, "admin@example.org", "Alex", staff::role::admin,
                                   password_hash(), clock.now())) {
                fuzz::broken("add_member failed");
            }
        });
        policy.load(*store, http::initial_privacy_policy(assets, config), retention.hours(),
                    clock.now());
        hub = std::make_unique<chat::hub>(*store, *keys, policy, clock, chat::hub_settings{});
        hub->load();
        privacy_routes =
            std::make_unique<http::privacy_api>(*store, *keys, policy, retention, clock, *hub);
        api = std::make_unique<http::staff_api>(*store, *keys, clock, *hub);
        pages = std::make_unique<http::pages>(assets, config, policy);
        router = std::make_unique<http::router>(config, clock, assets, *pages, *api,
                                                *privacy_routes, *store, traffic);
        if (!sign_in()) fuzz::broken("the fuzz administrator cannot sign in");
    }
    ~world() {
        if (store) store->stop();
    }
    world(const world&) = delete;
    world& operator=(const world&) = delete;

    static const std::string& password_hash() {
        static const std::string hash = staff::hash_password(admin_password);
        return hash;
    }

    http::response serve(const http::request& req) {
        auto r = router->handle(req);
        router->finish(r);
        return r;
    }

    // A fresh administrator session for "@cookie@" and "@csrf@"; false when an input took the
    // account away (disabled it, for one).
    bool sign_in() {
        auto req = staff_request("POST", "/api/staff/login");
        req.headers["origin"] = "http://chat.example.org";
        req.headers["content-type"] = "application/json";
        req.body = boost::json::serialize(
            boost::json::object{{"email", "admin@example.org"}, {"password", admin_password}});
        clock.advance(std::chrono::hours(1));  // past any throttle the last inputs caused
        auto r = serve(req);
        if (r.status != 200) return false;
        auto cookie = r.header("Set-Cookie");
        session_cookie = std::string(cookie.substr(0, cookie.find(';')));
        csrf_token = std::string(boost::json::parse(r.body).at("csrf_token").as_string());
        return true;
    }

    bool signed_in() {
        auto req = staff_request("GET", "/api/staff/me");
        req.headers["cookie"] = session_cookie;
        return serve(req).status == 200;
    }

    static http::request staff_request(std::string method, std::string target) {
        http::request req;
        req.method = std::move(method);
        req.target = std::move(target);
        req.headers["host"] = "chat.example.org";
        req.client_address = "127.0.0.1";
        return req;
    }

    test_support::temp_dir dir;
    core::manual_clock clock;
    core::config config;
    http::asset_catalog assets;
    std::unique_ptr<privacy::keyring> keys;
    std::unique_ptr<store::worker> store;
    privacy::policy_registry policy;
    privacy::retention_setting retention{72};
    privacy::traffic_counter traffic{clock};
    std::unique_ptr<chat::hub> hub;
    std::unique_ptr<http::privacy_api> privacy_routes;
    std::unique_ptr<http::staff_api> api;
    std::unique_ptr<http::pages> pages;
    std::unique_ptr<http::router> router;
    std::string session_cookie;
    std::string csrf_token;
};

// Renewed every inputs_per_world inputs so the database stays small, and when an input took
// the administrator away; never destroyed at exit, where the store thread must not be
// stopped by static destructors.
world& the_world(bool renew = false) {
    static world* w = nullptr;
    static int inputs = 0;
    if (w == nullptr || renew || ++inputs > inputs_per_world) {
        delete w;
        w = new world;
        inputs = 0;
    }
    return *w;
}

bool has_line_break(std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

void check_response(const http::request& req, const http::response& r, std::string_view input) {
    fuzz::check(r.status >= 100 && r.status <= 599, "a status out of range", input);
    fuzz::check(r.status != 500, "a request was answered 500", input);
    std::string_view content_type;
    for (const auto& [name, value] : r.headers) {
        fuzz::check(!name.empty() && !has_line_break(name) && !has_line_break(value),
                    "a header with a line break (response splitting)", input);
        if (name == "Content-Type") content_type = value;
        if (name == "Set-Cookie") {
            fuzz::check(req.path().starts_with("/api/staff/"), "a cookie outside the staff portal",
                        input);
        }
    }
    if (content_type.starts_with("application/json")) {
        boost::system::error_code ec;
        boost::json::parse(r.body, ec);
        fuzz::check(!ec, "a JSON response that is not valid JSON in UTF-8", r.body);
    }
    if (content_type.starts_with("text/html")) {
        fuzz::check(fuzz::valid_utf8(r.body), "an HTML response that is not valid UTF-8", input);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::init_process();
    the_world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& w = the_world();
    w.clock.advance(std::chrono::seconds(1));
    std::string_view raw(reinterpret_cast<const char*>(data), size);
    auto bytes = fuzz::replace_all(fuzz::replace_all(raw, "@cookie@", w.session_cookie), "@csrf@",
                                   w.csrf_token);

    net::request_reader reader;
    std::string_view rest = bytes;
    // A connection answers its requests in order until the reader refuses one or the bytes
    // run out; sixteen is plenty for pipelining and keeps an input's time bounded.
    for (int served = 0; served < 16;) {
        rest.remove_prefix(reader.feed(rest));
        std::variant<net::need_more, net::refusal, net::beast_request> next;
        try {
            next = reader.next();
        } catch (const std::exception& e) {
            fuzz::broken(std::string("the request reader threw ") + e.what(), raw);
        }
        if (std::holds_alternative<net::need_more>(next)) {
            if (rest.empty()) break;
            fuzz::check(reader.room() > 0, "need more with a full buffer", raw);
            continue;
        }
        if (const auto* no = std::get_if<net::refusal>(&next)) {
            fuzz::check(
                no->status >= 400 && no->status <= 501 && no->status != 500 && !no->message.empty(),
                "a refusal without a 4xx/501 status and a message", raw);
            break;
        }
        auto req = net::to_plain_request(std::get<net::beast_request>(next));
        req.client_address = "127.0.0.1";
        http::response r;
        try {
            r = w.serve(req);
        } catch (const std::exception& e) {
            fuzz::broken(std::string("a handler threw ") + e.what(), raw);
        }
        check_response(req, r, raw);
        ++served;
    }
    // Sign-out or a password change ends the shared session; the next input gets a new one.
    if (raw.find("/api/staff/") != std::string_view::npos && !w.signed_in() && !w.sign_in()) {
        the_world(true);
    }
    return 0;
}
