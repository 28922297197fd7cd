#include "outgoing.hpp"

#include <algorithm>

#include <mqtt/codec/encode.hpp>
#include <mqtt/codec/varint.hpp>

namespace mqtt::broker::detail {

std::span<const std::byte> encoded_publish::patch(std::uint16_t packet_id, bool dup) noexcept {
    if (qos != codec::qos::at_most_once) {
        bytes[packet_id_offset] = static_cast<std::byte>(packet_id >> 8);
        bytes[packet_id_offset + 1] = static_cast<std::byte>(packet_id & 0xFF);
        bytes[0] = dup ? (bytes[0] | std::byte{0x08}) : (bytes[0] & ~std::byte{0x08});
    }
    return bytes;
}

encoded_publish& publish_cache::get(const outgoing_message& o, codec::protocol_version version,
                                    std::optional<std::uint32_t> expiry) {
    const bool v5 = version == codec::protocol_version::v5;
    for (std::size_t i = 0; i < used_; ++i) {
        auto& e = entries_[i];
        if (e.version != version || e.qos != o.qos || e.retain != o.retain) continue;
        if (v5 && (e.expiry != expiry || !std::ranges::equal(e.subscription_ids, o.subscription_ids))) continue;
        return e;
    }
    if (used_ == entries_.size()) entries_.emplace_back();
    auto& e = entries_[used_++];
    e.version = version;
    e.qos = o.qos;
    e.retain = o.retain;
    e.expiry = v5 ? expiry : std::nullopt;
    if (v5) e.subscription_ids.assign(o.subscription_ids.begin(), o.subscription_ids.end());
    else e.subscription_ids.clear();
    encode(e, o);
    return e;
}

encoded_publish& publish_cache::single(const outgoing_message& o, codec::protocol_version version,
                                       std::optional<std::uint32_t> expiry) {
    single_.version = version;
    single_.qos = o.qos;
    single_.retain = o.retain;
    single_.expiry = expiry;
    encode(single_, o);
    return single_;
}

void publish_cache::encode(encoded_publish& e, const outgoing_message& o) {
    ++encodings_;
    const message& m = *o.msg;
    properties_.clear();
    if (e.version == codec::protocol_version::v5) {
        properties_.assign(m.properties.begin(), m.properties.end());
        if (e.expiry) properties_.push_back(codec::property::number(codec::property_id::message_expiry_interval, *e.expiry));
        for (auto id : o.subscription_ids)
            properties_.push_back(codec::property::number(codec::property_id::subscription_identifier, id));
    }
    codec::publish_view p;
    p.topic = m.topic;
    p.payload = m.payload;
    p.qos = o.qos;
    p.packet_id = o.qos == codec::qos::at_most_once ? 0 : 1;  // patched per receiver
    p.retain = o.retain;
    p.dup = false;
    p.properties = codec::properties_view(std::span<const codec::property>(properties_));
    const std::size_t size = codec::encoded_size(p, e.version);
    e.bytes.resize(size);
    auto r = codec::encode(p, e.version, e.bytes);
    if (!r) {  // only above the 256 MB remaining-length limit: empty bytes read as "too large" to every client
        e.bytes.clear();
        e.packet_id_offset = 0;
        return;
    }
    // Fixed header = 1 byte + Remaining Length (1..4 bytes); then the 2-byte topic length and the topic.
    std::size_t header = 1;
    while (header < 4 && codec::variable_byte_integer_size(static_cast<std::uint32_t>(size - 1 - header)) != header) ++header;
    e.packet_id_offset = 1 + header + 2 + m.topic.size();
}

}  // namespace mqtt::broker::detail
