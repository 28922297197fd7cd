#pragma once
// The connection table: frames -> TCP segments -> per-connection reassembly -> MQTT packets -> events.
// Knows which connections speak MQTT (ports, or a CONNECT at the start of a stream), the protocol version each
// negotiated, and the topic aliases each direction set up. Applies the --client-id / --topic / --type filters.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/dump/link_layer.hpp>
#include <mqtt/dump/mqtt_stream.hpp>
#include <mqtt/dump/tcp_reassembler.hpp>

namespace mqtt::dump {

enum class app_protocol : std::uint8_t { pending, mqtt, tls, ignored };

struct connection_info {
    std::uint64_t id = 0;  // 0-based, in order of first segment: Wireshark's tcp.stream
    endpoint client;
    endpoint server;
    std::string client_text;  // to_string(client), computed once
    std::string server_text;
    app_protocol protocol = app_protocol::pending;
    codec::protocol_version version = codec::protocol_version::unknown;
    bool connect_seen = false;
    std::string client_id;
};

enum class event_kind : std::uint8_t {
    packet,     // a valid control packet
    malformed,  // rejected by the codec: error + offset
    truncated,  // a packet cut by a capture gap
    gap,        // bytes missing from the capture
    resync,     // packet boundary found again after a gap
    open,       // first segment of a connection
    close,      // FIN or RST
    tls,        // a connection on a TLS port: not decodable
};

struct event {
    event_kind kind = event_kind::packet;
    const frame_info* frame = nullptr;
    const connection_info* conn = nullptr;
    direction dir = direction::client_to_server;
    std::uint32_t index_in_frame = 0;  // Wireshark's position of this packet among the MQTT PDUs of its frame
    std::span<const std::byte> raw;    // packet / malformed / truncated: the bytes
    const codec::fixed_header* header = nullptr;     // packet, malformed (when the length was readable), truncated
    const codec::packet_view* packet = nullptr;      // packet only
    codec::error error{codec::errc::incomplete, 0};  // malformed
    std::string_view topic;            // PUBLISH: the topic, resolved through the alias when the wire has none
    std::optional<std::uint16_t> topic_alias;
    bool alias_unknown = false;        // an alias this direction never set: the topic is unknown
    std::string_view protocol_error;   // a valid packet that breaks a rule the codec cannot see (second CONNECT)
    std::uint64_t length = 0;          // gap: missing bytes; resync: skipped bytes; tls: segment bytes
    bool in_sync = true;               // gap: whether the next packet boundary is still known
    bool is_rst = false;               // close
};

class event_sink {
public:
    virtual void on_event(const event& e) = 0;

protected:
    ~event_sink() = default;
};

struct filter_options {
    std::optional<std::string> client_id;
    std::vector<std::string> topic_filters;  // MQTT filters: PUBLISH topics, SUBSCRIBE/UNSUBSCRIBE filters
    std::uint16_t type_mask = 0;             // bit (1 << packet_type); 0: every type
    [[nodiscard]] bool any() const noexcept { return client_id || !topic_filters.empty() || type_mask != 0; }
};

struct dissector_options {
    std::vector<std::uint16_t> mqtt_ports{1883};
    std::vector<std::uint16_t> tls_ports{8883};
    bool heuristics = true;  // a stream on another port that starts with a CONNECT is MQTT
    std::uint32_t max_packet_size = 268'435'460;
    filter_options filter;
    reassembly_limits limits;
};

struct capture_counters {
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;  // captured frame bytes
    std::uint64_t tcp_segments = 0;
    std::uint64_t not_tcp = 0;
    std::uint64_t truncated_frames = 0;
    std::uint64_t ip_fragments = 0;
    std::uint64_t connections = 0;
    std::uint64_t mqtt_connections = 0;
    std::uint64_t packets = 0;
    std::uint64_t malformed = 0;
    std::uint64_t gaps = 0;
    std::uint64_t gap_bytes = 0;
    std::uint64_t retransmitted_bytes = 0;
    std::uint64_t out_of_order_segments = 0;
};

class dissector {
public:
    dissector(dissector_options options, event_sink& sink);
    ~dissector();
    dissector(const dissector&) = delete;
    dissector& operator=(const dissector&) = delete;

    void on_frame(const frame_info& frame, int link_type, std::span<const std::byte> bytes);
    void on_segment(const frame_info& frame, const tcp_segment& segment);
    // A raw byte stream (--hex / --raw): one direction of one connection, starting at a packet boundary.
    void on_stream_bytes(const frame_info& frame, direction dir, codec::protocol_version version,
                         std::span<const std::byte> bytes);
    // End of input: buffered out-of-order data and partial packets are reported.
    void finish();

    [[nodiscard]] const capture_counters& counters() const noexcept { return counters_; }

    struct connection;  // implementation detail, public for the per-side handlers

private:
    struct key_hash {
        std::size_t operator()(const std::array<std::uint8_t, 36>& k) const noexcept;
    };
    connection& find_or_create(const tcp_segment& s, int& side);
    connection& create(const std::array<std::uint8_t, 36>& key, const tcp_segment& s);
    void forget(const std::array<std::uint8_t, 36>& key);  // drops a connection from the table
    void classify_by_port(connection& c);
    void classify_pending(connection& c);
    void become_mqtt(connection& c, int client_side);
    void close(connection& c, bool rst);
    void finish_connection(connection& c);

    friend struct side_state;
    dissector_options options_;
    event_sink* sink_;
    capture_counters counters_;
    frame_info current_frame_;
    std::unordered_map<std::array<std::uint8_t, 36>, std::unique_ptr<connection>, key_hash> table_;
    // Closed connections stay in the table (late ACKs must not look like new connections) until this many
    // more have closed: memory stays bounded on long captures.
    std::deque<std::array<std::uint8_t, 36>> closed_;
    static constexpr std::size_t max_closed_kept = 4096;
    connection* last_ = nullptr;  // the connection of the previous segment
    std::uint64_t next_id_ = 0;
    std::unique_ptr<connection> raw_;  // --hex / --raw pseudo connection
};

}  // namespace mqtt::dump
