#include "core/config.hpp"

#include <toml++/toml.h>
#include <unistd.h>  // environ

#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

namespace sc::core {
namespace {

// One settable key: its dotted name and how to apply a string (env) or a TOML node (file).
struct key_spec {
    std::string name;
    std::function<void(config&, const std::string&)> set;
};

std::int64_t parse_int(const std::string& name, const std::string& text, std::int64_t lo,
                       std::int64_t hi) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi) {
        throw config_error(name + ": expected a whole number from " + std::to_string(lo) + " to " +
                           std::to_string(hi) + ", got '" + text + "'");
    }
    return v;
}

bool parse_bool(const std::string& name, const std::string& text) {
    if (text == "true" || text == "1" || text == "yes") return true;
    if (text == "false" || text == "0" || text == "no") return false;
    throw config_error(name + ": expected true or false, got '" + text + "'");
}

void set_listen(config& c, const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        throw config_error("listen: expected host:port such as 127.0.0.1:8080, got '" + text + "'");
    }
    c.listen_host = text.substr(0, colon);
    if (c.listen_host.size() > 2 && c.listen_host.front() == '[') {
        c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
    }
    c.listen_port =
        static_cast<std::uint16_t>(parse_int("listen port", text.substr(colon + 1), 0, 65535));
}

std::vector<key_spec> key_specs() {
    auto text = [](std::string config::*field) {
        return [field](config& c, const std::string& v) { c.*field = v; };
    };
    auto path = [](std::filesystem::path config::*field) {
        return [field](config& c, const std::string& v) { c.*field = v; };
    };
    auto integer = [](int config::*field, const std::string& name, int lo, int hi) {
        return [=](config& c, const std::string& v) {
            c.*field = static_cast<int>(parse_int(name, v, lo, hi));
        };
    };
    return {
        {"listen", set_listen},
        {"data_dir", path(&config::data_dir)},
        {"log_level",
         [](config& c, const std::string& v) {
             if (v != "debug" && v != "info" && v != "warn" && v != "error") {
                 throw config_error("log_level: expected debug, info, warn or error, got '" + v +
                                    "'");
             }
             c.log_level = v;
         }},
        {"threads", integer(&config::threads, "threads", 0, 64)},
        {"service_name", text(&config::service_name)},
        {"public_origin", text(&config::public_origin)},
        {"tls_upstream",
         [](config& c, const std::string& v) { c.tls_upstream = parse_bool("tls_upstream", v); }},
        {"quick_exit_url", text(&config::quick_exit_url)},
        {"contact_email", text(&config::contact_email)},
        {"content_dir", path(&config::content_dir)},
        {"trusted_proxies",
         [](config& c, const std::string& v) {
             c.trusted_proxies = parse_address_ranges("trusted_proxies", v);
         }},
        {"limits.connections_per_address",
         integer(&config::connections_per_address, "limits.connections_per_address", 1, 100000)},
        {"limits.max_connections",
         integer(&config::max_connections, "limits.max_connections", 0, 1000000)},
        {"chat.max_per_coordinator",
         integer(&config::chat_max_per_coordinator, "chat.max_per_coordinator", 1, 20)},
        {"chat.new_per_network_per_hour", integer(&config::chat_new_per_network_per_hour,
                                                  "chat.new_per_network_per_hour", 1, 100000)},
        {"chat.block_hours", integer(&config::chat_block_hours, "chat.block_hours", 1, 24 * 365)},
        {"staff.session_idle_seconds",
         integer(&config::staff_session_idle_seconds, "staff.session_idle_seconds", 1, 12 * 3600)},
        {"staff.console_check_seconds",
         integer(&config::staff_console_check_seconds, "staff.console_check_seconds", 1, 60)},
        {"retention.hours", integer(&config::retention_hours, "retention.hours", 0, 24 * 3650)},
        {"key_file", path(&config::key_file)},
        {"admin.email", text(&config::admin_email)},
        {"admin.password", [](config& c, const std::string& v) { c.admin_password = v; }},
    };
}

std::string env_name(const std::string& key) {
    std::string out = "SAFECONNECT_";
    for (char ch : key) out += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
    return out;
}

// TOML values reach the same setters as environment strings, so both are validated alike.
std::string node_text(const std::string& key, const toml::node& node) {
    if (const auto* s = node.as_string()) return s->get();
    if (const auto* i = node.as_integer()) return std::to_string(i->get());
    if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
    if (const auto* list = node.as_array()) {
        std::string joined;
        for (const auto& item : *list) {
            const auto* text = item.as_string();
            if (text == nullptr) throw config_error(key + ": expected a list of strings");
            if (!joined.empty()) joined += ',';
            joined += text->get();
        }
        return joined;
    }
    throw config_error(key + ": expected a string, number, boolean or list of strings");
}

