// The repository of evaluation records: coarse, de-linked facts about finished
// conversations for the statistics (privacy/evaluation.hpp makes them). Each engine
// implements it (the SQLite one in store/sqlite/evaluations_repository.hpp).
#pragma once

#include <cstdint>
#include <string>

namespace sc::store {

struct evaluation_row {
    std::string id;   // random: neither its order nor its value says when it was written
    std::string day;  // YYYY-MM-DD (UTC)
    std::string channel;
    std::string lang;
    std::string wait;
    std::string duration;
    std::string age_band;
    std::string gender;
    std::string state;
    std::string heard_about;
    std::string disposition;
    std::int64_t policy_version = 1;
};

class evaluation_repository {
  public:
    evaluation_repository() = default;
    evaluation_repository(const evaluation_repository&) = delete;
    evaluation_repository& operator=(const evaluation_repository&) = delete;
    virtual ~evaluation_repository() = default;

    virtual void insert(const evaluation_row& row) = 0;
};

}  // namespace sc::store
