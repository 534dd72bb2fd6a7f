// Test support: a fresh directory per test under the system temp directory, removed with
// everything in it when the test ends, and a reader for the raw bytes of a file in it.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

namespace sc::test_support {

class temp_dir {
  public:
    temp_dir() {
        auto base = std::filesystem::temp_directory_path();
        std::random_device entropy;
        for (;;) {
            std::ostringstream name;
            name << "safeconnect-test-" << std::hex << entropy() << entropy();
            path_ = base / name.str();
            if (std::filesystem::create_directory(path_)) break;
        }
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

/// The whole file as bytes; empty when it does not exist.
inline std::string read_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text(const std::filesystem::path& file, std::string_view text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
}

}  // namespace sc::test_support
