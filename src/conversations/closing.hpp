// How a conversation ends: who ended it, and the disposition its evaluation record carries.
// A disposition is a fixed code, never free text, so it can never carry visitor data.
#pragma once

#include "conversations/types.hpp"
#include "core/error.hpp"

#include <string>
#include <string_view>

namespace sc::conversations {

enum class closed_by { visitor, advocate };
std::string_view name(closed_by who);

bool valid_disposition(std::string_view code);
/// The error for a disposition that is not one of the codes, naming them.
core::error disposition_error();

struct close_outcome {
    /// The advocate still has to record what the chat was about (the visitor left first);
    /// the evaluation is written when they do.
    bool advocate_owes_disposition = false;
    /// Otherwise, the disposition the evaluation record is written with now.
    std::string disposition;
};

/// What closing a conversation that was `before` means: a visitor who leaves the queue is
/// recorded as `left_queue`; one who leaves an advocate leaves them the disposition to give.
close_outcome close(status before, closed_by who, bool has_advocate, std::string_view disposition);

}  // namespace sc::conversations
