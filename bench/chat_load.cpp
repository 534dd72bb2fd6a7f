// chat_load: a load generator for the live chat. It starts its own server on a free loopback
// port with a fresh data directory, signs coordinators in, connects anonymous visitors and
// measures the server's memory per connection, message latency in both directions and
// throughput, then stops the server and removes the directory.
//
// Everything runs on one io_context thread: the machine has two cores and the server needs
// the other one.
//
// Latency is one-way, from the moment the sender writes a frame (its text carries a steady
// clock stamp) to the moment the receiver's read completes, so it includes the server's
// fsync before delivery and any delay in the bench's own event loop. Both ends share a clock
// because both are in this process.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace json = boost::json;
namespace fs = std::filesystem;
using asio::awaitable;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable);

constexpr auto network_timeout = std::chrono::seconds(30);
constexpr auto console_settle_time = std::chrono::seconds(1);
constexpr auto idle_settle_time = std::chrono::seconds(2);
constexpr auto quiet_period = std::chrono::seconds(1);
constexpr auto memory_sample_interval = std::chrono::milliseconds(100);
constexpr auto server_stop_timeout = std::chrono::seconds(15);
// The server allows 10 frames a second with bursts of 20 per connection; stay under it with
// room for arrival jitter, or frames would be dropped as rate_limited.
constexpr double frames_per_second = 9.0;
constexpr double frame_burst = 16.0;
// Password hashing makes account creation and sign-in slow; two at a time fills two cores.
constexpr int setup_concurrency = 2;
constexpr std::size_t log_problems_kept = 20;

// The data directory is temporary, so fixed passwords are fine.
constexpr std::string_view admin_password = "chat-load-admin-password";
constexpr std::string_view staff_password = "chat-load-staff-password";

/// A reason to stop the run, with a message for the operator.
struct bench_failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------- options

struct options {
    int pairs = 100;
    int messages = 20;
    int chats_per_coordinator = 20;
    int timeout_s = 300;
    int start_batch = 0;  // visitors starting together; 0: all at once
    std::string server = SAFECONNECT_DEFAULT_SERVER;
    std::string server_log;  // where to copy the server's log, if anywhere
};

constexpr std::string_view usage =
    R"(usage: chat_load [--pairs N] [--messages M] [--chats-per-coordinator K] [--server PATH]
                 [--start-batch B] [--server-log FILE] [--timeout SECONDS]

Starts a Safe Connect server with a fresh data directory, opens N visitor chats served by
ceil(N/K) coordinators, exchanges M messages each way per chat, and reports latency,
throughput and the server's memory per connection.

  --pairs N                  visitor/coordinator chat pairs (default 100)
  --messages M               messages each way per chat (default 20)
  --chats-per-coordinator K  chats one coordinator holds, 1-20 (default 20)
  --start-batch B            start chats B at a time, each batch once the previous one
                             is accepted (default: all at once)
  --server PATH              server binary (default )" SAFECONNECT_DEFAULT_SERVER R"()
  --server-log FILE          copy the server's log (info level) to FILE
  --timeout SECONDS          give up when one phase (setup, chat start, exchange, …)
                             takes longer (default 300)
  --help                     this text
)";

int parse_count(std::string_view flag, std::string_view text, int low, int high) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < low || value > high) {
        throw std::invalid_argument(std::string(flag) + " must be a whole number from " +
                                    std::to_string(low) + " to " + std::to_string(high));
    }
    return value;
}

/// The options, or nothing when --help was asked for. Throws std::invalid_argument.
std::optional<options> parse_options(int argc, char** argv) {
    options out;
    for (int i = 1; i < argc; ++i) {
        std::string_view flag = argv[i];
        if (flag == "--help" || flag == "-h") return std::nullopt;
        if (i + 1 >= argc)
            throw std::invalid_argument("unknown option or missing value: " + std::string(flag));
        std::string_view value = argv[++i];
        if (flag == "--pairs") {
            out.pairs = parse_count(flag, value, 1, 100000);
        } else if (flag == "--messages") {
            out.messages = parse_count(flag, value, 1, 100000);
        } else if (flag == "--chats-per-coordinator") {
            out.chats_per_coordinator = parse_count(flag, value, 1, 20);
        } else if (flag == "--server") {
            out.server = value;
        } else if (flag == "--start-batch") {
            out.start_batch = parse_count(flag, value, 1, 100000);
        } else if (flag == "--timeout") {
            out.timeout_s = parse_count(flag, value, 1, 86400);
        } else if (flag == "--server-log") {
            out.server_log = value;
        } else {
            throw std::invalid_argument("unknown option: " + std::string(flag));
        }
    }
    return out;
}

// ---------------------------------------------------------------- small helpers

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
        .count();
}

double seconds_between(steady::time_point from, steady::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

std::string one_decimal(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

/// Message text carrying the moment it was written, so the receiver can time it.
std::string stamped_text(std::string_view label) {
    return std::string(label) + " sent_ns=" + std::to_string(now_ns());
}

/// Milliseconds since the stamp in `text`, if it has one.
std::optional<double> age_ms(std::string_view text, steady::time_point received) {
    constexpr std::string_view key = "sent_ns=";
    auto at = text.find(key);
    if (at == std::string_view::npos) return std::nullopt;
    std::int64_t sent = 0;
    auto digits = text.substr(at + key.size());
    if (std::from_chars(digits.data(), digits.data() + digits.size(), sent).ec != std::errc{}) {
        return std::nullopt;
    }
    auto received_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(received.time_since_epoch()).count();
    return static_cast<double>(received_ns - sent) / 1e6;
}

// The server writes "type" first. Reading it without a full parse keeps the flood of queue
// updates cheap; an empty result means "parse to find out".
std::string_view peek_type(std::string_view frame) {
    constexpr std::string_view prefix = R"({"type":")";
    if (!frame.starts_with(prefix)) return {};
    auto end = frame.find('"', prefix.size());
    if (end == std::string_view::npos) return {};
    return frame.substr(prefix.size(), end - prefix.size());
}

json::object parse_object(std::string_view text) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec || !value.is_object()) throw std::runtime_error("not a JSON object");
    return std::move(value.as_object());
}

std::string_view string_field(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

std::string shorten(std::string_view text, std::size_t limit = 200) {
    return text.size() <= limit ? std::string(text) : std::string(text.substr(0, limit)) + "…";
}

/// "p50 / p90 / p99 / max" of a sample, by nearest rank.
struct latency_summary {
    double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

latency_summary summarize(std::vector<double> ms) {
    if (ms.empty()) return {};
    std::sort(ms.begin(), ms.end());
    auto rank = [&](double p) {
        auto i = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(ms.size())));
        return ms[std::clamp<std::size_t>(i, 1, ms.size()) - 1];
    };
    return {rank(50), rank(90), rank(99), ms.back()};
}

