#pragma once
// Unchecked output cursor: encode() computes the exact size and checks the caller's buffer before writing.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include <mqtt/codec/varint.hpp>

namespace mqtt::codec::detail {

class writer {
public:
    explicit writer(std::byte* out) noexcept : begin_(out), p_(out) {}
    [[nodiscard]] std::size_t written() const noexcept { return static_cast<std::size_t>(p_ - begin_); }

    void u8(std::uint8_t v) noexcept { *p_++ = std::byte{v}; }
    void u16(std::uint16_t v) noexcept {
        u8(static_cast<std::uint8_t>(v >> 8));
        u8(static_cast<std::uint8_t>(v));
    }
    void u32(std::uint32_t v) noexcept {
        u16(static_cast<std::uint16_t>(v >> 16));
        u16(static_cast<std::uint16_t>(v));
    }
    void variable_byte_integer(std::uint32_t v) noexcept { p_ += write_variable_byte_integer(v, p_); }
    void raw(std::span<const std::byte> b) noexcept {
        if (!b.empty()) std::memcpy(p_, b.data(), b.size());
        p_ += b.size();
    }
    void raw(std::string_view s) noexcept {
        if (!s.empty()) std::memcpy(p_, s.data(), s.size());
        p_ += s.size();
    }
    void binary(std::span<const std::byte> b) noexcept {
        u16(static_cast<std::uint16_t>(b.size()));
        raw(b);
    }
    void utf8_string(std::string_view s) noexcept {
        u16(static_cast<std::uint16_t>(s.size()));
        raw(s);
    }

private:
    std::byte* begin_;
    std::byte* p_;
};

// Size of a two-byte-length-prefixed field.
[[nodiscard]] constexpr std::size_t prefixed_size(std::size_t n) noexcept { return 2 + n; }

}  // namespace mqtt::codec::detail
