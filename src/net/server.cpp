#include "net/server.hpp"

#include "chat/frames.hpp"
#include "chat/staff_session.hpp"
#include "chat/visitor_session.hpp"
#include "core/log.hpp"
#include "net/admission_limits.hpp"
#include "net/request_reader.hpp"
#include "net/websocket_handshake.hpp"
#include "store/error.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

namespace sc::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
constexpr auto as_tuple = asio::as_tuple(use_awaitable);

namespace {

constexpr std::size_t frame_limit = 64 * 1024;
constexpr std::size_t outbox_limit_bytes = 8 * 1024 * 1024;
constexpr auto request_timeout = std::chrono::seconds(30);
constexpr auto refusal_timeout = std::chrono::seconds(5);
// Password hashing (argon2id, 64 MiB) has one thread of its own, so a sign-in flood never
// takes the threads that serve pages and chats; its queue is bounded, and one address may
// have only a few hashes waiting at a time.
constexpr std::size_t hashing_queue = 16;
constexpr std::size_t hashing_per_address = 4;
constexpr auto busy_retry_after = std::chrono::seconds(5);
// Descriptors kept back from connections: databases, WAL files, the log, the accept itself.
constexpr std::size_t descriptor_reserve = 64;
constexpr std::size_t most_connections = 100000;
constexpr auto accept_backoff_first = std::chrono::milliseconds(50);
constexpr auto accept_backoff_most = std::chrono::seconds(1);
constexpr auto accept_log_interval = std::chrono::seconds(10);
constexpr auto shutdown_grace = std::chrono::seconds(3);
constexpr auto linger_time = std::chrono::seconds(2);
constexpr auto turned_away_linger_time = std::chrono::milliseconds(200);
constexpr std::size_t linger_bytes = 1024 * 1024;
// Connections turned away at the caps hold a descriptor while they linger: bound them too.
constexpr int most_lingering_turned_away = 256;

bhttp::response<bhttp::string_body> to_beast(http::response&& in, unsigned version, bool keep_alive,
                                             bool head) {
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(in.status), version};
    for (auto& [k, v] : in.headers) out.insert(k, v);
    auto size = in.body.size();
    bool bodyless = in.status == 204 || in.status == 304;
    if (!head && !bodyless) out.body() = std::move(in.body);
    if (!bodyless) out.content_length(size);
    out.keep_alive(keep_alive);
    return out;
}

core::errc code_for_status(int status) {
    switch (status) {
        case 401:
            return core::errc::unauthenticated;
        case 403:
            return core::errc::forbidden;
        case 404:
            return core::errc::not_found;
        case 503:
            return core::errc::unavailable;
        default:
            return core::errc::bad_request;
    }
}

// Raises the soft descriptor limit to the hard one and returns how many connections fit
// below it, or the configured number when that is set.
std::size_t connection_budget(const core::config& config) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    auto descriptors = static_cast<std::size_t>(
        std::min<rlim_t>(lim.rlim_cur, static_cast<rlim_t>(most_connections + descriptor_reserve)));
    std::size_t fits =
        descriptors > descriptor_reserve + 16 ? descriptors - descriptor_reserve : 16;
    std::size_t budget = fits;
    if (config.max_connections > 0) {
        budget = static_cast<std::size_t>(config.max_connections);
        if (budget > fits) {
            spdlog::warn(
                "event=max_connections_above_descriptor_limit max_connections={} "
                "descriptors={}",
                budget, descriptors);
        }
    }
    spdlog::info("event=connection_limits descriptors={} max_connections={} per_address={}",
                 descriptors, budget, config.connections_per_address);
    return budget;
}

}  // namespace

// One WebSocket connection: a reader loop in the session coroutine and a writer coroutine
// that drains the outbox, so the hub can deliver from any thread without waiting.
class ws_connection final : public chat::link, public std::enable_shared_from_this<ws_connection> {
  public:
    explicit ws_connection(websocket::stream<beast::tcp_stream> ws)
        : ws_(std::move(ws)), wake_(ws_.get_executor()) {}

