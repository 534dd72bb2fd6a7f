// The command line: serve, migrate, and staff account management. Each command returns the
// process exit code.
#pragma once

#include "core/config.hpp"

#include <string>

namespace sc::app {

int serve(const core::config& config);
int migrate(const core::config& config);
int user_add(const core::config& config, const std::string& email, const std::string& name,
             const std::string& role);
int user_list(const core::config& config);
int user_disable(const core::config& config, const std::string& email);
/// `stop_after`: a step name (see privacy::purge_step); the command then halts after that
/// step of its first batch until killed, so crash tests can kill it at a known point.
int purge(const core::config& config, const std::string& stop_after = {});
int backup(const core::config& config, const std::string& path);

}  // namespace sc::app
