// Start-up from a durable store: the store replays its records into a restore_target, which rebuilds the
// engine's state; finish() then orders each session's messages and arms the expiry and will timers.
#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>

#include <mqtt/codec/topic.hpp>

#include "engine_impl.hpp"

namespace mqtt::broker {

using detail::session;

namespace {

struct restored_outgoing {
    detail::outgoing_message out;
    std::uint64_t message_id = 0;
    std::uint16_t packet_id = 0;
    outgoing_state state = outgoing_state::queued;
};

}  // namespace

class engine::impl::restore_target final : public durable_store {
public:
    restore_target(engine::impl& e, time_point now) : e_(e), now_(now) {}

    void message_added(const message_record& m) override {
        auto msg = detail::make_message(m.publish.topic, m.publish.payload, m.publish.qos, m.publish.retain,
                                        m.publish.properties, now_);
        msg->expires_at = m.expires_at;
        msg->durable_id = m.id;
        messages_[m.id] = std::move(msg);
        e_.next_message_id = std::max(e_.next_message_id, m.id + 1);
    }
    void retained_set(std::string_view topic, std::uint64_t message_id) override {
        retained_[std::string(topic)] = message_id;
    }
    void retained_cleared(std::string_view topic) override { retained_.erase(std::string(topic)); }

    void session_saved(const session_record& r) override {
        session& s = find_or_create(r.client_id);
        s.username.assign(r.username);
        s.version = r.version;
        s.expiry_interval = r.expiry_interval;
        s.expires_at = r.expires_at;
        s.durable = true;
    }
    void session_removed(std::string_view client_id) override {
        auto it = e_.sessions.find(client_id);
        if (it == e_.sessions.end()) return;
        std::erase_if(outgoing_, [&](const auto& kv) { return std::get<0>(kv.first) == client_id; });
        e_.sessions_by_uid.erase(it->second->uid);
        e_.sessions.erase(it);
        --e_.stats.sessions;
    }
    void subscription_saved(const subscription_record& r) override {
        if (session* s = find(r.client_id))
            s->subscriptions[std::string(r.topic_filter)] = detail::subscription_entry{r.options, r.subscription_id};
    }
    void subscription_removed(std::string_view client_id, std::string_view filter) override {
        if (session* s = find(client_id))
            if (auto it = s->subscriptions.find(filter); it != s->subscriptions.end()) s->subscriptions.erase(it);
    }
    void outgoing_saved(const outgoing_record& r) override {
        if (find(r.client_id) == nullptr) return;
        restored_outgoing o;
        o.out.qos = r.qos;
        o.out.retain = r.retain;
        o.out.subscription_ids.assign(r.subscription_ids.begin(), r.subscription_ids.end());
        o.out.seq = r.seq;
        o.message_id = r.message_id;
        o.packet_id = r.packet_id;
        o.state = r.state;
        outgoing_[{std::string(r.client_id), r.seq}] = std::move(o);
        e_.next_outgoing_seq = std::max(e_.next_outgoing_seq, r.seq + 1);
    }
    void outgoing_removed(std::string_view client_id, std::uint64_t seq) override {
        outgoing_.erase({std::string(client_id), seq});
    }
    void inbound_qos2_added(std::string_view client_id, std::uint16_t packet_id) override {
        if (session* s = find(client_id)) s->inbound_qos2.push_back(packet_id);
    }
    void inbound_qos2_removed(std::string_view client_id, std::uint16_t packet_id) override {
        if (session* s = find(client_id)) std::erase(s->inbound_qos2, packet_id);
    }
    void will_saved(const will_record& r) override {
        session* s = find(r.client_id);
        const auto m = messages_.find(r.message_id);
        if (s == nullptr || m == messages_.end()) return;
        s->will = detail::will_message{m->second, r.delay_interval};
        s->will_at = r.publish_at;
    }
    void will_removed(std::string_view client_id) override {
        if (session* s = find(client_id)) {
            s->will.reset();
            s->will_at.reset();
        }
    }

