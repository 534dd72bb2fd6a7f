#include "net/request_reader.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <algorithm>
#include <cstring>

namespace sc::net {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

std::string kib(std::size_t n) { return std::to_string(n / 1024) + " KiB"; }

bool is_chunked(std::string_view coding) { return beast::iequals(coding, "chunked"); }

}  // namespace

request_reader::request_reader(read_limits limits) : limits_(limits), buffer_(limits.buffered) {}

std::size_t request_reader::feed(std::string_view bytes) {
    std::size_t n = std::min(bytes.size(), room());
    if (n == 0) return 0;
    auto space = buffer_.prepare(n);
    std::memcpy(space.data(), bytes.data(), n);
    buffer_.commit(n);
    return n;
}

bool request_reader::mid_request() const {
    return buffer_.size() > 0 || (parser_ && parser_->got_some());
}

void request_reader::start_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.header));
    parser_->body_limit(limits_.body);
    header_checked_ = false;
}

// RFC 9112 §6.1: chunked must be the final coding, and a coding we cannot decode is refused
// rather than guessed at (a body read as the next request would smuggle it).
std::optional<refusal> request_reader::check_header() const {
    const auto& h = parser_->get();
    std::vector<std::string> codings;
    auto [first, last] = h.equal_range(bhttp::field::transfer_encoding);
    for (auto it = first; it != last; ++it) {
        for (auto coding : bhttp::token_list{it->value()}) codings.emplace_back(coding);
    }
    if (codings.empty()) return std::nullopt;
    if (!is_chunked(codings.back())) {
        return refusal{400, "malformed HTTP request: Transfer-Encoding must end with chunked"};
    }
    if (codings.size() > 1) {
        return refusal{501, "only the chunked transfer coding is supported"};
    }
    return std::nullopt;
}

std::variant<need_more, refusal, beast_request> request_reader::next() {
    if (!parser_) start_request();
    while (!parser_->is_done()) {
        beast::error_code ec;
        std::size_t used = 0;
        try {
            used = parser_->put(buffer_.data(), ec);
        } catch (const std::exception&) {
            // Beast throws for a field its container cannot hold; the limits above should
            // keep that from happening, and if it does the request is refused, not the server.
            return refusal{400, "malformed HTTP request: a field is too large"};
        }
        buffer_.consume(used);
        if (ec == bhttp::error::header_limit) {
            return refusal{431, "request headers are larger than " + kib(limits_.header)};
        }
        if (ec == bhttp::error::body_limit) {
            return refusal{413, "request body is larger than " + kib(limits_.body)};
        }
        if (ec && ec != bhttp::error::need_more) {
            return refusal{400, "malformed HTTP request: " + ec.message()};
        }
        if (parser_->is_header_done() && !header_checked_) {
            header_checked_ = true;
            if (auto why = check_header()) return *why;
        }
        if (ec == bhttp::error::need_more || used == 0) {
            if (room() > 0) return need_more{};
            if (!parser_->is_header_done()) {
                return refusal{431, "request headers are larger than " + kib(limits_.header)};
            }
            return refusal{400,
                           "a chunk header or trailer is larger than " + kib(limits_.buffered)};
        }
    }
    auto request = parser_->release();
    parser_.reset();
    return request;
}

http::request to_plain_request(const beast_request& in) {
    http::request out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    for (const auto& field : in) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        out.headers[name] = std::string(field.value());
    }
    out.body = in.body();
    return out;
}

}  // namespace sc::net
