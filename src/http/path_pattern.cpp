#include "http/path_pattern.hpp"

#include <charconv>
#include <stdexcept>

namespace sc::http {

namespace {

std::vector<std::string_view> split(std::string_view path) {
    // "/a/b" gives {"a","b"}; "/" gives {""}; "/a/" gives {"a",""}.
    std::vector<std::string_view> out;
    path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::int64_t> decimal(std::string_view text) {
    if (text.empty()) return std::nullopt;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        int hi = hex_value(text[i + 1]);
        int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

const std::string& path_params::text(std::string_view name) const {
    static const std::string none;
    for (const auto& v : values_) {
        if (v.name == name) return v.text;
    }
    return none;
}

std::int64_t path_params::integer(std::string_view name) const {
    for (const auto& v : values_) {
        if (v.name == name) return v.number;
    }
    return 0;
}

void path_params::add(std::string name, std::string text, std::int64_t number) {
    values_.push_back({std::move(name), std::move(text), number});
}

path_pattern::path_pattern(const char* text) : text_(text) {
    std::string_view pattern = text_;
    auto question = pattern.find('?');
    auto parameter = [this](std::string_view part) -> segment {
        auto inner = part.substr(1, part.size() - 2);
        auto colon = inner.find(':');
        auto name = inner.substr(0, colon);
        auto type = colon == std::string_view::npos ? "" : inner.substr(colon + 1);
        if (name.empty() || (!type.empty() && type != "int")) {
            throw std::invalid_argument("bad parameter in " + text_);
        }
        return {type == "int" ? kind::integer : kind::text, std::string(name)};
    };
    if (question != std::string_view::npos) {
        auto query = pattern.substr(question + 1);
        pattern = pattern.substr(0, question);
        while (!query.empty()) {
            auto amp = query.find('&');
            auto pair = query.substr(0, amp);
            auto eq = pair.find('=');
            auto value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
            if (!value.starts_with('{') || !value.ends_with('}') ||
                parameter(value).name != pair.substr(0, eq)) {
                throw std::invalid_argument("bad query parameter in " + text_);
            }
            query_.push_back(parameter(value));
            if (amp == std::string_view::npos) break;
            query.remove_prefix(amp + 1);
        }
    }
    if (!pattern.starts_with('/')) throw std::invalid_argument("a pattern starts with /");
    for (auto part : split(pattern)) {
        if (part.starts_with('{') && part.ends_with('}')) {
            segments_.push_back(parameter(part));
        } else if (part.find_first_of("{}%") != std::string_view::npos) {
            throw std::invalid_argument("bad literal in " + text_);
        } else {
            segments_.push_back({kind::literal, std::string(part)});
        }
    }
}

std::optional<path_params> path_pattern::match(std::string_view path) const {
    if (!path.starts_with('/')) return std::nullopt;
    auto parts = split(path);
    if (parts.size() != segments_.size()) return std::nullopt;
    path_params params;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& s = segments_[i];
        auto part = parts[i];
        if (s.type == kind::literal) {
            if (part != s.name) return std::nullopt;
            continue;
        }
        if (part.empty()) return std::nullopt;
        if (s.type == kind::integer) {
            auto n = decimal(part);
            if (!n) return std::nullopt;
            params.add(s.name, std::string(part), *n);
        } else {
            auto decoded = percent_decode(part);
            if (!decoded || decoded->empty()) return std::nullopt;
            params.add(s.name, std::move(*decoded), 0);
        }
    }
    return params;
}

std::string path_pattern::template_path() const {
    std::string out;
    for (const auto& s : segments_) {
        out += '/';
        out += s.type == kind::literal ? s.name : "{" + s.name + "}";
    }
    return out;
}

}  // namespace sc::http
