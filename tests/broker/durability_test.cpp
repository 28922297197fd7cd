// Durability: what the engine reports to a durable_store, and engine::restore() rebuilding an engine that behaves
// like the one that reported it (the "restart" here is a second engine restored from the first one's records).
#include <algorithm>
#include <memory>

#include "support/harness.hpp"
#include "support/memory_store.hpp"

namespace mqtt::broker::test {
namespace {

class Durability : public both_versions {
protected:
    Durability() { h = std::make_unique<harness>(config{}, engine_hooks{nullptr, nullptr, nullptr, &store}); }

    connect_options persistent() const {
        connect_options o;
        o.clean_start = false;
        if (v5()) o.properties = {property::number(property_id::session_expiry_interval, 3600)};
        return o;
    }
    // The process ends (no DISCONNECT, no will, nothing more reported) and a new engine starts from the store.
    void restart() {
        const time_point later = h->now + 1s;
        h = std::make_unique<harness>(config{}, engine_hooks{nullptr, nullptr, nullptr, &store});
        h->now = later;
        h->eng.restore([this](durable_store& into) { store.replay(into); }, h->now);
        (void)h->eng.on_tick(h->now);
    }
    static bool logged(const std::vector<std::string>& log, std::string_view line) {
        return std::ranges::find(log, line) != log.end();
    }

    memory_store store;
    std::unique_ptr<harness> h;
};
INSTANTIATE_TEST_SUITE_P(Both, Durability, ::testing::Values(protocol_version::v311, protocol_version::v5),
                         version_name);

// MQTT-3.3.1-5 (v3.1.1 and v5) stored, MQTT-3.3.1-10/11 (v3.1.1) deleted by an empty payload: both reported
TEST_P(Durability, MQTT_3_3_1_5_RetainedSetAndClearReported) {
    auto pub = h->connected(v(), "pub");
    pub.publish("a/b", "hello", qos::at_least_once, 1, true);
    auto log = store.take_log();
    EXPECT_TRUE(logged(log, "message 1 a/b"));
    EXPECT_TRUE(logged(log, "retained a/b 1"));
    pub.publish("a/b", "", qos::at_most_once, 0, true);
    EXPECT_TRUE(logged(store.take_log(), "retained_cleared a/b"));
}

// MQTT-3.1.2-6 (v3.1.1): a clean session ends with its connection, so nothing of it is reported
TEST_P(Durability, MQTT_3_1_2_6_CleanSessionNotReported) {
    auto c = h->connected(v(), "clean");
    c.subscribe(1, {{"t", qos::at_least_once}});
    c.disconnect();
    EXPECT_TRUE(store.take_log().empty());
}

// MQTT-3.1.2-4 (v3.1.1), MQTT-4.5.0-1: a persistent session, its subscription and its offline queue are reported
TEST_P(Durability, MQTT_4_5_0_1_SessionSubscriptionAndQueueReported) {
    auto sub = h->connected(v(), "sub", persistent());
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.drop();
    auto log = store.take_log();
    EXPECT_TRUE(logged(log, "session sub expiry=" + std::string(v5() ? "3600" : "4294967295")));
    EXPECT_TRUE(logged(log, "subscription sub t qos=1"));
    auto pub = h->connected(v(), "pub");
    pub.publish("t", "m", qos::at_least_once, 1);
    log = store.take_log();
    EXPECT_TRUE(logged(log, "message 1 t"));
    EXPECT_TRUE(logged(log, "outgoing sub seq=1 msg=1 id=0 queued"));
}

// MQTT-3.3.1-6 (v3.1.1): a new subscription gets the retained message, also after a restart
TEST_P(Durability, MQTT_3_3_1_6_RetainedSurvivesRestart) {
    auto pub = h->connected(v(), "pub");
    pub.publish("a/b", "kept", qos::at_least_once, 1, true);
    pub.publish("a/c", "gone", qos::at_least_once, 2, true);
    pub.publish("a/c", "", qos::at_least_once, 3, true);
    restart();
    auto sub = h->connected(v(), "sub");
    sub.subscribe(1, {{"a/#", qos::at_least_once}});
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].topic, "a/b");
    EXPECT_EQ(text_of(got[0].payload), "kept");
    EXPECT_TRUE(got[0].retain);
}

// MQTT-3.1.2-5 (v3.1.1), MQTT-4.6.0-6 (v3.1.1): queued QoS 1/2 messages and the subscription survive a restart
// and arrive in order; MQTT-3.2.2-2 (v3.1.1): Session Present
TEST_P(Durability, MQTT_3_1_2_5_QueuedMessagesSurviveRestart) {
    auto sub = h->connected(v(), "sub", persistent());
    sub.subscribe(1, {{"t/#", qos::exactly_once}});
    sub.drop();
    auto pub = h->connected(v(), "pub");
    pub.publish("t/1", "one", qos::at_least_once, 1);
    pub.publish("t/2", "two", qos::exactly_once, 2);
    pub.publish("t/3", "three", qos::at_least_once, 3);
    restart();
    auto again = h->open(v());
    again.connect("sub", persistent());
    auto got = again.take();
    ASSERT_EQ(got.size(), 4u);
    auto ack = as<codec::connack_view>(got[0]);
    ASSERT_TRUE(ack);
    EXPECT_TRUE(ack->session_present);
    std::vector<std::string> payloads;
    for (std::size_t i = 1; i < got.size(); ++i) payloads.push_back(text_of(as<codec::publish_view>(got[i])->payload));
    EXPECT_EQ(payloads, (std::vector<std::string>{"one", "two", "three"}));
    // The subscription came back too: a new message is delivered.
    auto pub2 = h->connected(v(), "pub2");
    pub2.publish("t/4", "four", qos::at_least_once, 1);
    std::vector<received> keep;
    auto more = again.publishes(keep);
    ASSERT_EQ(more.size(), 1u);
    EXPECT_EQ(text_of(more[0].payload), "four");
}

