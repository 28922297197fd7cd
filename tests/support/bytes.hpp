#pragma once
// Small byte helpers for tests: text <-> bytes, hex dumps for failure messages.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mqtt::test {

[[nodiscard]] inline std::span<const std::byte> as_bytes(std::string_view s) noexcept {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

[[nodiscard]] inline std::vector<std::byte> to_vector(std::string_view s) {
    const auto b = as_bytes(s);
    return {b.begin(), b.end()};
}

[[nodiscard]] inline std::string_view as_chars(std::span<const std::byte> b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT: bytes viewed as chars
}

// "32 0a 00 03 ..." for failure messages.
[[nodiscard]] inline std::string to_hex(std::span<const std::byte> b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 3);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i != 0) s += ' ';
        const auto v = std::to_integer<unsigned>(b[i]);
        s += digits[v >> 4];
        s += digits[v & 0x0Fu];
    }
    return s;
}

[[nodiscard]] inline std::vector<std::byte> concat(std::initializer_list<std::span<const std::byte>> parts) {
    std::vector<std::byte> out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

[[nodiscard]] constexpr std::byte operator""_b(unsigned long long v) noexcept { return static_cast<std::byte>(v); }

}  // namespace mqtt::test
