// The request reader holds every part of a request to a limit, and refuses with a status
// and a message instead of throwing or buffering without end.
#include "net/request_reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sc::net {
namespace {

// Feeds `bytes` in pieces of `step` and returns the first outcome that is not need_more.
std::variant<need_more, refusal, beast_request> read(request_reader& r, const std::string& bytes,
                                                     std::size_t step = 4096) {
    std::size_t at = 0;
    for (;;) {
        auto got = r.next();
        if (!std::holds_alternative<need_more>(got) || at == bytes.size()) return got;
        at += r.feed(std::string_view(bytes).substr(at, step));
    }
}

refusal refused(request_reader& r, const std::string& bytes) {
    auto got = read(r, bytes);
    EXPECT_TRUE(std::holds_alternative<refusal>(got));
    return std::holds_alternative<refusal>(got) ? std::get<refusal>(got) : refusal{0, ""};
}

TEST(request_reader, reads_a_request_fed_one_byte_at_a_time) {
    request_reader r;
    auto got = read(r, "POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 1);
    ASSERT_TRUE(std::holds_alternative<beast_request>(got));
    auto plain = to_plain_request(std::get<beast_request>(got));
    EXPECT_EQ(plain.method, "POST");
    EXPECT_EQ(plain.target, "/api/x");
    EXPECT_EQ(plain.header("host"), "a");
    EXPECT_EQ(plain.body, "hello");
}

TEST(request_reader, reads_pipelined_requests_in_order) {
    request_reader r;
    r.feed("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
    auto first = r.next();
    auto second = r.next();
    ASSERT_TRUE(std::holds_alternative<beast_request>(first));
    ASSERT_TRUE(std::holds_alternative<beast_request>(second));
    EXPECT_EQ(std::get<beast_request>(first).target(), "/a");
    EXPECT_EQ(std::get<beast_request>(second).target(), "/b");
    EXPECT_TRUE(std::holds_alternative<need_more>(r.next()));
    EXPECT_FALSE(r.mid_request());
}

TEST(request_reader, decodes_a_chunked_body) {
    request_reader r;
    auto got = read(r,
                    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "3\r\nabc\r\n2;name=value\r\nde\r\n0\r\nX-Trailer: ok\r\n\r\n");
    ASSERT_TRUE(std::holds_alternative<beast_request>(got));
    EXPECT_EQ(std::get<beast_request>(got).body(), "abcde");
}

TEST(request_reader, refuses_oversized_headers_with_431) {
    request_reader r;
    auto no = refused(r, "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(9000, 'a') + "\r\n\r\n");
    EXPECT_EQ(no.status, 431);
    EXPECT_NE(no.message.find("8 KiB"), std::string::npos);
}

TEST(request_reader, refuses_a_huge_trailer_instead_of_throwing) {
    // Once a crash: Beast threw std::length_error for a 64 KiB trailer field.
    request_reader r;
    auto no = refused(r, "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: " +
                             std::string(65534, 'a') + "\r\n\r\n");
    EXPECT_EQ(no.status, 400);
    EXPECT_NE(no.message.find("trailer"), std::string::npos);
}

TEST(request_reader, refuses_an_endless_chunk_extension) {
    request_reader r;
    auto no = refused(r, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
                             std::string(200000, 'a'));
    EXPECT_EQ(no.status, 400);
    EXPECT_LE(r.buffer().size(), read_limits{}.buffered);
}

TEST(request_reader, refuses_oversized_bodies_with_413_chunked_or_not) {
    request_reader plain_body;
    EXPECT_EQ(
        refused(plain_body, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n").status,
        413);
    request_reader chunked;
    std::string many = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 80; ++i) many += "400\r\n" + std::string(1024, 'b') + "\r\n";
    EXPECT_EQ(refused(chunked, many).status, 413);
}

TEST(request_reader, refuses_transfer_codings_it_cannot_decode) {
    request_reader unknown;
    auto no = refused(unknown, "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n");
    EXPECT_EQ(no.status, 400);
    request_reader stacked;
    EXPECT_EQ(
        refused(stacked, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
            .status,
        501);
    request_reader split;
    EXPECT_EQ(refused(split,
                      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n")
                  .status,
              501);
}

TEST(request_reader, refuses_garbage_with_a_reason) {
    request_reader r;
    auto no = refused(r, "HELLO\r\n\r\n");
    EXPECT_EQ(no.status, 400);
    EXPECT_TRUE(no.message.starts_with("malformed HTTP request"));
}

TEST(request_reader, never_holds_more_than_its_buffer) {
    request_reader r({.header = 1024, .body = 1024, .buffered = 2048});
    EXPECT_EQ(r.feed(std::string(5000, 'x')), 2048u);
    EXPECT_EQ(r.room(), 0u);
}

}  // namespace
}  // namespace sc::net
