// Fuzz target: the TOML config file and its environment overrides (core/config). The input
// is the file's text, optionally followed by a NUL byte and environment lines NAME=value.
// Must hold: no crash and no sanitizer report; the only exception is core::config_error
// (start-up then stops with its message); an accepted config is within its documented bounds.
#include "core/config.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>

namespace {

using namespace sc;

void check_bounds(const core::config& c, const std::string& input) {
    fuzz::check(c.log_level == "debug" || c.log_level == "info" || c.log_level == "warn" ||
                    c.log_level == "error",
                "log_level out of its set", input);
    fuzz::check(c.threads >= 0 && c.threads <= 64, "threads out of bounds", input);
    fuzz::check(c.chat_max_per_coordinator >= 1 && c.chat_max_per_coordinator <= 20,
                "chat.max_per_coordinator out of bounds", input);
    fuzz::check(c.chat_new_per_network_per_hour >= 1 && c.chat_new_per_network_per_hour <= 100000,
                "chat.new_per_network_per_hour out of bounds", input);
    fuzz::check(c.retention_hours >= 0 && c.retention_hours <= 24 * 3650,
                "retention.hours out of bounds", input);
    fuzz::check(!c.admin_password || !c.admin_password->empty(), "an empty admin password kept",
                input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    std::string_view text = input;
    std::map<std::string, std::string> environment;
    if (auto nul = text.find('\0'); nul != std::string_view::npos) {
        for (auto line : fuzz::split(text.substr(nul + 1), '\n')) {
            auto eq = line.find('=');
            if (eq != std::string_view::npos) {
                environment[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
            }
        }
        text = text.substr(0, nul);
    }
    try {
        check_bounds(core::parse_config(text, "fuzz.toml", environment), input);
    } catch (const core::config_error& e) {
        fuzz::check(std::string_view(e.what()).size() > 0, "a config_error without a message",
                    input);
    } catch (const std::exception& e) {
        fuzz::broken(std::string("an exception other than config_error: ") + e.what(), input);
    }
    return 0;
}
