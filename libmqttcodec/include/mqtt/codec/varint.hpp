#pragma once
// Variable Byte Integer (section 1.5.5): 1 to 4 bytes, 7 bits each, shortest form only (MQTT-1.5.5-1, v5).
#include <cstddef>
#include <cstdint>
#include <span>

#include <mqtt/codec/result.hpp>

namespace mqtt::codec {

inline constexpr std::uint32_t max_variable_byte_integer = 268'435'455;

struct variable_byte_integer {
    std::uint32_t value;
    std::uint8_t size;  // bytes it occupied
};

// Errors: incomplete (the input ends inside the integer), malformed_variable_byte_integer (a fifth byte would be
// needed, or a trailing 0x00 continuation byte makes it longer than the shortest form).
[[nodiscard]] result<variable_byte_integer> decode_variable_byte_integer(std::span<const std::byte> in) noexcept;

[[nodiscard]] constexpr std::size_t variable_byte_integer_size(std::uint32_t value) noexcept {
    return value < 128u ? 1 : value < 16'384u ? 2 : value < 2'097'152u ? 3 : 4;
}

// Writes `value` (<= max_variable_byte_integer) at `out`, which must have room; returns the bytes written.
std::size_t write_variable_byte_integer(std::uint32_t value, std::byte* out) noexcept;

}  // namespace mqtt::codec