/// Resident set size (or its high-water mark) of a process in KiB, from /proc.
long proc_status_kib(pid_t pid, std::string_view field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
            return std::stol(line.substr(field.size() + 1));
        }
    }
    return 0;
}

/// User plus system CPU time of a process, from /proc; 0 if it cannot be read.
double process_cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto after_name = stat.rfind(')');  // the name may hold spaces
    if (after_name == std::string::npos) return 0;
    std::istringstream fields(stat.substr(after_name + 2));
    std::string field;
    double ticks = 0;
    // Fields 14 and 15 of proc(5); the first one here is field 3.
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i >= 14) ticks += std::stod(field);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
    rusage used{};
    getrusage(RUSAGE_SELF, &used);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(used.ru_utime) + seconds(used.ru_stime);
}

// 1000 pairs need over 2000 sockets on each side; the server inherits the raised limit.
void raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// ---------------------------------------------------------------- child processes

struct pipe_ends {
    int read = -1;
    int write = -1;
};

pipe_ends make_pipe() {
    int fds[2];
    // Close-on-exec so no other child keeps the pipe open; dup2 into a child clears it.
    if (pipe2(fds, O_CLOEXEC) != 0)
        throw bench_failure(std::string("pipe: ") + std::strerror(errno));
    return {fds[0], fds[1]};
}

std::string describe_exit(int status) {
    if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        return "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")" +
               (WCOREDUMP(status) ? ", core dumped" : "");
    }
    return "status " + std::to_string(status);
}

/// The bench's environment without any SAFECONNECT_ setting, plus `settings`.
std::vector<std::string> child_environment(const std::vector<std::string>& settings) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        if (!std::string_view(*e).starts_with("SAFECONNECT_")) env.emplace_back(*e);
    }
    env.insert(env.end(), settings.begin(), settings.end());
    return env;
}

/// Starts a program with stdin, stdout and stderr on the given descriptors (-1: /dev/null).
pid_t spawn_process(const std::vector<std::string>& args, const std::vector<std::string>& env,
                    std::array<int, 3> stdio) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (int target = 0; target < 3; ++target) {
        int fd = stdio[static_cast<std::size_t>(target)];
        if (fd < 0) {
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0);
        } else {
            posix_spawn_file_actions_adddup2(&actions, fd, target);
        }
    }
    // The bench ignores SIGPIPE; its children must get the default back.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);

    auto to_c = [](const std::vector<std::string>& v) {
        std::vector<char*> out;
        out.reserve(v.size() + 1);
        for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
        out.push_back(nullptr);
        return out;
    };
    auto c_args = to_c(args);
    auto c_env = to_c(env);
    pid_t pid = 0;
    int err =
        posix_spawn(&pid, args[0].c_str(), &actions, &attributes, c_args.data(), c_env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (err != 0) throw bench_failure("cannot start " + args[0] + ": " + std::strerror(err));
    return pid;
}

// ---------------------------------------------------------------- progress

/// Where the run stands, shared by every coroutine on the one thread. It works as a condition
/// variable: waiters re-check their condition after each notify(). A failure anywhere wakes
/// the waiters, who throw it, so the main flow goes straight to shutting the server down.
class progress {
  public:
    explicit progress(const asio::any_io_executor& ex)
        : ex_(ex), wake_(ex, steady::time_point::max()) {}

    void notify() { wake_.cancel(); }

    /// Records the first failure; ignored once shutting down, when connections drop anyway.
    void fail(std::string why) {
        if (stopping_ || failure_) return;
        failure_ = std::move(why);
        failed_at_ = steady::now();
        notify();
    }

    const std::optional<std::string>& failure() const { return failure_; }
    steady::time_point failed_at() const { return failed_at_; }
    bool stopping() const { return stopping_; }
    void begin_shutdown() { stopping_ = true; }

    void set_phase(std::string phase) { phase_ = std::move(phase); }
    const std::string& phase() const { return phase_; }

    /// Waits until `done()` holds; throws the run's failure if one comes first.
    template <class Pred>
    awaitable<void> wait_until(Pred done) {
        for (;;) {
            if (failure_ && !stopping_) throw bench_failure(*failure_);
            if (done()) co_return;
            co_await wake_.async_wait(as_tuple);
        }
    }

    /// Like wait_until but gives up after `limit`; says whether `done()` holds.
    template <class Pred>
    awaitable<bool> wait_until(Pred done, steady::duration limit) {
        auto deadline = steady::now() + limit;
        asio::steady_timer alarm(ex_, deadline);
        alarm.async_wait([this](boost::system::error_code) { notify(); });
        co_await wait_until([&] { return done() || steady::now() >= deadline; });
        co_return done();
    }

    awaitable<void> pause(steady::duration d) {
        co_await wait_until([] { return false; }, d);
    }

  private:
    asio::any_io_executor ex_;
    asio::steady_timer wake_;
    std::optional<std::string> failure_;
    steady::time_point failed_at_{};
    bool stopping_ = false;
    std::string phase_ = "starting";
};

/// Reports an exception that escapes a spawned coroutine as the run's failure.
auto fail_on_exception(progress& p, std::string who) {
    return [&p, who = std::move(who)](const std::exception_ptr& e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            p.fail(who + ": " + x.what());
        }
    };
}

// ---------------------------------------------------------------- the server process

/// The server under test: started with a fresh data directory, its log read for the port and
/// for problems, its exit watched.
class server_process {
  public:
    server_process(asio::io_context& ioc, progress& p)
        : ioc_(ioc), progress_(p), log_(ioc), exit_(ioc) {}

    /// Starts the server and waits until it listens.
    awaitable<void> start(const std::string& binary, const std::vector<std::string>& env,
                          const std::string& log_copy) {
        if (!log_copy.empty()) {
            log_copy_.open(log_copy);
            if (!log_copy_) throw bench_failure("cannot write " + log_copy);
        }
        auto log_pipe = make_pipe();
        std::vector<std::string> args{binary, "serve"};
        try {
            pid_ = spawn_process(args, env, {-1, -1, log_pipe.write});
        } catch (...) {
            close(log_pipe.read);
            close(log_pipe.write);
            throw;
        }
        close(log_pipe.write);
        log_.assign(log_pipe.read);
        int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
        if (pidfd < 0) throw bench_failure(std::string("pidfd_open: ") + std::strerror(errno));
        exit_.assign(pidfd);
        asio::co_spawn(ioc_, read_log(), fail_on_exception(progress_, "server log"));
        asio::co_spawn(ioc_, watch_exit(), fail_on_exception(progress_, "server watch"));
        co_await progress_.wait_until([this] { return port_ != 0 || exit_status_; });
        if (port_ == 0)
            throw bench_failure("the server did not start (" + describe_exit(*exit_status_) + ")");
    }

