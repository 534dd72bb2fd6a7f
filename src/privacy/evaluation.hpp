// Evaluation records: what the service learns from a conversation for its statistics, made
// coarse enough that no record leads back to the conversation or the person. No id, no
// time of day, age as a band; free-text answers reduced to a few fixed categories. Rows
// have random keys, so neither their order nor their key says when they were written.
#pragma once

#include "core/clock.hpp"
#include "store/evaluations.hpp"
#include "store/unit_of_work.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sc::privacy {

struct conversation_facts {
    std::string channel = "chat";
    std::string lang = "en";
    core::time_point created_at{};
    std::optional<core::time_point> accepted_at;
    core::time_point closed_at{};
    boost::json::object intake;
    std::string disposition;  // empty: never recorded
    std::int64_t policy_version = 1;
};

/// A record as it is stored; evaluate() leaves its id empty, insert_evaluation() draws one.
using evaluation = store::evaluation_row;

evaluation evaluate(const conversation_facts& facts);
/// Stores the record under a random id, so neither its order nor its key leads back to the
/// conversation. Claim the conversation's evaluation first (conversation_repository::
/// claim_evaluation): each conversation gets exactly one.
void insert_evaluation(store::unit_of_work& work, evaluation e);

// The coarse scales, exposed for tests.
std::string wait_bucket(std::optional<std::chrono::seconds> wait);
std::string duration_bucket(std::optional<std::chrono::seconds> duration);
std::string age_band(const std::string& age);
std::string gender_category(const std::string& gender);
std::string state_category(const std::string& state);
std::string heard_about_category(const std::string& heard);

}  // namespace sc::privacy
