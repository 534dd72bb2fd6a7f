#include "http/pages.hpp"

#include <cmark.h>
#include <kainjow/mustache.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sc::http {

namespace mustache = kainjow::mustache;

namespace {

struct page_spec {
    std::string path;
    std::string source;  // "content/home.md" or "templates/chat.html"
    std::string script;  // extra web bundle, if any
    std::string style;
    bool staff = false;
};

const std::vector<page_spec>& page_specs() {
    static const std::vector<page_spec> specs{
        {"/", "content/home.md", "", "", false},
        {"/safety", "content/safety.md", "", "", false},
        {"/privacy", "content/privacy.md", "", "", false},
        {"/contact", "content/contact.md", "", "", false},
        {"/chat", "templates/chat.html", "visitor.js", "", false},
        {"/staff", "templates/staff.html", "staff.js", "staff.css", true},
    };
    return specs;
}

std::string render_template(std::string_view source, const std::string& name,
                            const mustache::data& values) {
    mustache::mustache tmpl{std::string(source)};
    if (!tmpl.is_valid()) {
        throw std::runtime_error(name + ": template error: " + tmpl.error_message());
    }
    return tmpl.render(values);
}

// The first "# " heading names the page; otherwise the service name does.
std::string title_of(std::string_view markdown, const std::string& fallback) {
    std::istringstream in{std::string(markdown)};
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("# ")) return line.substr(2);
    }
    return fallback;
}

std::optional<std::string> operator_page(const core::config& config, const std::string& source) {
    if (config.content_dir.empty() || !source.starts_with("content/")) return std::nullopt;
    auto path = config.content_dir / source.substr(8);
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
    char* html = cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT);
    std::string out(html);
    std::free(html);
    return out;
}

pages::pages(const asset_catalog& assets, const core::config& config) {
    auto layout = assets.file("templates/layout.html");
    if (!layout) throw std::runtime_error("templates/layout.html is not built in");

    mustache::data values;
    values.set("service_name", config.service_name);
    values.set("contact_email", config.contact_email);
    values.set("quick_exit_url", config.quick_exit_url);
    values.set("retention_summary",
               "This version does not yet delete closed conversations automatically.");

    auto wrap = [&](const std::string& title, const std::string& body, const page_spec& spec) {
        mustache::data page = values;
        page.set("lang", "en");
        page.set("title", title);
        page.set("body", body);
        page.set("site_css", assets.url_of("site.css"));
        page.set("site_js", assets.url_of("site.js"));
        if (!spec.script.empty()) page.set("page_js", assets.url_of(spec.script));
        if (!spec.style.empty()) page.set("page_css", assets.url_of(spec.style));
        page.set("staff", spec.staff ? mustache::data::type::bool_true
                                     : mustache::data::type::bool_false);
        return render_template(*layout, "templates/layout.html", page);
    };

    for (const auto& spec : page_specs()) {
        std::string source;
        if (auto own = operator_page(config, spec.source)) {
            source = *own;
        } else if (auto built_in = assets.file(spec.source)) {
            source = std::string(*built_in);
        } else {
            throw std::runtime_error(spec.source + " is not built in");
        }
        std::string filled = render_template(source, spec.source, values);
        bool markdown = spec.source.ends_with(".md");
        std::string title = markdown ? title_of(filled, config.service_name)
                                     : (spec.staff ? "Staff console" : "Chat with an advocate");
        rendered_[spec.path] = wrap(title, markdown ? markdown_to_html(filled) : filled, spec);
    }
    not_found_ = wrap("Page not found",
                      "<h1>Page not found</h1><p>There is no page at this address. "
                      "<a href=\"/\">Go to the home page</a>.</p>",
                      page_spec{});
}

const std::string* pages::find(std::string_view path) const {
    auto it = rendered_.find(path);
    return it == rendered_.end() ? nullptr : &it->second;
}

}  // namespace sc::http