// MQTT-4.4.0-1, MQTT-3.3.1-1 (v3.1.1 and v5): inflight PUBLISH resent with DUP=1 and its id, PUBREL resent,
// in the original order, after a restart; new messages then get ids no inflight message uses (MQTT-2.3.1-4
// v3.1.1, MQTT-2.2.1-4 v5)
TEST_P(Durability, MQTT_4_4_0_1_InflightRetransmittedAfterRestart) {
    auto sub = h->connected(v(), "sub", persistent());
    sub.subscribe(1, {{"t", qos::exactly_once}});
    sub.take();
    auto pub = h->connected(v(), "pub");
    pub.publish("t", "a", qos::at_least_once, 1);
    pub.publish("t", "b", qos::exactly_once, 2);
    pub.publish("t", "c", qos::exactly_once, 3);
    std::vector<received> keep;
    auto first = sub.publishes(keep);
    ASSERT_EQ(first.size(), 3u);
    const std::uint16_t ids[] = {first[0].packet_id, first[1].packet_id, first[2].packet_id};
    sub.pubrec(ids[2]);  // c reaches the PUBREL stage
    restart();
    auto again = h->open(v());
    again.connect("sub", persistent());
    auto got = again.take();
    ASSERT_EQ(got.size(), 4u);
    auto a = as<codec::publish_view>(got[1]);
    auto b = as<codec::publish_view>(got[2]);
    auto rel = as<codec::pubrel_view>(got[3]);
    ASSERT_TRUE(a && b && rel);
    EXPECT_TRUE(a->dup);
    EXPECT_EQ(a->packet_id, ids[0]);
    EXPECT_EQ(text_of(a->payload), "a");
    EXPECT_TRUE(b->dup);
    EXPECT_EQ(b->packet_id, ids[1]);
    EXPECT_EQ(b->qos, qos::exactly_once);
    EXPECT_EQ(rel->packet_id, ids[2]);
    auto pub2 = h->connected(v(), "pub2");
    pub2.publish("t", "d", qos::at_least_once, 1);
    auto more = again.publishes(keep);
    ASSERT_EQ(more.size(), 1u);
    EXPECT_EQ(std::ranges::count(ids, more[0].packet_id), 0);
}

// MQTT-4.3.3-2 (v3.1.1), MQTT-4.3.3-10 (v5): a QoS 2 PUBLISH repeated after a restart (PUBREC sent, PUBREL not
// yet received) gets PUBREC again and is not delivered a second time: exactly once across the restart
TEST_P(Durability, MQTT_4_3_3_10_Qos2ExactlyOnceAcrossRestart) {
    auto sub = h->connected(v(), "sub", persistent());
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.drop();
    auto pub = h->connected(v(), "pub", persistent());
    pub.publish("t", "once", qos::exactly_once, 7);
    auto rec = pub.take();
    ASSERT_EQ(rec.size(), 1u);
    ASSERT_TRUE(as<codec::pubrec_view>(rec[0]));
    restart();
    auto pub2 = h->connected(v(), "pub", persistent());
    pub2.publish("t", "once", qos::exactly_once, 7, false, {}, true);
    auto again = pub2.take();
    ASSERT_EQ(again.size(), 1u);
    ASSERT_TRUE(as<codec::pubrec_view>(again[0]));
    pub2.pubrel(7);
    auto comp = pub2.take();
    ASSERT_EQ(comp.size(), 1u);
    auto c = as<codec::pubcomp_view>(comp[0]);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->reason, reason_code::success);
    auto s = h->connected(v(), "sub", persistent());
    std::vector<received> keep;
    EXPECT_EQ(s.publishes(keep).size(), 1u);
}

// MQTT-3.1.2-8 (v3.1.1): the will of a session whose connection was open when the process ended is published,
// as after a lost network
TEST_P(Durability, MQTT_3_1_2_8_WillOfConnectedSessionAfterRestart) {
    auto o = persistent();
    o.will = connect_options::will_spec{"will/t", "bye", qos::at_least_once, true, {}};
    auto c = h->connected(v(), "dying", o);
    restart();
    auto sub = h->connected(v(), "sub");
    sub.subscribe(1, {{"will/t", qos::at_least_once}});
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);  // it was retained when published at restart
    EXPECT_EQ(text_of(got[0].payload), "bye");
}

// MQTT-4.1.0-2 (v5): a session that expires after the restart is removed, from the engine and the store
TEST(DurabilityV5, MQTT_4_1_0_2_SessionExpiresAfterRestart) {
    memory_store store;
    auto h = std::make_unique<harness>(config{}, engine_hooks{nullptr, nullptr, nullptr, &store});
    connect_options o;
    o.clean_start = false;
    o.properties = {property::number(property_id::session_expiry_interval, 10)};
    auto c = h->connected(protocol_version::v5, "short", o);
    c.drop();
    EXPECT_EQ(store.sessions.count("short"), 1u);
    const time_point later = h->now + 5s;
    h = std::make_unique<harness>(config{}, engine_hooks{nullptr, nullptr, nullptr, &store});
    h->now = later;
    h->eng.restore([&](durable_store& into) { store.replay(into); }, h->now);
    EXPECT_EQ(h->eng.stats().sessions, 1u);
    h->advance(6s);
    EXPECT_EQ(h->eng.stats().sessions, 0u);
    EXPECT_EQ(store.sessions.count("short"), 0u);
}

}  // namespace
}  // namespace mqtt::broker::test
