#include "net/server.hpp"

#include "chat/staff_session.hpp"
#include "chat/visitor_session.hpp"
#include "core/log.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast.hpp>

#include <deque>
#include <thread>
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

constexpr std::size_t header_limit = 8 * 1024;
constexpr std::size_t body_limit = 64 * 1024;
constexpr std::size_t frame_limit = 64 * 1024;
constexpr std::size_t outbox_limit_bytes = 8 * 1024 * 1024;
constexpr auto request_timeout = std::chrono::seconds(30);
constexpr auto session_check_interval = std::chrono::seconds(60);

http::request to_request(const bhttp::request<bhttp::string_body>& in) {
    http::request out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    for (const auto& field : in) {
        std::string name(field.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        out.headers[name] = std::string(field.value());
    }
    out.body = in.body();
    return out;
}

bhttp::response<bhttp::string_body> to_beast(http::response&& in, unsigned version,
                                             bool keep_alive, bool head) {
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(in.status), version};
    for (auto& [k, v] : in.headers) out.insert(k, v);
    auto size = in.body.size();
    bool bodyless = in.status == 204 || in.status == 304;
    if (!head && !bodyless) out.body() = std::move(in.body);
    if (!bodyless) out.content_length(size);
    out.keep_alive(keep_alive);
    return out;
}

}  // namespace

// One WebSocket connection: a reader loop in the session coroutine and a writer coroutine
// that drains the outbox, so the hub can deliver from any thread without waiting.
class ws_connection final : public chat::link, public std::enable_shared_from_this<ws_connection> {
public:
    explicit ws_connection(websocket::stream<beast::tcp_stream> ws)
        : ws_(std::move(ws)), wake_(ws_.get_executor()) {}

