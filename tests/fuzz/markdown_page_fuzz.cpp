// Fuzz target: Markdown to HTML (http/pages markdown_to_html), which renders the operator's
// pages and every policy version. The input is the Markdown.
// Must hold: no crash and no sanitizer report; the HTML of UTF-8 Markdown is valid UTF-8
// (cmark passes other bytes through; policy text always arrives as UTF-8); raw HTML in the
// source is dropped, so every tag in the output is one CommonMark itself writes, and no link
// or image points at a script, a file or a data URL other than an image.
#include "fuzz_support.hpp"
#include "http/pages.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>

namespace {

using namespace sc;

constexpr std::array<std::string_view, 20> cmark_tags{
    "p",   "h1",   "h2",  "h3",         "h4",
    "h5",  "h6",   "em",  "strong",     "a",
    "img", "code", "pre", "blockquote", "ul",
    "ol",  "li",   "hr",  "br",         "!-- raw HTML omitted --"};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The value of every url attribute (href="..." or src="...") must not run a script or
// reach a local file.
void check_urls(std::string_view tag, const std::string& html) {
    for (std::string_view attr : {"href=\"", "src=\""}) {
        for (auto at = tag.find(attr); at != std::string_view::npos; at = tag.find(attr, at + 1)) {
            auto url = lower(tag.substr(at + attr.size(), 16));
            for (std::string_view scheme : {"javascript:", "vbscript:", "file:"}) {
                fuzz::check(!url.starts_with(scheme), "a script or file URL in the output", html);
            }
            if (url.starts_with("data:")) {
                // CommonMark's safe mode keeps these four image types, in links too.
                fuzz::check(
                    url.starts_with("data:image/png") || url.starts_with("data:image/gif") ||
                        url.starts_with("data:image/jpeg") || url.starts_with("data:image/webp"),
                    "a data: URL that is not an image", html);
            }
        }
    }
}

void check_tags(const std::string& html) {
    for (auto at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
        std::string_view rest = std::string_view(html).substr(at + 1);
        if (rest.starts_with("/")) rest.remove_prefix(1);
        if (rest.starts_with("!-- raw HTML omitted -->")) continue;
        auto end = rest.find_first_of(" />");
        fuzz::check(end != std::string_view::npos, "an unterminated tag in the output", html);
        auto name = rest.substr(0, end);
        fuzz::check(std::find(cmark_tags.begin(), cmark_tags.end(), name) != cmark_tags.end(),
                    "raw HTML passed through to the output", html);
        auto close = rest.find('>');
        fuzz::check(close != std::string_view::npos, "an unterminated tag in the output", html);
        check_urls(rest.substr(0, close), html);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view markdown(reinterpret_cast<const char*>(data), size);
    auto html = http::markdown_to_html(markdown);
    fuzz::check(!fuzz::valid_utf8(markdown) || fuzz::valid_utf8(html),
                "the HTML of UTF-8 Markdown is not valid UTF-8", html);
    check_tags(html);
    return 0;
}
