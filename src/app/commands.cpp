#include "app/commands.hpp"

#include "app/maintenance.hpp"
#include "chat/hub.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "http/assets.hpp"
#include "http/pages.hpp"
#include "http/router.hpp"
#include "http/staff_api.hpp"
#include "net/server.hpp"
#include "privacy/audit.hpp"
#include "privacy/keyring.hpp"
#include "privacy/network_key.hpp"
#include "privacy/policy.hpp"
#include "privacy/purge.hpp"
#include "privacy/retention.hpp"
#include "privacy/traffic.hpp"
#include "staff/accounts.hpp"
#include "store/policy.hpp"
#include "store/sqlite/backup.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/unit_of_work.hpp"
#include "store/sqlite/worker.hpp"
#include "store/staff.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

namespace sc::app {
namespace {

// The data directory holds the database and the master key: nobody else may read it.
void prepare_data_dir(const core::config& config) {
    ::umask(077);
    std::filesystem::create_directories(config.data_dir);
    ::chmod(config.data_dir.c_str(), 0700);
}

std::string read_password_from_stdin() {
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
}

// On first start there is nobody to sign in: create the administrator.
void ensure_first_admin(store::worker& store, const core::config& config,
                        const core::clock& clock) {
    if (store.call([](store::unit_of_work& work) { return work.staff().count_members(); }) > 0) {
        return;
    }
    bool generated = !config.admin_password;
    std::string password = generated ? core::random_hex(12) : *config.admin_password;
    if (auto valid = staff::validate_new_member(config.admin_email, "Administrator", password);
        !valid) {
        throw std::runtime_error("admin account: " + valid.error().message);
    }
    auto hash = staff::hash_password(password);
    auto now = clock.now();
    auto added = store.call([&](store::unit_of_work& work) {
        return staff::add_member(work, config.admin_email, "Administrator", staff::role::admin,
                                 hash, now);
    });
    if (!added) throw std::runtime_error("admin account: " + added.error().message);
    if (generated) {
        // A password printed on a terminal may be seen or kept: the first sign-in replaces it.
        store.call(
            [&](store::unit_of_work& work) { work.staff().require_password_change(added->id); });
    }
    spdlog::info("event=first_admin_created staff_id={}", added->id);
    if (generated) {
        // Shown once on the operator's terminal, never logged or stored in the clear.
        std::cout << "\nCreated the first administrator.\n  email:    " << config.admin_email
                  << "\n  password: " << password
                  << "\nSign in at /staff, choose your own password (the console asks for it) and "
                     "add your staff accounts. This password is not shown again.\n\n"
                  << std::flush;
    }
}

}  // namespace

int serve(const core::config& config) {
    prepare_data_dir(config);
    core::system_clock clock;
    privacy::keyring keys(config.key_path());
    store::sqlite_worker store(config.database_path(), config.vault_path());
    ensure_first_admin(store, config, clock);

    http::asset_catalog assets;
    auto now = clock.now();
    privacy::retention_setting retention(
        store.call([](store::unit_of_work& work) { return work.policy().retention_hours(); })
            .value_or(config.retention_hours));
    privacy::policy_registry policy;
    policy.load(store, http::initial_privacy_policy(assets, config), retention.hours(), now);

    chat::hub hub(store, keys, policy, clock,
                  {config.chat_max_per_coordinator, config.chat_new_per_network_per_hour,
                   std::chrono::hours(config.chat_block_hours)});
    hub.load();
    http::pages site(assets, config, policy);
    http::privacy_api privacy_routes(store, keys, policy, retention, clock, hub);
    const std::chrono::seconds session_idle_limit(config.staff_session_idle_seconds);
    http::staff_api api(store, keys, clock, hub, session_idle_limit);
    privacy::traffic_counter traffic(clock);
    http::router router(config, clock, assets, site, api, privacy_routes, store, traffic);
    privacy::network_salt salt;
    maintenance jobs(store, keys, hub, traffic, retention, clock, session_idle_limit);
    net::server server({config, clock, router, api, hub, salt, [&jobs] { jobs.every_minute(); }});
    server.run();
    traffic.flush(store);
    // Every queued write commits before the hub and the counter it reports to go away.
    store.stop();
    spdlog::info("event=stopped");
    return 0;
}

int migrate(const core::config& config) {
    prepare_data_dir(config);
    store::database db(config.database_path());
    db.attach(config.vault_path(), "vault");
    int ran = store::migrate(db);
    std::cout << "schema version " << store::latest_schema_version() << " (" << ran << " migration"
              << (ran == 1 ? "" : "s") << " applied)\n";
    return 0;
}

int user_add(const core::config& config, const std::string& email, const std::string& name,
             const std::string& role_text) {
    auto r = staff::parse_role(role_text);
    if (!r) {
        std::cerr << "error: --role must be coordinator, supervisor or admin\n";
        return 2;
    }
    std::string password = read_password_from_stdin();
    std::string display = name.empty() ? email.substr(0, email.find('@')) : name;
    if (auto valid = staff::validate_new_member(email, display, password); !valid) {
        std::cerr << "error: " << valid.error().message << "\n";
        return 2;
    }
    prepare_data_dir(config);
    auto store_db = store::open_store(config.database_path(), config.vault_path());
    store::sqlite_unit_of_work work(*store_db);
    core::system_clock clock;
    auto added =
        staff::add_member(work, email, display, *r, staff::hash_password(password), clock.now());
    if (!added) {
        std::cerr << "error: " << added.error().message << "\n";
        return 1;
    }
    std::cout << "added " << staff::role_name(*r) << " " << added->email << " (id " << added->id
              << ")\n";
    return 0;
}

int purge(const core::config& config, const std::string& stop_after) {
    privacy::keyring keys(config.key_path());
    auto store_db = store::open_store(config.database_path(), config.vault_path());
    auto& db = *store_db;
    store::sqlite_unit_of_work work(db);
    core::system_clock clock;
    auto now = clock.now();
    int hours = work.policy().retention_hours().value_or(config.retention_hours);
    int repaired = privacy::repair_partial_erasures(work);
    int total = 0;
    int evaluations = 0;
    auto halt_at = privacy::parse_purge_step(stop_after);
    auto halt = [&](privacy::purge_step step) {
        if (step != halt_at) return;
        std::cout << "stopped after " << privacy::purge_step_name(step) << "\n" << std::flush;
        for (;;) ::pause();  // until a signal ends the process
    };
    for (;;) {
        auto batch = privacy::purge_expired(
            work, keys, now, std::chrono::hours(hours), 100,
            halt_at ? privacy::purge_observer(halt) : privacy::purge_observer());
        if (!batch.purged.empty()) {
            work.atomically([&] {
                privacy::audit(
                    work, now, std::nullopt, "retention_purge",
                    std::to_string(batch.purged.size()) + " conversations (command line)");
            });
        }
        total += static_cast<int>(batch.purged.size());
        evaluations += batch.evaluations_written;
        if (!batch.purged.empty()) {
            std::cout << "purged " << total << " conversations so far\n" << std::flush;
        }
        if (batch.purged.empty()) break;
    }
    work.flush_erased();
    std::cout << "purge done: " << total << " conversations erased, " << evaluations
              << " evaluation records written, " << repaired
              << " left-overs of an interrupted erasure removed (retention " << hours
              << " hours)\n";
    return 0;
}

int backup(const core::config& config, const std::string& path) {
    if (std::filesystem::exists(path)) {
        std::cerr << "error: " << path << " exists; choose a new file name\n";
        return 1;
    }
    ::umask(077);
    auto source = store::open_store(config.database_path(), config.vault_path());
    if (auto copied = store::backup_main(*source, path); !copied) {
        std::cerr << "error: backup failed: " << copied.error().message << "\n";
        return 1;
    }
    std::cout << "backup written to " << path
              << " (conversation keys are not in it: see docs/OPERATIONS.md)\n";
    return 0;
}

int user_list(const core::config& config) {
    auto store_db = store::open_store(config.database_path(), config.vault_path());
    store::sqlite_unit_of_work work(*store_db);
    for (const auto& m : staff::list_members(work)) {
        std::cout << m.id << "\t" << m.email << "\t" << m.name << "\t"
                  << staff::role_name(m.staff_role) << (m.disabled ? "\tdisabled" : "") << "\n";
    }
    return 0;
}

int user_disable(const core::config& config, const std::string& email) {
    auto store_db = store::open_store(config.database_path(), config.vault_path());
    store::sqlite_unit_of_work work(*store_db);
    auto m = staff::find_member_by_email(work, email);
    if (!m) {
        std::cerr << "error: no account with email " << email << "\n";
        return 1;
    }
    work.staff().disable_member(m->id);
    std::cout << "disabled " << m->email << "; their sessions have ended\n";
    return 0;
}

}  // namespace sc::app