    void deliver(chat::frame_ptr frame) override {
        asio::post(ws_.get_executor(), [self = shared_from_this(), f = std::move(frame)]() mutable {
            self->queue(std::move(f));
        });
    }

    void deliver(const chat::deferred_ptr& frame) override {
        // Made here, on this connection's strand, in its place among the others.
        asio::post(ws_.get_executor(), [self = shared_from_this(), frame] {
            if (!self->done_) self->queue(frame->get());
        });
    }

    void close(std::uint16_t code, std::string reason) override {
        asio::post(ws_.get_executor(), [self = shared_from_this(), code, r = std::move(reason)] {
            if (self->done_ || self->close_with_) return;
            self->close_with_ = {code, r};
            self->wake_.cancel();
        });
    }

    websocket::stream<beast::tcp_stream>& socket() { return ws_; }

    awaitable<void> write_loop() {
        auto self = shared_from_this();
        while (!done_) {
            if (!outbox_.empty()) {
                chat::frame_ptr frame = std::move(outbox_.front());
                outbox_.pop_front();
                outbox_bytes_ -= frame->size();
                ws_.text(true);
                auto [ec, n] = co_await ws_.async_write(asio::buffer(*frame), as_tuple);
                if (ec) break;
            } else if (close_with_) {
                websocket::close_reason why;
                why.code = close_with_->code;
                why.reason = close_with_->reason;
                co_await ws_.async_close(why, as_tuple);
                break;
            } else {
                wake_.expires_at(asio::steady_timer::time_point::max());
                co_await wake_.async_wait(as_tuple);
            }
        }
        done_ = true;
    }

    /// Feeds frames to the session until the connection ends.
    template <class Session>
    awaitable<void> read_loop(Session& session) {
        beast::flat_buffer buffer;
        for (;;) {
            auto [ec, n] = co_await ws_.async_read(buffer, as_tuple);
            if (ec) break;
            last_frame_ = std::chrono::steady_clock::now();
            try {
                if (ws_.got_text()) {
                    session.on_frame(beast::buffers_to_string(buffer.data()));
                } else {
                    session.on_binary();
                }
            } catch (const std::exception& e) {
                // The hub must still forget this connection: leave the loop, not the function.
                spdlog::error("event=frame_failed detail=\"{}\"", e.what());
                break;
            }
            buffer.consume(buffer.size());
        }
        done_ = true;
        wake_.cancel();
        session.on_close();
    }

    bool done() const { return done_; }
    std::chrono::steady_clock::time_point last_frame() const { return last_frame_; }

  private:
    void queue(chat::frame_ptr f) {
        if (done_) return;
        if (outbox_bytes_ + f->size() > outbox_limit_bytes) {
            // A client that reads nothing must not make the server hold unbounded memory,
            // and cannot be sent a close frame either: drop the connection.
            outbox_.clear();
            outbox_bytes_ = 0;
            done_ = true;
            beast::error_code ignored;
            beast::get_lowest_layer(ws_).socket().close(ignored);
        } else {
            outbox_bytes_ += f->size();
            outbox_.push_back(std::move(f));
        }
        wake_.cancel();
    }

    struct close_request {
        std::uint16_t code;
        std::string reason;
    };
    websocket::stream<beast::tcp_stream> ws_;
    asio::steady_timer wake_;
    std::deque<chat::frame_ptr> outbox_;
    std::size_t outbox_bytes_ = 0;
    std::optional<close_request> close_with_;
    bool done_ = false;
    std::chrono::steady_clock::time_point last_frame_{};
};

