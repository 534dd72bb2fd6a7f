// Configuration: defaults, the TOML file, environment overrides, and refusals that say
// what is wrong and where.
#include "core/config.hpp"

#include "core/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace sc::core {
namespace {

using ::testing::HasSubstr;
using env = std::map<std::string, std::string>;

class config_test : public ::testing::Test {
  protected:
    std::filesystem::path file(std::string_view toml) {
        auto path = dir_ / "safeconnect.toml";
        test_support::write_text(path, toml);
        return path;
    }

    /// The config_error message for a file, or the empty string when nothing was thrown.
    std::string error_of(std::string_view toml, const env& environment = {}) {
        try {
            load_config(file(toml), environment);
        } catch (const config_error& e) {
            return e.what();
        }
        return {};
    }

    std::string error_of_env(const env& environment) {
        try {
            load_config({}, environment);
        } catch (const config_error& e) {
            return e.what();
        }
        return {};
    }

    test_support::temp_dir dir_;
};

TEST_F(config_test, defaults_without_file_or_environment) {
    auto c = load_config({}, {});
    EXPECT_EQ(c.listen_host, "127.0.0.1");
    EXPECT_EQ(c.listen_port, 8080);
    EXPECT_EQ(c.data_dir, "./var");
    EXPECT_EQ(c.log_level, "info");
    EXPECT_EQ(c.threads, 0);
    EXPECT_FALSE(c.tls_upstream);
    EXPECT_TRUE(c.public_origin.empty());
    EXPECT_EQ(c.chat_max_per_coordinator, 3);
    EXPECT_EQ(c.chat_new_per_network_per_hour, 30);
    EXPECT_EQ(c.chat_block_hours, 24);
    EXPECT_EQ(c.staff_session_idle_seconds, 30 * 60);
    EXPECT_EQ(c.staff_console_check_seconds, 60);
    EXPECT_FALSE(c.admin_password.has_value());
    EXPECT_EQ(c.database_path(), std::filesystem::path("./var/safeconnect.db"));
    EXPECT_EQ(c.key_path(), std::filesystem::path("./var/master.key"));
    EXPECT_EQ(c.vault_path(), std::filesystem::path("./var/keys.db"));
    EXPECT_EQ(c.retention_hours, 72);
}

TEST_F(config_test, files_live_in_the_data_dir_unless_the_key_file_is_set) {
    auto c = load_config({}, {{"SAFECONNECT_DATA_DIR", "/srv/sc"}});
    EXPECT_EQ(c.database_path(), std::filesystem::path("/srv/sc/safeconnect.db"));
    EXPECT_EQ(c.vault_path(), std::filesystem::path("/srv/sc/keys.db"));
    EXPECT_EQ(c.key_path(), std::filesystem::path("/srv/sc/master.key"));
    auto elsewhere = load_config(file("key_file = \"/run/secrets/master.key\"\n"),
                                 {{"SAFECONNECT_DATA_DIR", "/srv/sc"}});
    EXPECT_EQ(elsewhere.key_path(), std::filesystem::path("/run/secrets/master.key"));
}

TEST_F(config_test, retention_hours_is_read_and_bounded) {
    EXPECT_EQ(load_config(file("[retention]\nhours = 24\n"), {}).retention_hours, 24);
    EXPECT_EQ(load_config({}, {{"SAFECONNECT_RETENTION_HOURS", "0"}}).retention_hours, 0);
    EXPECT_THAT(error_of("[retention]\nhours = -1\n"), HasSubstr("retention.hours"));
}

TEST_F(config_test, reads_values_from_the_toml_file) {
    auto c = load_config(file(R"(
listen = "0.0.0.0:9000"
data_dir = "/srv/safeconnect"
log_level = "debug"
threads = 4
service_name = "Hotline"
public_origin = "https://chat.example.org"
tls_upstream = true
contact_email = "hello@example.org"

[chat]
max_per_coordinator = 5
new_per_network_per_hour = 12

[admin]
email = "root@example.org"
password = "a long enough password"
)"),
                         {});
    EXPECT_EQ(c.listen_host, "0.0.0.0");
    EXPECT_EQ(c.listen_port, 9000);
    EXPECT_EQ(c.data_dir, "/srv/safeconnect");
    EXPECT_EQ(c.log_level, "debug");
    EXPECT_EQ(c.threads, 4);
    EXPECT_EQ(c.service_name, "Hotline");
    EXPECT_EQ(c.public_origin, "https://chat.example.org");
    EXPECT_TRUE(c.tls_upstream);
    EXPECT_EQ(c.contact_email, "hello@example.org");
    EXPECT_EQ(c.chat_max_per_coordinator, 5);
    EXPECT_EQ(c.chat_new_per_network_per_hour, 12);
    EXPECT_EQ(c.admin_email, "root@example.org");
    EXPECT_EQ(c.admin_password, "a long enough password");
}

TEST_F(config_test, dotted_keys_work_like_tables) {
    auto c = load_config(file("chat.max_per_coordinator = 7\n"), {});
    EXPECT_EQ(c.chat_max_per_coordinator, 7);
}

TEST_F(config_test, environment_overrides_the_file) {
    auto path = file(R"(
listen = "0.0.0.0:9000"
data_dir = "/srv/from-file"
[chat]
max_per_coordinator = 5
)");
    auto c = load_config(path, {{"SAFECONNECT_LISTEN", "10.0.0.7:7000"},
                                {"SAFECONNECT_DATA_DIR", "/srv/from-env"},
                                {"SAFECONNECT_CHAT_MAX_PER_COORDINATOR", "9"}});
    EXPECT_EQ(c.listen_host, "10.0.0.7");
    EXPECT_EQ(c.listen_port, 7000);
    EXPECT_EQ(c.data_dir, "/srv/from-env");
    EXPECT_EQ(c.chat_max_per_coordinator, 9);
}

TEST_F(config_test, environment_alone_sets_values) {
    auto c = load_config({}, {{"SAFECONNECT_TLS_UPSTREAM", "yes"},
                              {"SAFECONNECT_CHAT_NEW_PER_NETWORK_PER_HOUR", "4"},
                              {"SAFECONNECT_ADMIN_EMAIL", "boss@example.org"}});
    EXPECT_TRUE(c.tls_upstream);
    EXPECT_EQ(c.chat_new_per_network_per_hour, 4);
    EXPECT_EQ(c.admin_email, "boss@example.org");
}

TEST_F(config_test, the_block_duration_is_set_in_hours_and_checked) {
    EXPECT_EQ(load_config(file("[chat]\nblock_hours = 6\n"), {}).chat_block_hours, 6);
    EXPECT_EQ(load_config({}, {{"SAFECONNECT_CHAT_BLOCK_HOURS", "48"}}).chat_block_hours, 48);
    EXPECT_THROW(load_config({}, {{"SAFECONNECT_CHAT_BLOCK_HOURS", "0"}}), config_error);
    EXPECT_THROW(load_config({}, {{"SAFECONNECT_CHAT_BLOCK_HOURS", "forever"}}), config_error);
}

TEST_F(config_test, the_staff_session_idle_limit_and_console_check_are_set_in_seconds_and_checked) {
    auto c =
        load_config(file("[staff]\nsession_idle_seconds = 900\nconsole_check_seconds = 5\n"), {});
    EXPECT_EQ(c.staff_session_idle_seconds, 900);
    EXPECT_EQ(c.staff_console_check_seconds, 5);
    auto e = load_config({}, {{"SAFECONNECT_STAFF_SESSION_IDLE_SECONDS", "3"},
                              {"SAFECONNECT_STAFF_CONSOLE_CHECK_SECONDS", "1"}});
    EXPECT_EQ(e.staff_session_idle_seconds, 3);
    EXPECT_EQ(e.staff_console_check_seconds, 1);
    // Past the absolute limit of 12 hours an idle limit would mean nothing.
    EXPECT_THAT(error_of_env({{"SAFECONNECT_STAFF_SESSION_IDLE_SECONDS", "43201"}}),
                HasSubstr("staff.session_idle_seconds"));
    EXPECT_THAT(error_of_env({{"SAFECONNECT_STAFF_SESSION_IDLE_SECONDS", "0"}}),
                HasSubstr("staff.session_idle_seconds"));
    EXPECT_THAT(error_of_env({{"SAFECONNECT_STAFF_CONSOLE_CHECK_SECONDS", "61"}}),
                HasSubstr("staff.console_check_seconds"));
    EXPECT_THAT(error_of_env({{"SAFECONNECT_STAFF_CONSOLE_CHECK_SECONDS", "0"}}),
                HasSubstr("staff.console_check_seconds"));
}

TEST_F(config_test, unrelated_environment_variables_are_ignored) {
    auto c = load_config({}, {{"HOME", "/root"}, {"LISTEN", "nonsense"}});
    EXPECT_EQ(c.listen_port, 8080);
}

TEST_F(config_test, empty_admin_password_counts_as_unset) {
    auto c = load_config({}, {{"SAFECONNECT_ADMIN_PASSWORD", ""}});
    EXPECT_FALSE(c.admin_password.has_value());
}

TEST_F(config_test, listen_accepts_a_bracketed_ipv6_host) {
    auto c = load_config({}, {{"SAFECONNECT_LISTEN", "[::1]:8443"}});
    EXPECT_EQ(c.listen_host, "::1");
    EXPECT_EQ(c.listen_port, 8443);
}

TEST_F(config_test, listen_without_port_is_refused_naming_listen) {
    EXPECT_THAT(error_of_env({{"SAFECONNECT_LISTEN", "localhost"}}), HasSubstr("listen"));
}

TEST_F(config_test, listen_port_out_of_range_is_refused) {
    EXPECT_THAT(error_of("listen = \"127.0.0.1:70000\"\n"), HasSubstr("listen port"));
}

TEST_F(config_test, number_out_of_range_in_file_is_refused_naming_the_key) {
    auto message = error_of("[chat]\nmax_per_coordinator = 0\n");
    EXPECT_THAT(message, HasSubstr("chat.max_per_coordinator"));
    EXPECT_THAT(message, HasSubstr("1 to 20"));
}

TEST_F(config_test, non_number_in_environment_is_refused_naming_the_key) {
    auto message = error_of_env({{"SAFECONNECT_CHAT_MAX_PER_COORDINATOR", "many"}});
    EXPECT_THAT(message, HasSubstr("chat.max_per_coordinator"));
    EXPECT_THAT(message, HasSubstr("'many'"));
}

TEST_F(config_test, number_with_trailing_text_is_refused) {
    EXPECT_THAT(error_of_env({{"SAFECONNECT_THREADS", "4x"}}), HasSubstr("threads"));
}

TEST_F(config_test, unknown_log_level_is_refused) {
    EXPECT_THAT(error_of("log_level = \"loud\"\n"), HasSubstr("log_level"));
}

TEST_F(config_test, non_boolean_is_refused_naming_the_key) {
    EXPECT_THAT(error_of_env({{"SAFECONNECT_TLS_UPSTREAM", "maybe"}}), HasSubstr("tls_upstream"));
}

TEST_F(config_test, value_of_wrong_toml_type_is_refused_naming_the_key) {
    EXPECT_THAT(error_of("threads = [1, 2]\n"), HasSubstr("threads"));
}

TEST_F(config_test, bad_environment_value_wins_over_good_file_value) {
    EXPECT_THAT(error_of("threads = 2\n", {{"SAFECONNECT_THREADS", "-1"}}), HasSubstr("threads"));
}

TEST_F(config_test, unknown_top_level_key_is_refused_by_name) {
    auto message = error_of("listen = \"127.0.0.1:8080\"\ncolour = \"blue\"\n");
    EXPECT_THAT(message, HasSubstr("unknown key 'colour'"));
}

TEST_F(config_test, misspelt_key_in_a_table_is_refused_with_its_dotted_name) {
    auto message = error_of("[chat]\nmax_per_coordnator = 3\n");
    EXPECT_THAT(message, HasSubstr("unknown key 'chat.max_per_coordnator'"));
}

TEST_F(config_test, malformed_toml_is_refused_with_file_and_line) {
    auto path = file("data_dir = \"/srv\"\nlisten = \"unterminated\n");
    try {
        load_config(path, {});
        FAIL() << "no config_error";
    } catch (const config_error& e) {
        EXPECT_THAT(e.what(), HasSubstr(path.string() + ":2:"));
    }
}

TEST_F(config_test, text_in_memory_reads_like_a_file) {
    auto c = parse_config("threads = 3\n[chat]\nmax_per_coordinator = 4\n", "inline.toml",
                          {{"SAFECONNECT_THREADS", "5"}});
    EXPECT_EQ(c.threads, 5);
    EXPECT_EQ(c.chat_max_per_coordinator, 4);
    EXPECT_THAT(error_of("threads = \"x\""), HasSubstr("threads"));
}

// Found by the config_file fuzz target: toml++ 3.3 has undefined behaviour (it reaches
// __builtin_unreachable) when it checks these characters for white space.
TEST_F(config_test, non_ascii_where_toml_cannot_read_it_is_refused_with_the_line) {
    EXPECT_THAT(error_of("threads = 2\nY\xd1\xbc = 1\n"), HasSubstr("safeconnect.toml:2:"));
    EXPECT_THAT(error_of("service_name = caf\xc3\xa9\n"), HasSubstr("outside quotes"));
    EXPECT_THAT(error_of("threads = 1\"\xc6\x9a\"\n"), HasSubstr("outside quotes"))
        << "a quote inside a bare word opens no string";
    EXPECT_THAT(error_of("service_name = \"x\\\xc3\xa9\"\n"), HasSubstr("after a backslash"));
    EXPECT_THAT(error_of("service_name = \"\"\"a \\\n  \xc3\xa9\"\"\"\n"),
                HasSubstr("line-ending backslash"));
}

TEST_F(config_test, non_ascii_in_strings_and_comments_is_fine) {
    auto c = load_config(
        file("# Configuraci\xc3\xb3n\nservice_name = \"L\xc3\xadnea \xe2\x80\x94 ayuda\"\n"
             "contact_email = 'a\xc3\xa9@example.org'\n"
             "quick_exit_url = \"\"\"https://example.org/\xc3\xa9\"\"\"\n"),
        {});
    EXPECT_EQ(c.service_name, "L\xc3\xadnea \xe2\x80\x94 ayuda");
    EXPECT_EQ(c.contact_email, "a\xc3\xa9@example.org");
}

TEST_F(config_test, missing_file_is_refused) {
    EXPECT_THROW(load_config(dir_ / "absent.toml", {}), config_error);
}

}  // namespace
}  // namespace sc::core
