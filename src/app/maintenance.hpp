// The server's scheduled work, queued once a minute: close waiting chats whose visitor is
// gone, erase conversations past retention (in batches, then truncate the write-ahead
// logs), store traffic counts, forget expired staff sessions.
#pragma once

#include "chat/hub.hpp"
#include "core/clock.hpp"
#include "privacy/keyring.hpp"
#include "privacy/retention.hpp"
#include "privacy/traffic.hpp"
#include "store/worker.hpp"

#include <atomic>
#include <chrono>

namespace sc::app {

class maintenance {
  public:
    /// `session_idle_limit`: staff sessions unused this long are forgotten.
    maintenance(store::worker& store, const privacy::keyring& keys, chat::hub& hub,
                privacy::traffic_counter& traffic, const privacy::retention_setting& retention,
                const core::clock& clock, std::chrono::seconds session_idle_limit);

    /// Queues this minute's work; returns at once.
    void every_minute();

  private:
    void purge_batch(int purged_so_far);

    store::worker& store_;
    const privacy::keyring& keys_;
    chat::hub& hub_;
    privacy::traffic_counter& traffic_;
    const privacy::retention_setting& retention_;
    const core::clock& clock_;
    std::chrono::seconds session_idle_limit_;
    std::atomic<bool> purging_{false};
};

}  // namespace sc::app