struct server::impl {
    services s;
    // Declared before the io_context: connection frames hold tickets and die with it.
    admission_limits connections;
    admission_limits hashing_slots{hashing_queue, hashing_per_address};
    asio::io_context ioc;
    asio::thread_pool blocking{4};
    asio::thread_pool hashing{1};
    std::atomic<int> lingering_turned_away{0};
    std::mutex live_mutex;
    std::map<const ws_connection*, std::weak_ptr<ws_connection>> live;

    explicit impl(services svc)
        : s(std::move(svc)),
          connections(connection_budget(s.config),
                      static_cast<std::size_t>(s.config.connections_per_address)),
          ioc(s.config.threads > 0 ? s.config.threads
                                   : static_cast<int>(std::thread::hardware_concurrency())) {}

    // Runs `fn` on `pool` and resumes the caller on its own executor. `fn` must capture only
    // references and scalars: g++ 12 may destroy a temporary passed into a co_await
    // expression twice (GCC PR 99576), harmless only for trivial destructors.
    template <class Fn>
    static awaitable<std::invoke_result_t<Fn>> call(Fn fn) {
        co_return fn();
    }
    template <class Fn>
    awaitable<std::invoke_result_t<Fn>> on(asio::thread_pool& pool, Fn fn) {
        auto task = asio::co_spawn(pool, call(std::move(fn)), use_awaitable);
        co_return co_await std::move(task);
    }
    template <class Fn>
    awaitable<std::invoke_result_t<Fn>> on_pool(Fn fn) {
        co_return co_await on(blocking, std::move(fn));
    }

    bool trusted_proxy(std::string_view address) const {
        const auto& ranges = s.config.trusted_proxies;
        return std::any_of(ranges.begin(), ranges.end(),
                           [&](const core::address_range& r) { return r.contains(address); });
    }