    /// SIGTERM, then SIGKILL if it has not stopped in time; waits for its log to end.
    awaitable<void> stop() {
        if (pid_ <= 0 || exit_status_) co_return;
        // Its death may not have been noticed yet when the dropped connections were.
        siginfo_t info{};
        if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid == pid_) {
            exited_on_its_own_ = true;
        } else {
            stop_requested_ = true;
            kill(pid_, SIGTERM);
        }
        if (!co_await progress_.wait_until([this] { return exit_status_.has_value(); },
                                           server_stop_timeout)) {
            stop_problem_ = "did not stop within 15 s of SIGTERM; killed";
            kill(pid_, SIGKILL);
            co_await progress_.wait_until([this] { return exit_status_.has_value(); },
                                          server_stop_timeout);
        }
        co_await progress_.wait_until([this] { return log_ended_; }, server_stop_timeout);
    }

    pid_t pid() const { return pid_; }
    unsigned short port() const { return port_; }
    long rss_kib() const { return proc_status_kib(pid_, "VmRSS"); }
    long peak_rss_kib() const { return proc_status_kib(pid_, "VmHWM"); }
    const std::optional<int>& exit_status() const { return exit_status_; }
    bool exited_on_its_own() const { return exited_on_its_own_; }
    const std::string& stop_problem() const { return stop_problem_; }
    /// Warnings, errors and anything unexpected it logged (the first few) and how many.
    const std::vector<std::string>& log_problems() const { return log_problems_; }
    std::size_t log_problem_count() const { return log_problem_count_; }

  private:
    awaitable<void> read_log() {
        std::string buffer;
        for (;;) {
            auto [ec, n] =
                co_await asio::async_read_until(log_, asio::dynamic_buffer(buffer), '\n', as_tuple);
            if (ec) break;
            on_log_line(std::string_view(buffer).substr(0, n - 1));
            buffer.erase(0, n);
        }
        log_ended_ = true;
        progress_.notify();
    }

    // Lines look like "2026-11-29T07:56:27.849Z info event=listening host=… port=N".
    void on_log_line(std::string_view line) {
        if (log_copy_.is_open()) log_copy_ << line << std::endl;  // readable while running
        if (!progress_.stopping() && line.find("event=shutting_down") != std::string_view::npos) {
            progress_.fail(
                "the server logged event=shutting_down: a SIGINT or SIGTERM from outside the "
                "bench");
        }
        if (port_ == 0 && line.find("event=listening") != std::string_view::npos) {
            auto at = line.find("port=");
            if (at != std::string_view::npos) {
                auto digits = line.substr(at + 5);
                std::from_chars(digits.data(), digits.data() + digits.size(), port_);
                progress_.notify();
            }
        }
        auto level_at = line.find(' ');
        auto level = level_at == std::string_view::npos
                         ? std::string_view()
                         : line.substr(level_at + 1, line.find(' ', level_at + 1) - level_at - 1);
        if (level == "info" || level == "debug" || level == "trace") return;
        if (log_problems_.size() < log_problems_kept) log_problems_.emplace_back(line);
        ++log_problem_count_;
    }

    awaitable<void> watch_exit() {
        co_await exit_.async_wait(asio::posix::stream_descriptor::wait_read, as_tuple);
        int status = 0;
        waitpid(pid_, &status, 0);
        exit_status_ = status;
        if (!stop_requested_) exited_on_its_own_ = true;
        progress_.fail("the server exited unexpectedly (" + describe_exit(status) + ")");
        progress_.notify();
    }

    asio::io_context& ioc_;
    progress& progress_;
    asio::posix::stream_descriptor log_;
    asio::posix::stream_descriptor exit_;  // a pidfd: readable once the process ends
    std::ofstream log_copy_;
    pid_t pid_ = -1;
    unsigned short port_ = 0;
    std::optional<int> exit_status_;
    bool exited_on_its_own_ = false;
    bool stop_requested_ = false;
    bool log_ended_ = false;
    std::string stop_problem_;
    std::vector<std::string> log_problems_;
    std::size_t log_problem_count_ = 0;
};

/// Runs a short command (the server's `user add`) with `input` on stdin; throws with its
/// output if it fails.
awaitable<void> run_command(const std::vector<std::string>& args,
                            const std::vector<std::string>& env, const std::string& input) {
    auto in = make_pipe();
    auto out = make_pipe();
    pid_t pid = -1;
    try {
        pid = spawn_process(args, env, {in.read, out.write, out.write});
    } catch (...) {
        for (int fd : {in.read, in.write, out.read, out.write}) close(fd);
        throw;
    }
    close(in.read);
    close(out.write);
    // A line of input fits in the pipe buffer, so this write does not block.
    [[maybe_unused]] auto written = write(in.write, input.data(), input.size());
    close(in.write);

    asio::posix::stream_descriptor output(co_await asio::this_coro::executor, out.read);
    std::string text;
    co_await asio::async_read(output, asio::dynamic_buffer(text), as_tuple);  // until EOF
    int status = 0;
    waitpid(pid, &status, 0);  // it has closed its output: it is exiting
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string command;
        for (const auto& a : args) command += (command.empty() ? "" : " ") + a;
        throw bench_failure("`" + command + "` failed (" + describe_exit(status) +
                            "): " + shorten(text));
    }
}

// ---------------------------------------------------------------- shared measurements

/// What the clients record, read by the main flow.
struct load_state {
    int pairs = 0;
    int messages = 0;
    int consoles_open = 0;
    int active_chats = 0;
    std::set<std::string> claimed;  // conversations some coordinator has asked to accept
    std::vector<double> to_staff_ms;
    std::vector<double> to_visitor_ms;
    steady::time_point last_to_staff{};
    steady::time_point last_to_visitor{};
    struct traffic {
        std::size_t frames = 0;
        std::size_t queue_frames = 0;
        std::size_t bytes = 0;
    };
    /// Counts a received frame; the queue updates are the bulk at large scale.
    static void count(traffic& t, std::string_view frame, std::string_view type) {
        ++t.frames;
        t.bytes += frame.size();
        if (type == "queue") ++t.queue_frames;
    }
    traffic visitor_traffic;
    traffic staff_traffic;

