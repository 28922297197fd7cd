// Inbound PUBLISH, routing to subscribers, and the outbound QoS 1/2 window (inflight + bounded queue).
#include <algorithm>

#include "engine_impl.hpp"

namespace mqtt::broker {

using codec::property;
using codec::property_id;
using codec::qos;
using codec::reason_code;
using detail::connection;
using detail::outgoing_message;
using detail::send_result;
using detail::session;

namespace {
qos min_qos(qos a, qos b) noexcept { return a < b ? a : b; }
}  // namespace

void engine::impl::handle_publish(connection& c, const codec::publish_view& p, time_point now) {
    session& s = *c.sess;
    const bool v5 = c.version == codec::protocol_version::v5;
    if (p.qos > cfg.maximum_qos) {
        // MQTT-3.2.2-11 (v5): QoS above the announced Maximum QoS: DISCONNECT 0x9B
        protocol_violation(c, reason_code::qos_not_supported, "QoS not supported", now);
        return;
    }
    if (p.retain && !cfg.retain_available) {
        // MQTT-3.2.2-14 (v5): RETAIN=1 when Retain Available is 0: DISCONNECT 0x9A
        protocol_violation(c, reason_code::retain_not_supported, "retain not supported", now);
        return;
    }
    std::string_view topic = p.topic;
    if (v5) {
        if (auto alias = p.properties.find(property_id::topic_alias)) {
            // MQTT-3.3.2-12 (v5): aliases 1..Topic Alias Maximum we sent; others are 0x94
            if (alias->integer == 0 || alias->integer > cfg.topic_alias_maximum) {
                protocol_violation(c, reason_code::topic_alias_invalid, "Topic Alias out of range", now);
                return;
            }
            const std::size_t index = alias->integer - 1;
            if (!topic.empty()) {
                if (c.topic_aliases.size() <= index) c.topic_aliases.resize(index + 1);
                c.topic_aliases[index].assign(topic);
            } else if (index < c.topic_aliases.size() && !c.topic_aliases[index].empty()) {
                topic = c.topic_aliases[index];
            } else {
                protocol_violation(c, reason_code::topic_alias_invalid, "unknown Topic Alias", now);
                return;
            }
        }
    }
    ++stats.messages_received;

    if (p.qos == qos::exactly_once) {
        if (std::ranges::find(s.inbound_qos2, p.packet_id) != s.inbound_qos2.end()) {
            // MQTT-4.3.3-2 (v3.1.1), MQTT-4.3.3-10 (v5): a repeat before PUBREL gets PUBREC, no second delivery
            codec::pubrec_view rec;
            rec.packet_id = p.packet_id;
            send(c, rec);
            return;
        }
        if (s.inbound_qos2.size() >= cfg.receive_maximum) {
            // MQTT-3.3.4-9 (v5) seen from our side: more unacknowledged QoS 2 than our Receive Maximum: 0x93
            protocol_violation(c, reason_code::receive_maximum_exceeded, "Receive Maximum exceeded", now);
            return;
        }
    }

    reason_code verdict = reason_code::success;
    if (hooks.authorization && !hooks.authorization->can_publish({s.client_id, s.username}, topic)) {
        // MQTT-3.3.5-2 (v3.1.1): acknowledged normally and dropped; v5 says why with 0x87
        verdict = v5 ? reason_code::not_authorized : reason_code::success;
    } else {
        const detail::message_ptr m = detail::make_message(topic, p.payload, p.qos, p.retain, p.properties, now);
        if (p.retain) retain(m);
        const std::size_t receivers = route(m, &s, now);
        if (receivers == 0 && v5) verdict = reason_code::no_matching_subscribers;
    }

    // MQTT-3.3.4-1 (v3.1.1 and v5): QoS 0 nothing, QoS 1 PUBACK, QoS 2 PUBREC
    property reason_string;
    const auto props = verdict == reason_code::not_authorized ? problem(c, reason_string, "not authorized")
                                                              : codec::properties_view{};
    if (p.qos == qos::at_least_once) {
        codec::puback_view ack;
        ack.packet_id = p.packet_id;
        ack.reason = verdict;
        ack.properties = props;
        send_ack(c, ack);
    } else if (p.qos == qos::exactly_once) {
        // MQTT-4.3.3-9 (v5): after a PUBREC >= 0x80 the id is free again, so only successes are remembered
        if (!codec::is_error(verdict)) {
            s.inbound_qos2.push_back(p.packet_id);
            if (durable(s)) hooks.durable->inbound_qos2_added(s.client_id, p.packet_id);
        }
        codec::pubrec_view rec;
        rec.packet_id = p.packet_id;
        rec.reason = verdict;
        rec.properties = props;
        send_ack(c, rec);
    }
}

std::size_t engine::impl::route(const detail::message_ptr& m, const session* publisher, time_point now) {
    matched.clear();
    matched_groups.clear();
    subscriptions.match(m->topic, matched, matched_groups);
    publish_cache.clear();
    std::size_t deliveries = 0;

    // MQTT-3.3.5-1 (v3.1.1), MQTT-3.3.4-2/3/4 (v5): one copy per client, at the highest QoS of its matching
    // subscriptions, carrying every matching Subscription Identifier.
    std::sort(matched.begin(), matched.end(),
              [](const detail::subscriber* a, const detail::subscriber* b) { return std::less<>{}(a->owner, b->owner); });
    for (std::size_t i = 0; i < matched.size();) {
        session* owner = matched[i]->owner;
        outgoing_message o;
        bool any = false;
        bool retain_as_published = false;
        qos best = qos::at_most_once;
        for (; i < matched.size() && matched[i]->owner == owner; ++i) {
            const detail::subscriber& sub = *matched[i];
            if (sub.options.no_local && owner == publisher) continue;  // MQTT-3.8.3-3 (v5)
            any = true;
            best = std::max(best, sub.options.max_qos);
            retain_as_published = retain_as_published || sub.options.retain_as_published;
            if (sub.subscription_id != 0) o.subscription_ids.push_back(sub.subscription_id);
        }
        if (!any) continue;
        o.msg = m;
        o.qos = min_qos(m->qos, best);  // MQTT-3.8.4-6 (v3.1.1), MQTT-3.8.4-8 (v5)
        // MQTT-3.3.1-9 (v3.1.1), MQTT-3.3.1-12/13 (v5): RETAIN is cleared unless Retain As Published
        o.retain = m->retain && retain_as_published;
        deliver(*owner, std::move(o), now, true);
        ++deliveries;
    }

    // Shared subscriptions: one member per group, round-robin, preferring connected members.
    for (detail::shared_group* g : matched_groups) {
        const std::size_t n = g->members.size();
        if (n == 0) continue;
        std::size_t chosen = g->next % n;
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t idx = (g->next + k) % n;
            if (g->members[idx].owner->connection) {
                chosen = idx;
                break;
            }
        }
        g->next = (chosen + 1) % n;
        const detail::subscriber& sub = g->members[chosen];
        outgoing_message o;
        o.msg = m;
        o.qos = min_qos(m->qos, sub.options.max_qos);  // MQTT-4.8.2-3 (v5)
        o.retain = m->retain && sub.options.retain_as_published;
        if (sub.subscription_id != 0) o.subscription_ids.push_back(sub.subscription_id);
        deliver(*sub.owner, std::move(o), now, true);
        ++deliveries;
    }
    return deliveries;
}

