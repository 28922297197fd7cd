#pragma once
// encoded_size() and encode(): a packet view into the caller's buffer, shortest valid form, no allocation.
#include <cstddef>
#include <span>

#include <mqtt/codec/packets.hpp>
#include <mqtt/codec/result.hpp>

namespace mqtt::codec {

// Exact size of the whole packet (fixed header included) for `version`. For 3.1.1, v5-only parts (properties,
// reason codes other than CONNACK/SUBACK ones) are left out.
[[nodiscard]] std::size_t encoded_size(const packet_view& p, protocol_version version) noexcept;
[[nodiscard]] std::size_t encoded_size(const publish_view& p, protocol_version version) noexcept;

// Writes exactly encoded_size() bytes to `out` and returns that count.
// Errors: buffer_too_small (nothing useful written), packet_too_large (remaining length above 268,435,455).
[[nodiscard]] result<std::size_t> encode(const packet_view& p, protocol_version version,
                                         std::span<std::byte> out) noexcept;
[[nodiscard]] result<std::size_t> encode(const publish_view& p, protocol_version version,
                                         std::span<std::byte> out) noexcept;

// Fan-out: everything of a PUBLISH except its payload, so a transport can send one shared payload with writev.
// 5 + 2 + 65,535 + 2 + 5 + properties bytes at most; encoded_publish_header_size() tells exactly.
[[nodiscard]] std::size_t encoded_publish_header_size(const publish_view& p, protocol_version version) noexcept;
[[nodiscard]] result<std::size_t> encode_publish_header(const publish_view& p, protocol_version version,
                                                        std::span<std::byte> out) noexcept;

}  // namespace mqtt::codec
