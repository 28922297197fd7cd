#pragma once
// message: an application message the engine keeps (owned, ref-counted, immutable once built). One copy is
// shared by the retained store, every session queue and every inflight slot that refers to it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <mqtt/broker/clock.hpp>
#include <mqtt/codec/packets.hpp>

namespace mqtt::broker::detail {

struct message {
    std::string topic;
    std::vector<std::byte> payload;
    codec::qos qos = codec::qos::at_most_once;
    bool retain = false;
    // Absolute deadline from the Message Expiry Interval (v5); none = never expires.
    std::optional<time_point> expires_at;
    // Properties forwarded unchanged (MQTT-3.3.2-4/15/16/17/18/20 v5): Payload Format Indicator, Content Type,
    // Response Topic, Correlation Data and User Properties in their received order. Views point into `storage_`.
    std::vector<codec::property> properties;
    std::vector<char> storage_;
    // The id under which the durable store knows this message (0: not reported yet). Not part of the message's
    // value, so it may be set on a shared const message: the engine is single-threaded.
    mutable std::uint64_t durable_id = 0;

    [[nodiscard]] std::size_t approximate_size() const noexcept {
        return sizeof(message) + topic.size() + payload.size() + storage_.size() +
               properties.size() * sizeof(codec::property);
    }
};
using message_ptr = std::shared_ptr<const message>;

// Copies topic, payload and the forwardable properties. Properties the engine rewrites per receiver (Message
// Expiry Interval, Topic Alias, Subscription Identifier) and will-only ones (Will Delay Interval) are not kept.
[[nodiscard]] std::shared_ptr<message> make_message(std::string_view topic, std::span<const std::byte> payload, codec::qos q,
                                       bool retain, const codec::properties_view& props, time_point now);

// Seconds left before `m` expires at `now`, rounded up (MQTT-3.3.2-6 v5); nothing when it never expires.
[[nodiscard]] std::optional<std::uint32_t> remaining_expiry(const message& m, time_point now) noexcept;
[[nodiscard]] inline bool expired(const message& m, time_point now) noexcept {
    return m.expires_at && *m.expires_at <= now;
}

}  // namespace mqtt::broker::detail
