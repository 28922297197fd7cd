#pragma once
// durable_store: where the engine reports every change of the state that must survive a restart (retained
// messages, persistent sessions with their subscriptions, queued and inflight QoS 1/2 messages, inbound QoS 2 ids,
// wills). The engine does no I/O: mqttd applies the changes to a database and commits them before it writes the
// iteration's output, so an acknowledgement a client sees is durable (docs/broker.md, "Durability").
//
// engine::restore() replays a store's contents into an engine through the same interface, so one set of records
// serves both directions. All views in a record are valid only during the call.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <mqtt/broker/clock.hpp>
#include <mqtt/codec/packets.hpp>

namespace mqtt::broker {

// An application message kept by the engine. `publish` carries topic, payload, QoS, RETAIN and the forwarded
// properties (v5 layout; packet_id and dup mean nothing). Other records refer to it by `id`.
struct message_record {
    std::uint64_t id = 0;
    codec::publish_view publish;
    std::optional<time_point> expires_at;  // Message Expiry Interval as an absolute deadline
};

// A session that outlives its connection (Session Expiry Interval > 0). Clean sessions are never reported.
struct session_record {
    std::string_view client_id;
    std::string_view username;
    codec::protocol_version version = codec::protocol_version::unknown;
    std::uint32_t expiry_interval = 0;     // seconds; 0xFFFFFFFF = never
    std::optional<time_point> expires_at;  // set while no connection is attached
};

struct subscription_record {
    std::string_view client_id;
    std::string_view topic_filter;  // as subscribed, "$share/group/" prefix included
    codec::subscribe_options options;
    std::uint32_t subscription_id = 0;
};

enum class outgoing_state : std::uint8_t { queued, awaiting_puback, awaiting_pubrec, awaiting_pubcomp };

// A QoS 1/2 message on its way to a session. `seq` orders a session's messages (MQTT-4.6.0-1) and names the
// entry in later updates. An entry awaiting PUBCOMP no longer refers to a message (message_id 0).
struct outgoing_record {
    std::string_view client_id;
    std::uint64_t seq = 0;
    std::uint64_t message_id = 0;
    codec::qos qos = codec::qos::at_least_once;
    bool retain = false;
    std::span<const std::uint32_t> subscription_ids;
    std::uint16_t packet_id = 0;  // 0 while queued
    outgoing_state state = outgoing_state::queued;
};

struct will_record {
    std::string_view client_id;
    std::uint64_t message_id = 0;
    std::uint32_t delay_interval = 0;       // seconds (v5 Will Delay Interval)
    std::optional<time_point> publish_at;   // set while the delay runs (the connection is gone)
};

class durable_store {
public:
    // Called once per message, before the first record that refers to it.
    virtual void message_added(const message_record& m) = 0;
    virtual void retained_set(std::string_view topic_name, std::uint64_t message_id) = 0;
    virtual void retained_cleared(std::string_view topic_name) = 0;
    // Insert or replace.
    virtual void session_saved(const session_record& s) = 0;
    // The session ended: its subscriptions, outgoing messages, inbound QoS 2 ids and will go with it.
    virtual void session_removed(std::string_view client_id) = 0;
    virtual void subscription_saved(const subscription_record& s) = 0;
    virtual void subscription_removed(std::string_view client_id, std::string_view topic_filter) = 0;
    virtual void outgoing_saved(const outgoing_record& o) = 0;  // insert or replace (client_id, seq)
    virtual void outgoing_removed(std::string_view client_id, std::uint64_t seq) = 0;
    // Inbound QoS 2: PUBREC sent, PUBREL not yet received (MQTT-4.3.3-10 v5).
    virtual void inbound_qos2_added(std::string_view client_id, std::uint16_t packet_id) = 0;
    virtual void inbound_qos2_removed(std::string_view client_id, std::uint16_t packet_id) = 0;
    virtual void will_saved(const will_record& w) = 0;  // insert or replace
    virtual void will_removed(std::string_view client_id) = 0;

protected:
    ~durable_store() = default;
};

}  // namespace mqtt::broker
