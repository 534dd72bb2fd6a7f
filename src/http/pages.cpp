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

std::string initial_privacy_policy(const asset_catalog& assets, const core::config& config) {
    if (auto own = operator_page(config, "content/privacy.md")) return *own;
    return std::string(assets.file("content/privacy.md").value_or(""));
}

pages::pages(const asset_catalog& assets, const core::config& config,
             const privacy::policy_registry& policy)
    : assets_(assets), policy_(policy) {
    auto layout = assets.file("templates/layout.html");
    if (!layout) throw std::runtime_error("templates/layout.html is not built in");
    layout_ = std::string(*layout);
    values_.set("service_name", config.service_name);
    values_.set("contact_email", config.contact_email);
    values_.set("quick_exit_url", config.quick_exit_url);

    for (const auto& spec : page_specs()) {
        std::string source;
        if (auto own = operator_page(config, spec.source)) {
            source = *own;
        } else if (auto built_in = assets.file(spec.source)) {
            source = std::string(*built_in);
        } else {
            throw std::runtime_error(spec.source + " is not built in");
        }
        std::string filled = render_template(source, spec.source, values_);
        bool markdown = spec.source.ends_with(".md");
        std::string title = markdown ? title_of(filled, config.service_name)
                                     : (spec.staff ? "Staff console" : "Chat with an advocate");
        rendered_[spec.path] = wrap(title, markdown ? markdown_to_html(filled) : filled,
                                    spec.script, spec.style, spec.staff);
    }
    not_found_ = wrap("Page not found",
                      "<h1>Page not found</h1><p>There is no page at this address. "
                      "<a href=\"/\">Go to the home page</a>.</p>",
                      "", "", false);
}

std::string pages::wrap(const std::string& title, const std::string& body,
                        const std::string& script, const std::string& style, bool staff) const {
    mustache::data page = values_;
    page.set("lang", "en");
    page.set("title", title);
    page.set("body", body);
    page.set("site_css", assets_.url_of("site.css"));
    page.set("site_js", assets_.url_of("site.js"));
    if (!script.empty()) page.set("page_js", assets_.url_of(script));
    if (!style.empty()) page.set("page_css", assets_.url_of(style));
    page.set("staff", staff ? mustache::data::type::bool_true : mustache::data::type::bool_false);
    return render_template(layout_, "templates/layout.html", page);
}

const std::string* pages::find(std::string_view path) const {
    auto it = rendered_.find(path);
    return it == rendered_.end() ? nullptr : &it->second;
}

std::string pages::render_policy(const privacy::policy_version& v, bool current) const {
    mustache::data values = values_;
    int hours = v.retention_hours;
    values.set("retention_hours", std::to_string(hours));
    values.set("retention_summary",
               hours == 0 ? std::string("They are erased within a minute of the chat ending.")
                          : "They are erased " + std::to_string(hours) + " hour" +
                                (hours == 1 ? "" : "s") + " after the chat ends.");
    // Publishing refuses a broken template; one stored before that check is shown as text.
    mustache::mustache tmpl{v.markdown};
    std::string filled = tmpl.is_valid() ? tmpl.render(values) : v.markdown;
    auto since = core::format_utc_day(core::from_unix_seconds(v.effective_at));
    std::string note = current ? "<p class=\"policy-version\">Version " +
                                     std::to_string(v.version) + ", in force since " + since +
                                     ". <a href=\"/privacy/versions\">Earlier versions</a>.</p>\n"
                               : "<p class=\"policy-version\">Version " +
                                     std::to_string(v.version) + ", in force from " + since +
                                     ". This is not the current policy: <a href=\"/privacy\">read "
                                     "the current one</a>.</p>\n";
    return wrap(title_of(filled, "Privacy policy"), note + markdown_to_html(filled), "", "", false);
}

std::string pages::privacy(core::time_point now) const {
    auto v = policy_.find(policy_.in_force(now));
    if (!v) return not_found_;
    return render_policy(*v, true);
}

std::string pages::privacy_archive(core::time_point now) const {
    auto current = policy_.in_force(now);
    std::string body =
        "<h1>Privacy policy versions</h1>\n<p>Each version applied to what was "
        "submitted while it was in force.</p>\n<ul class=\"policy-versions\">\n";
    for (const auto& v : policy_.published(now)) {
        auto n = std::to_string(v.version);
        auto since = core::format_utc_day(core::from_unix_seconds(v.effective_at));
        body += "<li><a href=\"" +
                (v.version == current ? std::string("/privacy") : "/privacy/versions/" + n) +
                "\">Version " + n + "</a>, in force from " + since +
                (v.version == current ? " (current)" : "") + "</li>\n";
    }
    body += "</ul>\n";
    return wrap("Privacy policy versions", body, "", "", false);
}

std::optional<std::string> pages::privacy_version(std::int64_t version,
                                                  core::time_point now) const {
    auto v = policy_.find(version);
    if (!v || v->effective_at > core::unix_seconds(now)) return std::nullopt;
    return render_policy(*v, version == policy_.in_force(now));
}

}  // namespace sc::http
