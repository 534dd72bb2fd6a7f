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
int purge(const core::config& config);
int backup(const core::config& config, const std::string& path);

}  // namespace sc::app