// toml++ 3.3 reaches __builtin_unreachable (undefined behaviour) when it asks whether some
// non-ASCII characters are white space, which it does for a character outside a string, after
// a backslash in a string, and after a line-ending backslash in a multi-line string. TOML
// allows none of the first two, so refusing them first changes nothing that could be read;
// the third is legal but rare, and is refused with a way around it.
void refuse_what_toml_cannot_read(std::string_view text, const std::string& source) {
    enum class in { plain, comment, basic, literal, multi_basic, multi_literal } state = in::plain;
    std::size_t line = 1;
    auto refuse = [&](const std::string& what) {
        throw config_error(source + ":" + std::to_string(line) + ": " + what);
    };
    auto at = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
    auto non_ascii = [&](std::size_t i) {
        return i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80;
    };
    // A quote opens a string only where a key or value may start; inside a bare word (1"x)
    // it is part of that word for the parser too.
    auto opens_string = [&](std::size_t i) {
        return i == 0 ||
               std::string_view(" \t\r\n=[{,.").find(text[i - 1]) != std::string_view::npos;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (ch == '\n') {
            ++line;
            if (state != in::multi_basic && state != in::multi_literal) state = in::plain;
            continue;
        }
        switch (state) {
            case in::plain:
                if (ch == '#') {
                    state = in::comment;
                } else if ((ch == '"' || ch == '\'') && opens_string(i)) {
                    bool multi = at(i, R"(""")") || at(i, "'''");
                    state = ch == '"' ? (multi ? in::multi_basic : in::basic)
                                      : (multi ? in::multi_literal : in::literal);
                    if (multi) i += 2;
                } else if (non_ascii(i)) {
                    refuse("a non-ASCII character outside quotes (put text in quotes)");
                }
                break;
            case in::basic:
            case in::multi_basic:
                if (ch == '\\') {
                    if (non_ascii(i + 1)) refuse("a non-ASCII character after a backslash");
                    auto next = text.find_first_not_of(" \t\r\n", i + 1);
                    bool line_ending =
                        state == in::multi_basic && next != i + 1 &&
                        text.substr(i + 1, next - i - 1).find('\n') != std::string_view::npos;
                    if (line_ending && non_ascii(next)) {
                        refuse(
                            "a line-ending backslash followed by a non-ASCII character "
                            "(end the line after that character instead)");
                    }
                    if (!line_ending) ++i;  // an escape such as \" does not end the string
                } else if (state == in::basic ? ch == '"' : at(i, R"(""")")) {
                    i += state == in::basic ? 0 : 2;
                    state = in::plain;
                }
                break;
            case in::literal:
                if (ch == '\'') state = in::plain;
                break;
            case in::multi_literal:
                if (at(i, "'''")) {
                    i += 2;
                    state = in::plain;
                }
                break;
            case in::comment:
                break;
        }
    }
}

config_error parse_failure(const std::string& source, const toml::parse_error& e) {
    const auto& where = e.source().begin;
    // NOLINTNEXTLINE(modernize-return-braced-init-list): the constructor is explicit
    return config_error(source + ":" + std::to_string(where.line) + ":" +
                        std::to_string(where.column) + ": " + std::string(e.description()));
}

config apply(const toml::table* table, const std::string& source,
             const std::map<std::string, std::string>& environment) {
    config c;
    auto specs = key_specs();
    if (table != nullptr) {
        std::vector<std::string> known;
        for (const auto& spec : specs) {
            known.push_back(spec.name);
            if (auto node = table->at_path(spec.name); node) {
                spec.set(c, node_text(spec.name, *node.node()));
            }
        }
        // A misspelt key must not be silently ignored.
        std::function<void(const toml::table&, const std::string&)> check =
            [&](const toml::table& t, const std::string& prefix) {
                for (const auto& [k, v] : t) {
                    std::string name = prefix + std::string(k.str());
                    if (const auto* sub = v.as_table()) {
                        check(*sub, name + ".");
                    } else if (std::find(known.begin(), known.end(), name) == known.end()) {
                        throw config_error(source + ": unknown key '" + name + "'");
                    }
                }
            };
        check(*table, "");
    }
    for (const auto& spec : specs) {
        if (auto it = environment.find(env_name(spec.name)); it != environment.end()) {
            spec.set(c, it->second);
        }
    }
    if (c.admin_password && c.admin_password->empty()) c.admin_password.reset();
    return c;
}

}  // namespace

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry = *e;
        auto eq = entry.find('=');
        if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    return env;
}

config load_config(const std::filesystem::path& file,
                   const std::map<std::string, std::string>& environment) {
    if (file.empty()) return apply(nullptr, {}, environment);
    std::ifstream in(file, std::ios::binary);
    if (!in) throw config_error(file.string() + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), file.string(), environment);
}

config parse_config(std::string_view toml_text, const std::string& source,
                    const std::map<std::string, std::string>& environment) {
    refuse_what_toml_cannot_read(toml_text, source);
    toml::table table;
    try {
        table = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        throw parse_failure(source, e);
    }
    return apply(&table, source, environment);
}

}  // namespace sc::core
