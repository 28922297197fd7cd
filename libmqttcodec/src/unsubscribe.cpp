// UNSUBSCRIBE (section 3.10) and UNSUBACK (section 3.11), both directions.
#include "packet_codec.hpp"

namespace mqtt::codec::detail {

result<packet_view> decode_unsubscribe(reader& in, protocol_version v) noexcept {
    unsubscribe_view u;
    MQTT_TRY(id, read_packet_id(in));
    u.packet_id = id;
    if (v == protocol_version::v5) {
        MQTT_TRY(props, read_properties(in, property_context::unsubscribe));
        u.properties = props;
    }
    // MQTT-3.10.3-2 (v3.1.1, v5): at least one filter.
    if (in.at_end()) return in.fail(errc::empty_subscription_list);
    const std::byte* first = in.position();
    while (!in.at_end()) {
        MQTT_TRY(filter, read_topic_filter(in));
        (void)filter;
    }
    u.topic_filters = topic_filter_list::from_wire({first, in.position()});
    return u;
}

body_size measure(const unsubscribe_view& p, protocol_version v) noexcept {
    body_size s;
    s.fixed(2);
    if (v == protocol_version::v5) s.properties(p.properties);
    for (std::string_view f : p.topic_filters) s.string(f);
    return s;
}

void write(writer& out, const unsubscribe_view& p, protocol_version v) noexcept {
    out.u16(p.packet_id);
    if (v == protocol_version::v5) write_properties(out, p.properties);
    for (std::string_view f : p.topic_filters) out.utf8_string(f);
}

result<packet_view> decode_unsuback(reader& in, protocol_version v) noexcept {
    unsuback_view u;
    MQTT_TRY(id, read_packet_id(in));
    u.packet_id = id;
    if (v == protocol_version::v5) {
        MQTT_TRY(props, read_properties(in, property_context::unsuback));
        u.properties = props;
        MQTT_TRY(codes, read_reason_codes(in, packet_type::unsuback, v));
        u.reason_codes = codes;
    }
    MQTT_TRY(end, in.expect_end());  // 3.1.1 UNSUBACK is the packet id alone
    (void)end;
    return u;
}

body_size measure(const unsuback_view& p, protocol_version v) noexcept {
    body_size s;
    s.fixed(2);
    if (v == protocol_version::v5) {
        s.properties(p.properties);
        s.fixed(p.reason_codes.size());
    }
    return s;
}

void write(writer& out, const unsuback_view& p, protocol_version v) noexcept {
    out.u16(p.packet_id);
    if (v != protocol_version::v5) return;
    write_properties(out, p.properties);
    for (reason_code c : p.reason_codes) out.u8(static_cast<std::uint8_t>(c));
}

}  // namespace mqtt::codec::detail