    std::size_t delivered() const { return to_staff_ms.size() + to_visitor_ms.size(); }
    std::size_t expected() const {
        return 2 * static_cast<std::size_t>(pairs) * static_cast<std::size_t>(messages);
    }
};

// ---------------------------------------------------------------- WebSocket clients

/// A WebSocket client: a reader loop handing each frame to on_frame, and a writer loop that
/// drains an outbox no faster than the server's frame limit allows. Frames are rendered
/// when written, so the timestamps they carry leave out time spent waiting in the outbox.
class ws_client : public std::enable_shared_from_this<ws_client> {
  public:
    using frame_maker = std::function<std::string()>;

    ws_client(asio::io_context& ioc, progress& p, load_state& state, std::string name)
        : progress_(p),
          state_(state),
          name_(std::move(name)),
          ws_(ioc),
          wake_(ioc, steady::time_point::max()),
          pace_timer_(ioc) {}
    virtual ~ws_client() = default;

    /// Connects and upgrades; `cookie` (may be empty) and `origin` go into the request.
    awaitable<void> connect(const tcp::endpoint& server, const std::string& target,
                            const std::string& cookie, const std::string& origin) {
        auto& stream = beast::get_lowest_layer(ws_);
        stream.expires_after(network_timeout);
        auto [cec] = co_await stream.async_connect(server, as_tuple);
        if (cec) throw bench_failure(name_ + ": cannot connect: " + cec.message());
        stream.socket().set_option(tcp::no_delay(true));
        stream.expires_never();  // the WebSocket timeouts take over
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        ws_.set_option(
            websocket::stream_base::decorator([cookie, origin](websocket::request_type& req) {
                if (!cookie.empty()) req.set(bhttp::field::cookie, cookie);
                if (!origin.empty()) req.set(bhttp::field::origin, origin);
            }));
        std::string host = server.address().to_string() + ":" + std::to_string(server.port());
        websocket::response_type answer;
        auto [hec] = co_await ws_.async_handshake(answer, host, target, as_tuple);
        if (hec) {
            throw bench_failure(name_ + ": WebSocket upgrade refused (" + hec.message() +
                                ", HTTP " + std::to_string(answer.result_int()) + " " +
                                shorten(answer.body()) + ")");
        }
        asio::co_spawn(ws_.get_executor(), read_loop(), fail_on_exception(progress_, name_));
        asio::co_spawn(ws_.get_executor(), write_loop(), fail_on_exception(progress_, name_));
    }

    void send(frame_maker make) {
        outbox_.push_back(std::move(make));
        wake_.cancel();
    }

    void send_now(std::string frame) {
        send([f = std::move(frame)] { return f; });
    }

    asio::any_io_executor executor() { return ws_.get_executor(); }

    /// Drops the connection without a closing handshake: the run is over.
    void close() {
        closed_ = true;
        beast::get_lowest_layer(ws_).close();
        wake_.cancel();
        pace_timer_.cancel();
    }

  protected:
    virtual void on_frame(std::string_view frame, steady::time_point received) = 0;

    template <class T>
    std::shared_ptr<T> self() {
        return std::static_pointer_cast<T>(shared_from_this());
    }

    progress& progress_;
    load_state& state_;
    std::string name_;

  private:
    awaitable<void> read_loop() {
        auto keep = shared_from_this();
        beast::flat_buffer buffer;
        for (;;) {
            auto [ec, n] = co_await ws_.async_read(buffer, as_tuple);
            if (ec) {
                if (!closed_) progress_.fail(name_ + ": connection lost: " + describe_close(ec));
                break;
            }
            auto received = steady::now();
            last_received_ = received;
            std::string_view frame(static_cast<const char*>(buffer.data().data()), buffer.size());
            try {
                on_frame(frame, received);
            } catch (const std::exception& e) {
                progress_.fail(name_ + ": cannot handle " + shorten(frame) + ": " + e.what());
            }
            buffer.consume(buffer.size());
        }
    }

    std::string describe_close(boost::system::error_code ec) const {
        std::string what = ec.message();
        if (ec == websocket::error::closed) {
            auto why = ws_.reason();
            what = "closed by the server with code " + std::to_string(why.code) + " (" +
                   std::string(why.reason.c_str()) + ")";
        }
        auto now = steady::now();
        auto ago = [&](steady::time_point t) {
            return t == steady::time_point{} ? std::string("never")
                                             : one_decimal(seconds_between(t, now)) + " s ago";
        };
        return what + "; last frame received " + ago(last_received_) + ", last sent " +
               ago(last_sent_);
    }

    awaitable<void> write_loop() {
        auto keep = shared_from_this();
        while (!closed_) {
            if (outbox_.empty()) {
                co_await wake_.async_wait(as_tuple);
                continue;
            }
            co_await pace();
            if (closed_) break;
            std::string frame = outbox_.front()();
            outbox_.pop_front();
            ws_.text(true);
            auto [ec, n] = co_await ws_.async_write(asio::buffer(frame), as_tuple);
            if (ec) break;  // the reader reports why the connection ended
            last_sent_ = steady::now();
        }
    }

    // A token bucket mirroring the server's, a little slower.
    awaitable<void> pace() {
        for (;;) {
            auto now = steady::now();
            tokens_ = std::min(frame_burst,
                               tokens_ + seconds_between(last_refill_, now) * frames_per_second);
            last_refill_ = now;
            if (tokens_ >= 1.0) {
                tokens_ -= 1.0;
                co_return;
            }
            pace_timer_.expires_after(std::chrono::duration_cast<steady::duration>(
                std::chrono::duration<double>((1.0 - tokens_) / frames_per_second)));
            co_await pace_timer_.async_wait(as_tuple);
            if (closed_) co_return;
        }
    }

    websocket::stream<beast::tcp_stream> ws_;
    std::deque<frame_maker> outbox_;
    asio::steady_timer wake_;
    asio::steady_timer pace_timer_;
    double tokens_ = frame_burst;
    steady::time_point last_refill_ = steady::now();
    steady::time_point last_received_{};
    steady::time_point last_sent_{};
    bool closed_ = false;
};

/// An anonymous visitor: starts a chat, waits for an advocate, then sends its messages one at
/// a time, each once the previous one is acknowledged.
class visitor final : public ws_client {
  public:
    visitor(asio::io_context& ioc, progress& p, load_state& state, int index)
        : ws_client(ioc, p, state, "visitor " + std::to_string(index)) {}

    void start_chat() { send_now(R"({"type":"start","lang":"en"})"); }

    void begin_exchange() { send_next(); }

