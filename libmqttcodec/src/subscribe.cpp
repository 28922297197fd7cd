// SUBSCRIBE (section 3.8) and SUBACK (section 3.9), both directions.
#include <mqtt/codec/topic.hpp>

#include "packet_codec.hpp"

namespace mqtt::codec::detail {

namespace {
subscribe_options options_from_byte(std::uint8_t b) noexcept {
    return {static_cast<codec::qos>(b & 0x03u), (b & 0x04u) != 0, (b & 0x08u) != 0,
            static_cast<std::uint8_t>((b >> 4) & 0x03u)};
}
std::uint8_t options_to_byte(const subscribe_options& o, protocol_version v) noexcept {
    auto b = static_cast<std::uint8_t>(o.max_qos);
    if (v == protocol_version::v5)
        b = static_cast<std::uint8_t>(b | (o.no_local ? 0x04 : 0) | (o.retain_as_published ? 0x08 : 0) |
                                      (o.retain_handling << 4));
    return b;
}
}  // namespace

subscription subscription_traits::read(const std::byte*& p) noexcept {
    const std::size_t n = load_u16(p);
    subscription s{as_chars({p + 2, n}), options_from_byte(std::to_integer<std::uint8_t>(p[2 + n]))};
    p += 3 + n;
    return s;
}

std::string_view topic_filter_traits::read(const std::byte*& p) noexcept {
    const std::size_t n = load_u16(p);
    std::string_view s = as_chars({p + 2, n});
    p += 2 + n;
    return s;
}

// Reads one UTF-8 topic filter and checks its wildcards (MQTT-4.7.1-1 .. -3, MQTT-4.8.2-1/2 (v5)).
result<std::string_view> read_topic_filter(reader& in) noexcept {
    const std::size_t at = in.offset();
    MQTT_TRY(filter, in.utf8_string());
    if (!is_valid_topic_filter(filter)) return in.fail_at(errc::invalid_topic_filter, at);
    return filter;
}

result<std::uint16_t> read_packet_id(reader& in) noexcept {
    const std::size_t at = in.offset();
    MQTT_TRY(id, in.u16());
    if (id == 0) return in.fail_at(errc::invalid_packet_id, at);  // MQTT-2.3.1-1 (v3.1.1)
    return id;
}

result<packet_view> decode_subscribe(reader& in, protocol_version v) noexcept {
    subscribe_view s;
    MQTT_TRY(id, read_packet_id(in));
    s.packet_id = id;
    if (v == protocol_version::v5) {
        MQTT_TRY(props, read_properties(in, property_context::subscribe));
        s.properties = props;
    }
    const std::byte* first = in.position();
    // MQTT-3.8.3-3 (v3.1.1), MQTT-3.8.3-2 (v5): at least one filter.
    if (in.at_end()) return in.fail(errc::empty_subscription_list);
    while (!in.at_end()) {
        const std::size_t filter_at = in.offset();
        MQTT_TRY(filter, read_topic_filter(in));
        const std::size_t options_at = in.offset();
        MQTT_TRY(b, in.u8());
        // MQTT-3.8.3-4 (v3.1.1): bits 7-2 reserved and QoS 3 are malformed. MQTT-3.8.3-5 (v5): bits 7-6 reserved
        // are malformed; Maximum QoS 3 and Retain Handling 3 are protocol errors (section 3.8.3.1).
        const bool v5 = v == protocol_version::v5;
        const std::uint8_t reserved = v5 ? 0xC0 : 0xFC;
        const auto o = options_from_byte(b);
        const bool bad_value = static_cast<std::uint8_t>(o.max_qos) == 3 || o.retain_handling == 3;
        if ((b & reserved) != 0 || (bad_value && !v5))
            return in.fail_at(errc::invalid_subscription_options, options_at);
        if (bad_value) return in.fail_at(errc::invalid_subscription_option_value, options_at);
        // MQTT-3.8.3-4 (v5): No Local on a shared subscription is a protocol error.
        if (o.no_local && parse_shared_subscription(filter))
            return in.fail_at(errc::no_local_on_shared_subscription, filter_at);
    }
    s.subscriptions = subscription_list::from_wire({first, in.position()});
    return s;
}

body_size measure(const subscribe_view& p, protocol_version v) noexcept {
    body_size s;
    s.fixed(2);
    if (v == protocol_version::v5) s.properties(p.properties);
    for (const subscription& sub : p.subscriptions) {
        s.string(sub.topic_filter);
        s.fixed(1);
    }
    return s;
}

void write(writer& out, const subscribe_view& p, protocol_version v) noexcept {
    out.u16(p.packet_id);
    if (v == protocol_version::v5) write_properties(out, p.properties);
    for (const subscription& sub : p.subscriptions) {
        out.utf8_string(sub.topic_filter);
        out.u8(options_to_byte(sub.options, v));
    }
}

// SUBACK and UNSUBACK reason code lists: one byte each, at least one, each allowed for the packet.
result<reason_code_list> read_reason_codes(reader& in, packet_type t, protocol_version v) noexcept {
    if (in.at_end()) return in.fail(errc::empty_subscription_list);
    const std::byte* first = in.position();
    while (!in.at_end()) {
        const std::size_t at = in.offset();
        MQTT_TRY(code, in.u8());
        const auto c = static_cast<reason_code>(code);
        // MQTT-3.9.3-2 (v3.1.1): SUBACK return codes are 0x00, 0x01, 0x02 and 0x80 only.
        const bool ok = v == protocol_version::v5 ? reason_allowed(t, c) : (code <= 2 || code == 0x80);
        if (!ok) return in.fail_at(errc::invalid_reason_code, at);
    }
    return reason_code_list::from_wire({first, in.position()});
}

result<packet_view> decode_suback(reader& in, protocol_version v) noexcept {
    suback_view s;
    MQTT_TRY(id, read_packet_id(in));
    s.packet_id = id;
    if (v == protocol_version::v5) {
        MQTT_TRY(props, read_properties(in, property_context::suback));
        s.properties = props;
    }
    MQTT_TRY(codes, read_reason_codes(in, packet_type::suback, v));
    s.reason_codes = codes;
    return s;
}

std::uint8_t suback_code(reason_code c, protocol_version v) noexcept {
    // 3.1.1 knows only granted QoS 0..2 and failure 0x80.
    if (v != protocol_version::v5 && is_error(c)) return 0x80;
    return static_cast<std::uint8_t>(c);
}

body_size measure(const suback_view& p, protocol_version v) noexcept {
    body_size s;
    s.fixed(2);
    if (v == protocol_version::v5) s.properties(p.properties);
    s.fixed(p.reason_codes.size());
    return s;
}

void write(writer& out, const suback_view& p, protocol_version v) noexcept {
    out.u16(p.packet_id);
    if (v == protocol_version::v5) write_properties(out, p.properties);
    for (reason_code c : p.reason_codes) out.u8(suback_code(c, v));
}

}  // namespace mqtt::codec::detail
