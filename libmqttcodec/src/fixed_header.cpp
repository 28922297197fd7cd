#include <mqtt/codec/fixed_header.hpp>
#include <mqtt/codec/varint.hpp>

namespace mqtt::codec {

namespace {
// Table 2.2 (v3.1.1) / 2-2 (v5): the only valid flags for each non-PUBLISH type.
constexpr bool flags_valid(packet_type type, std::uint8_t flags) noexcept {
    switch (type) {
    case packet_type::publish: return true;  // DUP, QoS, RETAIN: checked by the PUBLISH decoder
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe: return flags == 0b0010;
    default: return flags == 0;
    }
}
}  // namespace

result<fixed_header> decode_fixed_header(std::span<const std::byte> in) noexcept {
    if (in.empty()) return fail(errc::incomplete, 0);
    const auto first = std::to_integer<std::uint8_t>(in[0]);
    const auto type = static_cast<packet_type>(first >> 4);
    const auto flags = static_cast<std::uint8_t>(first & 0x0Fu);
    if (type == packet_type::reserved) return fail(errc::reserved_packet_type, 0);
    // MQTT-2.2.2-1, MQTT-2.2.2-2 (v3.1.1); MQTT-2.1.3-1 (v5)
    if (!flags_valid(type, flags)) return fail(errc::invalid_fixed_header_flags, 0);
    auto length = decode_variable_byte_integer(in.subspan(1));
    if (!length) return fail(length.error().code, 1 + length.error().offset);
    return fixed_header{type, flags, length->value, static_cast<std::uint8_t>(1 + length->size)};
}

}  // namespace mqtt::codec
