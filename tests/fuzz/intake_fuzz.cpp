// Fuzz target: intake validation (chat/intake). The input is the JSON a visitor's start frame
// carries as "intake"; bytes that are not JSON arrive as a string, which is not an object.
// Must hold: no crash and no sanitizer report; an accepted intake keeps only the seven
// fields, each a trimmed, non-empty string of at most 100 characters, with a valid age and
// zip; a refusal is bad_request with a message.
#include "chat/intake.hpp"
#include "chat/text.hpp"
#include "fuzz_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace {

using namespace sc;

void check_kept(const boost::json::object& kept, const std::string& input) {
    for (const auto& [key, v] : kept) {
        fuzz::check(std::find(chat::intake_fields.begin(), chat::intake_fields.end(), key) !=
                        chat::intake_fields.end(),
                    "kept a field that is not an intake field", input);
        fuzz::check(v.is_string(), "kept a value that is not a string", input);
        std::string_view text = v.as_string();
        fuzz::check(!text.empty() && chat::trim(text) == text, "kept an untrimmed value", input);
        fuzz::check(fuzz::valid_utf8(text) && chat::utf8_length(text) <= chat::intake_field_max,
                    "kept a value that is too long or not UTF-8", input);
        if (key == "age") {
            auto digits = text.substr(std::min(text.find_first_not_of('0'), text.size()));
            fuzz::check(std::all_of(text.begin(), text.end(),
                                    [](char c) { return c >= '0' && c <= '9'; }) &&
                            digits.size() <= 3 &&
                            (digits.empty() || std::stoi(std::string(digits)) <= 120),
                        "kept an age that is not 0 to 120", input);
        }
        if (key == "zip") {
            fuzz::check(text.size() >= 3 && text.size() <= 10, "kept a zip of the wrong length",
                        input);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    boost::system::error_code ec;
    auto value = boost::json::parse(input, ec);
    if (ec) value = boost::json::string(input);
    auto r = chat::validate_intake(&value);
    if (r) {
        fuzz::check(value.is_null() || value.is_object(), "accepted an intake that is no object",
                    input);
        check_kept(*r, input);
    } else {
        fuzz::check(r.error().code == core::errc::bad_request && !r.error().message.empty(),
                    "a refusal that is not bad_request with a message", input);
        fuzz::check(fuzz::valid_utf8(r.error().message), "a refusal that is not UTF-8", input);
    }
    return 0;
}
