// Files built into the program: the bundled web assets (with gzip variants), the page
// templates and the default Markdown content. Web assets are served under content-hashed
// names, so browsers may cache them for a year.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sc::http {

struct asset {
    std::string url;  // /assets/visitor.3f2a9c1b0d.js
    std::string content_type;
    std::string etag;
    std::string_view body;
    std::string_view gzip_body;  // empty when there is no smaller gzip variant
};

class asset_catalog {
  public:
    /// Indexes everything embedded at build time.
    asset_catalog();

    /// A web asset by its URL path.
    const asset* by_url(std::string_view url) const;
    /// The URL of a web asset by its plain name ("visitor.js"); empty when absent.
    std::string url_of(std::string_view name) const;
    /// An embedded source file ("templates/layout.html", "content/home.md").
    std::optional<std::string_view> file(std::string_view path) const;

  private:
    std::map<std::string, asset, std::less<>> by_url_;
    std::map<std::string, std::string, std::less<>> url_by_name_;
    std::map<std::string, std::string_view, std::less<>> files_;
};

}  // namespace sc::http