void engine::impl::deliver(session& s, outgoing_message&& o, time_point now, bool shared_encoding) {
    if (hooks.authorization && !hooks.authorization->can_receive({s.client_id, s.username}, o.msg->topic)) return;
    connection* c = connection_of(s);
    if (o.qos == qos::at_most_once) {
        if (c == nullptr) return;  // QoS 0 is not kept for offline sessions (MQTT-3.1.2-5 v3.1.1 asks QoS 1/2 only)
        if (send_publish(*c, o, 0, false, now, shared_encoding) != send_result::sent) ++stats.messages_dropped;
        return;
    }
    // MQTT-4.5.0-1: the message joins the session state of the subscriber. Ordering (MQTT-4.6.0-6 v3.1.1,
    // MQTT-4.6.0-5 v5): a new message never overtakes queued ones.
    o.seq = next_outgoing_seq++;
    if (c != nullptr && s.queue.empty() && s.inflight.size() < c->send_window) {
        const std::uint16_t id = allocate_packet_id(s);
        if (send_publish(*c, o, id, false, now, shared_encoding) == send_result::sent) {
            const auto state = o.qos == qos::at_least_once ? detail::outbound_state::awaiting_puback
                                                           : detail::outbound_state::awaiting_pubrec;
            s.inflight.push_back(detail::inflight_message{std::move(o), id, state});
            persist_inflight(s, s.inflight.back());
        } else {
            ++stats.messages_dropped;  // MQTT-3.1.2-25 (v5): too large is dropped as if it had been sent
        }
        return;
    }
    // MQTT-3.1.2-5 (v3.1.1): queued while offline (or while the window is full). Bounded: when the queue is full
    // the new message is dropped (the oldest queued messages keep their place, preserving order).
    if (s.queue.size() >= cfg.max_queued_messages ||
        (cfg.max_queued_bytes != 0 && s.queue.bytes() + o.msg->approximate_size() > cfg.max_queued_bytes)) {
        ++stats.messages_dropped;
        return;
    }
    persist_queued(s, o);
    s.queue.push(std::move(o));
}

