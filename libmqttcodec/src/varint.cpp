#include <mqtt/codec/varint.hpp>

namespace mqtt::codec {

result<variable_byte_integer> decode_variable_byte_integer(std::span<const std::byte> in) noexcept {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (i == in.size()) return fail(errc::incomplete, i);
        const auto b = std::to_integer<std::uint32_t>(in[i]);
        value |= (b & 0x7Fu) << (7 * i);
        if ((b & 0x80u) == 0) {
            // MQTT-1.5.5-1 (v5): a last byte of 0 after a continuation means a longer-than-needed encoding.
            if (i > 0 && b == 0) return fail(errc::malformed_variable_byte_integer, i);
            return variable_byte_integer{value, static_cast<std::uint8_t>(i + 1)};
        }
    }
    return fail(errc::malformed_variable_byte_integer, 3);
}

std::size_t write_variable_byte_integer(std::uint32_t value, std::byte* out) noexcept {
    std::size_t n = 0;
    do {
        auto digit = static_cast<std::uint8_t>(value & 0x7Fu);
        value >>= 7;
        if (value > 0) digit |= 0x80u;
        out[n++] = std::byte{digit};
    } while (value > 0);
    return n;
}

}  // namespace mqtt::codec
