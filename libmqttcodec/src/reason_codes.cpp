// Which reason codes each packet may carry (MQTT 5.0 Tables 3-1, 3-4 .. 3-11; shared/spec/reason-codes.md).
#include "packet_codec.hpp"

namespace mqtt::codec::detail {

namespace {
constexpr bool in(std::uint8_t c, std::initializer_list<std::uint8_t> set) noexcept {
    for (auto s : set)
        if (s == c) return true;
    return false;
}
}  // namespace

bool reason_allowed(packet_type t, reason_code code) noexcept {
    const auto c = static_cast<std::uint8_t>(code);
    switch (t) {
    case packet_type::connack:  // MQTT-3.2.2-8 (v5)
        return c == 0x00 || (c >= 0x80 && c <= 0x8A) || in(c, {0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C,
                                                                0x9D, 0x9F});
    case packet_type::puback:  // MQTT-3.4.2-1 (v5)
    case packet_type::pubrec:  // MQTT-3.5.2-1 (v5)
        return in(c, {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99});
    case packet_type::pubrel:   // MQTT-3.6.2-1 (v5)
    case packet_type::pubcomp:  // MQTT-3.7.2-1 (v5)
        return c == 0x00 || c == 0x92;
    case packet_type::suback:  // MQTT-3.9.3-2 (v5)
        return in(c, {0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2});
    case packet_type::unsuback:  // MQTT-3.11.3-2 (v5)
        return in(c, {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91});
    case packet_type::disconnect:  // MQTT-3.14.2-1 (v5)
        return in(c, {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90}) ||
               (c >= 0x93 && c <= 0xA2);
    case packet_type::auth:  // MQTT-3.15.2-1 (v5)
        return in(c, {0x00, 0x18, 0x19});
    default: return false;
    }
}

}  // namespace mqtt::codec::detail
