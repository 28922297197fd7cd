#pragma once
// The per-family decoders and encoders behind decode() and encode(). One .cpp per family implements both
// directions: connect.cpp, publish.cpp, pub_response.cpp, subscribe.cpp, unsubscribe.cpp, disconnect_auth.cpp.
#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/fixed_header.hpp>
#include <mqtt/codec/packets.hpp>

#include "properties_codec.hpp"
#include "reader.hpp"
#include "writer.hpp"

namespace mqtt::codec::detail {

// Body (variable header + payload) size, remembering whether some field cannot be encoded.
struct body_size {
    std::size_t n = 0;
    bool too_long = false;

    void fixed(std::size_t bytes) noexcept { n += bytes; }
    void string(std::string_view s) noexcept { field(s.size()); }
    void binary(bytes_view b) noexcept { field(b.size()); }
    void properties(const properties_view& p) noexcept {
        n += properties_field_size(p);
        too_long |= has_oversized_field(p);
    }

private:
    void field(std::size_t len) noexcept {
        n += prefixed_size(len);
        too_long |= len > 0xFFFF;
    }
};

// Decoders: `in` spans exactly the packet body; the fixed header has been checked.
result<packet_view> decode_connect(reader& in) noexcept;
result<packet_view> decode_connack(reader& in, protocol_version v) noexcept;
result<packet_view> decode_publish(reader& in, const fixed_header& h, protocol_version v) noexcept;
result<packet_view> decode_pub_response(reader& in, const fixed_header& h, protocol_version v) noexcept;
result<packet_view> decode_subscribe(reader& in, protocol_version v) noexcept;
result<packet_view> decode_suback(reader& in, protocol_version v) noexcept;
result<packet_view> decode_unsubscribe(reader& in, protocol_version v) noexcept;
result<packet_view> decode_unsuback(reader& in, protocol_version v) noexcept;
result<packet_view> decode_ping(reader& in, packet_type t) noexcept;
result<packet_view> decode_disconnect(reader& in, protocol_version v) noexcept;
result<packet_view> decode_auth(reader& in, protocol_version v) noexcept;

// Encoders: the body size and the body itself; encode.cpp adds the fixed header. `flags` gives its low nibble.
body_size measure(const connect_view& p, protocol_version v) noexcept;
void write(writer& out, const connect_view& p, protocol_version v) noexcept;
body_size measure(const connack_view& p, protocol_version v) noexcept;
void write(writer& out, const connack_view& p, protocol_version v) noexcept;
body_size measure(const publish_view& p, protocol_version v) noexcept;
void write(writer& out, const publish_view& p, protocol_version v) noexcept;
std::uint8_t flags(const publish_view& p) noexcept;
template <packet_type T>
body_size measure(const pub_response_view<T>& p, protocol_version v) noexcept;
template <packet_type T>
void write(writer& out, const pub_response_view<T>& p, protocol_version v) noexcept;
body_size measure(const subscribe_view& p, protocol_version v) noexcept;
void write(writer& out, const subscribe_view& p, protocol_version v) noexcept;
body_size measure(const suback_view& p, protocol_version v) noexcept;
void write(writer& out, const suback_view& p, protocol_version v) noexcept;
body_size measure(const unsubscribe_view& p, protocol_version v) noexcept;
void write(writer& out, const unsubscribe_view& p, protocol_version v) noexcept;
body_size measure(const unsuback_view& p, protocol_version v) noexcept;
void write(writer& out, const unsuback_view& p, protocol_version v) noexcept;
body_size measure(const pingreq_view& p, protocol_version v) noexcept;
void write(writer& out, const pingreq_view& p, protocol_version v) noexcept;
body_size measure(const pingresp_view& p, protocol_version v) noexcept;
void write(writer& out, const pingresp_view& p, protocol_version v) noexcept;
body_size measure(const disconnect_view& p, protocol_version v) noexcept;
void write(writer& out, const disconnect_view& p, protocol_version v) noexcept;
body_size measure(const auth_view& p, protocol_version v) noexcept;
void write(writer& out, const auth_view& p, protocol_version v) noexcept;

// Reason codes each packet may carry (reason-codes.md; MQTT-3.2.2-8, MQTT-3.4.2-1, ... (v5)).
[[nodiscard]] bool reason_allowed(packet_type t, reason_code c) noexcept;

}  // namespace mqtt::codec::detail

namespace mqtt::codec::detail {
// PUBLISH without its payload, for encode_publish_header().
body_size measure_publish_header(const publish_view& p, protocol_version v) noexcept;
void write_header(writer& out, const publish_view& p, protocol_version v) noexcept;
}  // namespace mqtt::codec::detail

namespace mqtt::codec::detail {
// Shared by SUBSCRIBE/SUBACK and UNSUBSCRIBE/UNSUBACK.
result<std::uint16_t> read_packet_id(reader& in) noexcept;
result<std::string_view> read_topic_filter(reader& in) noexcept;
result<reason_code_list> read_reason_codes(reader& in, packet_type t, protocol_version v) noexcept;
}  // namespace mqtt::codec::detail
