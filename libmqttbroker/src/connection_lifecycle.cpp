// How connections end and sessions go offline, expire or end; wills; timers.
#include <algorithm>
#include <chrono>

#include <mqtt/codec/topic.hpp>

#include "engine_impl.hpp"

namespace mqtt::broker {

using detail::connection;
using detail::connection_state;
using detail::session;

void engine::impl::protocol_violation(connection& c, codec::reason_code why, std::string_view what, time_point now) {
    ++stats.protocol_errors;
    log_protocol_error(c, why, what);
    server_disconnect(c, why, what, now);
}

void engine::impl::server_disconnect(connection& c, codec::reason_code why, std::string_view what, time_point now) {
    // MQTT-3.14.0-1 (v5): a server DISCONNECT only after a successful CONNACK; 3.1.1 has no server DISCONNECT.
    if (c.state == connection_state::connected && c.version == codec::protocol_version::v5) {
        codec::property reason_string;
        codec::disconnect_view d;
        d.reason = why;
        // DISCONNECT may carry a Reason String whatever Request Problem Information says (MQTT-3.1.2-29 v5);
        // never a Session Expiry Interval (MQTT-3.14.2-2 v5).
        if (!what.empty()) {
            reason_string = codec::property::string(codec::property_id::reason_string, what);
            d.properties = codec::properties_view(std::span<const codec::property>(&reason_string, 1));
        }
        send_ack(c, d);
    }
    // MQTT-3.14.4-1/2 (v5): nothing more is sent; the connection is closed. The will goes out (MQTT-3.1.2-8).
    drop_connection(c, why, true, true, now);
}

void engine::impl::drop_connection(connection& c, codec::reason_code why, bool will, bool close_transport,
                                   time_point now) {
    const connection_id id = c.id;
    session* s = c.sess;
    const bool was_connected = c.state == connection_state::connected;
    if (close_transport) out.close(id, why);
    if (was_connected && hooks.log) hooks.log->client_disconnected(id, s ? std::string_view(s->client_id) : std::string_view{}, why);
    connections.erase(id);  // `c` is gone from here on
    if (was_connected) --stats.clients_connected;
    if (s == nullptr || s->connection != id) return;

    s->connection.reset();
    if (!will && s->will) {
        s->will.reset();  // MQTT-3.1.2-10 (v5), MQTT-3.14.4-3: DISCONNECT 0x00 drops it unpublished
        persist_will(*s);
    }
    if (s->will) {
        // MQTT-3.1.2-8 (v5): after the Will Delay Interval, or when the session ends if that comes first.
        const std::uint32_t delay = std::min(s->will->delay_interval, s->expiry_interval);
        if (delay == 0) {
            publish_will(*s, now);
        } else {
            s->will_at = now + std::chrono::seconds(delay);
            schedule(*s->will_at, detail::timer_kind::will_delay, s->uid);
            persist_will(*s);
        }
    }
    if (s->expiry_interval == 0) {
        end_session(*s, now);  // MQTT-3.1.2-6 (v3.1.1): a clean session lasts only as long as its connection
        return;
    }
    if (s->expiry_interval != detail::never_expires) {
        s->expires_at = now + std::chrono::seconds(s->expiry_interval);
        schedule(*s->expires_at, detail::timer_kind::session_expiry, s->uid);
    }
    persist_session(*s);
}

void engine::impl::publish_will(session& s, time_point now) {
    if (!s.will) return;
    detail::will_message w = std::move(*s.will);
    s.will.reset();
    s.will_at.reset();
    if (!hooks.authorization || hooks.authorization->can_publish({s.client_id, s.username}, w.msg->topic)) {
        // MQTT-3.1.2-16/17 (v3.1.1), MQTT-3.1.2-14/15 (v5): retained exactly when Will Retain is set.
        if (w.msg->retain && cfg.retain_available) retain(w.msg);
        route(w.msg, &s, now);
    }
    persist_will(s);  // after routing: the store may forget the message once nothing refers to it
}

void engine::impl::retain(const detail::message_ptr& m) {
    const bool stored = retained.store(m, cfg.max_retained_messages);
    stats.retained_messages = retained.size();
    if (!hooks.durable) return;
    if (m->payload.empty()) hooks.durable->retained_cleared(m->topic);
    else if (stored) hooks.durable->retained_set(m->topic, persist_message(*m));
}

void engine::impl::end_session(session& s, time_point now) {
    publish_will(s, now);  // a will still waiting for its delay goes out when the session ends (MQTT-3.1.2-8 v5)
    forget_subscriptions(s);
    if (durable(s)) hooks.durable->session_removed(s.client_id);
    sessions_by_uid.erase(s.uid);
    --stats.sessions;
    auto it = sessions.find(std::string_view(s.client_id));
    if (it != sessions.end()) sessions.erase(it);  // `s` is gone from here on
}

void engine::impl::forget_subscriptions(session& s) {
    for (const auto& [filter, entry] : s.subscriptions) {
        if (auto shared = codec::parse_shared_subscription(filter))
            subscriptions.erase(shared->topic_filter, shared->share_name, &s);
        else
            subscriptions.erase(filter, std::nullopt, &s);
    }
    s.subscriptions.clear();
    stats.subscriptions = subscriptions.size();
}

connection* engine::impl::connection_of(const session& s) noexcept {
    if (!s.connection) return nullptr;
    auto it = connections.find(*s.connection);
    return it == connections.end() ? nullptr : it->second.get();
}

void engine::impl::schedule(time_point at, detail::timer_kind kind, std::uint64_t key) {
    timers.push(detail::timer{at, kind, key});
}

void engine::impl::fire(const detail::timer& t, time_point now) {
    switch (t.kind) {
    case detail::timer_kind::connect_timeout: {
        auto it = connections.find(t.key);
        if (it == connections.end() || it->second->state == connection_state::connected) return;
        if (it->second->connected_at + cfg.connect_timeout > now) return;
        drop_connection(*it->second, codec::reason_code::maximum_connect_time, false, true, now);
        return;
    }
    case detail::timer_kind::keep_alive: {
        auto it = connections.find(t.key);
        if (it == connections.end() || it->second->state != connection_state::connected) return;
        connection& c = *it->second;
        if (c.keep_alive == 0) return;
        // MQTT-3.1.2-24 (v3.1.1), MQTT-3.1.2-22 (v5): nothing for 1.5 x Keep Alive closes the connection.
        const auto deadline = c.last_packet + std::chrono::milliseconds(std::uint32_t{c.keep_alive} * 1500u);
        if (deadline > now) {
            schedule(deadline, detail::timer_kind::keep_alive, c.id);
            return;
        }
        ++stats.protocol_errors;
        server_disconnect(c, codec::reason_code::keep_alive_timeout, "keep alive timeout", now);
        return;
    }
    case detail::timer_kind::will_delay: {
        auto it = sessions_by_uid.find(t.key);
        if (it == sessions_by_uid.end()) return;
        session& s = *it->second;
        if (s.connection || !s.will_at || *s.will_at > now) return;
        publish_will(s, now);
        return;
    }
    case detail::timer_kind::session_expiry: {
        auto it = sessions_by_uid.find(t.key);
        if (it == sessions_by_uid.end()) return;
        session& s = *it->second;
        if (s.connection || !s.expires_at || *s.expires_at > now) return;
        end_session(s, now);  // MQTT-4.1.0-2 (v5)
        return;
    }
    }
}

}  // namespace mqtt::broker
