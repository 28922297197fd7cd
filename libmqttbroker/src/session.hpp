#pragma once
// session: the MQTT session state the server keeps per client id (section 4.1); it outlives connections.
// connection: one network connection's state (protocol version, negotiated limits, topic aliases).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mqtt/broker/auth.hpp>
#include <mqtt/broker/clock.hpp>
#include <mqtt/codec/packets.hpp>

#include "message.hpp"

namespace mqtt::broker::detail {

inline constexpr std::uint32_t never_expires = 0xFFFF'FFFF;

struct subscription_entry {
    codec::subscribe_options options;
    std::uint32_t subscription_id = 0;
};

// One message on its way to one session: the QoS and RETAIN flag it goes out with and the Subscription
// Identifiers of the subscriptions it matched (MQTT-3.3.4-3 v5).
struct outgoing_message {
    message_ptr msg;
    codec::qos qos = codec::qos::at_most_once;
    bool retain = false;
    std::vector<std::uint32_t> subscription_ids;
    std::uint64_t seq = 0;  // engine-wide arrival order: names the entry in the durable store
};

enum class outbound_state : std::uint8_t { awaiting_puback, awaiting_pubrec, awaiting_pubcomp };

struct inflight_message {
    outgoing_message out;
    std::uint16_t packet_id = 0;
    outbound_state state = outbound_state::awaiting_puback;
};

struct will_message {
    message_ptr msg;
    std::uint32_t delay_interval = 0;  // seconds (v5 Will Delay Interval)
};

// Outbound QoS 1/2 messages waiting for a free slot in the window or for the client to come back, in order, with
// their total approximate size (config.max_queued_bytes). Most sessions never queue anything, and an empty
// libstdc++ std::deque already holds a 512-byte block and its map, so the storage is created on the first push.
class message_queue {
public:
    [[nodiscard]] bool empty() const noexcept { return !q_ || q_->messages.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return q_ ? q_->messages.size() : 0; }
    [[nodiscard]] std::size_t bytes() const noexcept { return q_ ? q_->bytes : 0; }

    void push(outgoing_message&& o) {
        if (!q_) q_ = std::make_unique<storage>();
        q_->bytes += o.msg->approximate_size();
        q_->messages.push_back(std::move(o));
    }
    // Precondition: !empty().
    outgoing_message pop() {
        outgoing_message o = std::move(q_->messages.front());
        q_->messages.pop_front();
        q_->bytes -= std::min(q_->bytes, o.msg->approximate_size());
        return o;
    }

private:
    struct storage {
        std::deque<outgoing_message> messages;
        std::size_t bytes = 0;
    };
    std::unique_ptr<storage> q_;
};

// The small fields come last so that they share one word: there is one session per client.
struct session {
    std::string client_id;
    std::string username;
    std::uint64_t uid = 0;  // timers refer to sessions by this, never by pointer
    std::optional<connection_id> connection;  // set while a connection is attached
    std::optional<time_point> expires_at;     // while offline

    // Full filter text (with any "$share/group/" prefix) -> options; the trie holds the routing copy.
    std::map<std::string, subscription_entry, std::less<>> subscriptions;

    // Outbound QoS 1/2: sent and unacknowledged, in send order (retransmitted in that order, MQTT-4.6.0-1).
    std::vector<inflight_message> inflight;
    // Waiting for a free slot in the window, or for the client to come back. Bounded (config.max_queued_messages).
    message_queue queue;

    // Inbound QoS 2: PUBREC sent, PUBREL not yet received (MQTT-4.3.3-10 v5: duplicates are not re-delivered).
    std::vector<std::uint16_t> inbound_qos2;

    std::optional<will_message> will;
    std::optional<time_point> will_at;  // will delay running (connection gone, MQTT-3.1.2-8 v5)

    std::uint32_t expiry_interval = 0;  // seconds; never_expires = 0xFFFFFFFF
    std::uint16_t next_packet_id = 1;
    codec::protocol_version version = codec::protocol_version::unknown;
    bool durable = false;  // reported to the durable store (it outlives its connection)
};

enum class connection_state : std::uint8_t { awaiting_connect, authenticating, connected };

// What a CONNECT asked for, owned, so that it can wait across an enhanced authentication exchange.
struct connect_request {
    codec::protocol_version version = codec::protocol_version::v311;
    std::string client_id;
    bool client_id_assigned = false;
    bool clean_start = true;
    std::uint16_t keep_alive = 0;
    std::uint32_t session_expiry_interval = 0;
    std::uint16_t receive_maximum = 65'535;
    std::uint32_t maximum_packet_size = 268'435'460;
    std::uint16_t topic_alias_maximum = 0;
    bool request_problem_information = true;
    std::optional<std::string> username;
    std::optional<will_message> will;
    std::string authentication_method;
};

// What only the authentication hook reads: the peer (for connect_credentials, at CONNECT and at re-authentication)
// and the method of enhanced authentication. Without a hook nothing reads them, so they are not kept.
struct auth_context {
    std::string address;
    std::string listener;
    std::string certificate_common_name;
    std::string method;  // Authentication Method (v5 enhanced authentication), empty without one

    [[nodiscard]] peer_info peer() const noexcept { return {address, listener, certificate_common_name}; }
};

struct connection {
    connection_id id = 0;
    session* sess = nullptr;
    time_point connected_at{};
    time_point last_packet{};
    std::unique_ptr<auth_context> auth;        // only when the engine has an authentication hook
    std::unique_ptr<connect_request> pending;  // during enhanced authentication
    std::vector<std::string> topic_aliases;    // inbound, index = alias - 1 (MQTT-3.3.2-7 v5: per connection)
    std::uint32_t maximum_packet_size = 268'435'460;  // the client's (MQTT-3.1.2-24 v5)
    std::uint16_t keep_alive = 0;             // the one enforced (server keep alive when configured, v5)
    std::uint16_t send_window = 65'535;       // min(client Receive Maximum, config.max_inflight_messages)
    connection_state state = connection_state::awaiting_connect;
    codec::protocol_version version = codec::protocol_version::unknown;
    bool request_problem_information = true;
};

}  // namespace mqtt::broker::detail
