// Server-rendered pages: the public Markdown pages (the operator may replace each one), the
// visitor chat page and the staff console shell, all inside one layout. Rendered once at
// start, since their inputs (content, config, asset names) do not change while running.
#pragma once

#include "core/clock.hpp"
#include "core/config.hpp"
#include "http/assets.hpp"
#include "privacy/policy.hpp"

#include <kainjow/mustache.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sc::http {

class pages {
  public:
    /// Throws std::runtime_error when a template or an operator's page cannot be used.
    pages(const asset_catalog& assets, const core::config& config,
          const privacy::policy_registry& policy);

    /// The HTML of a fixed page by path ("/", "/chat"), or nothing for an unknown path.
    const std::string* find(std::string_view path) const;
    const std::string& not_found() const { return not_found_; }

    /// The privacy policy in force, with this installation's values filled in.
    std::string privacy(core::time_point now) const;
    /// Every version that has been in force, newest first.
    std::string privacy_archive(core::time_point now) const;
    /// One earlier version; nothing if it is unknown or not yet in force.
    std::optional<std::string> privacy_version(std::int64_t version, core::time_point now) const;

  private:
    std::string wrap(const std::string& title, const std::string& body, const std::string& script,
                     const std::string& style, bool staff) const;
    std::string render_policy(const privacy::policy_version& v, bool current) const;

    const asset_catalog& assets_;
    const privacy::policy_registry& policy_;
    kainjow::mustache::data values_;
    std::string layout_;
    std::map<std::string, std::string, std::less<>> rendered_;
    std::string not_found_;
};

/// The policy text recorded as version 1 on first start: the operator's content/privacy.md
/// if there is one, otherwise the built-in page.
std::string initial_privacy_policy(const asset_catalog& assets, const core::config& config);

/// Markdown to HTML (CommonMark; raw HTML in the source is dropped).
std::string markdown_to_html(std::string_view markdown);

}  // namespace sc::http