    void finish() {
        for (const auto& [topic, id] : retained_) {
            const auto m = messages_.find(id);
            // MQTT-3.3.2-5 (v5): an expired retained message is not delivered
            if (m != messages_.end() && !detail::expired(*m->second, now_)) e_.retained.store(m->second, 0);
        }
        e_.stats.retained_messages = e_.retained.size();
        for (auto& [key, o] : outgoing_) attach(std::get<0>(key), o);
        for (auto& [id, s] : e_.sessions) resume_timers(*s);
    }

private:
    session* find(std::string_view client_id) {
        auto it = e_.sessions.find(client_id);
        return it == e_.sessions.end() ? nullptr : it->second.get();
    }
    session& find_or_create(std::string_view client_id) {
        if (session* s = find(client_id)) return *s;
        auto fresh = std::make_unique<session>();
        fresh->client_id.assign(client_id);
        fresh->uid = e_.next_session_uid++;
        session& s = *fresh;
        e_.sessions_by_uid[s.uid] = &s;
        e_.sessions.emplace(s.client_id, std::move(fresh));
        ++e_.stats.sessions;
        return s;
    }

    // Outgoing entries arrive in (client id, seq) order: inflight ones were sent before any still queued.
    void attach(const std::string& client_id, restored_outgoing& o) {
        session* s = find(client_id);
        if (s == nullptr) return;
        if (o.message_id != 0) {
            const auto m = messages_.find(o.message_id);
            if (m == messages_.end()) return;  // the store lost the message: nothing to deliver
            o.out.msg = m->second;
        } else if (o.state != outgoing_state::awaiting_pubcomp) {
            return;
        }
        if (o.state == outgoing_state::queued) {
            s->queue.push(std::move(o.out));
            return;
        }
        auto state = detail::outbound_state::awaiting_puback;
        if (o.state == outgoing_state::awaiting_pubrec) state = detail::outbound_state::awaiting_pubrec;
        if (o.state == outgoing_state::awaiting_pubcomp) state = detail::outbound_state::awaiting_pubcomp;
        s->inflight.push_back(detail::inflight_message{std::move(o.out), o.packet_id, state});
        s->next_packet_id = static_cast<std::uint16_t>(o.packet_id == 65'535 ? 1 : o.packet_id + 1);
    }

    void resume_timers(session& s) {
        for (const auto& [filter, entry] : s.subscriptions) {
            const auto shared = codec::parse_shared_subscription(filter);
            e_.subscriptions.insert(shared ? shared->topic_filter : std::string_view(filter),
                                    shared ? std::optional<std::string_view>(shared->share_name) : std::nullopt,
                                    detail::subscriber{&s, entry.options, entry.subscription_id});
        }
        e_.stats.subscriptions = e_.subscriptions.size();
        // A session that still had its connection when the process ended lost it now (MQTT-3.1.2-8 v5 for the will).
        if (!s.expires_at && s.expiry_interval != detail::never_expires)
            s.expires_at = now_ + std::chrono::seconds(s.expiry_interval);
        if (s.expires_at) e_.schedule(*s.expires_at, detail::timer_kind::session_expiry, s.uid);
        if (s.will && !s.will_at)
            s.will_at = now_ + std::chrono::seconds(std::min(s.will->delay_interval, s.expiry_interval));
        if (s.will_at) e_.schedule(*s.will_at, detail::timer_kind::will_delay, s.uid);
    }

    engine::impl& e_;
    time_point now_;
    std::unordered_map<std::uint64_t, detail::message_ptr> messages_;
    std::map<std::string, std::uint64_t, std::less<>> retained_;
    std::map<std::tuple<std::string, std::uint64_t>, restored_outgoing> outgoing_;
};

void engine::restore(const std::function<void(durable_store&)>& replay, time_point now) {
    impl_->restore(replay, now);
}

void engine::impl::restore(const std::function<void(durable_store&)>& replay, time_point now) {
    restore_target target(*this, now);
    replay(target);
    target.finish();
}

}  // namespace mqtt::broker
