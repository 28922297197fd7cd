#pragma once
// decode(): one control packet from the front of a byte buffer.
#include <cstddef>
#include <cstdint>
#include <span>

#include <mqtt/codec/fixed_header.hpp>
#include <mqtt/codec/packets.hpp>
#include <mqtt/codec/result.hpp>

namespace mqtt::codec {

struct decode_options {
    // The connection's negotiated version. `unknown` accepts only CONNECT, which carries its own version.
    protocol_version version = protocol_version::unknown;
    // Whole packet (fixed header included) above this size: packet_too_large, checked before the body arrives.
    std::uint32_t max_packet_size = 268'435'460;
};

struct decoded {
    packet_view packet;    // borrows from the input
    std::size_t consumed;  // bytes of this packet: advance the input by this much
};

// Decodes and fully validates the first packet in `in`. A strict prefix of a valid packet yields errc::incomplete
// (read nothing beyond `in`); several packets in a row decode one call at a time.
// Errors: every errc except buffer_too_small; error::offset counts from the start of `in`.
[[nodiscard]] result<decoded> decode(std::span<const std::byte> in, const decode_options& options) noexcept;

}  // namespace mqtt::codec
