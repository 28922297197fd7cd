#pragma once
// engine::impl: all broker state, and one handler per packet type (handle_*.cpp) behind engine.cpp's dispatch.
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <mqtt/broker/engine.hpp>
#include <mqtt/codec/packets.hpp>

#include "message.hpp"
#include "outgoing.hpp"
#include "retained_store.hpp"
#include "session.hpp"
#include "subscription_trie.hpp"

namespace mqtt::broker {

namespace detail {

enum class timer_kind : std::uint8_t { connect_timeout, keep_alive, will_delay, session_expiry };

// Timers are lazy: an entry names its owner, and the owner's own fields decide whether it is still due when it
// comes up. That keeps the per-packet path free of heap operations (keep-alive only records `last_packet`).
struct timer {
    time_point at;
    timer_kind kind;
    std::uint64_t key;  // connection_id, or session::uid
    friend bool operator>(const timer& a, const timer& b) noexcept { return a.at > b.at; }
};

enum class send_result : std::uint8_t { sent, too_large, expired };

}  // namespace detail

struct engine::impl {
    impl(const config& c, transport& t, engine_hooks h);

    // entry points (engine.cpp)
    void on_connect(connection_id id, const peer_info& peer, time_point now);
    void on_packet(connection_id id, const codec::packet_view& packet, time_point now);
    void on_decode_error(connection_id id, const codec::error& e, time_point now);
    void on_disconnect(connection_id id, time_point now);
    time_point on_tick(time_point now);
    void shutdown(time_point now);

    // one handler per packet type
    void handle_connect(detail::connection& c, const codec::connect_view& p, time_point now);
    void handle_publish(detail::connection& c, const codec::publish_view& p, time_point now);
    void handle_puback(detail::connection& c, const codec::puback_view& p, time_point now);
    void handle_pubrec(detail::connection& c, const codec::pubrec_view& p, time_point now);
    void handle_pubrel(detail::connection& c, const codec::pubrel_view& p, time_point now);
    void handle_pubcomp(detail::connection& c, const codec::pubcomp_view& p, time_point now);
    void handle_subscribe(detail::connection& c, const codec::subscribe_view& p, time_point now);
    void handle_unsubscribe(detail::connection& c, const codec::unsubscribe_view& p, time_point now);
    void handle_pingreq(detail::connection& c, time_point now);
    void handle_disconnect(detail::connection& c, const codec::disconnect_view& p, time_point now);
    void handle_auth(detail::connection& c, const codec::auth_view& p, time_point now);

    // CONNECT (handle_connect.cpp)
    void authenticate(detail::connection& c, time_point now);
    void apply_auth_step(detail::connection& c, const auth_step& step, time_point now);
    void refuse(detail::connection& c, codec::reason_code why, time_point now);
    void accept(detail::connection& c, std::span<const std::byte> auth_data, time_point now);
    void take_over(detail::session& s, time_point now);

    // connection and session lifecycle (connection_lifecycle.cpp)
    // Sends DISCONNECT (v5, after CONNACK only: MQTT-3.14.0-1 v5) and closes; the will goes out (abnormal end).
    void protocol_violation(detail::connection& c, codec::reason_code why, std::string_view what, time_point now);
    void server_disconnect(detail::connection& c, codec::reason_code why, std::string_view what, time_point now);
    // Forgets `c`; with `close_transport` also asks the transport to close it. Never touch `c` afterwards.
    void drop_connection(detail::connection& c, codec::reason_code why, bool will, bool close_transport, time_point now);
    void end_session(detail::session& s, time_point now);
    void publish_will(detail::session& s, time_point now);
    [[nodiscard]] detail::connection* connection_of(const detail::session& s) noexcept;
    void schedule(time_point at, detail::timer_kind kind, std::uint64_t key);
    void fire(const detail::timer& t, time_point now);

    // routing and outbound flow (handle_publish.cpp)
    std::size_t route(const detail::message_ptr& m, const detail::session* publisher, time_point now);
    void deliver(detail::session& s, detail::outgoing_message&& o, time_point now, bool shared_encoding);
    void pump(detail::session& s, time_point now);
    void resend_inflight(detail::session& s, detail::connection& c, time_point now);
    detail::send_result send_publish(detail::connection& c, const detail::outgoing_message& o, std::uint16_t packet_id,
                                     bool dup, time_point now, bool shared_encoding);
    std::uint16_t allocate_packet_id(detail::session& s) noexcept;
    void forget_subscriptions(detail::session& s);
    // Stores, replaces or deletes (empty payload) a retained message, and reports it.
    void retain(const detail::message_ptr& m);

    // Reporting to hooks.durable (durability.cpp); each does nothing when it is null or the session is clean.
    [[nodiscard]] bool durable(const detail::session& s) const noexcept { return hooks.durable && s.durable; }
    std::uint64_t persist_message(const detail::message& m);  // reports it the first time; returns its id
    void persist_session(detail::session& s);  // saved while it outlives its connection, else removed
    void persist_will(const detail::session& s);
    void persist_queued(const detail::session& s, const detail::outgoing_message& o);
    void persist_inflight(const detail::session& s, const detail::inflight_message& f);
    // Start-up (restore.cpp).
    class restore_target;
    void restore(const std::function<void(durable_store&)>& replay, time_point now);

    // Encodes one packet for `c` and sends it; false when it exceeds the client's Maximum Packet Size
    // (MQTT-3.1.2-24 v5). send_ack() first drops the properties (Reason String, User Properties) when they would
    // make the packet too large (MQTT-3.4.2-2 and the like, v5).
    bool send(detail::connection& c, const codec::packet_view& p, delivery how = delivery::required);
    bool send_ack(detail::connection& c, codec::packet_view p);
    // A Reason String for `c` when it asked for problem information (MQTT-3.1.2-29 v5), else an empty list.
    codec::properties_view problem(const detail::connection& c, codec::property& storage, std::string_view text) const;

    void log_protocol_error(const detail::connection& c, codec::reason_code why, std::string_view what);

    config cfg;
    transport& out;
    engine_hooks hooks;
    statistics stats;

    std::unordered_map<connection_id, std::unique_ptr<detail::connection>> connections;
    // Keyed by a view of the session's own client_id (never changed once created): no second copy per session.
    std::unordered_map<std::string_view, std::unique_ptr<detail::session>> sessions;
    std::unordered_map<std::uint64_t, detail::session*> sessions_by_uid;
    std::uint64_t next_session_uid = 1;
    std::uint64_t next_assigned_id = 1;
    std::uint64_t next_outgoing_seq = 1;  // outgoing_message::seq
    std::uint64_t next_message_id = 1;    // message::durable_id
    detail::subscription_trie subscriptions;
    detail::retained_store retained;
    std::priority_queue<detail::timer, std::vector<detail::timer>, std::greater<>> timers;

    // scratch, reused so the steady state allocates little
    std::vector<std::byte> encode_buffer;
    detail::publish_cache publish_cache;
    std::vector<const detail::subscriber*> matched;
    std::vector<detail::shared_group*> matched_groups;
    std::vector<detail::message_ptr> retained_matches;
};

}  // namespace mqtt::broker
