// PINGREQ/PINGRESP (sections 3.12, 3.13), DISCONNECT (3.14) and AUTH (3.15), both directions.
#include "packet_codec.hpp"

namespace mqtt::codec::detail {

result<packet_view> decode_ping(reader& in, packet_type t) noexcept {
    MQTT_TRY(end, in.expect_end());  // no variable header, no payload
    (void)end;
    if (t == packet_type::pingreq) return pingreq_view{};
    return pingresp_view{};
}

body_size measure(const pingreq_view&, protocol_version) noexcept { return {}; }
void write(writer&, const pingreq_view&, protocol_version) noexcept {}
body_size measure(const pingresp_view&, protocol_version) noexcept { return {}; }
void write(writer&, const pingresp_view&, protocol_version) noexcept {}

namespace {
// DISCONNECT and AUTH: Remaining Length 0 means Success without properties; 1 a reason code alone.
template <class View>
result<packet_view> decode_reason_and_properties(reader& in, packet_type t, property_context where) noexcept {
    View view;
    if (!in.at_end()) {
        const std::size_t code_at = in.offset();
        MQTT_TRY(code, in.u8());
        view.reason = static_cast<reason_code>(code);
        if (!reason_allowed(t, view.reason)) return in.fail_at(errc::invalid_reason_code, code_at);
        if (!in.at_end()) {
            MQTT_TRY(props, read_properties(in, where));
            view.properties = props;
        }
    }
    MQTT_TRY(end, in.expect_end());
    (void)end;
    return view;
}

template <class View>
body_size measure_reason_and_properties(const View& p) noexcept {
    body_size s;
    if (!p.properties.empty()) {
        s.fixed(1);
        s.properties(p.properties);
    } else if (p.reason != reason_code::success) {
        s.fixed(1);
    }
    return s;
}

template <class View>
void write_reason_and_properties(writer& out, const View& p) noexcept {
    if (!p.properties.empty()) {
        out.u8(static_cast<std::uint8_t>(p.reason));
        write_properties(out, p.properties);
    } else if (p.reason != reason_code::success) {
        out.u8(static_cast<std::uint8_t>(p.reason));
    }
}
}  // namespace

result<packet_view> decode_disconnect(reader& in, protocol_version v) noexcept {
    if (v != protocol_version::v5) {
        MQTT_TRY(end, in.expect_end());  // 3.1.1 DISCONNECT has Remaining Length 0
        (void)end;
        return disconnect_view{};
    }
    return decode_reason_and_properties<disconnect_view>(in, packet_type::disconnect, property_context::disconnect);
}

body_size measure(const disconnect_view& p, protocol_version v) noexcept {
    return v == protocol_version::v5 ? measure_reason_and_properties(p) : body_size{};
}
void write(writer& out, const disconnect_view& p, protocol_version v) noexcept {
    if (v == protocol_version::v5) write_reason_and_properties(out, p);
}

result<packet_view> decode_auth(reader& in, protocol_version) noexcept {
    return decode_reason_and_properties<auth_view>(in, packet_type::auth, property_context::auth);
}
body_size measure(const auth_view& p, protocol_version) noexcept { return measure_reason_and_properties(p); }
void write(writer& out, const auth_view& p, protocol_version) noexcept { write_reason_and_properties(out, p); }

}  // namespace mqtt::codec::detail