  private:
    void on_frame(std::string_view text, steady::time_point received) override {
        auto type = peek_type(text);
        load_state::count(state_.visitor_traffic, text, type);
        if (type == "queue" || type == "started" || type == "typing") return;
        auto frame = parse_object(text);
        type = string_field(frame, "type");
        if (type == "ack") {
            if (string_field(frame, "client_id") == client_id(sent_)) send_next();
        } else if (type == "message") {
            on_message(frame.at("message").as_object(), received);
        } else if (type == "error") {
            progress_.fail(name_ + " got error " + std::string(string_field(frame, "code")) + ": " +
                           std::string(string_field(frame, "message")));
        } else if (type == "ended") {
            progress_.fail(name_ + ": the chat ended unexpectedly (by " +
                           std::string(string_field(frame, "by")) + ")");
        }
    }

    void on_message(const json::object& message, steady::time_point received) {
        auto from = string_field(message, "from");
        if (from == "system" && string_field(message, "event") == "advocate_joined") {
            ++state_.active_chats;
            progress_.notify();
        } else if (from == "advocate") {
            auto ms = age_ms(string_field(message, "text"), received);
            if (!ms) throw std::runtime_error("an advocate message without a timestamp");
            state_.to_visitor_ms.push_back(*ms);
            state_.last_to_visitor = received;
            progress_.notify();
        }
    }

    void send_next() {
        if (sent_ >= state_.messages) return;
        int k = ++sent_;
        send([k] {
            json::object frame{{"type", "send"},
                               {"client_id", client_id(k)},
                               {"text", stamped_text("visitor message " + std::to_string(k))}};
            return json::serialize(frame);
        });
    }

    static std::string client_id(int k) { return "v" + std::to_string(k); }

    int sent_ = 0;
};

/// A signed-in coordinator console: accepts waiting chats up to its share and answers every
/// visitor message with a stamped reply.
class coordinator final : public ws_client {
  public:
    coordinator(asio::io_context& ioc, progress& p, load_state& state, int index, int capacity)
        : ws_client(ioc, p, state, "coordinator " + std::to_string(index)), capacity_(capacity) {}

    void open_console(const std::string& csrf_token) {
        send_now(json::serialize(json::object{{"type", "hello"}, {"csrf_token", csrf_token}}));
        send_now(R"({"type":"availability","available":true})");
    }

  private:
    void on_frame(std::string_view text, steady::time_point received) override {
        auto type = peek_type(text);
        load_state::count(state_.staff_traffic, text, type);
        if (type == "queue") return on_queue(text);
        if (type == "staff" || type == "overview" || type == "ack" || type == "chat" ||
            type == "typing")
            return;
        auto frame = parse_object(text);
        type = string_field(frame, "type");
        if (type == "state") {
            ++state_.consoles_open;
            progress_.notify();
            take_from_queue(frame.at("queue").as_array());
        } else if (type == "queue") {
            take_from_queue(frame.at("entries").as_array());
        } else if (type == "message") {
            on_message(std::string(string_field(frame, "conversation_id")),
                       frame.at("message").as_object(), received);
        } else if (type == "error") {
            progress_.fail(name_ + " got error " + std::string(string_field(frame, "code")) + ": " +
                           std::string(string_field(frame, "message")));
        } else if (type == "ended" || type == "removed") {
            progress_.fail(name_ + ": a chat ended unexpectedly: " + shorten(text));
        } else if (type == "visitor" && frame.contains("connected") &&
                   frame.at("connected") == false) {
            progress_.fail(name_ + ": a visitor's connection dropped: " + shorten(text));
        }
    }

    // Every change to the queue reaches every console with the whole queue. Only the latest
    // matters, so parse at most one per turn of the event loop, and none once full.
    void on_queue(std::string_view text) {
        if (claimed_ >= capacity_) return;
        latest_queue_.assign(text);
        if (queue_pending_) return;
        queue_pending_ = true;
        asio::post(executor(), [me = self<coordinator>()] { me->take_from_latest_queue(); });
    }

    void take_from_latest_queue() {
        queue_pending_ = false;
        if (claimed_ >= capacity_) return;
        try {
            auto frame = parse_object(latest_queue_);
            take_from_queue(frame.at("entries").as_array());
        } catch (const std::exception& e) {
            progress_.fail(name_ + ": cannot handle " + shorten(latest_queue_) + ": " + e.what());
        }
    }

    void take_from_queue(const json::array& entries) {
        for (const auto& entry : entries) {
            if (claimed_ >= capacity_) return;
            std::string id(string_field(entry.as_object(), "conversation_id"));
            if (!state_.claimed.insert(id).second) continue;  // another coordinator has it
            ++claimed_;
            send_now(json::serialize(json::object{{"type", "accept"}, {"conversation_id", id}}));
        }
    }

    void on_message(std::string conversation_id, const json::object& message,
                    steady::time_point received) {
        if (string_field(message, "from") != "visitor") return;
        auto ms = age_ms(string_field(message, "text"), received);
        if (!ms) throw std::runtime_error("a visitor message without a timestamp");
        state_.to_staff_ms.push_back(*ms);
        state_.last_to_staff = received;
        progress_.notify();
        int k = ++replies_;
        send([k, id = std::move(conversation_id)] {
            json::object frame{{"type", "send"},
                               {"conversation_id", id},
                               {"client_id", "r" + std::to_string(k)},
                               {"text", stamped_text("advocate reply " + std::to_string(k))}};
            return json::serialize(frame);
        });
    }

    int capacity_;
    int claimed_ = 0;
    int replies_ = 0;
    std::string latest_queue_;
    bool queue_pending_ = false;
};

// ---------------------------------------------------------------- staff sign-in

struct staff_login {
    std::string cookie;  // "name=value", ready for a Cookie header
    std::string csrf_token;
};

awaitable<staff_login> sign_in(const tcp::endpoint& server, const std::string& email) {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    stream.expires_after(network_timeout);
    auto [cec] = co_await stream.async_connect(server, as_tuple);
    if (cec) throw bench_failure("sign-in of " + email + ": cannot connect: " + cec.message());
    bhttp::request<bhttp::string_body> request{bhttp::verb::post, "/api/staff/login", 11};
    request.set(bhttp::field::host,
                server.address().to_string() + ":" + std::to_string(server.port()));
    request.set(bhttp::field::content_type, "application/json");
    request.body() = json::serialize(json::object{{"email", email}, {"password", staff_password}});
    request.prepare_payload();
    auto [wec, wn] = co_await bhttp::async_write(stream, request, as_tuple);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> answer;
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, answer, as_tuple);
    if (wec || rec) throw bench_failure("sign-in of " + email + ": " + (wec ? wec : rec).message());
    if (answer.result() != bhttp::status::ok) {
        throw bench_failure("sign-in of " + email + " answered HTTP " +
                            std::to_string(answer.result_int()) + ": " + shorten(answer.body()));
    }
    std::string cookie(answer[bhttp::field::set_cookie]);
    cookie.erase(std::min(cookie.find(';'), cookie.size()));
    auto body = parse_object(answer.body());
    co_return staff_login{cookie, std::string(string_field(body, "csrf_token"))};
}

