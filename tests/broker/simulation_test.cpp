// Deterministic simulation: seeded random clients connect, subscribe (with wildcards), publish at QoS 0/1/2,
// acknowledge late or never, drop abruptly and come back with persistent sessions. Invariants:
//  - nothing reaches a client whose subscriptions did not match when the message was published (MQTT-3.3.2-3);
//  - QoS 2 reaches the application at most once (MQTT-4.3.3-2 v3.1.1, MQTT-4.3.3-10 v5);
//  - every QoS >= 1 message matching a persistent session is delivered at least once (MQTT-3.1.2-5 v3.1.1,
//    MQTT-4.5.0-1) once the client finally reconnects and acknowledges everything;
//  - bounded state: sessions and subscriptions never exceed what the clients could create; nothing is sent to
//    a closed connection; nothing is dropped.
// A failure prints the seed and the trace; MQTT_SIM_SEED=<n> replays one seed (MQTT_SIM_STEPS sets the length).
// g++ 12 at -O2/-O3 reports a false -Wrestrict inside std::string operator+ (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <mqtt/codec/topic.hpp>

#include "support/harness.hpp"

namespace mqtt::broker::test {
namespace {

const std::vector<std::string> filters{"a", "a/b", "a/+", "a/#", "+/b", "#", "+/+/c", "a/b/c", "$SYS/#", "b/+/c", "+"};
const std::vector<std::string> topics{"a", "a/b", "a/c", "b/b", "a/b/c", "b/x/c", "$SYS/x", "b"};

struct sim_message {
    std::string topic;
    qos q;
};

struct sim_client {
    std::string id;
    protocol_version version;
    bool persistent = false;
    std::optional<client> conn;
    bool session_exists = false;
    std::map<std::string, qos> subs;     // model of the server-side subscriptions
    std::set<std::uint16_t> qos2_pending;  // client side: QoS 2 received, PUBREL not yet seen
    struct pending_ack {
        std::uint16_t packet_id;
        qos q;
        std::uint64_t m;
    };
    std::vector<pending_ack> deferred;  // acknowledgements not sent yet (QoS 1: not yet owned by the client)
    std::uint16_t next_id = 1;
    std::set<std::uint64_t> allowed;      // messages that matched when published
    std::set<std::uint64_t> expected;     // QoS >= 1 messages a persistent session must get
    std::map<std::uint64_t, int> qos2_count;
    std::set<std::uint64_t> received;
};

class simulation {
public:
    simulation(std::uint64_t seed, int steps) : seed_(seed), steps_(steps), rng_(seed) {
        config cfg;
        cfg.max_queued_messages = 1'000'000;
        cfg.max_inflight_messages = 8;
        h_ = std::make_unique<harness>(cfg);
        for (int i = 0; i < 6; ++i) {
            sim_client c;
            c.id = "c" + std::to_string(i);
            c.version = i % 2 == 0 ? protocol_version::v5 : protocol_version::v311;
            c.persistent = i < 4;
            clients_.push_back(std::move(c));
        }
    }

    bool run() {
        for (int step = 0; step < steps_ && failure_.empty(); ++step) {
            sim_client& c = clients_[pick(clients_.size())];
            const int op = static_cast<int>(pick(100));
            if (!c.conn) {
                connect(c);
            } else if (op < 40) {
                publish(c);
            } else if (op < 55) {
                subscribe(c);
            } else if (op < 60) {
                unsubscribe(c);
            } else if (op < 68) {
                trace("drop " + c.id);
                c.conn->drop();
                lost_connection(c);
            } else if (op < 73) {
                trace("disconnect " + c.id);
                c.conn->disconnect();
                lost_connection(c);
            } else if (op < 90) {
                flush_acks(c);
            } else {
                h_->advance(std::chrono::seconds(pick(5) + 1));
            }
            pump(0.7);
            check_bounds();
        }
        // Final drain: every persistent client comes back and acknowledges everything.
        for (auto& c : clients_)
            if (c.persistent && !c.conn && c.session_exists) connect(c);
        for (int round = 0; round < 50; ++round) {
            for (auto& c : clients_)
                if (c.conn) flush_acks(c);
            if (!pump(1.0)) break;
        }
        for (auto& c : clients_)
            for (auto m : c.expected)
                if (!c.received.contains(m))
                    fail("message m" + std::to_string(m) + " on " + messages_[m].topic + " never reached " + c.id);
        if (h_->eng.stats().messages_dropped != 0) fail("messages dropped");
        std::size_t expected = 0;
        for (const auto& c : clients_) expected += c.expected.size();
        if (steps_ >= 1000 && expected < 50) fail("too few expected deliveries for the run to mean anything");
        return failure_.empty();
    }

