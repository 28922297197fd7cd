// Entry points and the dispatch switch (one handler per packet type, as Mosquitto does), plus packet sending.
#include <mqtt/broker/engine.hpp>

#include <mqtt/codec/encode.hpp>

#include "engine_impl.hpp"

namespace mqtt::broker {

using detail::connection;
using detail::connection_state;

engine::engine(const config& cfg, transport& out, engine_hooks hooks)
    : impl_(std::make_unique<impl>(cfg, out, hooks)) {}
engine::~engine() = default;

void engine::on_connect(connection_id id, const peer_info& peer, time_point now) { impl_->on_connect(id, peer, now); }
void engine::on_packet(connection_id id, const codec::packet_view& packet, time_point now) {
    impl_->on_packet(id, packet, now);
}
void engine::on_decode_error(connection_id id, const codec::error& e, time_point now) {
    impl_->on_decode_error(id, e, now);
}
void engine::on_disconnect(connection_id id, time_point now) { impl_->on_disconnect(id, now); }
time_point engine::on_tick(time_point now) { return impl_->on_tick(now); }
void engine::shutdown(time_point now) { impl_->shutdown(now); }
const statistics& engine::stats() const noexcept { return impl_->stats; }
codec::protocol_version engine::version_of(connection_id id) const noexcept {
    auto it = impl_->connections.find(id);
    if (it == impl_->connections.end() || it->second->state != connection_state::connected)
        return codec::protocol_version::unknown;
    return it->second->version;
}

engine::impl::impl(const config& c, transport& t, engine_hooks h) : cfg(c), out(t), hooks(h) {}

void engine::impl::on_connect(connection_id id, const peer_info& peer, time_point now) {
    auto c = std::make_unique<connection>();
    c->id = id;
    if (hooks.authentication != nullptr) {
        c->auth = std::make_unique<detail::auth_context>();
        c->auth->address.assign(peer.address);
        c->auth->listener.assign(peer.listener);
        c->auth->certificate_common_name.assign(peer.certificate_common_name);
    }
    c->connected_at = now;
    c->last_packet = now;
    connections[id] = std::move(c);
    schedule(now + cfg.connect_timeout, detail::timer_kind::connect_timeout, id);
}

void engine::impl::on_packet(connection_id id, const codec::packet_view& packet, time_point now) {
    auto it = connections.find(id);
    if (it == connections.end()) return;  // closed by the engine already: ignore what was still in flight
    connection& c = *it->second;
    c.last_packet = now;
    const auto type = codec::type_of(packet);

    if (c.state == connection_state::awaiting_connect && type != codec::packet_type::connect) {
        // MQTT-3.1.0-1: the first packet must be CONNECT (the decoder reports connect_expected; this is the backstop)
        log_protocol_error(c, codec::reason_code::protocol_error, "first packet is not CONNECT");
        drop_connection(c, codec::reason_code::protocol_error, false, true, now);
        return;
    }
    if (c.state == connection_state::authenticating && type != codec::packet_type::auth) {
        // MQTT-3.1.4-6 (v5): nothing but AUTH is acted on before the CONNECT is accepted
        log_protocol_error(c, codec::reason_code::protocol_error, "packet other than AUTH during authentication");
        drop_connection(c, codec::reason_code::protocol_error, false, true, now);
        return;
    }

    switch (type) {
    case codec::packet_type::connect: handle_connect(c, std::get<codec::connect_view>(packet), now); return;
    case codec::packet_type::publish: handle_publish(c, std::get<codec::publish_view>(packet), now); return;
    case codec::packet_type::puback: handle_puback(c, std::get<codec::puback_view>(packet), now); return;
    case codec::packet_type::pubrec: handle_pubrec(c, std::get<codec::pubrec_view>(packet), now); return;
    case codec::packet_type::pubrel: handle_pubrel(c, std::get<codec::pubrel_view>(packet), now); return;
    case codec::packet_type::pubcomp: handle_pubcomp(c, std::get<codec::pubcomp_view>(packet), now); return;
    case codec::packet_type::subscribe: handle_subscribe(c, std::get<codec::subscribe_view>(packet), now); return;
    case codec::packet_type::unsubscribe:
        handle_unsubscribe(c, std::get<codec::unsubscribe_view>(packet), now);
        return;
    case codec::packet_type::pingreq: handle_pingreq(c, now); return;
    case codec::packet_type::disconnect: handle_disconnect(c, std::get<codec::disconnect_view>(packet), now); return;
    case codec::packet_type::auth: handle_auth(c, std::get<codec::auth_view>(packet), now); return;
    case codec::packet_type::connack:
    case codec::packet_type::suback:
    case codec::packet_type::unsuback:
    case codec::packet_type::pingresp:
    case codec::packet_type::reserved:
        // Server-to-client packets coming from a client: protocol error (MQTT-4.8.0-1 v3.1.1, MQTT-4.13.1-1 v5)
        protocol_violation(c, codec::reason_code::protocol_error, "packet type only a server may send", now);
        return;
    }
}

void engine::impl::on_decode_error(connection_id id, const codec::error& e, time_point now) {
    auto it = connections.find(id);
    if (it == connections.end()) return;
    connection& c = *it->second;
    if (c.state == connection_state::awaiting_connect) {
        ++stats.protocol_errors;
        if (e.code == codec::errc::unsupported_protocol_version || e.code == codec::errc::invalid_protocol_name) {
            // MQTT-3.1.2-2 (v3.1.1): CONNACK return code 0x01, then close. The client speaks a version we do not,
            // so answer in the 3.1.1 layout every version since 3.1 understands (MQTT-3.1.2-2 v5 allows 0x84).
            ++stats.connects_refused;
            codec::connack_view ack;
            ack.reason = codec::reason_code::unsupported_protocol_version;
            c.version = codec::protocol_version::v311;
            send(c, ack);
            if (hooks.log) hooks.log->connect_refused(id, {}, codec::reason_code::unsupported_protocol_version);
            drop_connection(c, codec::reason_code::unsupported_protocol_version, false, true, now);
            return;
        }
        // MQTT-3.1.4-1 (v3.1.1): a CONNECT that breaks section 3.1 closes the connection without any CONNACK.
        log_protocol_error(c, codec::to_reason_code(e.code), codec::name(e.code));
        drop_connection(c, codec::to_reason_code(e.code), false, true, now);
        return;
    }
    // MQTT-4.13.1-1 (v5): DISCONNECT with the reason code (0x81, 0x82, 0x95, ...), then close; 3.1.1 just closes.
    // A bad second CONNECT maps to 0x84, which DISCONNECT may not carry (MQTT-3.14.2-1 v5): a second CONNECT is a
    // Protocol Error whatever its content (MQTT-3.1.0-2).
    const bool second_connect = e.code == codec::errc::unsupported_protocol_version ||
                                e.code == codec::errc::invalid_protocol_name;
    const auto reason = second_connect ? codec::reason_code::protocol_error : codec::to_reason_code(e.code);
    protocol_violation(c, reason, codec::name(e.code), now);
}

void engine::impl::on_disconnect(connection_id id, time_point now) {
    auto it = connections.find(id);
    if (it == connections.end()) return;
    // Network gone without DISCONNECT: the will is published (MQTT-3.1.2-8 v3.1.1 / v5).
    drop_connection(*it->second, codec::reason_code::unspecified_error, true, false, now);
}

time_point engine::impl::on_tick(time_point now) {
    while (!timers.empty() && timers.top().at <= now) {
        const detail::timer t = timers.top();
        timers.pop();
        fire(t, now);
    }
    return timers.empty() ? time_point::max() : timers.top().at;
}

void engine::impl::shutdown(time_point now) {
    std::vector<connection_id> ids;
    ids.reserve(connections.size());
    for (const auto& [id, c] : connections) ids.push_back(id);
    for (auto id : ids) {
        auto it = connections.find(id);
        if (it == connections.end()) continue;
        connection& c = *it->second;
        if (c.state == connection_state::connected) {
            server_disconnect(c, codec::reason_code::server_shutting_down, {}, now);
        } else {
            drop_connection(c, codec::reason_code::server_shutting_down, false, true, now);
        }
    }
}

bool engine::impl::send(connection& c, const codec::packet_view& p, delivery how) {
    const std::size_t size = codec::encoded_size(p, c.version);
    if (size > c.maximum_packet_size) return false;  // MQTT-3.1.2-24 (v5)
    encode_buffer.resize(size);
    auto r = codec::encode(p, c.version, encode_buffer);
    if (!r) return false;
    out.send(c.id, std::span<const std::byte>(encode_buffer.data(), *r), how);
    return true;
}

bool engine::impl::send_ack(connection& c, codec::packet_view p) {
    if (send(c, p)) return true;
    // MQTT-3.4.2-2/3, 3.5.2-2/3, 3.6.2-2/3, 3.7.2-2/3, 3.9.2-1/2, 3.11.2-1/2, 3.14.2-3/4, 3.15.2-2/3 (v5):
    // leave out Reason String and User Properties rather than exceed the client's Maximum Packet Size.
    std::visit([](auto& v) {
        if constexpr (requires { v.properties; }) v.properties = codec::properties_view{};
    }, p);
    return send(c, p);
}

codec::properties_view engine::impl::problem(const connection& c, codec::property& storage,
                                             std::string_view text) const {
    if (c.version != codec::protocol_version::v5 || !c.request_problem_information || text.empty()) return {};
    storage = codec::property::string(codec::property_id::reason_string, text);
    return codec::properties_view(std::span<const codec::property>(&storage, 1));
}

void engine::impl::log_protocol_error(const connection& c, codec::reason_code why, std::string_view what) {
    if (hooks.log) hooks.log->protocol_error(c.id, c.sess ? std::string_view(c.sess->client_id) : std::string_view{}, why, what);
}

void engine::impl::handle_pingreq(connection& c, time_point) {
    send(c, codec::pingresp_view{});  // MQTT-3.12.4-1
}

}  // namespace mqtt::broker
