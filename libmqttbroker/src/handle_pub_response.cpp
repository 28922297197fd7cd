// PUBACK, PUBREC, PUBREL, PUBCOMP: the outbound QoS 1/2 window and the inbound QoS 2 exchange.
#include <algorithm>

#include "engine_impl.hpp"

namespace mqtt::broker {

using codec::reason_code;
using detail::connection;
using detail::outbound_state;
using detail::session;

namespace {
auto find_inflight(session& s, std::uint16_t id, outbound_state state) {
    return std::ranges::find_if(s.inflight, [&](const detail::inflight_message& f) {
        return f.packet_id == id && f.state == state;
    });
}
}  // namespace

void engine::impl::handle_puback(connection& c, const codec::puback_view& p, time_point now) {
    session& s = *c.sess;
    // MQTT-4.3.2-3 (v5): unacknowledged until PUBACK; an unknown id is ignored
    auto it = find_inflight(s, p.packet_id, outbound_state::awaiting_puback);
    if (it == s.inflight.end()) return;
    if (durable(s)) hooks.durable->outgoing_removed(s.client_id, it->out.seq);
    s.inflight.erase(it);
    pump(s, now);
}

void engine::impl::handle_pubrec(connection& c, const codec::pubrec_view& p, time_point now) {
    session& s = *c.sess;
    auto it = find_inflight(s, p.packet_id, outbound_state::awaiting_pubrec);
    codec::pubrel_view rel;
    rel.packet_id = p.packet_id;
    if (it != s.inflight.end()) {
        if (codec::is_error(p.reason)) {
            // MQTT-4.4.0-2 (v5): a PUBREC >= 0x80 acknowledges; MQTT-4.8.2-6 (v5): no other subscriber is tried
            if (durable(s)) hooks.durable->outgoing_removed(s.client_id, it->out.seq);
            s.inflight.erase(it);
            pump(s, now);
            return;
        }
        // MQTT-4.3.3-4/5/6 (v5): PUBREL with the same id; the PUBLISH is never sent again
        it->state = outbound_state::awaiting_pubcomp;
        it->out.msg.reset();
        persist_inflight(s, *it);
        send(c, rel);
        return;
    }
    if (find_inflight(s, p.packet_id, outbound_state::awaiting_pubcomp) == s.inflight.end())
        rel.reason = reason_code::packet_identifier_not_found;  // v5 only on the wire (MQTT-3.6.2-1 v5)
    if (!codec::is_error(p.reason)) send(c, rel);
}

void engine::impl::handle_pubrel(connection& c, const codec::pubrel_view& p, time_point) {
    session& s = *c.sess;
    // MQTT-4.3.3-2 (v3.1.1), MQTT-4.3.3-11/12 (v5): PUBCOMP with the same id; the id is then free
    codec::pubcomp_view comp;
    comp.packet_id = p.packet_id;
    auto it = std::ranges::find(s.inbound_qos2, p.packet_id);
    if (it != s.inbound_qos2.end()) {
        s.inbound_qos2.erase(it);
        if (durable(s)) hooks.durable->inbound_qos2_removed(s.client_id, p.packet_id);
    } else {
        comp.reason = reason_code::packet_identifier_not_found;  // MQTT-3.7.2-1 (v5)
    }
    send(c, comp);
}

void engine::impl::handle_pubcomp(connection& c, const codec::pubcomp_view& p, time_point now) {
    session& s = *c.sess;
    auto it = find_inflight(s, p.packet_id, outbound_state::awaiting_pubcomp);
    if (it == s.inflight.end()) return;
    if (durable(s)) hooks.durable->outgoing_removed(s.client_id, it->out.seq);
    s.inflight.erase(it);
    pump(s, now);
}

}  // namespace mqtt::broker