    awaitable<void> listen(tcp::acceptor& acceptor) {
        asio::steady_timer pause(ioc);
        auto backoff = std::chrono::steady_clock::duration(accept_backoff_first);
        std::size_t failures = 0;
        auto last_logged = std::chrono::steady_clock::time_point{};
        for (;;) {
            auto strand = asio::make_strand(ioc);  // a named local: see `on`
            auto [ec, socket] = co_await acceptor.async_accept(strand, as_tuple);
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) {
                // Out of descriptors, typically: wait for connections to end instead of
                // spinning, and say so once per interval rather than once per try.
                ++failures;
                auto now = std::chrono::steady_clock::now();
                if (now - last_logged >= accept_log_interval) {
                    spdlog::warn("event=accept_failed count={} detail=\"{}\"", failures,
                                 ec.message());
                    failures = 0;
                    last_logged = now;
                }
                pause.expires_after(backoff);
                co_await pause.async_wait(as_tuple);
                backoff =
                    std::min<std::chrono::steady_clock::duration>(backoff * 2, accept_backoff_most);
                continue;
            }
            backoff = accept_backoff_first;
            // Frames are small and each one is awaited: Nagle's algorithm would hold an
            // acknowledgement back until the peer's delayed ACK (about 40 ms).
            beast::error_code nodelay_ec;
            socket.set_option(tcp::no_delay(true), nodelay_ec);
            beast::error_code peer_ec;
            auto endpoint = socket.remote_endpoint(peer_ec);
            std::string peer = peer_ec ? std::string() : endpoint.address().to_string();
            // A trusted proxy carries many clients: only the total applies to it.
            admission_limits::ticket ticket;
            auto verdict = connections.admit(trusted_proxy(peer) ? std::string() : peer, ticket);
            auto ex = socket.get_executor();
            beast::tcp_stream stream(std::move(socket));
            if (verdict == admission_limits::verdict::admitted) {
                asio::co_spawn(ex, session(std::move(stream), std::move(ticket), std::move(peer)),
                               log_failure);
            } else {
                asio::co_spawn(ex, turn_away(std::move(stream), verdict), log_failure);
            }
        }
    }

    static void log_failure(const std::exception_ptr& e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            spdlog::error("event=connection_failed detail=\"{}\"", x.what());
        }
    }

    awaitable<void> turn_away(beast::tcp_stream stream, admission_limits::verdict verdict) {
        stream.expires_after(refusal_timeout);
        bool may_linger = ++lingering_turned_away <= most_lingering_turned_away;
        co_await refuse(stream, 503,
                        verdict == admission_limits::verdict::too_many_from_address
                            ? "too many open connections from your network; try again shortly"
                            : "the server is at its connection limit; try again shortly",
                        may_linger ? turned_away_linger_time : std::chrono::milliseconds(0));
        --lingering_turned_away;
    }

    // Answers a request we will not serve, then the caller closes. Arguments are trivially
    // destructible on purpose: see `on` about g++ 12 and co_await temporaries.
    awaitable<void> refuse(beast::tcp_stream& stream, int status, std::string_view message,
                           std::chrono::milliseconds linger_for = linger_time) const {
        auto r = http::error_response({code_for_status(status), std::string(message)});
        r.status = status;
        if (status == 503) {
            r.set("Retry-After", std::to_string(busy_retry_after.count()));
        } else if (status == 426) {
            r.set("Sec-WebSocket-Version", "13");  // RFC 6455 §4.4: the version we speak
        }
        s.router.finish(r);
        auto out = to_beast(std::move(r), 11, false, false);
        auto [ec, n] = co_await bhttp::async_write(stream, out, as_tuple);
        if (!ec) co_await linger(stream, linger_for);
    }

    // A refused client may still be sending; closing with unread bytes would reset the
    // connection and could destroy our answer before it is read. Discard for a moment first.
    static awaitable<void> linger(beast::tcp_stream& stream, std::chrono::milliseconds how_long) {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        if (how_long.count() == 0) co_return;
        stream.expires_after(how_long);
        std::array<char, 2048> sink;
        for (std::size_t total = 0; total < linger_bytes;) {
            auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), as_tuple);
            if (ec) break;
            total += n;
        }
    }

    struct closed {};
    using next_request = std::variant<closed, refusal, beast_request>;

    // Reads until `reader` has a whole request or a refusal, or the peer goes away.
    static awaitable<next_request> read_request(beast::tcp_stream& stream, request_reader& reader) {
        for (;;) {
            auto got = reader.next();
            if (auto* req = std::get_if<beast_request>(&got)) co_return std::move(*req);
            if (auto* no = std::get_if<refusal>(&got)) co_return std::move(*no);
            auto space = reader.buffer().prepare(reader.room());
            auto [ec, n] = co_await stream.async_read_some(space, as_tuple);
            // End of stream, timeout, reset: the peer is gone; nothing to answer.
            if (ec) co_return closed{};
            reader.buffer().commit(n);
        }
    }

    // `place` counts this connection against the limits until the coroutine ends.
    awaitable<void> session(beast::tcp_stream stream,
                            [[maybe_unused]] admission_limits::ticket place, std::string peer) {
        request_reader reader;
        for (;;) {
            stream.expires_after(request_timeout);
            auto next = co_await read_request(stream, reader);
            if (std::holds_alternative<closed>(next)) break;
            if (auto* no = std::get_if<refusal>(&next)) {
                co_await refuse(stream, no->status, no->message);
                break;
            }
            auto& req = std::get<beast_request>(next);
            auto plain = to_plain_request(req);
            plain.client_address = core::client_address(peer, plain.header("x-forwarded-for"),
                                                        s.config.trusted_proxies);
            if (websocket::is_upgrade(req)) {
                stream.expires_never();
                co_await upgrade(stream, req, plain);
                co_return;
            }
            http::response r = co_await respond(plain);
            s.router.finish(r);
            bool keep_alive = req.keep_alive();
            auto out = to_beast(std::move(r), req.version(), keep_alive,
                                req.method() == bhttp::verb::head);
            auto [wec, wn] = co_await bhttp::async_write(stream, out, as_tuple);
            if (wec || !keep_alive) break;
        }
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    awaitable<http::response> respond(http::request& plain) {
        try {
            if (!http::router::hashes_password(plain)) {
                co_return co_await on_pool([this, &plain] { return s.router.handle(plain); });
            }
            admission_limits::ticket slot;
            if (hashing_slots.admit(plain.client_address, slot) !=
                admission_limits::verdict::admitted) {
                auto r =
                    http::error_response({core::errc::unavailable,
                                          "too many sign-ins at once; try again in a few seconds"});
                r.set("Retry-After", std::to_string(busy_retry_after.count()));
                co_return r;
            }
            co_return co_await on(hashing, [this, &plain] { return s.router.handle(plain); });
        } catch (const std::exception& e) {
            spdlog::error("event=request_failed detail=\"{}\"", e.what());
        }
        co_return http::error_response(
            {core::errc::internal, "the server failed; please try again"});
    }

    // Takes references: the caller's frame outlives this call (see `on` on temporaries).
    awaitable<void> upgrade(beast::tcp_stream& stream, beast_request& req, http::request& plain) {
        auto path = plain.path();
        std::string expected = s.router.expected_origin(plain);
        auto origin = plain.header("origin");
        bool staff = path == "/ws/staff";
        if (path != "/ws/visitor" && !staff) {
            co_await refuse(stream, 404, "no WebSocket endpoint at this path");
            co_return;
        }
        // Browsers always send Origin; a page on another site must not drive our sockets.
        if ((staff || !origin.empty()) && origin != expected) {
            co_await refuse(stream, 403, "WebSocket connections from another site are refused");
            co_return;
        }
        if (auto problem = websocket_handshake_problem(plain)) {
            co_await refuse(stream, problem->status, problem->message);
            co_return;
        }
        std::optional<http::staff_identity> identity;
        if (staff) {
            auto who = co_await on_pool([this, &plain] { return s.staff.identify(plain, true); });
            if (!who) {
                std::string why = who.error().message;
                co_await refuse(stream, 401, why);
                co_return;
            }
            identity = std::move(*who);
        }
        // The address stops here: only its salted hash travels on.
        std::string network_key = s.salt.key_for(plain.client_address);

        websocket::stream<beast::tcp_stream> ws(std::move(stream));
        ws.set_option(websocket::stream_base::timeout{std::chrono::seconds(30),
                                                      std::chrono::seconds(60), true});
        ws.read_message_max(frame_limit);
        ws.set_option(websocket::stream_base::decorator(
            [headers = s.router.security_headers()](websocket::response_type& res) {
                res.set(bhttp::field::server, "safeconnect");
                for (const auto& [name, value] : headers) res.set(name, value);
            }));
        auto [aec] = co_await ws.async_accept(req, as_tuple);
        if (aec) co_return;
        auto conn = std::make_shared<ws_connection>(std::move(ws));
        {
            std::lock_guard lock(live_mutex);
            live.emplace(conn.get(), conn);
        }
        asio::co_spawn(conn->socket().get_executor(), conn->write_loop(), asio::detached);
        if (identity) {  // set exactly for the staff endpoint
            chat::staff_session session(s.hub, s.clock, conn, identity->who, identity->csrf_token,
                                        identity->session_id);
            asio::co_spawn(conn->socket().get_executor(), watch_staff_session(conn, plain),
                           asio::detached);
            co_await conn->read_loop(session);
        } else {
            chat::visitor_session session(s.hub, s.clock, conn, std::move(network_key));
            co_await conn->read_loop(session);
        }
        std::lock_guard lock(live_mutex);
        live.erase(conn.get());
    }

    // Background work (purge, traffic counts) once at start and then every minute.
    awaitable<void> tick_every_minute() {
        asio::steady_timer timer(ioc);
        for (;;) {
            s.every_minute();
            timer.expires_after(std::chrono::minutes(1));
            auto [ec] = co_await timer.async_wait(as_tuple);
            if (ec) co_return;
        }
    }

    // An open console ends when its session does: expiry, or an end this process is not told
    // of (`user disable` on the command line, another process). Sign-out and disabling through
    // the API close consoles at once (hub::disconnect_session, disconnect_staff).
    awaitable<void> watch_staff_session(std::shared_ptr<ws_connection> conn, http::request req) {
        asio::steady_timer timer(conn->socket().get_executor());
        const std::chrono::seconds interval(s.config.staff_console_check_seconds);
        while (!conn->done()) {
            timer.expires_after(interval);
            co_await timer.async_wait(as_tuple);
            if (conn->done()) break;
            // A frame since the last check is use of the session: it restarts the idle clock.
            bool active = std::chrono::steady_clock::now() - conn->last_frame() < interval;
            // A store that cannot answer now says nothing about the session: ask again next time.
            std::optional<core::result<http::staff_identity>> who;
            try {
                who = co_await on_pool(
                    [this, &req, active] { return s.staff.identify(req, active); });
            } catch (const store::store_error& e) {
                spdlog::warn("event=console_check_failed detail=\"{}\"", e.what());
                continue;
            }
            if (!*who) {
                conn->close(chat::close_status::signed_out,
                            "your session has ended; sign in again");
            }
        }
    }

    // Tells every open socket the server is going away (close code 1001, after which clients
    // reconnect and resume), waits briefly for them to close, then stops the loop.
    awaitable<void> shut_down(tcp::acceptor& acceptor) {
        beast::error_code ignored;
        acceptor.close(ignored);
        {
            std::lock_guard lock(live_mutex);
            for (auto& [key, weak] : live) {
                if (auto conn = weak.lock()) conn->close(1001, "the server is restarting");
            }
        }
        asio::steady_timer timer(ioc);
        auto deadline = std::chrono::steady_clock::now() + shutdown_grace;
        while (std::chrono::steady_clock::now() < deadline) {
            {
                std::lock_guard lock(live_mutex);
                if (live.empty()) break;
            }
            timer.expires_after(std::chrono::milliseconds(20));
            co_await timer.async_wait(as_tuple);
        }
        ioc.stop();
    }

    // One handler's exception must not end the process: log it and keep the loop going.
    void run_loop() {
        for (;;) {
            try {
                ioc.run();
                return;
            } catch (const std::exception& e) {
                spdlog::error("event=handler_failed detail=\"{}\"", e.what());
            }
        }
    }
};

