// Reporting state changes to the durable store (engine_hooks::durable): the records built from engine state.
#include <span>

#include "engine_impl.hpp"

namespace mqtt::broker {

using detail::session;

std::uint64_t engine::impl::persist_message(const detail::message& m) {
    if (m.durable_id != 0) return m.durable_id;
    m.durable_id = next_message_id++;
    message_record r;
    r.id = m.durable_id;
    r.publish.topic = m.topic;
    r.publish.payload = m.payload;
    r.publish.qos = m.qos;
    r.publish.retain = m.retain;
    r.publish.properties = codec::properties_view(std::span<const codec::property>(m.properties));
    r.expires_at = m.expires_at;
    hooks.durable->message_added(r);
    return m.durable_id;
}

void engine::impl::persist_session(session& s) {
    if (!hooks.durable) return;
    if (s.expiry_interval == 0) {
        // A clean session ends with its connection: nothing of it needs to survive a restart.
        if (s.durable) hooks.durable->session_removed(s.client_id);
        s.durable = false;
        return;
    }
    s.durable = true;
    hooks.durable->session_saved({s.client_id, s.username, s.version, s.expiry_interval, s.expires_at});
}

void engine::impl::persist_will(const session& s) {
    if (!durable(s)) return;
    if (!s.will) {
        hooks.durable->will_removed(s.client_id);
        return;
    }
    hooks.durable->will_saved({s.client_id, persist_message(*s.will->msg), s.will->delay_interval, s.will_at});
}

void engine::impl::persist_queued(const session& s, const detail::outgoing_message& o) {
    if (!durable(s)) return;
    hooks.durable->outgoing_saved({s.client_id, o.seq, persist_message(*o.msg), o.qos, o.retain, o.subscription_ids,
                                   0, outgoing_state::queued});
}

void engine::impl::persist_inflight(const session& s, const detail::inflight_message& f) {
    if (!durable(s)) return;
    outgoing_state state = outgoing_state::awaiting_puback;
    if (f.state == detail::outbound_state::awaiting_pubrec) state = outgoing_state::awaiting_pubrec;
    if (f.state == detail::outbound_state::awaiting_pubcomp) state = outgoing_state::awaiting_pubcomp;
    // After PUBREC the message itself is no longer needed (MQTT-4.3.3-5 v5: it is never sent again).
    const std::uint64_t message_id = f.out.msg ? persist_message(*f.out.msg) : 0;
    hooks.durable->outgoing_saved({s.client_id, f.out.seq, message_id, f.out.qos, f.out.retain,
                                   f.out.subscription_ids, f.packet_id, state});
}

}  // namespace mqtt::broker
