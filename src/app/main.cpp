// safeconnect: the confidential chat service. See docs/OPERATIONS.md for every command.
#include "app/commands.hpp"
#include "core/config.hpp"
#include "core/log.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace {

int run(int argc, char** argv) {
    CLI::App app{"Safe Connect: a confidential chat and contact center for hotlines"};
    app.require_subcommand(1);
    std::string config_file;
    app.add_option("-c,--config", config_file,
                   "TOML config file (every key can also be set "
                   "by a SAFECONNECT_* environment variable)")
        ->check(CLI::ExistingFile);

    auto* serve = app.add_subcommand("serve", "Run the server");
    auto* migrate = app.add_subcommand("migrate", "Bring the database schema up to date");
    auto* purge = app.add_subcommand(
        "purge", "Erase closed conversations past the retention period now, and report counts");
    std::string stop_after;
    purge
        ->add_option("--stop-after", stop_after,
                     "For crash tests: halt after this step of the first batch (evaluated, "
                     "keys_destroyed or rows_deleted) until killed")
        ->check(CLI::IsMember({"evaluated", "keys_destroyed", "rows_deleted"}));
    std::string backup_path;
    auto* backup =
        app.add_subcommand("backup", "Copy the database consistently, even while the server runs");
    backup->add_option("path", backup_path, "New file to write")->required();
    auto* user = app.add_subcommand("user", "Manage staff accounts");
    user->require_subcommand(1);
    std::string email;
    std::string name;
    std::string role;
    bool password_stdin = false;
    auto* add = user->add_subcommand("add", "Add a staff account");
    add->add_option("email", email, "Sign-in email")->required();
    add->add_option("--role", role, "coordinator, supervisor or admin")->required();
    add->add_option("--name", name,
                    "Name shown to visitors and colleagues (default: the part "
                    "of the email before @)");
    add->add_flag("--password-stdin", password_stdin, "Read the password from standard input")
        ->required();
    user->add_subcommand("list", "List staff accounts");
    auto* disable = user->add_subcommand("disable", "Disable an account and end its sessions");
    disable->add_option("email", email, "Sign-in email")->required();

    CLI11_PARSE(app, argc, argv);

    sc::core::config config;
    try {
        config = sc::core::load_config(config_file, sc::core::process_environment());
    } catch (const sc::core::config_error& e) {
        std::cerr << "configuration error: " << e.what() << "\n";
        return 2;
    }
    sc::core::init_logging(config.log_level);
    try {
        if (*serve) return sc::app::serve(config);
        if (*migrate) return sc::app::migrate(config);
        if (*purge) return sc::app::purge(config, stop_after);
        if (*backup) return sc::app::backup(config, backup_path);
        if (user->got_subcommand("add")) return sc::app::user_add(config, email, name, role);
        if (user->got_subcommand("list")) return sc::app::user_list(config);
        if (*disable) return sc::app::user_disable(config, email);
    } catch (const std::exception& e) {
        spdlog::error("event=fatal detail=\"{}\"", e.what());
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Whatever escapes (a failure to build the command line itself) still ends with a
    // message and an exit status, not std::terminate.
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fputs("error: ", stderr);
        std::fputs(e.what(), stderr);
        std::fputs("\n", stderr);
    } catch (...) {
        std::fputs("error: an unknown failure\n", stderr);
    }
    return 1;
}
