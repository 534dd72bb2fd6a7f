#include "conversations/closing.hpp"

#include <algorithm>
#include <array>

namespace sc::conversations {
namespace {

constexpr std::array dispositions{"information", "safety_planning", "emotional_support",
                                  "referral",    "no_response",     "other"};

}  // namespace

std::string_view name(closed_by who) { return who == closed_by::visitor ? "visitor" : "advocate"; }

bool valid_disposition(std::string_view code) {
    return std::find(dispositions.begin(), dispositions.end(), code) != dispositions.end();
}

core::error disposition_error() {
    std::string list;
    for (const auto* d : dispositions) list += (list.empty() ? "" : ", ") + std::string(d);
    return core::fail(core::errc::bad_request, "field 'disposition' must be one of " + list);
}

close_outcome close(status before, closed_by who, bool has_advocate, std::string_view disposition) {
    if (who == closed_by::visitor && has_advocate) return {true, {}};
    if (before == status::waiting) return {false, "left_queue"};
    return {false, std::string(disposition)};
}

}  // namespace sc::conversations
