// The SQLite engine's repository of staff accounts, their sessions, second factors and recovery
// codes.
#pragma once

#include "store/sqlite/database.hpp"
#include "store/staff.hpp"

namespace sc::store {

class sqlite_staff_repository final : public staff_repository {
  public:
    explicit sqlite_staff_repository(database& db) : db_(db) {}

    std::int64_t add_member(const new_staff_row& row) override;
    std::vector<staff_row> list_members() override;
    std::optional<staff_row> find_member(std::int64_t id) override;
    std::optional<staff_row> find_member_by_email(std::string_view email) override;
    std::optional<staff_credentials_row> find_credentials(std::string_view email) override;
    std::int64_t count_members() override;
    bool disable_member(std::int64_t id) override;
    std::optional<std::string> password_hash_of(std::int64_t id) override;
    void set_password(std::int64_t id, std::string_view password_hash) override;
    void require_password_change(std::int64_t id) override;
    void count_failed_sign_in(std::string_view email) override;
    std::int64_t take_failed_sign_ins(std::int64_t id) override;

    void add_session(std::string_view token_hash, std::int64_t staff_id, std::int64_t created_at,
                     bool second_factor) override;
    void pass_second_factor(std::string_view token_hash) override;
    std::optional<staff_session_row> find_session(std::string_view token_hash,
                                                  const staff_session_cutoffs& cutoffs) override;
    void touch_session(std::string_view token_hash, std::int64_t at) override;
    void end_session(std::string_view token_hash) override;
    std::vector<std::string> end_sessions_of(std::int64_t staff_id, std::string_view keep) override;
    int remove_sessions_older_than(std::int64_t last_seen_by, std::int64_t created_by) override;

    bool has_totp(std::int64_t staff_id) override;
    std::int64_t count_recovery_codes(std::int64_t staff_id) override;
    void set_pending_totp(std::int64_t staff_id, std::string_view sealed_secret) override;
    std::optional<std::string> pending_totp(std::int64_t staff_id) override;
    void confirm_pending_totp(std::int64_t staff_id, std::int64_t step) override;
    void replace_recovery_codes(std::int64_t staff_id,
                                const std::vector<std::string>& code_hashes) override;
    std::optional<staff_totp_row> totp_of(std::int64_t staff_id) override;
    bool use_totp_step(std::int64_t staff_id, std::int64_t step) override;
    bool use_recovery_code(std::int64_t staff_id, std::string_view code_hash) override;
    void reset_two_factor(std::int64_t staff_id) override;
    std::optional<std::string> totp_required_roles() override;
    void set_totp_required_roles(std::string_view roles) override;

  private:
    database& db_;
};

}  // namespace sc::store
