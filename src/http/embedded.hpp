// The table generated at build time by cmake/embed.cmake.
#pragma once

#include <cstddef>
#include <string_view>

namespace sc::http::embedded {

struct file {
    std::string_view path;  // "web/visitor.js", "web/visitor.js.gz", "templates/chat.html"
    std::string_view data;
};

extern const file files[];
extern const std::size_t file_count;

}  // namespace sc::http::embedded