// ---------------------------------------------------------------- the run

/// One whole run: setup, the measurements, the report and the clean-up.
class bench {
  public:
    bench(asio::io_context& ioc, options opts)
        : ioc_(ioc),
          options_(std::move(opts)),
          progress_(ioc.get_executor()),
          server_(ioc, progress_),
          watchdog_(ioc),
          signals_(ioc, SIGINT, SIGTERM) {
        state_.pairs = options_.pairs;
        state_.messages = options_.messages;
        coordinator_count_ =
            (options_.pairs + options_.chats_per_coordinator - 1) / options_.chats_per_coordinator;
    }

    awaitable<void> run() {
        watch_for_interrupts();
        try {
            co_await start_server();
            co_await for_each_concurrently(coordinator_count_, &bench::add_account,
                                           "creating accounts");
            co_await open_consoles();
            co_await connect_idle_visitors();
            co_await start_chats();
            co_await exchange_messages();
            finished_ = true;
        } catch (const std::exception& e) {
            progress_.fail(e.what());  // keeps the first failure if this merely repeats it
        }
        co_await shut_down();
        print_outcome();
        ioc_.stop();
    }

    int exit_code() const { return finished_ && server_stopped_cleanly() ? 0 : 1; }

  private:
    using job = awaitable<void> (bench::*)(int);
    struct work_queue {
        int count = 0;
        int next = 0;
        int running = 0;
    };
    struct phase_record {
        std::string name;
        steady::time_point start;
        double server_cpu_s = 0;  // at the start, then spent during the phase
        double bench_cpu_s = 0;
        double wall_s = 0;
        long peak_rss_kib = 0;  // sampled from the start of the visitors on
        bool ended = false;
    };

    // Phases are timed in wall-clock and CPU seconds of both processes: on two shared cores
    // that tells whether the server or the bench was the busy one.
    void begin_phase(std::string name) {
        end_phase();
        arm_watchdog();
        phases_.push_back({name, steady::now(), server_cpu_seconds(), own_cpu_seconds()});
        progress_.set_phase(std::move(name));
    }

    void end_phase() {
        if (phases_.empty() || phases_.back().ended) return;
        if (sampling_) record_rss();  // a phase may be shorter than the sampling interval
        auto& p = phases_.back();
        p.wall_s = seconds_between(p.start, steady::now());
        p.server_cpu_s = server_cpu_seconds() - p.server_cpu_s;
        p.bench_cpu_s = own_cpu_seconds() - p.bench_cpu_s;
        p.ended = true;
    }

    double server_cpu_seconds() const {
        return server_.pid() > 0 ? process_cpu_seconds(server_.pid()) : 0.0;
    }

    // Each phase gets the whole limit: a stuck server is caught, while a large run whose setup
    // (password hashing) and chat start are merely slow can still finish.
    void arm_watchdog() {
        watchdog_.expires_after(std::chrono::seconds(options_.timeout_s));  // cancels the last wait
        watchdog_.async_wait([this](boost::system::error_code ec) {
            if (!ec) {
                progress_.fail("timed out: the phase took longer than " +
                               std::to_string(options_.timeout_s) + " s (see --timeout)");
            }
        });
    }

    void watch_for_interrupts() {
        signals_.async_wait([this](boost::system::error_code ec, int sig) {
            if (!ec) progress_.fail(std::string("interrupted by ") + strsignal(sig));
        });
    }

    awaitable<void> start_server() {
        begin_phase("starting the server");
        char pattern[] = "/tmp/safeconnect-bench-XXXXXX";
        if (mkdtemp(pattern) == nullptr)
            throw bench_failure(std::string("mkdtemp: ") + std::strerror(errno));
        temp_dir_ = pattern;
        env_ = child_environment({
            "SAFECONNECT_LISTEN=127.0.0.1:0",
            "SAFECONNECT_DATA_DIR=" + (temp_dir_ / "data").string(),
            "SAFECONNECT_ADMIN_PASSWORD=" + std::string(admin_password),
            "SAFECONNECT_CHAT_MAX_PER_COORDINATOR=" +
                std::to_string(options_.chats_per_coordinator),
            // Every visitor comes from 127.0.0.1; this is the highest value the server takes.
            "SAFECONNECT_CHAT_NEW_PER_NETWORK_PER_HOUR=100000",
            // Likewise for the connections one address may hold open (default 100).
            "SAFECONNECT_LIMITS_CONNECTIONS_PER_ADDRESS=100000",
            // Info, because the port is only logged at that level.
            "SAFECONNECT_LOG_LEVEL=info",
        });
        co_await server_.start(options_.server, env_, options_.server_log);
        endpoint_ = {asio::ip::make_address("127.0.0.1"), server_.port()};
        origin_ = "http://127.0.0.1:" + std::to_string(server_.port());
    }

    static std::string coordinator_email(int index) {
        return "coordinator-" + std::to_string(index) + "@example.org";
    }

    awaitable<void> add_account(int index) {
        std::vector<std::string> args{
            options_.server,   "user",        "add",    coordinator_email(index),
            "--role",          "coordinator", "--name", "Coordinator " + std::to_string(index),
            "--password-stdin"};
        std::string input = std::string(staff_password) + "\n";
        co_await run_command(args, env_, input);
    }

    awaitable<void> open_consoles() {
        co_await for_each_concurrently(coordinator_count_, &bench::open_console, "signing in");
        co_await progress_.wait_until(
            [this] { return state_.consoles_open == coordinator_count_; });
    }

    awaitable<void> open_console(int index) {
        std::string email = coordinator_email(index);
        auto login = co_await sign_in(endpoint_, email);
        auto console = std::make_shared<coordinator>(ioc_, progress_, state_, index,
                                                     options_.chats_per_coordinator);
        coordinators_.push_back(console);
        std::string target = "/ws/staff";
        co_await console->connect(endpoint_, target, login.cookie, origin_);
        console->open_console(login.csrf_token);
    }

