// For tests that look at the tables themselves: a store job written against the SQLite
// connection. The domains never see it; they go through the repositories.
#pragma once

#include "store/sqlite/unit_of_work.hpp"

#include <utility>

namespace sc::test_support {

/// The connection under a unit of work the SQLite worker handed out.
inline store::database& sql_of(store::unit_of_work& work) {
    return static_cast<store::sqlite_unit_of_work&>(work).sql();
}

/// Wraps `fn(store::database&)` as a job for store::worker::call or submit.
template <class Fn>
auto sql_job(Fn fn) {
    return [fn = std::move(fn)](store::unit_of_work& work) mutable { return fn(sql_of(work)); };
}

}  // namespace sc::test_support
