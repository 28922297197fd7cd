// PUBACK, PUBREC, PUBREL, PUBCOMP (sections 3.4 to 3.7), both directions.
#include "packet_codec.hpp"

namespace mqtt::codec::detail {

namespace {
template <packet_type T>
result<packet_view> decode_as(reader& in, protocol_version v) noexcept {
    pub_response_view<T> p;
    const std::size_t id_at = in.offset();
    MQTT_TRY(id, in.u16());
    if (id == 0) return in.fail_at(errc::invalid_packet_id, id_at);
    p.packet_id = id;
    if (v == protocol_version::v5 && !in.at_end()) {
        // Remaining Length 2: Success with no properties; 3: a reason code alone (section 3.4.2.1).
        const std::size_t code_at = in.offset();
        MQTT_TRY(code, in.u8());
        p.reason = static_cast<reason_code>(code);
        if (!reason_allowed(T, p.reason)) return in.fail_at(errc::invalid_reason_code, code_at);
        if (!in.at_end()) {
            constexpr auto where = T == packet_type::puback   ? property_context::puback
                                   : T == packet_type::pubrec ? property_context::pubrec
                                   : T == packet_type::pubrel ? property_context::pubrel
                                                              : property_context::pubcomp;
            MQTT_TRY(props, read_properties(in, where));
            p.properties = props;
        }
    }
    MQTT_TRY(end, in.expect_end());
    (void)end;
    return p;
}
}  // namespace

result<packet_view> decode_pub_response(reader& in, const fixed_header& h, protocol_version v) noexcept {
    switch (h.type) {
    case packet_type::puback: return decode_as<packet_type::puback>(in, v);
    case packet_type::pubrec: return decode_as<packet_type::pubrec>(in, v);
    case packet_type::pubrel: return decode_as<packet_type::pubrel>(in, v);
    default: return decode_as<packet_type::pubcomp>(in, v);
    }
}

// Shortest form: reason code and property length only when needed.
template <packet_type T>
body_size measure(const pub_response_view<T>& p, protocol_version v) noexcept {
    body_size s;
    s.fixed(2);
    if (v != protocol_version::v5) return s;
    if (!p.properties.empty()) {
        s.fixed(1);
        s.properties(p.properties);
    } else if (p.reason != reason_code::success) {
        s.fixed(1);
    }
    return s;
}

template <packet_type T>
void write(writer& out, const pub_response_view<T>& p, protocol_version v) noexcept {
    out.u16(p.packet_id);
    if (v != protocol_version::v5) return;
    if (!p.properties.empty()) {
        out.u8(static_cast<std::uint8_t>(p.reason));
        write_properties(out, p.properties);
    } else if (p.reason != reason_code::success) {
        out.u8(static_cast<std::uint8_t>(p.reason));
    }
}

#define MQTT_INSTANTIATE(T)                                                                      \
    template body_size measure<T>(const pub_response_view<T>&, protocol_version) noexcept;       \
    template void write<T>(writer&, const pub_response_view<T>&, protocol_version) noexcept;
MQTT_INSTANTIATE(packet_type::puback)
MQTT_INSTANTIATE(packet_type::pubrec)
MQTT_INSTANTIATE(packet_type::pubrel)
MQTT_INSTANTIATE(packet_type::pubcomp)
#undef MQTT_INSTANTIATE

}  // namespace mqtt::codec::detail
