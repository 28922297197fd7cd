#pragma once
// The broker engine: all MQTT 3.1.1 / 5.0 semantics, no sockets, no threads, no clock reads.
// Packets come in through on_packet(); packets and closes go out through `transport`.
#include <cstdint>
#include <functional>
#include <memory>

#include <mqtt/broker/auth.hpp>
#include <mqtt/broker/clock.hpp>
#include <mqtt/broker/config.hpp>
#include <mqtt/broker/durable_store.hpp>
#include <mqtt/broker/event_log.hpp>
#include <mqtt/broker/transport.hpp>
#include <mqtt/codec/packets.hpp>
#include <mqtt/codec/result.hpp>

namespace mqtt::broker {

struct statistics {
    std::uint64_t clients_connected = 0;      // now
    std::uint64_t sessions = 0;               // now, connected or not
    std::uint64_t subscriptions = 0;          // now
    std::uint64_t retained_messages = 0;      // now
    std::uint64_t messages_received = 0;      // PUBLISH packets from clients, total
    std::uint64_t messages_sent = 0;          // PUBLISH packets to clients, total
    std::uint64_t messages_dropped = 0;       // queue full, expired, or too large for the client, total
    std::uint64_t connects_refused = 0;
    std::uint64_t protocol_errors = 0;
    std::uint64_t publish_encodings = 0;      // outgoing PUBLISH encodings made, total (fan-out shares one per variant)
};

struct engine_hooks {
    authenticator* authentication = nullptr;  // null: config.allow_anonymous decides, passwords are ignored
    authorizer* authorization = nullptr;      // null: everything allowed
    event_log* log = nullptr;                 // null: nothing is reported
    durable_store* durable = nullptr;         // null: nothing outlives the process (persistence off)
};

class engine {
public:
    engine(const config& cfg, transport& out, engine_hooks hooks = {});
    ~engine();
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    // Start-up, before the first on_connect: `replay` calls the given store with what a durable_store recorded,
    // each message before the records that refer to it. Nothing is reported to hooks.durable meanwhile.
    // Sessions come back without a connection: one that was connected when the process ended is treated as after
    // a lost network (session expiry and will delay start at `now`). Expired retained messages are skipped.
    void restore(const std::function<void(durable_store& replay)>& replay, time_point now);

    // A socket was accepted. The connection must send CONNECT within config.connect_timeout.
    void on_connect(connection_id id, const peer_info& peer, time_point now);
    // One decoded packet. Its views are valid only during the call; the engine copies what it keeps.
    void on_packet(connection_id id, const codec::packet_view& packet, time_point now);
    // The bytes from this connection did not decode: DISCONNECT with the error's reason code (v5), then close.
    void on_decode_error(connection_id id, const codec::error& e, time_point now);
    // The socket went away without a DISCONNECT (or the transport dropped it): publish the will per the spec.
    void on_disconnect(connection_id id, time_point now);
    // Keep-alive, connect timeout, will delay, session and message expiry. Returns the next deadline to call at.
    [[nodiscard]] time_point on_tick(time_point now);
    // Server shutdown: DISCONNECT 0x8B to every v5 client, close every connection, wills as for a lost network.
    void shutdown(time_point now);

    [[nodiscard]] const statistics& stats() const noexcept;
    // The protocol version a connection negotiated (unknown before its CONNECT was accepted).
    [[nodiscard]] codec::protocol_version version_of(connection_id id) const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace mqtt::broker
