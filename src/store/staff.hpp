// The repository of staff accounts, their sessions, second factors and recovery codes: what the
// domains may ask of the store, with plain row types. Each engine implements it (the SQLite one in
// store/sqlite/staff_repository.hpp). Times are unix seconds; tokens, codes and secrets arrive
// already hashed or sealed by the domain (src/staff), never in the clear.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sc::store {

/// A staff account as stored; `role` is "coordinator", "supervisor" or "admin".
struct staff_row {
    std::int64_t id = 0;
    std::string email;
    std::string name;
    std::string role;
    bool disabled = false;
    bool must_change_password = false;
    bool totp_enrolled = false;
};

struct new_staff_row {
    std::string email;
    std::string name;
    std::string role;
    std::string password_hash;
    std::int64_t created_at = 0;
};

struct staff_credentials_row {
    staff_row member;
    std::string password_hash;
};

/// A session found by the hash of its token.
struct staff_session_row {
    std::int64_t staff_id = 0;
    bool second_factor = false;
};

/// What a session must be newer than (unix seconds, exclusive) to still count.
struct staff_session_cutoffs {
    std::int64_t last_seen_after = 0;
    std::int64_t created_after = 0;
    /// For a session still waiting for the second factor of a member who has TOTP.
    std::int64_t unverified_created_after = 0;
};

/// An account's TOTP: its secret as the domain sealed it, and the last time step used.
struct staff_totp_row {
    std::string sealed_secret;
    std::int64_t last_step = 0;
};

class staff_repository {
  public:
    staff_repository() = default;
    staff_repository(const staff_repository&) = delete;
    staff_repository& operator=(const staff_repository&) = delete;
    virtual ~staff_repository() = default;

    // Accounts. Emails compare without regard to case.

    /// Returns the new account's id.
    virtual std::int64_t add_member(const new_staff_row& row) = 0;
    /// In id order.
    virtual std::vector<staff_row> list_members() = 0;
    virtual std::optional<staff_row> find_member(std::int64_t id) = 0;
    virtual std::optional<staff_row> find_member_by_email(std::string_view email) = 0;
    /// An enabled account with its password hash, for sign-in.
    virtual std::optional<staff_credentials_row> find_credentials(std::string_view email) = 0;
    virtual std::int64_t count_members() = 0;
    /// Marks the account disabled and ends all its sessions; false if it does not exist.
    virtual bool disable_member(std::int64_t id) = 0;
    /// The password hash of any account, enabled or not, for checking the current password.
    virtual std::optional<std::string> password_hash_of(std::int64_t id) = 0;
    /// Stores a new password hash and lifts a required change.
    virtual void set_password(std::int64_t id, std::string_view password_hash) = 0;
    virtual void require_password_change(std::int64_t id) = 0;
    /// Counts a failed sign-in for the account with this email, if there is one.
    virtual void count_failed_sign_in(std::string_view email) = 0;
    /// The failed sign-ins since the last successful one, and starts counting again.
    virtual std::int64_t take_failed_sign_ins(std::int64_t id) = 0;

    // Sessions, keyed by the hash of their token.

    virtual void add_session(std::string_view token_hash, std::int64_t staff_id,
                             std::int64_t created_at, bool second_factor) = 0;
    virtual void pass_second_factor(std::string_view token_hash) = 0;
    /// The session if it is within the cut-offs and its account is enabled.
    virtual std::optional<staff_session_row> find_session(std::string_view token_hash,
                                                          const staff_session_cutoffs& cutoffs) = 0;
    /// Restarts the session's idle clock.
    virtual void touch_session(std::string_view token_hash, std::int64_t at) = 0;
    virtual void end_session(std::string_view token_hash) = 0;
    /// Ends every session of a member except the one whose hash is `keep` (empty: all);
    /// returns the hashes of those it ended.
    virtual std::vector<std::string> end_sessions_of(std::int64_t staff_id,
                                                     std::string_view keep) = 0;
    /// Removes the sessions last seen at or before `last_seen_by`, or created at or before
    /// `created_by`; returns how many.
    virtual int remove_sessions_older_than(std::int64_t last_seen_by, std::int64_t created_by) = 0;

    // Second factor.

    virtual bool has_totp(std::int64_t staff_id) = 0;
    virtual std::int64_t count_recovery_codes(std::int64_t staff_id) = 0;
    /// Stores a secret waiting for its first code; the current TOTP stays in force.
    virtual void set_pending_totp(std::int64_t staff_id, std::string_view sealed_secret) = 0;
    virtual std::optional<std::string> pending_totp(std::int64_t staff_id) = 0;
    /// Makes the pending secret the account's TOTP, with `step` used.
    virtual void confirm_pending_totp(std::int64_t staff_id, std::int64_t step) = 0;
    /// Replaces the account's recovery codes with these (hashed) ones.
    virtual void replace_recovery_codes(std::int64_t staff_id,
                                        const std::vector<std::string>& code_hashes) = 0;
    virtual std::optional<staff_totp_row> totp_of(std::int64_t staff_id) = 0;
    /// Records `step` as used only if it is later than the last one: false if it is not (a
    /// replay, or a race with the same code lost), so one code signs in once.
    virtual bool use_totp_step(std::int64_t staff_id, std::int64_t step) = 0;
    /// Uses up a recovery code; false if the account has no such code.
    virtual bool use_recovery_code(std::int64_t staff_id, std::string_view code_hash) = 0;
    /// Removes the account's TOTP, a pending one, and its recovery codes.
    virtual void reset_two_factor(std::int64_t staff_id) = 0;
    /// The roles that must use TOTP, as the domain wrote them; nothing if never set.
    virtual std::optional<std::string> totp_required_roles() = 0;
    virtual void set_totp_required_roles(std::string_view roles) = 0;
};

}  // namespace sc::store
