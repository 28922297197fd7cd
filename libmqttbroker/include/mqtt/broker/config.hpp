#pragma once
// Engine limits and features. mqttd fills this from its configuration file (docs/configuration.md).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <mqtt/codec/types.hpp>

namespace mqtt::broker {

struct config {
    std::uint32_t max_packet_size = 268'435'460;       // bytes; announced in CONNACK (v5) when lower
    std::uint16_t receive_maximum = 65'535;            // inbound QoS 1/2 window per client (v5 CONNACK)
    std::uint16_t max_inflight_messages = 100;         // outbound QoS 1/2 window cap per client
    std::uint16_t topic_alias_maximum = 65'535;        // inbound topic aliases per connection (v5 CONNACK)
    std::size_t max_queued_messages = 1'000;           // per session, beyond the inflight window
    std::size_t max_queued_bytes = 0;                  // per session; 0 = no byte limit
    std::optional<std::uint16_t> server_keep_alive;    // overrides the client's keep alive (v5)
    std::uint32_t max_session_expiry_interval = 0xFFFF'FFFF;  // seconds; 0xFFFFFFFF = never expires
    std::chrono::seconds connect_timeout{10};          // a connection must send CONNECT within this
    codec::qos maximum_qos = codec::qos::exactly_once;
    bool retain_available = true;
    bool wildcard_subscription_available = true;
    bool subscription_identifier_available = true;
    bool shared_subscription_available = true;
    bool allow_anonymous = true;                       // used when no authenticator is given
    bool allow_zero_length_client_id = true;           // assign "auto-..." ids (MQTT-3.1.3-6)
    std::size_t max_client_id_length = 65'535;
    std::size_t max_retained_messages = 0;             // 0 = unlimited
    std::string assigned_client_id_prefix = "auto-";
};

}  // namespace mqtt::broker
