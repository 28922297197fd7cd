#pragma once
// Hex text -> bytes for golden vectors written as async_mqtt does: one field per line with a comment, e.g.
//   "32 0a      // PUBLISH QoS 1, remaining length 10\n"
//   "0003 612f62 // topic name \"a/b\"\n"
// Whitespace and '|' separate nothing in particular and are ignored; "//" starts a comment to the end of the line.
// Anything else that is not a hex digit, or an odd number of digits, throws std::invalid_argument (test code only).
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mqtt::test {

[[nodiscard]] inline std::vector<std::byte> hex(std::string_view text) {
    std::vector<std::byte> out;
    int high = -1;
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
            const auto eol = text.find('\n', i);
            if (eol == std::string_view::npos) break;
            i = eol;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '|') continue;
        const int d = digit(c);
        if (d < 0) throw std::invalid_argument("hex(): unexpected character '" + std::string(1, c) + "'");
        if (high < 0) {
            high = d;
        } else {
            out.push_back(static_cast<std::byte>((high << 4) | d));
            high = -1;
        }
    }
    if (high >= 0) throw std::invalid_argument("hex(): odd number of hex digits");
    return out;
}

}  // namespace mqtt::test
