// Structured logging. Lines are `event=name key=value ...`; callers must never pass an IP
// address, a token, a visitor's name or message text. Log what happened, not to whom.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace sc::core {

/// Sends logs to stderr in UTC with the given level ("debug", "info", "warn", "error").
void init_logging(std::string_view level);

}  // namespace sc::core
