#include "http/assets.hpp"

#include "core/random.hpp"
#include "http/embedded.hpp"

#include <sodium.h>

namespace sc::http {
namespace {

std::string_view content_type_of(std::string_view name) {
    if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
    if (name.ends_with(".css")) return "text/css; charset=utf-8";
    if (name.ends_with(".svg")) return "image/svg+xml";
    if (name.ends_with(".png")) return "image/png";
    if (name.ends_with(".ico")) return "image/x-icon";
    if (name.ends_with(".woff2")) return "font/woff2";
    return "application/octet-stream";
}

std::string short_hash(std::string_view data) {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return core::to_hex({reinterpret_cast<const char*>(out), 5});
}

}  // namespace

asset_catalog::asset_catalog() {
    std::map<std::string_view, std::string_view> gz;
    for (std::size_t i = 0; i < embedded::file_count; ++i) {
        const auto& f = embedded::files[i];
        if (f.path.starts_with("web/") && f.path.ends_with(".gz")) {
            gz[f.path.substr(4, f.path.size() - 7)] = f.data;
        } else {
            files_[std::string(f.path)] = f.data;
        }
    }
    for (const auto& [path, data] : files_) {
        if (!path.starts_with("web/")) continue;
        std::string name = path.substr(4);
        auto dot = name.rfind('.');
        std::string hash = short_hash(data);
        asset a;
        a.url = "/assets/" + name.substr(0, dot) + "." + hash + name.substr(dot);
        a.content_type = content_type_of(name);
        a.etag = "\"" + hash + "\"";
        a.body = data;
        if (auto it = gz.find(name); it != gz.end() && it->second.size() < data.size()) {
            a.gzip_body = it->second;
        }
        url_by_name_[name] = a.url;
        by_url_[a.url] = a;
    }
}

const asset* asset_catalog::by_url(std::string_view url) const {
    auto it = by_url_.find(url);
    return it == by_url_.end() ? nullptr : &it->second;
}

std::string asset_catalog::url_of(std::string_view name) const {
    auto it = url_by_name_.find(name);
    return it == url_by_name_.end() ? std::string() : it->second;
}

std::optional<std::string_view> asset_catalog::file(std::string_view path) const {
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second;
}

}  // namespace sc::http
