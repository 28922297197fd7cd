// SUBSCRIBE and UNSUBSCRIBE: subscription options, identifiers, shared groups, retained delivery.
#include <algorithm>
#include <vector>

#include <mqtt/codec/topic.hpp>

#include "engine_impl.hpp"

namespace mqtt::broker {

using codec::property;
using codec::property_id;
using codec::qos;
using codec::reason_code;
using detail::connection;
using detail::session;

namespace {
bool has_wildcard(std::string_view filter) noexcept {
    return filter.find_first_of("+#") != std::string_view::npos;
}
struct retained_request {
    std::string_view filter;
    qos granted;
    std::uint32_t subscription_id;
};
}  // namespace

void engine::impl::handle_subscribe(connection& c, const codec::subscribe_view& p, time_point now) {
    session& s = *c.sess;
    std::uint32_t subscription_id = 0;
    if (auto id = p.properties.find(property_id::subscription_identifier)) {
        if (!cfg.subscription_identifier_available) {
            protocol_violation(c, reason_code::subscription_identifiers_not_supported,
                               "Subscription Identifiers not supported", now);
            return;
        }
        subscription_id = id->integer;
    }
    std::vector<reason_code> codes;
    std::vector<retained_request> retained_requests;
    bool refused = false;
    // MQTT-3.8.4-4 (v3.1.1), MQTT-3.8.4-5 (v5): each filter in turn, one SUBACK for all
    for (const codec::subscription& sub : p.subscriptions) {
        const auto shared = codec::parse_shared_subscription(sub.topic_filter);
        const std::string_view filter = shared ? shared->topic_filter : sub.topic_filter;
        reason_code code;
        if (shared && !cfg.shared_subscription_available) {
            code = reason_code::shared_subscriptions_not_supported;
        } else if (has_wildcard(filter) && !cfg.wildcard_subscription_available) {
            code = reason_code::wildcard_subscriptions_not_supported;  // MQTT-3.8.3-2 (v3.1.1): 0x80 there
        } else if (hooks.authorization &&
                   !hooks.authorization->can_subscribe({s.client_id, s.username}, sub.topic_filter)) {
            code = reason_code::not_authorized;  // 0x80 in 3.1.1 (the codec maps it)
        } else {
            // MQTT-3.2.2-10 (v5): any requested QoS is accepted and granted at most the server's Maximum QoS
            codec::subscribe_options options = sub.options;
            options.max_qos = std::min(sub.options.max_qos, cfg.maximum_qos);
            auto existing = s.subscriptions.find(sub.topic_filter);
            const bool existed = existing != s.subscriptions.end();
            // MQTT-3.8.4-3 (v3.1.1 and v5): an identical filter replaces the subscription
            if (existed) existing->second = {options, subscription_id};
            else s.subscriptions.emplace(std::string(sub.topic_filter), detail::subscription_entry{options, subscription_id});
            if (durable(s)) hooks.durable->subscription_saved({s.client_id, sub.topic_filter, options, subscription_id});
            subscriptions.insert(filter, shared ? std::optional<std::string_view>(shared->share_name) : std::nullopt,
                                 detail::subscriber{&s, options, subscription_id});
            code = static_cast<reason_code>(options.max_qos);  // MQTT-3.8.4-5 (v3.1.1), MQTT-3.8.4-7 (v5)
            // MQTT-3.3.1-9/10/11 (v5): Retain Handling 0 always, 1 only for a new subscription, 2 never.
            // Shared subscriptions get no retained messages (section 4.8.2, v5).
            const bool send_retained = sub.options.retain_handling == 0 || (sub.options.retain_handling == 1 && !existed);
            if (!shared && send_retained) retained_requests.push_back({filter, options.max_qos, subscription_id});
        }
        refused = refused || codec::is_error(code);
        codes.push_back(code);
    }
    stats.subscriptions = subscriptions.size();

    property reason_string;
    codec::suback_view ack;
    ack.packet_id = p.packet_id;  // MQTT-3.8.4-2 (v3.1.1 and v5)
    ack.reason_codes = codec::reason_code_list(std::span<const reason_code>(codes));
    if (refused) ack.properties = problem(c, reason_string, "some subscriptions were refused");
    send_ack(c, ack);  // MQTT-3.8.4-1 (v3.1.1 and v5)

    // MQTT-3.3.1-6 and MQTT-3.3.1-8 (v3.1.1): retained messages after the SUBACK, with RETAIN=1
    for (const auto& rq : retained_requests) {
        retained_matches.clear();
        retained.match(rq.filter, now, retained_matches);
        stats.retained_messages = retained.size();
        for (const auto& m : retained_matches) {
            detail::outgoing_message o;
            o.msg = m;
            o.qos = std::min(m->qos, rq.granted);
            o.retain = true;
            if (rq.subscription_id != 0) o.subscription_ids.push_back(rq.subscription_id);
            deliver(s, std::move(o), now, false);
        }
    }
}

void engine::impl::handle_unsubscribe(connection& c, const codec::unsubscribe_view& p, time_point) {
    session& s = *c.sess;
    std::vector<reason_code> codes;
    // MQTT-3.10.4-6 (v3.1.1 and v5): each filter in turn, one UNSUBACK
    for (std::string_view filter : p.topic_filters) {
        // MQTT-3.10.4-1 (v3.1.1 and v5): filters compare character by character
        auto it = s.subscriptions.find(filter);
        if (it == s.subscriptions.end()) {
            codes.push_back(reason_code::no_subscription_existed);
            continue;
        }
        if (auto shared = codec::parse_shared_subscription(filter))
            subscriptions.erase(shared->topic_filter, shared->share_name, &s);
        else
            subscriptions.erase(filter, std::nullopt, &s);
        if (durable(s)) hooks.durable->subscription_removed(s.client_id, filter);
        s.subscriptions.erase(it);  // MQTT-3.10.4-2: nothing new is queued; inflight ones complete (MQTT-3.10.4-3)
        codes.push_back(reason_code::success);
    }
    stats.subscriptions = subscriptions.size();
    codec::unsuback_view ack;
    ack.packet_id = p.packet_id;  // MQTT-3.10.4-4/5 (v3.1.1 and v5): always answered, same id
    ack.reason_codes = codec::reason_code_list(std::span<const reason_code>(codes));
    send_ack(c, ack);
}

}  // namespace mqtt::broker