    // Idle visitors send nothing: the memory they cost is the transport's alone.
    awaitable<void> connect_idle_visitors() {
        begin_phase("settling");
        co_await progress_.pause(console_settle_time);
        baseline_kib_ = server_.rss_kib();
        begin_phase("connecting visitors");
        sampling_ = true;
        asio::co_spawn(ioc_, sample_memory(), fail_on_exception(progress_, "memory sampler"));
        std::string target = "/ws/visitor";
        std::string none;
        for (int i = 1; i <= options_.pairs; ++i) {
            auto v = std::make_shared<visitor>(ioc_, progress_, state_, i);
            visitors_.push_back(v);
            co_await v->connect(endpoint_, target, none, none);
        }
        begin_phase("settling");
        co_await progress_.pause(idle_settle_time);
        idle_kib_ = server_.rss_kib();
    }

    awaitable<void> start_chats() {
        begin_phase("starting chats");
        std::size_t batch = options_.start_batch > 0 ? options_.start_batch : visitors_.size();
        for (std::size_t first = 0; first < visitors_.size(); first += batch) {
            auto end = std::min(visitors_.size(), first + batch);
            for (auto i = first; i < end; ++i) visitors_[i]->start_chat();
            co_await progress_.wait_until(
                [this, end] { return state_.active_chats == static_cast<int>(end); });
        }
        co_await drain_backlog();
    }

    // Starting chats floods the consoles with queue updates. Let them catch up before the
    // exchange, or its latencies would measure that backlog rather than message delivery.
    awaitable<void> drain_backlog() {
        begin_phase("draining console backlog");
        for (;;) {
            auto before = state_.staff_traffic.frames + state_.visitor_traffic.frames;
            co_await progress_.pause(quiet_period);
            if (state_.staff_traffic.frames + state_.visitor_traffic.frames == before) break;
        }
    }

    awaitable<void> exchange_messages() {
        begin_phase("exchanging messages");
        exchange_start_ = steady::now();
        for (auto& v : visitors_) v->begin_exchange();
        co_await progress_.wait_until([this] { return state_.delivered() == state_.expected(); });
        sampling_ = false;
        record_rss();
        after_exchange_kib_ = server_.rss_kib();
        high_water_kib_ = server_.peak_rss_kib();
        end_phase();
    }

    void record_rss() {
        if (phases_.empty() || phases_.back().ended) return;
        auto& peak = phases_.back().peak_rss_kib;
        peak = std::max(peak, server_.rss_kib());
    }

    const phase_record* phase_named(std::string_view name) const {
        for (const auto& p : phases_) {
            if (p.name == name) return &p;
        }
        return nullptr;
    }

    awaitable<void> sample_memory() {
        asio::steady_timer timer(ioc_);
        while (sampling_ && !progress_.stopping()) {
            record_rss();
            timer.expires_after(memory_sample_interval);
            co_await timer.async_wait(as_tuple);
        }
    }

    // Runs `fn(i)` for every i in [0, count), a few at a time.
    // `phase` is a string_view: with g++ 12 a std::string temporary passed by value into a
    // co_await expression would be destroyed twice (GCC PR 99576).
    awaitable<void> for_each_concurrently(int count, job fn, std::string_view phase) {
        begin_phase(std::string(phase));
        auto work = std::make_shared<work_queue>(work_queue{count, 0, setup_concurrency});
        for (int w = 0; w < setup_concurrency; ++w) {
            asio::co_spawn(ioc_, work_through(work, fn),
                           fail_on_exception(progress_, progress_.phase()));
        }
        co_await progress_.wait_until([&] { return work->running == 0; });
    }

    awaitable<void> work_through(std::shared_ptr<work_queue> work, job fn) {
        while (work->next < work->count && !progress_.failure()) co_await (this->*fn)(work->next++);
        --work->running;
        progress_.notify();
    }

    awaitable<void> shut_down() {
        sampling_ = false;
        failed_phase_ = progress_.phase();
        progress_.set_phase("stopping the server");
        progress_.begin_shutdown();
        watchdog_.cancel();
        signals_.cancel();
        co_await server_.stop();
        for (auto& c : coordinators_) c->close();
        for (auto& v : visitors_) v->close();
        if (!temp_dir_.empty()) {
            std::error_code ec;
            fs::remove_all(temp_dir_, ec);
        }
    }

    bool server_stopped_cleanly() const {
        const auto& status = server_.exit_status();
        return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0 &&
               server_.stop_problem().empty();
    }

    // ------------------------------------------------------------ output

    void print_outcome() const {
        if (const auto& failure = progress_.failure()) {
            // Clients often see the connections drop before the bench learns the server died.
            std::string why = *failure;
            if (server_.exited_on_its_own() && !why.starts_with("the server exited")) {
                why = "the server exited unexpectedly (" + describe_exit(*server_.exit_status()) +
                      "); first symptom: " + why;
            }
            std::fprintf(stderr, "chat_load: FAILED after %.1f s, while %s: %s\n",
                         seconds_between(run_start_, progress_.failed_at()), failed_phase_.c_str(),
                         why.c_str());
            std::fprintf(stderr,
                         "progress     %d of %d consoles open, %d of %d chats active, %zu of %zu "
                         "messages delivered\n",
                         state_.consoles_open, coordinator_count_, state_.active_chats,
                         options_.pairs, state_.delivered(), state_.expected());
            print_server_health(stderr);
            return;
        }
        print_report();
    }

    static double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

    void print_report() const {
        auto out = stdout;
        std::fprintf(out, "Safe Connect chat load: %d pairs, %d messages each way per chat\n\n",
                     options_.pairs, options_.messages);
        std::fprintf(out, "server       %s (pid %d, port %u)\n", options_.server.c_str(),
                     static_cast<int>(server_.pid()), server_.port());
        std::fprintf(out, "staff        %d coordinators, up to %d chats each\n", coordinator_count_,
                     options_.chats_per_coordinator);
        if (options_.start_batch > 0) {
            std::fprintf(out, "chat start   %d at a time\n", options_.start_batch);
        } else {
            std::fprintf(out, "chat start   all at once\n");
        }
        std::fprintf(out, "timeout      %d s per phase\n\n", options_.timeout_s);
        print_phases(out);
        print_memory(out);
        print_exchange(out);
        print_traffic(out);
        print_server_health(out);
    }

