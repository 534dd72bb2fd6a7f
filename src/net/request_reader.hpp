// Reads HTTP/1.1 requests out of the bytes a connection receives, with every limit applied
// to everything the parser holds: the header, each chunk header with its extensions, the
// trailer and the decoded body. The transport reads into buffer(); tests and the fuzzer feed
// bytes directly, so both take the same path.
#pragma once

#include "http/message.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace sc::net {

struct read_limits {
    std::size_t header = 8 * 1024;     // request line and header fields
    std::size_t body = 64 * 1024;      // the body after chunked decoding
    std::size_t buffered = 16 * 1024;  // bytes held unparsed at once (a chunk line, a trailer)
};

/// A request we will not serve: answer with this status and message, then close.
struct refusal {
    int status;
    std::string message;
};

/// The buffer holds part of a request; read more from the peer.
struct need_more {};

using beast_request = boost::beast::http::request<boost::beast::http::string_body>;

class request_reader {
  public:
    explicit request_reader(read_limits limits = {});

    /// Where the transport reads into; its size never exceeds limits.buffered.
    boost::beast::flat_buffer& buffer() { return buffer_; }
    /// Room left in buffer() for one read.
    std::size_t room() const { return buffer_.max_size() - buffer_.size(); }

    /// Copies bytes into the buffer as if the peer had sent them; returns how many fit.
    std::size_t feed(std::string_view bytes);

    /// Parses what has arrived: a whole request, a refusal, or the need for more bytes.
    std::variant<need_more, refusal, beast_request> next();

    /// True when bytes of an unfinished request are waiting.
    bool mid_request() const;

  private:
    void start_request();
    std::optional<refusal> check_header() const;

    read_limits limits_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    bool header_checked_ = false;
};

/// The plain request handlers see; the client address is left for the caller to fill in.
http::request to_plain_request(const beast_request& in);

}  // namespace sc::net
