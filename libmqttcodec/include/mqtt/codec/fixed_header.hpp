#pragma once
// The fixed header (section 2.1): packet type, flags and remaining length.
#include <cstddef>
#include <cstdint>
#include <span>

#include <mqtt/codec/result.hpp>
#include <mqtt/codec/types.hpp>

namespace mqtt::codec {

struct fixed_header {
    packet_type type;
    std::uint8_t flags;             // low nibble of the first byte
    std::uint32_t remaining_length;
    std::uint8_t header_size;       // 2..5 bytes
    [[nodiscard]] std::size_t packet_size() const noexcept { return std::size_t{header_size} + remaining_length; }
};

// Decodes the first byte and the remaining length, and checks the type's reserved flags (MQTT-2.2.2-1 v3.1.1,
// MQTT-2.1.3-1 v5). Errors: incomplete, malformed_variable_byte_integer, reserved_packet_type,
// invalid_fixed_header_flags. The PUBLISH QoS 3 check is part of decoding the PUBLISH itself.
[[nodiscard]] result<fixed_header> decode_fixed_header(std::span<const std::byte> in) noexcept;

}  // namespace mqtt::codec
