// CONNECT (section 3.1) and CONNACK (section 3.2), both directions.
#include <mqtt/codec/topic.hpp>

#include "packet_codec.hpp"

namespace mqtt::codec::detail {

namespace {
constexpr std::string_view protocol_name = "MQTT";

namespace connect_flag {
constexpr std::uint8_t reserved = 0x01, clean_start = 0x02, will = 0x04, will_qos_shift = 3, will_retain = 0x20,
                       password = 0x40, username = 0x80;
}
}  // namespace

result<packet_view> decode_connect(reader& in) noexcept {
    const std::size_t name_at = in.offset();
    MQTT_TRY(name, in.binary());
    MQTT_TRY(level, in.u8());
    // MQTT 3.1 ("MQIsdp", level 3) is a protocol we recognise but do not speak: CONNACK 0x01 (MQTT-3.1.2-2).
    if (as_chars(name) == "MQIsdp" && level == 3) return in.fail_at(errc::unsupported_protocol_version, name_at);
    if (as_chars(name) != protocol_name) return in.fail_at(errc::invalid_protocol_name, name_at);  // MQTT-3.1.2-1
    if (level != 4 && level != 5) return in.fail_at(errc::unsupported_protocol_version, in.offset() - 1);
    connect_view c;
    c.version = static_cast<protocol_version>(level);
    const bool v5 = c.version == protocol_version::v5;

    const std::size_t flags_at = in.offset();
    MQTT_TRY(flags, in.u8());
    using namespace connect_flag;
    const auto will_qos = static_cast<std::uint8_t>((flags >> will_qos_shift) & 0x03u);
    const bool has_will = (flags & will) != 0;
    // MQTT-3.1.2-3: reserved bit must be 0.
    if ((flags & reserved) != 0) return in.fail_at(errc::invalid_connect_flags, flags_at);
    if (will_qos == 3) return in.fail_at(errc::invalid_qos, flags_at);  // MQTT-3.1.2-12 (v5)
    // MQTT-3.1.2-11/13 (v5), MQTT-3.1.2-13/15 (v3.1.1): no will means will QoS 0 and will retain 0.
    if (!has_will && (will_qos != 0 || (flags & will_retain) != 0))
        return in.fail_at(errc::invalid_connect_flags, flags_at);
    // MQTT-3.1.2-22 (v3.1.1): a password needs a user name; 5.0 allows a password alone (MQTT-3.1.2-19 v5).
    if (!v5 && (flags & password) != 0 && (flags & username) == 0)
        return in.fail_at(errc::invalid_connect_flags, flags_at);
    c.clean_start = (flags & clean_start) != 0;
    MQTT_TRY(keep_alive, in.u16());
    c.keep_alive = keep_alive;
    if (v5) {
        MQTT_TRY(props, read_properties(in, property_context::connect));
        c.properties = props;
    }
    MQTT_TRY(client_id, in.utf8_string());  // MQTT-3.1.3-3, MQTT-3.1.3-4
    c.client_id = client_id;
    if (has_will) {
        will_view w;
        w.qos = static_cast<codec::qos>(will_qos);
        w.retain = (flags & will_retain) != 0;
        if (v5) {
            MQTT_TRY(will_props, read_properties(in, property_context::will));
            w.properties = will_props;
        }
        const std::size_t topic_at = in.offset();
        MQTT_TRY(topic, in.utf8_string());
        if (!is_valid_topic_name(topic)) return in.fail_at(errc::invalid_topic_name, topic_at);
        w.topic = topic;
        MQTT_TRY(payload, in.binary());
        w.payload = payload;
        c.will = w;
    }
    if ((flags & username) != 0) {
        MQTT_TRY(user, in.utf8_string());
        c.username = user;
    }
    if ((flags & password) != 0) {
        MQTT_TRY(pass, in.binary());
        c.password = pass;
    }
    MQTT_TRY(end, in.expect_end());
    (void)end;
    return c;
}

body_size measure(const connect_view& p, protocol_version) noexcept {
    const bool v5 = p.version == protocol_version::v5;
    body_size s;
    s.string(protocol_name);
    s.fixed(1 + 1 + 2);  // level, flags, keep alive
    if (v5) s.properties(p.properties);
    s.string(p.client_id);
    if (p.will) {
        if (v5) s.properties(p.will->properties);
        s.string(p.will->topic);
        s.binary(p.will->payload);
    }
    if (p.username) s.string(*p.username);
    if (p.password) s.binary(*p.password);
    return s;
}

// The CONNECT carries its own version: the `v` argument (the connection's, maybe unknown yet) is not used.
void write(writer& out, const connect_view& p, protocol_version) noexcept {
    using namespace connect_flag;
    const bool v5 = p.version == protocol_version::v5;
    out.utf8_string(protocol_name);
    out.u8(static_cast<std::uint8_t>(p.version));
    std::uint8_t flags = p.clean_start ? clean_start : 0;
    if (p.will) {
        flags |= will;
        flags = static_cast<std::uint8_t>(flags | (static_cast<std::uint8_t>(p.will->qos) << will_qos_shift));
        if (p.will->retain) flags |= will_retain;
    }
    if (p.username) flags |= username;
    if (p.password) flags |= password;
    out.u8(flags);
    out.u16(p.keep_alive);
    if (v5) write_properties(out, p.properties);
    out.utf8_string(p.client_id);
    if (p.will) {
        if (v5) write_properties(out, p.will->properties);
        out.utf8_string(p.will->topic);
        out.binary(p.will->payload);
    }
    if (p.username) out.utf8_string(*p.username);
    if (p.password) out.binary(*p.password);
}

result<packet_view> decode_connack(reader& in, protocol_version v) noexcept {
    connack_view c;
    const std::size_t flags_at = in.offset();
    MQTT_TRY(ack_flags, in.u8());
    if ((ack_flags & 0xFEu) != 0) return in.fail_at(errc::invalid_connack_flags, flags_at);  // MQTT-3.2.2-1 (v5)
    c.session_present = (ack_flags & 0x01u) != 0;
    const std::size_t code_at = in.offset();
    MQTT_TRY(code, in.u8());
    if (v == protocol_version::v5) {
        c.reason = static_cast<reason_code>(code);
        if (!reason_allowed(packet_type::connack, c.reason)) return in.fail_at(errc::invalid_reason_code, code_at);
        MQTT_TRY(props, read_properties(in, property_context::connack));
        c.properties = props;
    } else if (!from_v311_connect_return_code(code, c.reason)) {
        return in.fail_at(errc::invalid_reason_code, code_at);
    }
    // MQTT-3.2.2-4 (v3.1.1), MQTT-3.2.2-6 (v5): a refusal never claims a session is present.
    if (c.session_present && is_error(c.reason)) return in.fail_at(errc::invalid_connack_flags, flags_at);
    MQTT_TRY(end, in.expect_end());
    (void)end;
    return c;
}

body_size measure(const connack_view& p, protocol_version v) noexcept {
    body_size s;
    s.fixed(2);
    if (v == protocol_version::v5) s.properties(p.properties);
    return s;
}

void write(writer& out, const connack_view& p, protocol_version v) noexcept {
    out.u8(p.session_present ? 1 : 0);
    if (v == protocol_version::v5) {
        out.u8(static_cast<std::uint8_t>(p.reason));
        write_properties(out, p.properties);
    } else {
        out.u8(to_v311_connect_return_code(p.reason));
    }
}

}  // namespace mqtt::codec::detail