server::server(services s) : impl_(std::make_unique<impl>(std::move(s))) {}

server::~server() = default;

void server::run() {
    auto& i = *impl_;
    auto address = asio::ip::make_address(i.s.config.listen_host);
    // On a strand: the accept loop and the shutdown both use it, from any network thread.
    tcp::acceptor acceptor(asio::make_strand(i.ioc), {address, i.s.config.listen_port});
    auto port = acceptor.local_endpoint().port();
    spdlog::info("event=listening host={} port={}", i.s.config.listen_host, port);
    asio::co_spawn(acceptor.get_executor(), i.listen(acceptor), asio::detached);

    if (i.s.every_minute) {
        asio::co_spawn(i.ioc, i.tick_every_minute(), asio::detached);
    }

    asio::signal_set signals(i.ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        spdlog::info("event=shutting_down");
        asio::co_spawn(acceptor.get_executor(), i.shut_down(acceptor), asio::detached);
    });

    std::vector<std::thread> threads;
    int n = i.s.config.threads > 0
                ? i.s.config.threads
                : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    for (int t = 1; t < n; ++t) threads.emplace_back([&] { i.run_loop(); });
    i.run_loop();
    for (auto& t : threads) t.join();
    i.blocking.join();
    i.hashing.join();
}

}  // namespace sc::net
