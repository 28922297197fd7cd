// PUBLISH (section 3.3), both directions.
#include <cstring>

#include <mqtt/codec/topic.hpp>

#include "packet_codec.hpp"

namespace mqtt::codec::detail {

namespace {
constexpr std::uint8_t dup_flag = 0x08, retain_flag = 0x01;

// Two memchr scans: std::string_view::find_first_of("+#") runs one memchr per topic character in libstdc++.
bool has_wildcard(std::string_view topic) noexcept {
    return !topic.empty() && (std::memchr(topic.data(), '+', topic.size()) != nullptr ||
                              std::memchr(topic.data(), '#', topic.size()) != nullptr);
}
}  // namespace

result<packet_view> decode_publish(reader& in, const fixed_header& h, protocol_version v) noexcept {
    publish_view p;
    const auto q = static_cast<std::uint8_t>((h.flags >> 1) & 0x03u);
    const std::size_t header_at = in.offset() - h.header_size;
    if (q == 3) return in.fail_at(errc::invalid_qos, header_at);  // MQTT-3.3.1-4
    p.qos = static_cast<codec::qos>(q);
    p.dup = (h.flags & dup_flag) != 0;
    p.retain = (h.flags & retain_flag) != 0;
    // MQTT-3.3.1-2: DUP is 0 on every QoS 0 PUBLISH.
    if (p.dup && p.qos == qos::at_most_once) return in.fail_at(errc::invalid_fixed_header_flags, header_at);

    const std::size_t topic_at = in.offset();
    MQTT_TRY(topic, in.utf8_string());  // MQTT-3.3.2-1
    p.topic = topic;
    // MQTT-3.3.2-2: no wildcards in a topic name; an empty one is allowed only with a v5 Topic Alias (below).
    if (has_wildcard(topic)) return in.fail_at(errc::invalid_topic_name, topic_at);
    if (topic.empty() && v != protocol_version::v5) return in.fail_at(errc::invalid_topic_name, topic_at);
    if (p.qos != qos::at_most_once) {
        const std::size_t id_at = in.offset();
        MQTT_TRY(id, in.u16());
        if (id == 0) return in.fail_at(errc::invalid_packet_id, id_at);  // MQTT-2.3.1-1 (v3.1.1), 2.2.1-3 (v5)
        p.packet_id = id;
    }
    if (v == protocol_version::v5) {
        MQTT_TRY(props, read_properties(in, property_context::publish));
        p.properties = props;
        if (topic.empty() && !props.find(property_id::topic_alias))
            return in.fail_at(errc::topic_alias_missing, topic_at);
    }
    p.payload = in.rest();
    return p;
}

namespace {
body_size measure_header(const publish_view& p, protocol_version v) noexcept {
    body_size s;
    s.string(p.topic);
    if (p.qos != qos::at_most_once) s.fixed(2);
    if (v == protocol_version::v5) s.properties(p.properties);
    return s;
}
}  // namespace

body_size measure(const publish_view& p, protocol_version v) noexcept {
    body_size s = measure_header(p, v);
    s.fixed(p.payload.size());
    return s;
}

std::uint8_t flags(const publish_view& p) noexcept {
    return static_cast<std::uint8_t>((p.dup ? dup_flag : 0) | (static_cast<std::uint8_t>(p.qos) << 1) |
                                     (p.retain ? retain_flag : 0));
}

void write_header(writer& out, const publish_view& p, protocol_version v) noexcept {
    out.utf8_string(p.topic);
    if (p.qos != qos::at_most_once) out.u16(p.packet_id);
    if (v == protocol_version::v5) write_properties(out, p.properties);
}

void write(writer& out, const publish_view& p, protocol_version v) noexcept {
    write_header(out, p, v);
    out.raw(p.payload);
}

body_size measure_publish_header(const publish_view& p, protocol_version v) noexcept { return measure_header(p, v); }

}  // namespace mqtt::codec::detail
