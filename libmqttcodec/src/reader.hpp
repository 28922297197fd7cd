#pragma once
// Bounds-checked cursor over one packet's bytes. Running past the end of the packet is malformed: decode() only
// builds a reader once the whole packet (per its remaining length) is in memory.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include <mqtt/codec/packets.hpp>
#include <mqtt/codec/result.hpp>
#include <mqtt/codec/utf8.hpp>
#include <mqtt/codec/varint.hpp>

// Internal early return: evaluate a result, propagate its error, else bind the value.
#define MQTT_TRY(var, expr)                                              \
    auto var##_result_ = (expr);                                         \
    if (!var##_result_) return ::mqtt::codec::unexpected{var##_result_.error()}; \
    auto var = *var##_result_  // NOLINT(bugprone-macro-parentheses)

namespace mqtt::codec::detail {

[[nodiscard]] inline std::uint16_t load_u16(const std::byte* p) noexcept {
    return static_cast<std::uint16_t>((std::to_integer<unsigned>(p[0]) << 8) | std::to_integer<unsigned>(p[1]));
}
[[nodiscard]] inline std::uint32_t load_u32(const std::byte* p) noexcept {
    return (std::to_integer<std::uint32_t>(p[0]) << 24) | (std::to_integer<std::uint32_t>(p[1]) << 16) |
           (std::to_integer<std::uint32_t>(p[2]) << 8) | std::to_integer<std::uint32_t>(p[3]);
}
[[nodiscard]] inline std::string_view as_chars(std::span<const std::byte> b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT: bytes viewed as chars
}

class reader {
public:
    // `base` is the offset of `bytes` within the caller's input, so errors report input offsets.
    reader(std::span<const std::byte> bytes, std::size_t base) noexcept : bytes_(bytes), base_(base) {}

    [[nodiscard]] std::size_t offset() const noexcept { return base_ + pos_; }
    [[nodiscard]] std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
    [[nodiscard]] bool at_end() const noexcept { return pos_ == bytes_.size(); }
    [[nodiscard]] const std::byte* position() const noexcept { return bytes_.data() + pos_; }
    [[nodiscard]] unexpected fail(errc code) const noexcept { return codec::fail(code, offset()); }
    [[nodiscard]] unexpected fail_at(errc code, std::size_t at) const noexcept { return codec::fail(code, at); }

    result<std::uint8_t> u8() noexcept {
        if (remaining() < 1) return fail(errc::malformed_remaining_length);
        return std::to_integer<std::uint8_t>(bytes_[pos_++]);
    }
    result<std::uint16_t> u16() noexcept {
        if (remaining() < 2) return fail(errc::malformed_remaining_length);
        auto v = load_u16(position());
        pos_ += 2;
        return v;
    }
    result<std::uint32_t> u32() noexcept {
        if (remaining() < 4) return fail(errc::malformed_remaining_length);
        auto v = load_u32(position());
        pos_ += 4;
        return v;
    }
    result<std::uint32_t> variable_byte_integer() noexcept {
        auto r = decode_variable_byte_integer(bytes_.subspan(pos_));
        if (!r) {
            // Inside a complete packet, "incomplete" means the integer runs past the remaining length.
            errc code = r.error().code == errc::incomplete ? errc::malformed_remaining_length : r.error().code;
            return fail(code);
        }
        pos_ += r->size;
        return r->value;
    }
    result<bytes_view> bytes(std::size_t n) noexcept {
        if (remaining() < n) return fail(errc::malformed_remaining_length);
        bytes_view v = bytes_.subspan(pos_, n);
        pos_ += n;
        return v;
    }
    // Two-byte length then that many bytes (Binary Data, section 1.5.6).
    result<bytes_view> binary() noexcept {
        MQTT_TRY(n, u16());
        return bytes(n);
    }
    // Two-byte length then UTF-8 checked by the MQTT rules (section 1.5.4).
    result<std::string_view> utf8_string() noexcept {
        MQTT_TRY(b, binary());
        std::string_view s = as_chars(b);
        if (auto e = validate_utf8(s)) return fail_at(e->code, offset() - s.size() + e->offset);
        return s;
    }
    bytes_view rest() noexcept {
        bytes_view v = bytes_.subspan(pos_);
        pos_ = bytes_.size();
        return v;
    }
    // Everything consumed: a packet with bytes left over is malformed.
    [[nodiscard]] result<bool> expect_end() const noexcept {
        if (!at_end()) return fail(errc::malformed_remaining_length);
        return true;
    }

private:
    std::span<const std::byte> bytes_;
    std::size_t base_;
    std::size_t pos_ = 0;
};

}  // namespace mqtt::codec::detail
