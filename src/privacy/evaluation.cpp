#include "privacy/evaluation.hpp"

#include "core/random.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace sc::privacy {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

bool contains_any(const std::string& text, std::initializer_list<const char*> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](const char* w) { return text.find(w) != std::string::npos; });
}

std::string field(const boost::json::object& intake, const char* name) {
    const auto* v = intake.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

constexpr std::array us_states{
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
    "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
    "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP"};

}  // namespace

std::string wait_bucket(std::optional<seconds> wait) {
    if (!wait) return "not_answered";
    if (*wait < minutes(1)) return "under_1m";
    if (*wait < minutes(5)) return "1_5m";
    if (*wait < minutes(15)) return "5_15m";
    if (*wait < minutes(60)) return "15_60m";
    return "over_60m";
}

std::string duration_bucket(std::optional<seconds> duration) {
    if (!duration) return "not_answered";
    if (*duration < minutes(5)) return "under_5m";
    if (*duration < minutes(15)) return "5_15m";
    if (*duration < minutes(30)) return "15_30m";
    if (*duration < minutes(60)) return "30_60m";
    return "over_60m";
}

std::string age_band(const std::string& age) {
    int years = -1;
    auto [end, ec] = std::from_chars(age.data(), age.data() + age.size(), years);
    if (age.empty() || ec != std::errc{} || end != age.data() + age.size() || years < 0) {
        return "unspecified";
    }
    if (years < 18) return "under_18";
    if (years < 25) return "18_24";
    if (years < 35) return "25_34";
    if (years < 45) return "35_44";
    if (years < 55) return "45_54";
    if (years < 65) return "55_64";
    return "65_plus";
}

std::string gender_category(const std::string& gender) {
    auto g = lower(gender);
    if (g.empty()) return "unspecified";
    if (contains_any(g, {"nonbinary", "non-binary", "non binary", "enby", "genderqueer", "fluid",
                         "no binari"})) {
        return "nonbinary";
    }
    if (contains_any(g, {"trans"})) return "transgender";
    if (contains_any(g, {"female", "woman", "mujer", "femenino"}) || g == "f") return "female";
    if (contains_any(g, {"male", "man", "hombre", "masculino"}) || g == "m") return "male";
    return "other";
}

std::string state_category(const std::string& state) {
    if (state.empty()) return "unspecified";
    std::string s = state;
    for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (std::find(us_states.begin(), us_states.end(), s) != us_states.end()) return s;
    if (lower(state) == "connecticut") return "CT";
    return "other";
}

std::string heard_about_category(const std::string& heard) {
    auto h = lower(heard);
    if (h.empty()) return "unspecified";
    if (contains_any(h, {"google", "search", "internet", "online", "web"})) return "search";
    if (contains_any(h, {"facebook", "instagram", "tiktok", "social", "twitter", "reddit"})) {
        return "social_media";
    }
    if (contains_any(h,
                     {"friend", "family", "sister", "brother", "mother", "mom", "amig", "famil"})) {
        return "friend_or_family";
    }
    if (contains_any(h, {"police", "doctor", "hospital", "counsel", "therap", "school", "court",
                         "shelter", "advocate", "social worker"})) {
        return "professional";
    }
    if (contains_any(h, {"hotline", "phone", "call", "211", "988"})) return "hotline";
    return "other";
}

evaluation evaluate(const conversation_facts& f) {
    evaluation e;
    e.day = core::format_utc_day(f.closed_at);
    e.channel = f.channel;
    e.lang = f.lang;
    std::optional<seconds> wait;
    std::optional<seconds> duration;
    if (f.accepted_at) {
        wait = std::chrono::duration_cast<seconds>(*f.accepted_at - f.created_at);
        duration = std::chrono::duration_cast<seconds>(f.closed_at - *f.accepted_at);
    }
    e.wait = wait_bucket(wait);
    e.duration = duration_bucket(duration);
    e.age_band = age_band(field(f.intake, "age"));
    e.gender = gender_category(field(f.intake, "gender"));
    e.state = state_category(field(f.intake, "state"));
    e.heard_about = heard_about_category(field(f.intake, "heard_about"));
    e.disposition = f.disposition.empty() ? "unrecorded" : f.disposition;
    e.policy_version = f.policy_version;
    return e;
}

void insert_evaluation(store::unit_of_work& work, evaluation e) {
    e.id = core::random_hex(16);
    work.evaluations().insert(e);
}

}  // namespace sc::privacy