    void print_phases(std::FILE* out) const {
        std::fprintf(out, "%-30s %8s %13s %12s %14s\n", "phase", "wall s", "server CPU s",
                     "bench CPU s", "peak RSS MiB");
        for (const auto& p : phases_) {
            if (!p.ended) continue;
            std::fprintf(out, "  %-28s %8.1f %13.1f %12.1f", p.name.c_str(), p.wall_s,
                         p.server_cpu_s, p.bench_cpu_s);
            if (p.peak_rss_kib > 0) std::fprintf(out, " %14.1f", mib(p.peak_rss_kib));
            std::fprintf(out, "\n");
        }
        std::fprintf(out, "\n");
    }

    void print_memory(std::FILE* out) const {
        double pairs = options_.pairs;
        std::fprintf(out, "memory (server VmRSS)\n");
        std::fprintf(out, "  baseline              %8.1f MiB  server with %d consoles open\n",
                     mib(baseline_kib_), coordinator_count_);
        std::fprintf(
            out, "  %5d idle visitors   %8.1f MiB  %+.1f MiB = %.0f bytes per idle connection\n",
            options_.pairs, mib(idle_kib_), mib(idle_kib_ - baseline_kib_),
            static_cast<double>(idle_kib_ - baseline_kib_) * 1024.0 / pairs);
        if (const auto* exchange = phase_named("exchanging messages")) {
            long peak = exchange->peak_rss_kib;
            std::fprintf(
                out, "  exchange peak         %8.1f MiB  %+.1f MiB = %.0f bytes per active pair\n",
                mib(peak), mib(peak - baseline_kib_),
                static_cast<double>(peak - baseline_kib_) * 1024.0 / pairs);
        }
        std::fprintf(out, "  after the exchange    %8.1f MiB\n", mib(after_exchange_kib_));
        const phase_record* top = nullptr;
        for (const auto& p : phases_) {
            if (top == nullptr || p.peak_rss_kib > top->peak_rss_kib) top = &p;
        }
        if (top != nullptr) {
            std::fprintf(out, "  peak (sampled 10/s)   %8.1f MiB  while %s\n",
                         mib(top->peak_rss_kib), top->name.c_str());
        }
        std::fprintf(out,
                     "  high-water (VmHWM)    %8.1f MiB  whole life, including password hashing at "
                     "sign-in\n\n",
                     mib(high_water_kib_));
    }

    void print_exchange(std::FILE* out) const {
        auto rate = [&](const char* what, std::size_t count, steady::time_point last) {
            double seconds = seconds_between(exchange_start_, last);
            std::fprintf(out, "  %-17s %6zu messages in %6.2f s = %7.1f messages/s\n", what, count,
                         seconds, static_cast<double>(count) / seconds);
        };
        std::fprintf(out, "throughput (from the first visitor message to the last delivery)\n");
        rate("visitor -> staff", state_.to_staff_ms.size(), state_.last_to_staff);
        rate("staff -> visitor", state_.to_visitor_ms.size(), state_.last_to_visitor);
        rate("both", state_.delivered(), std::max(state_.last_to_staff, state_.last_to_visitor));
        std::fprintf(
            out,
            "  Visitors send each message once the previous one is acknowledged. Each console\n"
            "  sends at most %.0f frames/s to stay under the server's limit of 10/s, so replies\n"
            "  cannot exceed %.0f/s in total.\n\n",
            frames_per_second, frames_per_second * coordinator_count_);
        std::fprintf(out, "latency (ms)        %8s %8s %8s %8s\n", "p50", "p90", "p99", "max");
        auto row = [&](const char* name, const std::vector<double>& sample) {
            auto s = summarize(sample);
            std::fprintf(out, "  %-17s %8.2f %8.2f %8.2f %8.2f  (%zu messages)\n", name, s.p50,
                         s.p90, s.p99, s.max, sample.size());
        };
        row("visitor -> staff", state_.to_staff_ms);
        row("staff -> visitor", state_.to_visitor_ms);
        std::fprintf(out, "\n");
    }

    void print_traffic(std::FILE* out) const {
        auto line = [&](const char* who, const load_state::traffic& t) {
            std::fprintf(out, "  %-9s %9zu frames, %.1f MiB; %zu of them queue updates\n", who,
                         t.frames, static_cast<double>(t.bytes) / 1048576.0, t.queue_frames);
        };
        std::fprintf(out, "frames received from the server\n");
        line("visitors", state_.visitor_traffic);
        line("consoles", state_.staff_traffic);
        std::fprintf(out, "\n");
    }

    void print_server_health(std::FILE* out) const {
        if (server_.log_problem_count() == 0) {
            std::fprintf(out, "server log   no warnings or errors\n");
        } else {
            std::fprintf(out, "server log   %zu warning/error lines, first ones:\n",
                         server_.log_problem_count());
            for (const auto& line : server_.log_problems())
                std::fprintf(out, "  %s\n", line.c_str());
        }
        if (const auto& status = server_.exit_status()) {
            std::string line = server_.exited_on_its_own() ? "server exit  " : "server stop  ";
            line += describe_exit(*status);
            if (server_.exited_on_its_own()) line += " before the bench asked it to stop";
            if (!server_.stop_problem().empty()) line += "; " + server_.stop_problem();
            std::fprintf(out, "%s\n", line.c_str());
        }
    }

    asio::io_context& ioc_;
    options options_;
    progress progress_;
    server_process server_;
    asio::steady_timer watchdog_;
    asio::signal_set signals_;
    load_state state_;
    int coordinator_count_ = 0;
    fs::path temp_dir_;
    std::vector<std::string> env_;
    tcp::endpoint endpoint_;
    std::string origin_;
    std::vector<std::shared_ptr<coordinator>> coordinators_;
    std::vector<std::shared_ptr<visitor>> visitors_;

    std::vector<phase_record> phases_;
    std::string failed_phase_;
    bool finished_ = false;
    bool sampling_ = false;
    long baseline_kib_ = 0;
    long idle_kib_ = 0;
    long after_exchange_kib_ = 0;
    long high_water_kib_ = 0;
    steady::time_point run_start_ = steady::now();
    steady::time_point exchange_start_{};
};

}  // namespace

int main(int argc, char** argv) {
    std::optional<options> opts;
    try {
        opts = parse_options(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::cerr << "chat_load: " << e.what() << "\n\n" << usage;
        return 2;
    }
    if (!opts) {
        std::cout << usage;
        return 0;
    }
    // A peer that goes away must surface as an error code, not kill the bench.
    std::signal(SIGPIPE, SIG_IGN);
    raise_open_file_limit();

    asio::io_context ioc(1);
    bench run(ioc, *opts);
    asio::co_spawn(ioc, run.run(), [](const std::exception_ptr& e) {
        if (e) std::rethrow_exception(e);  // a bug: run() handles every expected failure
    });
    ioc.run();
    return run.exit_code();
}
