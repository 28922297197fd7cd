#pragma once
// Outgoing PUBLISH encoding, FlashMQ style: one encoding per (protocol version, QoS, RETAIN, Subscription
// Identifiers, Message Expiry Interval) per fan-out, shared by every receiver. Only the two Packet Identifier
// bytes (and the DUP bit for a retransmission) are patched per receiver.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <mqtt/codec/types.hpp>

#include "session.hpp"

namespace mqtt::broker::detail {

struct encoded_publish {
    codec::protocol_version version = codec::protocol_version::unknown;
    codec::qos qos = codec::qos::at_most_once;
    bool retain = false;
    std::optional<std::uint32_t> expiry;
    std::vector<std::uint32_t> subscription_ids;
    std::vector<std::byte> bytes;
    std::size_t packet_id_offset = 0;  // meaningful for QoS 1/2

    // Writes `packet_id` and the DUP bit into the shared bytes (MQTT-3.3.1-1/3 v5: DUP only on a retransmission).
    std::span<const std::byte> patch(std::uint16_t packet_id, bool dup) noexcept;
};

class publish_cache {
public:
    // Drops the entries (keeping their buffers) at the start of each fan-out.
    void clear() noexcept { used_ = 0; }
    // The encoding of `o` for `version`, made on first use; `expiry` is the Message Expiry Interval to send.
    encoded_publish& get(const outgoing_message& o, codec::protocol_version version, std::optional<std::uint32_t> expiry);
    // An encoding not shared with anything (retransmissions, queued and retained messages).
    encoded_publish& single(const outgoing_message& o, codec::protocol_version version, std::optional<std::uint32_t> expiry);
    [[nodiscard]] std::uint64_t encodings() const noexcept { return encodings_; }

private:
    void encode(encoded_publish& e, const outgoing_message& o);
    std::vector<encoded_publish> entries_;
    std::size_t used_ = 0;
    encoded_publish single_;
    std::vector<codec::property> properties_;
    std::uint64_t encodings_ = 0;
};

}  // namespace mqtt::broker::detail
