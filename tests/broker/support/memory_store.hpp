#pragma once
// memory_store: a durable_store for engine tests. It logs every change as one line of text (for assertions on
// what the engine reports) and keeps the resulting state, which replay() feeds to engine::restore() in the order
// a real store would: messages, retained, sessions, subscriptions, outgoing by seq, inbound QoS 2 ids, wills.
// Messages are kept as encoded v5 PUBLISH packets, as mqttd's SQLite store keeps them.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include <mqtt/broker/durable_store.hpp>
#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>

namespace mqtt::broker::test {

class memory_store final : public durable_store {
public:
    void message_added(const message_record& m) override {
        codec::publish_view p = m.publish;
        p.packet_id = p.qos == codec::qos::at_most_once ? 0 : 1;
        std::vector<std::byte> bytes(codec::encoded_size(p, codec::protocol_version::v5));
        (void)codec::encode(p, codec::protocol_version::v5, bytes);
        messages[m.id] = {std::move(bytes), m.expires_at};
        log.push_back(fmt::format("message {} {}", m.id, m.publish.topic));
    }
    void retained_set(std::string_view topic, std::uint64_t message_id) override {
        retained[std::string(topic)] = message_id;
        log.push_back(fmt::format("retained {} {}", topic, message_id));
    }
    void retained_cleared(std::string_view topic) override {
        retained.erase(std::string(topic));
        log.push_back(fmt::format("retained_cleared {}", topic));
    }
    void session_saved(const session_record& s) override {
        sessions[std::string(s.client_id)] = {std::string(s.username), s.version, s.expiry_interval, s.expires_at};
        log.push_back(fmt::format("session {} expiry={}{}", s.client_id, s.expiry_interval,
                                  s.expires_at ? " offline" : ""));
    }
    void session_removed(std::string_view client_id) override {
        const std::string id(client_id);
        sessions.erase(id);
        std::erase_if(subscriptions, [&](const auto& kv) { return std::get<0>(kv.first) == id; });
        std::erase_if(outgoing, [&](const auto& kv) { return std::get<0>(kv.first) == id; });
        std::erase_if(inbound_qos2, [&](const auto& k) { return std::get<0>(k) == id; });
        wills.erase(id);
        log.push_back(fmt::format("session_removed {}", client_id));
    }
    void subscription_saved(const subscription_record& s) override {
        subscriptions[{std::string(s.client_id), std::string(s.topic_filter)}] = {s.options, s.subscription_id};
        log.push_back(fmt::format("subscription {} {} qos={}", s.client_id, s.topic_filter,
                                  static_cast<int>(s.options.max_qos)));
    }
    void subscription_removed(std::string_view client_id, std::string_view filter) override {
        subscriptions.erase({std::string(client_id), std::string(filter)});
        log.push_back(fmt::format("subscription_removed {} {}", client_id, filter));
    }
    void outgoing_saved(const outgoing_record& o) override {
        outgoing[{std::string(o.client_id), o.seq}] = {o.message_id, o.qos, o.retain,
                                                       {o.subscription_ids.begin(), o.subscription_ids.end()},
                                                       o.packet_id, o.state};
        static constexpr const char* names[] = {"queued", "awaiting_puback", "awaiting_pubrec", "awaiting_pubcomp"};
        log.push_back(fmt::format("outgoing {} seq={} msg={} id={} {}", o.client_id, o.seq, o.message_id,
                                  o.packet_id, names[static_cast<int>(o.state)]));
    }
    void outgoing_removed(std::string_view client_id, std::uint64_t seq) override {
        outgoing.erase({std::string(client_id), seq});
        log.push_back(fmt::format("outgoing_removed {} seq={}", client_id, seq));
    }
    void inbound_qos2_added(std::string_view client_id, std::uint16_t packet_id) override {
        inbound_qos2.insert({std::string(client_id), packet_id});
        log.push_back(fmt::format("qos2 {} {}", client_id, packet_id));
    }
    void inbound_qos2_removed(std::string_view client_id, std::uint16_t packet_id) override {
        inbound_qos2.erase({std::string(client_id), packet_id});
        log.push_back(fmt::format("qos2_removed {} {}", client_id, packet_id));
    }
    void will_saved(const will_record& w) override {
        wills[std::string(w.client_id)] = {w.message_id, w.delay_interval, w.publish_at};
        log.push_back(fmt::format("will {} msg={}{}", w.client_id, w.message_id, w.publish_at ? " delayed" : ""));
    }
    void will_removed(std::string_view client_id) override {
        wills.erase(std::string(client_id));
        log.push_back(fmt::format("will_removed {}", client_id));
    }

    // Feeds the kept state to `into` (engine::restore's target).
    void replay(durable_store& into) const {
        for (const auto& [id, m] : messages) {
            codec::decode_options opt;
            opt.version = codec::protocol_version::v5;
            auto d = codec::decode(m.bytes, opt);
            if (!d) continue;
            into.message_added({id, std::get<codec::publish_view>(d->packet), m.expires_at});
        }
        for (const auto& [topic, id] : retained) into.retained_set(topic, id);
        for (const auto& [id, s] : sessions) into.session_saved({id, s.username, s.version, s.expiry, s.expires_at});
        for (const auto& [key, s] : subscriptions)
            into.subscription_saved({std::get<0>(key), std::get<1>(key), s.options, s.subscription_id});
        for (const auto& [key, o] : outgoing)
            into.outgoing_saved({std::get<0>(key), std::get<1>(key), o.message_id, o.q, o.retain, o.subscription_ids,
                                 o.packet_id, o.state});
        for (const auto& [client, id] : inbound_qos2) into.inbound_qos2_added(client, id);
        for (const auto& [client, w] : wills) into.will_saved({client, w.message_id, w.delay, w.publish_at});
    }

    // Lines logged since the last call.
    std::vector<std::string> take_log() { return std::exchange(log, {}); }

    struct stored_message {
        std::vector<std::byte> bytes;
        std::optional<time_point> expires_at;
    };
    struct stored_session {
        std::string username;
        codec::protocol_version version;
        std::uint32_t expiry;
        std::optional<time_point> expires_at;
    };
    struct stored_subscription {
        codec::subscribe_options options;
        std::uint32_t subscription_id;
    };
    struct stored_outgoing {
        std::uint64_t message_id;
        codec::qos q;
        bool retain;
        std::vector<std::uint32_t> subscription_ids;
        std::uint16_t packet_id;
        outgoing_state state;
    };
    struct stored_will {
        std::uint64_t message_id;
        std::uint32_t delay;
        std::optional<time_point> publish_at;
    };
    std::map<std::uint64_t, stored_message> messages;  // never collected: tests are short
    std::map<std::string, std::uint64_t> retained;
    std::map<std::string, stored_session> sessions;
    std::map<std::tuple<std::string, std::string>, stored_subscription> subscriptions;
    std::map<std::tuple<std::string, std::uint64_t>, stored_outgoing> outgoing;
    std::set<std::tuple<std::string, std::uint16_t>> inbound_qos2;
    std::map<std::string, stored_will> wills;
    std::vector<std::string> log;
};

}  // namespace mqtt::broker::test
