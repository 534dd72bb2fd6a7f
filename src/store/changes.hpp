// What a committed job changed that the live side must follow: the seam of the event fan-out
// in decision 0006. A job publishes changes into its unit of work; the engine hands them to
// every listener only once that job's transaction is durable, in commit order, before the
// job's completion, and drops them if it fails. A change carries ids and numbers, never
// text: a listener with no copy in memory (another node, with PostgreSQL) reads the rows.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace sc::store {

struct change {
    enum class kind {
        conversation_started,  // a visitor's conversation is stored, waiting
        message_added,         // message `seq` is stored; its event says what else changed
        disposition_recorded,  // the advocate finished a closed conversation
    };
    kind what = kind::message_added;
    std::string conversation_id;
    std::int64_t seq = 0;  // message_added: the message's number
    /// The node that made the change. Each node follows its own changes from memory; one
    /// made elsewhere must be read from the rows.
    std::string origin;
};

using change_listener = std::function<void(const change&)>;

}  // namespace sc::store
