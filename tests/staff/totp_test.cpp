// TOTP against RFC 6238's test vectors, the drift window, single use, and the QR code.
#include "staff/totp.hpp"
#include "staff/qr_code.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace sc::staff {
namespace {

using namespace std::chrono_literals;

const std::string rfc_secret = "12345678901234567890";  // RFC 6238 appendix B, SHA-1

core::time_point at(std::int64_t unix_seconds) { return core::from_unix_seconds(unix_seconds); }

TEST(totp, matches_the_rfc_6238_test_vectors) {
    const std::pair<std::int64_t, const char*> vectors[] = {{59, "94287082"},
                                                            {1111111109, "07081804"},
                                                            {1111111111, "14050471"},
                                                            {1234567890, "89005924"},
                                                            {2000000000, "69279037"}};
    // The RFC's last vector (year 2603) is past what a nanosecond system_clock can hold.
    for (const auto& [t, code] : vectors) EXPECT_EQ(totp_code(rfc_secret, at(t), 8), code) << t;
}

TEST(totp, six_digit_codes_are_the_last_six_of_the_rfc_values) {
    EXPECT_EQ(totp_code(rfc_secret, at(59)), "287082");
    EXPECT_EQ(totp_code(rfc_secret, at(1111111109)), "081804");
}

TEST(totp, accepts_one_step_of_drift_either_way_and_no_more) {
    core::manual_clock clock(at(1'800'000'010));
    auto now = clock.now();
    auto step = totp_step_of(now);
    EXPECT_EQ(match_totp(rfc_secret, totp_code(rfc_secret, now), now, 0), step);
    EXPECT_EQ(match_totp(rfc_secret, totp_code(rfc_secret, now - 30s), now, 0), step - 1);
    EXPECT_EQ(match_totp(rfc_secret, totp_code(rfc_secret, now + 30s), now, 0), step + 1);
    EXPECT_FALSE(match_totp(rfc_secret, totp_code(rfc_secret, now - 60s), now, 0));
    EXPECT_FALSE(match_totp(rfc_secret, totp_code(rfc_secret, now + 60s), now, 0));
}

TEST(totp, a_code_is_refused_for_a_step_already_used) {
    auto now = at(1'800'000'010);
    auto code = totp_code(rfc_secret, now);
    auto step = match_totp(rfc_secret, code, now, 0);
    ASSERT_TRUE(step);
    EXPECT_FALSE(match_totp(rfc_secret, code, now, *step));
    // Nor an older code once a newer one was used.
    EXPECT_FALSE(match_totp(rfc_secret, totp_code(rfc_secret, now - 30s), now, *step));
}

TEST(totp, refuses_malformed_codes) {
    auto now = at(1'800'000'010);
    auto code = totp_code(rfc_secret, now);
    for (std::string bad : {std::string(), std::string("12345"), std::string("1234567"),
                            std::string("12a456"), code + "0", std::string(1000, '1')}) {
        EXPECT_FALSE(match_totp(rfc_secret, bad, now, 0)) << bad;
    }
    EXPECT_TRUE(match_totp(rfc_secret, code.substr(0, 3) + " " + code.substr(3), now, 0));
}

TEST(totp, base32_follows_rfc_4648_without_padding) {
    EXPECT_EQ(base32("foobar"), "MZXW6YTBOI");
    EXPECT_EQ(base32(rfc_secret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(totp, new_secrets_are_160_random_bits) {
    ASSERT_GE(sodium_init(), 0);
    auto a = new_totp_secret();
    EXPECT_EQ(a.size(), 20u);
    EXPECT_NE(a, new_totp_secret());
}

TEST(totp, the_uri_is_what_authenticator_apps_read) {
    EXPECT_EQ(otpauth_uri("Safe Connect", "ana@example.org", rfc_secret),
              "otpauth://totp/Safe%20Connect:ana@example.org?secret="
              "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Safe%20Connect&algorithm=SHA1&digits=6"
              "&period=30");
}

TEST(qr_code, draws_a_square_matrix_with_finder_patterns) {
    auto qr = make_qr_code(otpauth_uri("Safe Connect", "ana@example.org", rfc_secret));
    ASSERT_TRUE(qr);
    EXPECT_GE(qr->size, 21);
    ASSERT_EQ(qr->modules.size(), static_cast<std::size_t>(qr->size * qr->size));
    EXPECT_EQ(qr->modules.find_first_not_of("01"), std::string::npos);
    // The top-left finder pattern: a dark row of 7, then dark, light x5, dark.
    EXPECT_EQ(qr->modules.substr(0, 7), "1111111");
    EXPECT_EQ(qr->modules.substr(static_cast<std::size_t>(qr->size), 7), "1000001");
}

TEST(qr_code, refuses_text_too_long_for_any_version) {
    EXPECT_FALSE(make_qr_code(std::string(5000, 'x')));
}

}  // namespace
}  // namespace sc::staff
