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

// Only U+0001..U+007F and no wildcard, eight bytes at a time. Nearly every topic is like that, and then needs
// neither the UTF-8 validator nor the two wildcard scans (together 8% of mqtt-dump --stats).
bool is_plain_topic(std::string_view topic) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    // A byte that is zero or has its high bit set (exact: a borrow only starts at a zero byte).
    auto zero_or_high = [](std::uint64_t w) { return ((w | (w - ones)) & highs) != 0; };
    std::size_t i = 0;
    for (; i + 8 <= topic.size(); i += 8) {
        std::uint64_t w = 0;
        std::memcpy(&w, topic.data() + i, 8);
        // Bytes below 0x80 stay below 0x80 after the XOR, so a zero there means that byte was '+' or '#'.
        if (zero_or_high(w) || zero_or_high(w ^ ('+' * ones)) || zero_or_high(w ^ ('#' * ones))) return false;
    }
    for (; i < topic.size(); ++i) {
        const auto c = static_cast<unsigned char>(topic[i]);
        if (c == 0 || c >= 0x80 || c == '+' || c == '#') return false;
    }
    return true;
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
    MQTT_TRY(topic_bytes, in.binary());
    const std::string_view topic = as_chars(topic_bytes);
    if (!is_plain_topic(topic)) {
        // MQTT-3.3.2-1: UTF-8 (the same check and offsets as reader::utf8_string).
        if (auto e = validate_utf8(topic)) return in.fail_at(e->code, topic_at + 2 + e->offset);
        // MQTT-3.3.2-2: no wildcards in a topic name.
        if (has_wildcard(topic)) return in.fail_at(errc::invalid_topic_name, topic_at);
    }
    p.topic = topic;
    // An empty topic name is allowed only with a v5 Topic Alias (below).
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
