#include "app/maintenance.hpp"

#include "core/log.hpp"
#include "privacy/audit.hpp"
#include "privacy/purge.hpp"
#include "staff/sessions.hpp"

#include <malloc.h>

#include <memory>

namespace sc::app {
namespace {

constexpr int purge_batch_size = 500;
// Long enough for a phone to get its signal back and the page to reconnect.
constexpr std::chrono::minutes abandoned_after{10};

}  // namespace

maintenance::maintenance(store::worker& store, const privacy::keyring& keys, chat::hub& hub,
                         privacy::traffic_counter& traffic,
                         const privacy::retention_setting& retention, const core::clock& clock,
                         std::chrono::seconds session_idle_limit)
    : store_(store),
      keys_(keys),
      hub_(hub),
      traffic_(traffic),
      retention_(retention),
      clock_(clock),
      session_idle_limit_(session_idle_limit) {}

void maintenance::every_minute() {
    auto now = clock_.now();
    traffic_.flush(store_);
    store_.submit([this, now](store::unit_of_work& work) {
        staff::remove_expired_sessions(work, now, session_idle_limit_);
    });
    hub_.close_abandoned(abandoned_after);
    // glibc keeps memory freed after a burst (many chats starting at once) for reuse;
    // give it back so a quiet server stays small.
    malloc_trim(0);
    // One purge at a time: a long one is still running when the next minute comes.
    if (!purging_.exchange(true)) purge_batch(0);
}

void maintenance::purge_batch(int purged_so_far) {
    auto now = clock_.now();
    auto retention = retention_.period();
    auto result = std::make_shared<privacy::purge_batch_result>();
    // The purge commits in steps of its own (see privacy/purge.hpp): a maintenance job.
    store_.submit_maintenance(
        [this, now, retention, result, first = purged_so_far == 0](store::unit_of_work& work) {
            *result = privacy::purge_expired(work, keys_, now, retention, purge_batch_size);
            int repaired = first ? privacy::repair_partial_erasures(work) : 0;
            if (repaired > 0)
                spdlog::warn("event=purge_repaired_partial_erasure count={}", repaired);
            if (!result->purged.empty()) {
                work.atomically([&] {
                    privacy::audit(work, now, std::nullopt, "retention_purge",
                                   std::to_string(result->purged.size()) + " conversations");
                });
            }
        },
        [this, result, purged_so_far](const core::result<>& r) {
            if (!r) {
                purging_ = false;
                return;
            }
            hub_.forget_purged(result->purged);
            int total = purged_so_far + static_cast<int>(result->purged.size());
            if (result->purged.size() == purge_batch_size) return purge_batch(total);
            if (total == 0) {
                purging_ = false;
                return;
            }
            spdlog::info("event=retention_purge conversations={}", total);
            store_.submit_maintenance([](store::unit_of_work& work) { work.flush_erased(); },
                                      [this](const core::result<>&) { purging_ = false; });
        });
}

}  // namespace sc::app
