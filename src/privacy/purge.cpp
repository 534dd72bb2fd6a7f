#include "privacy/purge.hpp"

#include "core/log.hpp"
#include "privacy/evaluation.hpp"
#include "store/conversations.hpp"
#include "store/key_vault.hpp"

#include <boost/json/parse.hpp>

namespace sc::privacy {
namespace {

// The evaluation record a conversation never got (the visitor left and no disposition was
// recorded), made from what is stored while the key still exists. The flag and the record
// change together, so each conversation gets exactly one.
void evaluate_once(store::unit_of_work& work, const keyring& keys, const std::string& id) {
    auto& conversations = work.conversations();
    if (!conversations.claim_evaluation(id)) return;
    auto row = conversations.for_evaluation(id);
    if (!row) return;
    conversation_facts f;
    f.channel = row->channel;
    f.lang = row->lang;
    f.created_at = core::from_unix_seconds(row->created_at);
    if (row->accepted_at) f.accepted_at = core::from_unix_seconds(*row->accepted_at);
    f.closed_at = core::from_unix_seconds(row->closed_at.value_or(row->created_at));
    f.disposition = row->disposition;
    f.policy_version = row->policy_version;
    if (!row->sealed_intake.empty() && !row->sealed_key.empty()) {
        try {
            auto key = keys.unseal(row->sealed_key, id);
            f.intake = boost::json::parse(decrypt(key, row->sealed_intake, intake_context(id)))
                           .as_object();
        } catch (const std::exception&) {
            // An unreadable intake counts as none; the erasure goes ahead regardless.
        }
    }
    insert_evaluation(work, evaluate(f));
}

void erase(store::unit_of_work& work, const keyring& keys, const std::vector<std::string>& ids,
           const purge_observer& after_step = {}) {
    if (ids.empty()) return;
    auto told = [&](purge_step step) {
        if (after_step) after_step(step);
    };
    work.atomically([&] {
        for (const auto& id : ids) evaluate_once(work, keys, id);
    });
    told(purge_step::evaluated);
    work.atomically([&] { work.keys().destroy(ids); });
    told(purge_step::keys_destroyed);
    work.atomically([&] { work.conversations().erase_rows(ids); });
    told(purge_step::rows_deleted);
}

}  // namespace

const char* purge_step_name(purge_step step) {
    switch (step) {
        case purge_step::evaluated:
            return "evaluated";
        case purge_step::keys_destroyed:
            return "keys_destroyed";
        case purge_step::rows_deleted:
            return "rows_deleted";
    }
    return "?";
}

std::optional<purge_step> parse_purge_step(std::string_view name) {
    for (auto step :
         {purge_step::evaluated, purge_step::keys_destroyed, purge_step::rows_deleted}) {
        if (name == purge_step_name(step)) return step;
    }
    return std::nullopt;
}

purge_batch_result purge_expired(store::unit_of_work& work, const keyring& keys,
                                 core::time_point now, std::chrono::seconds retention, int limit,
                                 const purge_observer& after_step) {
    purge_batch_result out;
    for (auto& c : work.conversations().expired(core::unix_seconds(now - retention), limit)) {
        out.purged.push_back(std::move(c.id));
        if (!c.evaluated) ++out.evaluations_written;
    }
    erase(work, keys, out.purged, after_step);
    return out;
}

core::result<> purge_conversation(store::unit_of_work& work, const keyring& keys,
                                  const std::string& conversation_id) {
    auto state = work.conversations().erasure_state_of(conversation_id);
    if (!state) return core::fail(core::errc::not_found, "no such conversation");
    if (state->status != "closed") {
        return core::fail(core::errc::conflict, "only a closed conversation can be purged");
    }
    if (state->legal_hold) {
        return core::fail(core::errc::conflict, "this conversation is on legal hold");
    }
    erase(work, keys, {conversation_id});
    return {};
}

int repair_partial_erasures(store::unit_of_work& work) {
    int erased = 0;
    work.atomically([&] { erased = work.conversations().repair_partial_erasures(); });
    return erased;
}

}  // namespace sc::privacy