    std::string report() const {
        std::ostringstream out;
        out << "simulation failed, seed " << seed_ << " (replay: MQTT_SIM_SEED=" << seed_ << "): " << failure_
            << "\ntrace (last " << std::min<std::size_t>(trace_.size(), 300) << " steps):\n";
        for (std::size_t i = trace_.size() > 300 ? trace_.size() - 300 : 0; i < trace_.size(); ++i)
            out << "  " << trace_[i] << "\n";
        return out.str();
    }

private:
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
    void trace(std::string s) { trace_.push_back(std::move(s)); }
    void fail(std::string s) {
        if (failure_.empty()) failure_ = std::move(s);
    }

    void connect(sim_client& c) {
        connect_options o;
        o.clean_start = !c.persistent;
        if (c.version == protocol_version::v5 && c.persistent)
            o.properties = {property::number(property_id::session_expiry_interval, 0xFFFF'FFFF)};
        trace("connect " + c.id + (c.persistent ? " persistent" : " clean"));
        client k = h_->open(c.version);
        k.connect(c.id, o);
        c.conn = k;
        if (!c.persistent) {
            c.subs.clear();
            c.qos2_pending.clear();
        }
        c.deferred.clear();
        c.session_exists = true;
    }

    void lost_connection(sim_client& c) {
        c.conn.reset();
        c.deferred.clear();  // acknowledgements never sent
        if (!c.persistent) {
            c.subs.clear();
            c.session_exists = false;
        }
    }

    void publish(sim_client& c) {
        const auto& topic = topics[pick(topics.size())];
        const auto q = static_cast<qos>(pick(3));
        const std::uint64_t m = next_message_++;
        messages_[m] = {topic, q};
        trace("publish " + c.id + " m" + std::to_string(m) + " " + topic + " qos" + std::to_string(static_cast<int>(q)));
        for (auto& other : clients_) {
            if (!other.session_exists) continue;
            bool any = false;
            qos best = qos::at_most_once;
            for (const auto& [f, granted] : other.subs)
                if (codec::topic_matches(f, topic)) {
                    any = true;
                    best = std::max(best, granted);
                }
            if (!any) continue;
            other.allowed.insert(m);
            if (other.persistent && std::min(best, q) != qos::at_most_once) other.expected.insert(m);
        }
        const std::uint16_t id = q == qos::at_most_once ? 0 : c.next_id;
        if (q != qos::at_most_once) c.next_id = static_cast<std::uint16_t>(c.next_id == 65'535 ? 1 : c.next_id + 1);
        c.conn->publish(topic, "m" + std::to_string(m), q, id);
        if (q == qos::exactly_once && pick(4) == 0) {
            trace("  resend m" + std::to_string(m) + " with DUP before PUBREL");
            c.conn->publish(topic, "m" + std::to_string(m), q, id, false, {}, true);
        }
    }

    void subscribe(sim_client& c) {
        const auto& f = filters[pick(filters.size())];
        const auto q = static_cast<qos>(pick(3));
        trace("subscribe " + c.id + " " + f + " qos" + std::to_string(static_cast<int>(q)));
        c.subs[f] = q;
        c.conn->subscribe(c.next_id, {{f, q}});
    }

    void unsubscribe(sim_client& c) {
        if (c.subs.empty()) return;
        auto it = c.subs.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(pick(c.subs.size())));
        trace("unsubscribe " + c.id + " " + it->first);
        c.conn->unsubscribe(c.next_id, {it->first});
        c.subs.erase(it);
    }

    void flush_acks(sim_client& c) {
        if (!c.deferred.empty()) trace("acks " + c.id + " x" + std::to_string(c.deferred.size()));
        auto pending = std::move(c.deferred);
        c.deferred.clear();
        for (const auto& a : pending) ack(c, a.packet_id, a.q, a.m);
    }

    // A QoS 1 message becomes the client's only when it acknowledges it: a drop before that must lead to a
    // retransmission (MQTT-4.4.0-1). QoS 2 is owned on receipt (client session state keeps the id).
    void ack(sim_client& c, std::uint16_t id, qos q, std::uint64_t m) {
        if (q == qos::at_least_once) {
            c.received.insert(m);
            c.conn->puback(id);
        } else {
            c.conn->pubrec(id);
        }
    }

    // Reads what every connected client got; returns whether anything arrived.
    bool pump(double ack_probability) {
        bool any = false;
        for (bool progress = true; progress;) {
            progress = false;
            for (auto& c : clients_) {
                if (!c.conn) continue;
                for (const auto& r : c.conn->take()) {
                    progress = any = true;
                    if (!r.decoded) fail("undecodable packet to " + c.id);
                    handle(c, r, ack_probability);
                }
            }
        }
        if (h_->transport.sends_after_close != 0) fail("packet sent after close");
        return any;
    }

    void handle(sim_client& c, const received& r, double ack_probability) {
        if (auto p = as<codec::publish_view>(r)) {
            const std::uint64_t m = std::stoull(text_of(p->payload).substr(1));
            if (!c.allowed.contains(m)) fail(c.id + " got m" + std::to_string(m) + " it never subscribed to");
            if (messages_[m].topic != p->topic) fail("topic mismatch for m" + std::to_string(m));
            if (p->qos > messages_[m].q) fail("QoS upgraded for m" + std::to_string(m));
            if (p->qos == qos::exactly_once) {
                if (!c.qos2_pending.contains(p->packet_id)) {
                    c.qos2_pending.insert(p->packet_id);
                    if (++c.qos2_count[m] > 1) fail("QoS 2 m" + std::to_string(m) + " delivered twice to " + c.id);
                    c.received.insert(m);
                }
            } else if (p->qos == qos::at_most_once) {
                c.received.insert(m);
            }
            if (p->qos == qos::at_most_once) return;
            if (std::uniform_real_distribution<double>(0, 1)(rng_) < ack_probability) ack(c, p->packet_id, p->qos, m);
            else c.deferred.push_back({p->packet_id, p->qos, m});
        } else if (auto rel = as<codec::pubrel_view>(r)) {
            c.qos2_pending.erase(rel->packet_id);
            c.conn->pubcomp(rel->packet_id);
        } else if (auto rec = as<codec::pubrec_view>(r)) {
            c.conn->pubrel(rec->packet_id);  // our own QoS 2 publication
        } else if (auto ack = as<codec::connack_view>(r)) {
            if (ack->reason != reason_code::success) fail("connect refused for " + c.id);
        } else if (as<codec::disconnect_view>(r) != nullptr) {
            fail("server disconnected " + c.id);
        }
    }

    void check_bounds() {
        const auto& s = h_->eng.stats();
        if (s.sessions > clients_.size()) fail("more sessions than clients");
        if (s.subscriptions > clients_.size() * filters.size()) fail("more subscriptions than possible");
        if (s.clients_connected > clients_.size()) fail("more connections than clients");
    }

    std::uint64_t seed_;
    int steps_;
    std::mt19937_64 rng_;
    std::unique_ptr<harness> h_;
    std::vector<sim_client> clients_;
    std::map<std::uint64_t, sim_message> messages_;
    std::uint64_t next_message_ = 1;
    std::vector<std::string> trace_;
    std::string failure_;
};

// MQTT-3.3.2-3, MQTT-4.5.0-1 (v3.1.1 and v5), MQTT-4.3.3-2 (v3.1.1), MQTT-4.3.3-10 (v5), MQTT-4.4.0-1
TEST(Simulation, MQTT_4_5_0_1_RandomClientsKeepInvariants) {
    int steps = 3000;
    if (const char* s = std::getenv("MQTT_SIM_STEPS")) steps = std::atoi(s);
    std::vector<std::uint64_t> seeds;
    if (const char* s = std::getenv("MQTT_SIM_SEED")) {
        seeds.push_back(std::strtoull(s, nullptr, 10));
    } else {
        for (std::uint64_t i = 1; i <= 20; ++i) seeds.push_back(i * 7919);
    }
    for (auto seed : seeds) {
        simulation sim(seed, steps);
        if (!sim.run()) ADD_FAILURE() << sim.report();
    }
}

}  // namespace
}  // namespace mqtt::broker::test
