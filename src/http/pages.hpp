// Server-rendered pages: the public Markdown pages (the operator may replace each one), the
// visitor chat page and the staff console shell, all inside one layout. Rendered once at
// start, since their inputs (content, config, asset names) do not change while running.
#pragma once

#include "core/config.hpp"
#include "http/assets.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sc::http {

class pages {
public:
    /// Throws std::runtime_error when a template or an operator's page cannot be used.
    pages(const asset_catalog& assets, const core::config& config);

    /// The HTML of a page by path ("/", "/privacy", "/chat"), or nothing for an unknown path.
    const std::string* find(std::string_view path) const;
    const std::string& not_found() const { return not_found_; }

private:
    std::map<std::string, std::string, std::less<>> rendered_;
    std::string not_found_;
};

/// Markdown to HTML (CommonMark; raw HTML in the source is dropped).
std::string markdown_to_html(std::string_view markdown);

}  // namespace sc::http