void engine::impl::pump(session& s, time_point now) {
    connection* c = connection_of(s);
    if (c == nullptr) return;
    // MQTT-3.3.4-9 (v5), MQTT-4.9.0-2 (v5): no more than the client's Receive Maximum unacknowledged
    while (!s.queue.empty() && s.inflight.size() < c->send_window) {
        outgoing_message o = s.queue.pop();
        const std::uint16_t id = allocate_packet_id(s);
        if (send_publish(*c, o, id, false, now, false) == send_result::sent) {
            const auto state = o.qos == qos::at_least_once ? detail::outbound_state::awaiting_puback
                                                           : detail::outbound_state::awaiting_pubrec;
            s.inflight.push_back(detail::inflight_message{std::move(o), id, state});
            persist_inflight(s, s.inflight.back());
        } else {
            ++stats.messages_dropped;  // expired while queued (MQTT-3.3.2-5 v5) or too large
            if (durable(s)) hooks.durable->outgoing_removed(s.client_id, o.seq);
        }
    }
}

void engine::impl::resend_inflight(session& s, connection& c, time_point now) {
    // MQTT-4.4.0-1 (v3.1.1 and v5): unacknowledged PUBLISH (DUP=1, MQTT-3.3.1-1) and PUBREL, original ids and order
    for (std::size_t i = 0; i < s.inflight.size();) {
        auto& f = s.inflight[i];
        if (f.state == detail::outbound_state::awaiting_pubcomp) {
            codec::pubrel_view rel;
            rel.packet_id = f.packet_id;
            send(c, rel);
            ++i;
            continue;
        }
        if (send_publish(c, f.out, f.packet_id, true, now, false) == send_result::too_large) {
            ++stats.messages_dropped;  // the new connection announced a smaller Maximum Packet Size
            if (durable(s)) hooks.durable->outgoing_removed(s.client_id, f.out.seq);
            s.inflight.erase(s.inflight.begin() + static_cast<std::ptrdiff_t>(i));
            continue;
        }
        ++i;
    }
}

detail::send_result engine::impl::send_publish(connection& c, const outgoing_message& o, std::uint16_t packet_id,
                                               bool dup, time_point now, bool shared_encoding) {
    std::optional<std::uint32_t> expiry = detail::remaining_expiry(*o.msg, now);
    if (expiry && *expiry == 0) {
        // MQTT-3.3.2-5 (v5): expired before delivery began. A retransmission has begun (MQTT-4.3.3-7 v5).
        if (!dup) return send_result::expired;
        expiry = 1;
    }
    // MQTT-3.3.2-6 (v5): the Message Expiry Interval sent is what is left of it
    auto& e = shared_encoding ? publish_cache.get(o, c.version, expiry) : publish_cache.single(o, c.version, expiry);
    stats.publish_encodings = publish_cache.encodings();
    if (e.bytes.empty() || e.bytes.size() > c.maximum_packet_size) return send_result::too_large;  // MQTT-3.1.2-24 (v5)
    out.send(c.id, e.patch(packet_id, dup), o.qos == qos::at_most_once ? delivery::droppable : delivery::required);
    ++stats.messages_sent;
    return send_result::sent;
}

std::uint16_t engine::impl::allocate_packet_id(session& s) noexcept {
    // MQTT-4.3.2-1 / MQTT-4.3.3-1 (v5): an id no unacknowledged message uses
    for (;;) {
        const std::uint16_t id = s.next_packet_id;
        s.next_packet_id = static_cast<std::uint16_t>(id == 65'535 ? 1 : id + 1);
        const bool used = std::ranges::any_of(s.inflight, [&](const detail::inflight_message& f) { return f.packet_id == id; });
        if (!used) return id;
    }
}

}  // namespace mqtt::broker
