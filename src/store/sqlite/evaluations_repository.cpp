#include "store/sqlite/evaluations_repository.hpp"

namespace sc::store {

void sqlite_evaluation_repository::insert(const evaluation_row& row) {
    db_.prepare(
           "INSERT INTO evaluations (id, day, channel, lang, wait, duration, age_band, gender,"
           " state, heard_about, disposition, policy_version)"
           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, row.id)
        .bind(2, row.day)
        .bind(3, row.channel)
        .bind(4, row.lang)
        .bind(5, row.wait)
        .bind(6, row.duration)
        .bind(7, row.age_band)
        .bind(8, row.gender)
        .bind(9, row.state)
        .bind(10, row.heard_about)
        .bind(11, row.disposition)
        .bind(12, row.policy_version)
        .run();
}

}  // namespace sc::store
