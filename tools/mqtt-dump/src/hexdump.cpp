#include <mqtt/dump/hexdump.hpp>

#include <algorithm>
#include <string_view>

#include <mqtt/codec/format.hpp>
#include <mqtt/codec/utf8.hpp>

namespace mqtt::dump {

namespace {
constexpr char digits[] = "0123456789abcdef";
}

void append_hex(fmt::memory_buffer& out, std::span<const std::byte> bytes, std::size_t max_bytes,
                std::string_view separator) {
    const std::size_t n = std::min(bytes.size(), max_bytes);
    for (std::size_t i = 0; i < n; ++i) {
        if (i != 0) codec::fmt_detail::append(out, separator);
        const auto b = std::to_integer<unsigned>(bytes[i]);
        const char pair[2] = {digits[b >> 4], digits[b & 0x0F]};
        codec::fmt_detail::append(out, std::string_view(pair, 2));
    }
}

void append_hexdump(fmt::memory_buffer& out, std::span<const std::byte> bytes, std::string_view indent) {
    for (std::size_t line = 0; line < bytes.size(); line += 16) {
        out.append(indent);
        fmt::format_to(fmt::appender(out), "{:04x}  ", line);
        const std::size_t n = std::min<std::size_t>(16, bytes.size() - line);
        for (std::size_t i = 0; i < 16; ++i) {
            if (i < n) {
                const auto b = std::to_integer<unsigned>(bytes[line + i]);
                out.push_back(digits[b >> 4]);
                out.push_back(digits[b & 0x0F]);
                out.push_back(' ');
            } else {
                out.append(std::string_view("   "));
            }
            if (i == 7) out.push_back(' ');
        }
        out.append(std::string_view(" |"));
        for (std::size_t i = 0; i < n; ++i) {
            const auto c = std::to_integer<unsigned char>(bytes[line + i]);
            out.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '.');
        }
        out.append(std::string_view("|\n"));
    }
}

bool is_printable_text(std::span<const std::byte> bytes) noexcept {
    for (std::byte b : bytes) {
        const auto c = std::to_integer<unsigned char>(b);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return false;
    }
    const std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return !codec::validate_utf8(s).has_value();
}

}  // namespace mqtt::dump
