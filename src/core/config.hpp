// Runtime configuration: one TOML file, every key also settable by an environment variable
// (SAFECONNECT_ + the key's dotted path in upper case with '.' as '_', e.g.
// chat.max_per_coordinator -> SAFECONNECT_CHAT_MAX_PER_COORDINATOR). Environment wins.
#pragma once

#include "core/address_range.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sc::core {

struct config {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    std::filesystem::path data_dir = "./var";
    std::string log_level = "info";
    int threads = 0;  // network threads; 0 means one per core

    std::string service_name = "Safe Connect";
    std::string public_origin;  // e.g. https://chat.example.org; empty: taken from Host
    bool tls_upstream = false;  // served over TLS by a proxy in front: send HSTS
    std::string quick_exit_url = "https://www.google.com/search?q=weather";
    std::string contact_email = "help@example.org";
    std::filesystem::path content_dir;  // operator's Markdown pages override the defaults
    /// Proxies whose X-Forwarded-For names the client; nobody else's is believed.
    std::vector<address_range> trusted_proxies;

    int connections_per_address = 100;  // open connections from one client address
    int max_connections = 0;            // in all; 0: derived from the descriptor limit

    int chat_max_per_coordinator = 3;
    int chat_new_per_network_per_hour = 30;
    int chat_block_hours = 24;  // how long an advocate's block of a visitor lasts

    int staff_session_idle_seconds = 30 * 60;  // a staff session unused this long ends
    int staff_console_check_seconds = 60;      // how often an open console rechecks its session

    std::string admin_email = "admin@localhost";
    std::optional<std::string> admin_password;  // first start only; never stored in clear

    int retention_hours = 72;        // initial value; admins change it in the console
    std::filesystem::path key_file;  // master key; empty: data_dir/master.key

    std::filesystem::path database_path() const { return data_dir / "safeconnect.db"; }
    std::filesystem::path vault_path() const { return data_dir / "keys.db"; }
    std::filesystem::path key_path() const {
        return key_file.empty() ? data_dir / "master.key" : key_file;
    }
};

/// Thrown for a config file or variable that cannot be used; the message says what and where.
struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Reads `file` (may be empty: defaults only) and then the environment given as name->value.
config load_config(const std::filesystem::path& file,
                   const std::map<std::string, std::string>& environment);

/// Like load_config, for a config file's contents already in memory; `source` names it in
/// messages. Lets the parser be tested and fuzzed without files.
config parse_config(std::string_view toml_text, const std::string& source,
                    const std::map<std::string, std::string>& environment);

/// The process environment as a map, for load_config.
std::map<std::string, std::string> process_environment();

}  // namespace sc::core