    void deliver(std::string frame) override {
        asio::post(ws_.get_executor(), [self = shared_from_this(), f = std::move(frame)]() mutable {
            if (self->done_) return;
            if (self->outbox_bytes_ + f.size() > outbox_limit_bytes) {
                // A client that reads nothing must not make the server hold unbounded memory,
                // and cannot be sent a close frame either: drop the connection.
                self->outbox_.clear();
                self->outbox_bytes_ = 0;
                self->done_ = true;
                beast::error_code ignored;
                beast::get_lowest_layer(self->ws_).socket().close(ignored);
            } else {
                self->outbox_bytes_ += f.size();
                self->outbox_.push_back(std::move(f));
            }
            self->wake_.cancel();
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
                std::string frame = std::move(outbox_.front());
                outbox_.pop_front();
                outbox_bytes_ -= frame.size();
                ws_.text(true);
                auto [ec, n] = co_await ws_.async_write(asio::buffer(frame), as_tuple);
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
    struct close_request {
        std::uint16_t code;
        std::string reason;
    };
    websocket::stream<beast::tcp_stream> ws_;
    asio::steady_timer wake_;
    std::deque<std::string> outbox_;
    std::size_t outbox_bytes_ = 0;
    std::optional<close_request> close_with_;
    bool done_ = false;
    std::chrono::steady_clock::time_point last_frame_{};
};

struct server::impl {
    services s;
    asio::io_context ioc;
    asio::thread_pool blocking{4};

    explicit impl(services svc)
        : s(svc), ioc(s.config.threads > 0 ? s.config.threads
                                           : static_cast<int>(std::thread::hardware_concurrency())) {}

    // Runs `fn` on the blocking pool and resumes the caller on its own executor. `fn` must
    // capture only references and scalars: g++ 12 may destroy a temporary passed into a
    // co_await expression twice (GCC PR 99576), harmless only for trivial destructors.
    template <class Fn>
    static awaitable<std::invoke_result_t<Fn>> call(Fn fn) {
        co_return fn();
    }
    template <class Fn>
    awaitable<std::invoke_result_t<Fn>> on_pool(Fn fn) {
        auto task = asio::co_spawn(blocking, call(std::move(fn)), use_awaitable);
        co_return co_await std::move(task);
    }

    awaitable<void> listen(tcp::acceptor acceptor) {
        for (;;) {
            auto strand = asio::make_strand(ioc);  // a named local: see on_pool
            auto [ec, socket] = co_await acceptor.async_accept(strand, as_tuple);
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) {
                spdlog::warn("event=accept_failed detail=\"{}\"", ec.message());
                continue;
            }
            auto ex = socket.get_executor();
            asio::co_spawn(ex, session(beast::tcp_stream(std::move(socket))),
                           [](std::exception_ptr e) {
                               if (!e) return;
                               try {
                                   std::rethrow_exception(e);
                               } catch (const std::exception& x) {
                                   spdlog::error("event=connection_failed detail=\"{}\"", x.what());
                               }
                           });
        }
    }

    // Answers a request we will not serve, then the caller closes. Arguments are trivially
    // destructible on purpose: see on_pool about g++ 12 and co_await temporaries.
    awaitable<void> refuse(beast::tcp_stream& stream, int status, core::errc code,
                           std::string_view message) {
        auto r = http::error_response({code, std::string(message)});
        r.status = status;
        s.router.finish(r);
        auto out = to_beast(std::move(r), 11, false, false);
        co_await bhttp::async_write(stream, out, as_tuple);
    }

    awaitable<void> session(beast::tcp_stream stream) {
        beast::flat_buffer buffer;
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(header_limit);
            parser.body_limit(body_limit);
            stream.expires_after(request_timeout);
            auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, as_tuple);
            if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
                ec == asio::error::connection_reset || ec == asio::error::eof) {
                break;
            }
            if (ec == bhttp::error::header_limit) {
                co_await refuse(stream, 431, core::errc::bad_request,
                                "request headers are larger than 8 KiB");
                break;
            }
            if (ec == bhttp::error::body_limit) {
                co_await refuse(stream, 413, core::errc::bad_request,
                                "request body is larger than 64 KiB");
                break;
            }
            if (ec) {
                std::string why = "malformed HTTP request: " + ec.message();
                co_await refuse(stream, 400, core::errc::bad_request, why);
                break;
            }
            auto req = parser.release();
            if (websocket::is_upgrade(req)) {
                stream.expires_never();
                co_await upgrade(stream, req);
                co_return;
            }
            auto plain = to_request(req);
            beast::error_code peer_ec;
            auto peer = stream.socket().remote_endpoint(peer_ec);
            if (!peer_ec) plain.client_address = peer.address().to_string();
            http::response r;
            try {
                r = co_await on_pool([this, &plain] { return s.router.handle(plain); });
            } catch (const std::exception& e) {
                spdlog::error("event=request_failed detail=\"{}\"", e.what());
                r = http::error_response({core::errc::internal, "the server failed; please try again"});
            }
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

    // Takes references: the caller's frame outlives this call (see on_pool on temporaries).
    awaitable<void> upgrade(beast::tcp_stream& stream, bhttp::request<bhttp::string_body>& req) {
        auto plain = to_request(req);
        auto path = plain.path();
        std::string expected = s.router.expected_origin(plain);
        auto origin = plain.header("origin");
        bool staff = path == "/ws/staff";
        if (path != "/ws/visitor" && !staff) {
            co_await refuse(stream, 404, core::errc::not_found, "no WebSocket endpoint at this path");
            co_return;
        }
        // Browsers always send Origin; a page on another site must not drive our sockets.
        if ((staff || !origin.empty()) && origin != expected) {
            co_await refuse(stream, 403, core::errc::forbidden,
                            "WebSocket connections from another site are refused");
            co_return;
        }
        std::optional<http::staff_identity> identity;
        if (staff) {
            auto who = co_await on_pool([this, &plain] { return s.staff.identify(plain, true); });
            if (!who) {
                std::string why = who.error().message;
                co_await refuse(stream, 401, core::errc::unauthenticated, why);
                co_return;
            }
            identity = std::move(*who);
        }
        beast::error_code ec;
        auto peer = stream.socket().remote_endpoint(ec);
        // The address stops here: only its salted hash travels on.
        std::string network_key = s.salt.key_for(ec ? std::string() : peer.address().to_string());

        websocket::stream<beast::tcp_stream> ws(std::move(stream));
        ws.set_option(websocket::stream_base::timeout{std::chrono::seconds(30),
                                                      std::chrono::seconds(60), true});
        ws.read_message_max(frame_limit);
        ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
            res.set(bhttp::field::server, "safeconnect");
        }));
        auto [aec] = co_await ws.async_accept(req, as_tuple);
        if (aec) co_return;
        auto conn = std::make_shared<ws_connection>(std::move(ws));
        asio::co_spawn(conn->socket().get_executor(), conn->write_loop(), asio::detached);
        if (staff) {
            chat::staff_session session(s.hub, s.clock, conn, identity->who, identity->csrf_token,
                                        identity->session_id);
            asio::co_spawn(conn->socket().get_executor(), watch_staff_session(conn, plain),
                           asio::detached);
            co_await conn->read_loop(session);
        } else {
            chat::visitor_session session(s.hub, s.clock, conn, std::move(network_key));
            co_await conn->read_loop(session);
        }
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

    // An open console ends when its session does (sign-out elsewhere, expiry, disabled).
    awaitable<void> watch_staff_session(std::shared_ptr<ws_connection> conn, http::request req) {
        asio::steady_timer timer(conn->socket().get_executor());
        while (!conn->done()) {
            timer.expires_after(session_check_interval);
            co_await timer.async_wait(as_tuple);
            if (conn->done()) break;
            bool active = std::chrono::steady_clock::now() - conn->last_frame() < session_check_interval;
            auto who = co_await on_pool([this, &req, active] { return s.staff.identify(req, active); });
            if (!who) conn->close(4401, "your session has ended; sign in again");
        }
    }
};

server::server(services s) : impl_(std::make_unique<impl>(s)) {}

server::~server() = default;

void server::run() {
    auto& i = *impl_;
    auto address = asio::ip::make_address(i.s.config.listen_host);
    tcp::acceptor acceptor(i.ioc, {address, i.s.config.listen_port});
    auto port = acceptor.local_endpoint().port();
    spdlog::info("event=listening host={} port={}", i.s.config.listen_host, port);
    auto acceptor_ex = acceptor.get_executor();
    asio::co_spawn(acceptor_ex, i.listen(std::move(acceptor)), asio::detached);

    if (i.s.every_minute) {
        asio::co_spawn(i.ioc, i.tick_every_minute(), asio::detached);
    }

    asio::signal_set signals(i.ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        spdlog::info("event=shutting_down");
        i.ioc.stop();
    });

    std::vector<std::thread> threads;
    int n = i.s.config.threads > 0 ? i.s.config.threads
                                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int t = 1; t < n; ++t) threads.emplace_back([&] { i.ioc.run(); });
    i.ioc.run();
    for (auto& t : threads) t.join();
    i.blocking.join();
}

}  // namespace sc::net
