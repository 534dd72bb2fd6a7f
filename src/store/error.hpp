// What every store engine throws when a statement, a commit or a job fails. The store worker
// turns it into a failed result for the job's completion; callers at the edge say what failed.
#pragma once

#include <stdexcept>

namespace sc::store {

struct store_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace sc::store
