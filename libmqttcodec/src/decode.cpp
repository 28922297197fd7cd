// decode(): fixed header, size limit, then the packet family's decoder on exactly the packet's bytes.
#include <mqtt/codec/decode.hpp>

#include "packet_codec.hpp"

namespace mqtt::codec {

result<decoded> decode(std::span<const std::byte> in, const decode_options& options) noexcept {
    auto header = decode_fixed_header(in);
    if (!header) return unexpected{header.error()};
    const std::size_t total = header->packet_size();
    // Refuse an oversized packet before waiting for (or reading) its body.
    if (total > options.max_packet_size) return fail(errc::packet_too_large, 1);
    if (in.size() < total) return fail(errc::incomplete, in.size());
    const protocol_version v = options.version;
    const packet_type type = header->type;
    if (v == protocol_version::unknown && type != packet_type::connect) return fail(errc::connect_expected, 0);
    // AUTH exists only in 5.0; in 3.1.1 type 15 is reserved (MQTT-2.2.2-1 v3.1.1 table 2.1).
    if (type == packet_type::auth && v != protocol_version::v5) return fail(errc::reserved_packet_type, 0);

    detail::reader body(in.subspan(header->header_size, header->remaining_length), header->header_size);
    auto packet = [&]() -> result<packet_view> {
        switch (type) {
        case packet_type::connect: return detail::decode_connect(body);
        case packet_type::connack: return detail::decode_connack(body, v);
        case packet_type::publish: return detail::decode_publish(body, *header, v);
        case packet_type::puback:
        case packet_type::pubrec:
        case packet_type::pubrel:
        case packet_type::pubcomp: return detail::decode_pub_response(body, *header, v);
        case packet_type::subscribe: return detail::decode_subscribe(body, v);
        case packet_type::suback: return detail::decode_suback(body, v);
        case packet_type::unsubscribe: return detail::decode_unsubscribe(body, v);
        case packet_type::unsuback: return detail::decode_unsuback(body, v);
        case packet_type::pingreq:
        case packet_type::pingresp: return detail::decode_ping(body, type);
        case packet_type::disconnect: return detail::decode_disconnect(body, v);
        case packet_type::auth: return detail::decode_auth(body, v);
        case packet_type::reserved: break;
        }
        return fail(errc::reserved_packet_type, 0);
    }();
    if (!packet) return unexpected{packet.error()};
    return result<decoded>(std::in_place, *packet, total);  // one copy of the packet, into its final place
}

}  // namespace mqtt::codec
