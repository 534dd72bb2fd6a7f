// Measures the retention purge: fills a fresh store with closed conversations of encrypted
// messages, erases them all with the same code the server runs, and prints the time and the
// size of the files before and after.
//
//   purge_bench [--conversations N] [--messages M] [--vacuum]
#include "core/clock.hpp"
#include "core/random.hpp"
#include "privacy/keyring.hpp"
#include "privacy/purge.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

namespace fs = std::filesystem;
using namespace sc;
using steady = std::chrono::steady_clock;

namespace {

struct options {
    int conversations = 100000;
    int messages = 20;
    bool vacuum = false;
};

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--conversations" && i + 1 < argc) {
            o.conversations = std::atoi(argv[++i]);
        } else if (a == "--messages" && i + 1 < argc) {
            o.messages = std::atoi(argv[++i]);
        } else if (a == "--vacuum") {
            o.vacuum = true;
        } else {
            std::cerr << "usage: purge_bench [--conversations N] [--messages M] [--vacuum]\n";
            std::exit(a == "--help" ? 0 : 2);
        }
    }
    return o;
}

std::uintmax_t size_of(const fs::path& dir) {
    std::uintmax_t total = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().filename() != "master.key") total += e.file_size();
    }
    return total;
}

double seconds_since(steady::time_point start) {
    return std::chrono::duration<double>(steady::now() - start).count();
}

// A closed conversation as the hub leaves it: key in the vault, messages encrypted.
void add_closed_conversation(store::unit_of_work& work, const privacy::keyring& keys, int messages,
                             std::int64_t closed_at) {
    store::conversation_row row;
    row.id = core::random_hex(16);
    row.lang = "en";
    row.status = "waiting";
    row.resume_token_hash = core::token_hash(core::new_token());
    privacy::secret_key key;
    row.sealed_key = keys.seal(key, row.id);
    row.created_at = closed_at - 1800;
    work.keys().put(row.id, row.sealed_key);
    work.conversations().insert(row);
    for (int seq = 1; seq <= messages; ++seq) {
        store::stored_message m;
        m.seq = seq;
        m.sender = seq % 2 ? "visitor" : "advocate";
        m.client_id = core::random_hex(8);
        std::string body = R"({"from":"visitor","text":"I need to talk to someone about what )"
                           R"(happened last night, it is getting worse and I am scared."})";
        m.sealed_body = privacy::encrypt(key, body, row.id + ":" + std::to_string(seq));
        m.created_at = row.created_at + seq * 30;
        work.conversations().append_message(row.id, m);
    }
    work.conversations().mark_closed(row.id, "advocate", closed_at);
    work.conversations().set_disposition(row.id, "information");
}

}  // namespace

int main(int argc, char** argv) {
    auto opt = parse(argc, argv);
    auto dir = fs::temp_directory_path() / ("purge_bench_" + core::random_hex(6));
    fs::create_directories(dir);
    {
        privacy::keyring keys(dir / "master.key");
        auto db = store::open_store(dir / "safeconnect.db", dir / "keys.db");
        store::sqlite_unit_of_work work(*db);
        core::system_clock clock;
        auto closed_at = core::unix_seconds(clock.now()) - 7 * 24 * 3600;

        auto start = steady::now();
        for (int done = 0; done < opt.conversations;) {
            work.atomically([&] {
                for (int i = 0; i < 1000 && done < opt.conversations; ++i, ++done) {
                    add_closed_conversation(work, keys, opt.messages, closed_at);
                }
            });
        }
        work.flush_erased();
        double fill_s = seconds_since(start);
        auto before = size_of(dir);

        start = steady::now();
        int erased = 0;
        for (;;) {
            auto batch =
                privacy::purge_expired(work, keys, clock.now(), std::chrono::hours(72), 500);
            if (batch.purged.empty()) break;
            erased += static_cast<int>(batch.purged.size());
        }
        work.flush_erased();
        double purge_s = seconds_since(start);
        auto after = size_of(dir);

        std::printf("conversations:            %d x %d messages\n", opt.conversations,
                    opt.messages);
        std::printf("fill:                     %.1f s\n", fill_s);
        std::printf("database before purge:    %.1f MiB (safeconnect.db + keys.db)\n",
                    before / 1048576.0);
        std::printf("purge:                    %d conversations in %.1f s (%.0f conversations/s)\n",
                    erased, purge_s, erased / purge_s);
        std::printf(
            "database after purge:     %.1f MiB (freed pages returned by incremental vacuum)\n",
            after / 1048576.0);
        if (opt.vacuum) {
            start = steady::now();
            db->exec("VACUUM; VACUUM vault;");
            std::printf("after VACUUM:             %.1f MiB in %.1f s\n", size_of(dir) / 1048576.0,
                        seconds_since(start));
        }
    }
    fs::remove_all(dir);
    return 0;
}
