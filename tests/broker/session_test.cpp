// Persistent sessions, offline queues, retransmission, session expiry, wills (sections 3.1.2, 4.1, 4.4).
#include "support/harness.hpp"

namespace mqtt::broker::test {
namespace {

class Session : public both_versions {
protected:
    connect_options persistent(std::uint32_t expiry = 3600) const {
        connect_options o;
        o.clean_start = false;
        if (v5()) o.properties = {property::number(property_id::session_expiry_interval, expiry)};
        return o;
    }
};
INSTANTIATE_TEST_SUITE_P(Both, Session, ::testing::Values(protocol_version::v311, protocol_version::v5), version_name);

// MQTT-3.1.2-5 (v3.1.1), MQTT-3.1.2-23 (v5), MQTT-4.5.0-1: QoS 1/2 queued while offline, delivered on resume;
// QoS 0 is not kept. MQTT-3.1.2-4 (v3.1.1): subscriptions survive.
TEST_P(Session, MQTT_3_1_2_5_QueuedWhileOffline) {
    harness h;
    auto sub = h.connected(v(), "sub", persistent());
    sub.subscribe(1, {{"t/#", qos::exactly_once}});
    sub.take();
    sub.drop();
    auto pub = h.connected(v(), "pub");
    pub.publish("t/1", "q1", qos::at_least_once, 1);
    pub.publish("t/2", "q0", qos::at_most_once);
    pub.publish("t/3", "q2", qos::exactly_once, 2);
    auto again = h.connected(v(), "sub", persistent());
    std::vector<received> keep;
    auto got = again.publishes(keep);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(text_of(got[0].payload), "q1");
    EXPECT_EQ(text_of(got[1].payload), "q2");
    EXPECT_EQ(got[1].qos, qos::exactly_once);
}

// MQTT-4.4.0-1 (v3.1.1 and v5), MQTT-3.3.1-1 (v3.1.1 and v5): unacknowledged PUBLISH resent with DUP=1 and the
// same id, PUBREL resent, in the original order
TEST_P(Session, MQTT_4_4_0_1_RetransmitOnResume) {
    harness h;
    auto sub = h.connected(v(), "sub", persistent());
    sub.subscribe(1, {{"t", qos::exactly_once}});
    sub.take();
    auto pub = h.connected(v(), "pub");
    pub.publish("t", "a", qos::at_least_once, 1);
    pub.publish("t", "b", qos::exactly_once, 2);
    pub.publish("t", "c", qos::exactly_once, 3);
    std::vector<received> keep;
    auto first = sub.publishes(keep);
    ASSERT_EQ(first.size(), 3u);
    sub.pubrec(first[2].packet_id);  // c reaches PUBREL stage
    sub.take();
    sub.drop();
    auto again = h.connected(v(), "sub", persistent());
    auto got = again.take();
    ASSERT_EQ(got.size(), 3u);
    auto a = as<codec::publish_view>(got[0]);
    auto b = as<codec::publish_view>(got[1]);
    auto rel = as<codec::pubrel_view>(got[2]);
    ASSERT_TRUE(a && b && rel);
    EXPECT_TRUE(a->dup);
    EXPECT_EQ(a->packet_id, first[0].packet_id);
    EXPECT_TRUE(b->dup);
    EXPECT_EQ(b->packet_id, first[1].packet_id);
    EXPECT_EQ(rel->packet_id, first[2].packet_id);  // MQTT-4.3.3-6 (v5): no PUBLISH after PUBREL
}

// MQTT-4.4.0-2 (v5): PUBACK >= 0x80 counts as acknowledged: not retransmitted
TEST(SessionV5, MQTT_4_4_0_2_ErrorAckNotRetransmitted) {
    harness h;
    connect_options o;
    o.clean_start = false;
    o.properties = {property::number(property_id::session_expiry_interval, 100)};
    auto sub = h.connected(protocol_version::v5, "sub", o);
    sub.subscribe(1, {{"t", qos::exactly_once}});
    sub.take();
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("t", "a", qos::exactly_once, 1);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    sub.pubrec(got[0].packet_id, reason_code::unspecified_error);
    EXPECT_TRUE(sub.take().empty());  // no PUBREL
    sub.drop();
    auto again = h.connected(protocol_version::v5, "sub", o);
    EXPECT_TRUE(again.take().empty());
}

// MQTT-4.1.0-2 (v5): the session is deleted when its expiry interval has passed
TEST(SessionV5, MQTT_4_1_0_2_SessionExpires) {
    harness h;
    connect_options o;
    o.clean_start = false;
    o.properties = {property::number(property_id::session_expiry_interval, 30)};
    auto c = h.connected(protocol_version::v5, "s", o);
    c.subscribe(1, {{"t", qos::at_least_once}});
    c.drop();
    EXPECT_EQ(h.eng.stats().sessions, 1u);
    h.advance(29s);
    EXPECT_EQ(h.eng.stats().sessions, 1u);
    h.advance(1s);
    EXPECT_EQ(h.eng.stats().sessions, 0u);
    EXPECT_EQ(h.eng.stats().subscriptions, 0u);
    auto again = h.open(protocol_version::v5);
    again.connect("s", o);
    auto got = again.take();
    EXPECT_FALSE(as<codec::connack_view>(got[0])->session_present);
}

// MQTT-3.1.2-6 (v3.1.1): CleanSession=1 state lasts only for the connection; MQTT-4.1.0-1: kept while connected
TEST_P(Session, MQTT_3_1_2_6_CleanSessionEndsWithConnection) {
    harness h;
    auto c = h.connected(v(), "c");
    c.subscribe(1, {{"t"}});
    EXPECT_EQ(h.eng.stats().subscriptions, 1u);
    h.advance(1000s);
    EXPECT_EQ(h.eng.stats().subscriptions, 1u);  // MQTT-4.1.0-1, MQTT-4.1.0-2 (v3.1.1): lives with the connection
    c.disconnect();
    EXPECT_EQ(h.eng.stats().sessions, 0u);
    EXPECT_EQ(h.eng.stats().subscriptions, 0u);
}

// Bounded queue: beyond max_queued_messages the newest message is dropped and counted
TEST_P(Session, BoundedQueueDropsNewest) {
    config cfg;
    cfg.max_queued_messages = 3;
    harness h(cfg);
    auto sub = h.connected(v(), "sub", persistent());
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.drop();
    auto pub = h.connected(v(), "pub");
    for (int i = 0; i < 5; ++i) pub.publish("t", std::to_string(i), qos::at_least_once, static_cast<std::uint16_t>(i + 1));
    EXPECT_EQ(h.eng.stats().messages_dropped, 2u);
    auto again = h.connected(v(), "sub", persistent());
    std::vector<received> keep;
    auto got = again.publishes(keep);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(text_of(got[0].payload), "0");
    EXPECT_EQ(text_of(got[2].payload), "2");
}

// MQTT-3.1.2-8 (v3.1.1 and v5): will published on abnormal close; MQTT-3.1.2-16 (v3.1.1), MQTT-3.1.2-14 (v5):
// as a non-retained message; MQTT-3.1.2-10: dropped after publication
TEST_P(Session, MQTT_3_1_2_8_WillOnNetworkLoss) {
    harness h;
    auto watcher = h.connected(v(), "watcher");
    watcher.subscribe(1, {{"status/#", qos::at_least_once}});
    watcher.take();
    connect_options o;
    o.will = connect_options::will_spec{"status/dev", "offline", qos::at_least_once, false, {}};
    auto dev = h.connected(v(), "dev", o);
    dev.drop();
    std::vector<received> keep;
    auto got = watcher.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].topic, "status/dev");
    EXPECT_EQ(text_of(got[0].payload), "offline");
    EXPECT_EQ(got[0].qos, qos::at_least_once);
    auto late = h.connected(v(), "late");
    late.subscribe(1, {{"status/#"}});
    auto after = late.take();
    EXPECT_EQ(after.size(), 1u);  // only SUBACK: not retained
}

// MQTT-3.1.2-17 (v3.1.1), MQTT-3.1.2-15 (v5): Will Retain=1 publishes a retained will
TEST_P(Session, MQTT_3_1_2_17_RetainedWill) {
    harness h;
    connect_options o;
    o.will = connect_options::will_spec{"status/dev", "gone", qos::at_most_once, true, {}};
    auto dev = h.connected(v(), "dev", o);
    dev.drop();
    auto late = h.connected(v(), "late");
    late.subscribe(1, {{"status/dev"}});
    std::vector<received> keep;
    auto got = late.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].retain);
}

// MQTT-3.14.4-3 (v3.1.1 and v5), MQTT-3.1.2-10 (v3.1.1 and v5): DISCONNECT 0x00 drops the will;
// MQTT-3.1.2-12 (v3.1.1): no will flag, no will
TEST_P(Session, MQTT_3_14_4_3_NormalDisconnectDropsWill) {
    harness h;
    auto watcher = h.connected(v(), "watcher");
    watcher.subscribe(1, {{"#"}});
    watcher.take();
    connect_options o;
    o.will = connect_options::will_spec{"will", "x", qos::at_most_once, false, {}};
    auto dev = h.connected(v(), "dev", o);
    dev.disconnect();
    EXPECT_TRUE(dev.closed());
    auto plain = h.connected(v(), "plain");
    plain.drop();
    std::vector<received> keep;
    EXPECT_TRUE(watcher.publishes(keep).empty());
}

// MQTT-3.1.2-8 (v5): DISCONNECT 0x04 publishes the will; MQTT-3.1.3-10 (v5): user properties in order
TEST(SessionV5, MQTT_3_1_2_8_DisconnectWithWill) {
    harness h;
    auto watcher = h.connected(protocol_version::v5, "watcher");
    watcher.subscribe(1, {{"will"}});
    watcher.take();
    connect_options o;
    o.will = connect_options::will_spec{"will", "x", qos::at_most_once, false,
                                        {property::user("b", "1"), property::user("a", "2")}};
    auto dev = h.connected(protocol_version::v5, "dev", o);
    dev.disconnect(reason_code::disconnect_with_will_message);
    std::vector<received> keep;
    auto got = watcher.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    std::vector<std::string> users;
    for (const auto& p : got[0].properties)
        if (p.id == property_id::user_property) users.emplace_back(p.text);
    EXPECT_EQ(users, (std::vector<std::string>{"b", "a"}));
}

// MQTT-3.1.2-7, MQTT-3.1.2-8 (v5): the will is kept with the session over the delay; MQTT-3.1.3-9 (v5): a reconnect cancels it
TEST(SessionV5, MQTT_3_1_3_9_WillDelayCancelledByReconnect) {
    harness h;
    auto watcher = h.connected(protocol_version::v5, "watcher");
    watcher.subscribe(1, {{"will"}});
    watcher.take();
    connect_options o;
    o.clean_start = false;
    o.properties = {property::number(property_id::session_expiry_interval, 600)};
    o.will = connect_options::will_spec{"will", "x", qos::at_most_once, false,
                                        {property::number(property_id::will_delay_interval, 10)}};
    auto dev = h.connected(protocol_version::v5, "dev", o);
    dev.drop();
    h.advance(5s);
    connect_options back = o;
    back.will.reset();
    h.connected(protocol_version::v5, "dev", back);
    h.advance(20s);
    std::vector<received> keep;
    EXPECT_TRUE(watcher.publishes(keep).empty());

    auto dev2 = h.connected(protocol_version::v5, "dev2", o);
    dev2.drop();
    h.advance(9s);
    EXPECT_TRUE(watcher.publishes(keep).empty());
    h.advance(1s);
    EXPECT_EQ(watcher.publishes(keep).size(), 1u);
}

// MQTT-3.1.2-8 (v5): the will goes out when the session ends before the delay
TEST(SessionV5, MQTT_3_1_2_8_WillAtSessionEndBeforeDelay) {
    harness h;
    auto watcher = h.connected(protocol_version::v5, "watcher");
    watcher.subscribe(1, {{"will"}});
    watcher.take();
    connect_options o;
    o.clean_start = false;
    o.properties = {property::number(property_id::session_expiry_interval, 5)};
    o.will = connect_options::will_spec{"will", "x", qos::at_most_once, false,
                                        {property::number(property_id::will_delay_interval, 60)}};
    auto dev = h.connected(protocol_version::v5, "dev", o);
    dev.drop();
    h.advance(4s);
    std::vector<received> keep;
    EXPECT_TRUE(watcher.publishes(keep).empty());
    h.advance(1s);
    EXPECT_EQ(watcher.publishes(keep).size(), 1u);
}

// MQTT-3.1.4-3 (v5) with wills: the taken-over connection's will (delay 0) is published
TEST_P(Session, TakeoverPublishesOldWill) {
    harness h;
    auto watcher = h.connected(v(), "watcher");
    watcher.subscribe(1, {{"will"}});
    watcher.take();
    connect_options o;
    o.will = connect_options::will_spec{"will", "x", qos::at_most_once, false, {}};
    h.connected(v(), "dev", o);
    h.connected(v(), "dev");
    std::vector<received> keep;
    EXPECT_EQ(watcher.publishes(keep).size(), 1u);
}

// A v5 DISCONNECT may change the Session Expiry Interval, but not from 0 (protocol error)
TEST(SessionV5, DisconnectSessionExpiryFromZeroIsProtocolError) {
    harness h;
    auto c = h.connected(protocol_version::v5, "c");
    c.disconnect(reason_code::success, {property::number(property_id::session_expiry_interval, 10)});
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::disconnect_view>(got[0])->reason, reason_code::protocol_error);
    EXPECT_FALSE(as<codec::disconnect_view>(got[0])->properties.find(property_id::session_expiry_interval));  // MQTT-3.14.2-2 (v5)
}

// MQTT-3.1.2-7 (v3.1.1): retained messages are not session state
TEST(SessionV311, MQTT_3_1_2_7_RetainedSurviveSessionEnd) {
    harness h;
    auto pub = h.connected(protocol_version::v311, "pub");
    pub.publish("r", "kept", qos::at_most_once, 0, true);
    pub.disconnect();
    auto sub = h.connected(protocol_version::v311, "sub");
    sub.subscribe(1, {{"r"}});
    std::vector<received> keep;
    EXPECT_EQ(sub.publishes(keep).size(), 1u);
}

// MQTT-3.10.4-3 (v3.1.1 and v5): inflight deliveries complete after UNSUBSCRIBE; MQTT-3.10.4-2: nothing new
TEST_P(Session, MQTT_3_10_4_3_InflightCompletesAfterUnsubscribe) {
    harness h;
    auto sub = h.connected(v(), "sub", persistent());
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.take();
    auto pub = h.connected(v(), "pub");
    pub.publish("t", "a", qos::at_least_once, 1);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    sub.unsubscribe(2, {"t"});
    sub.take();
    pub.publish("t", "b", qos::at_least_once, 2);
    EXPECT_TRUE(sub.publishes(keep).empty());
    sub.drop();
    auto again = h.connected(v(), "sub", persistent());
    auto re = again.publishes(keep);
    ASSERT_EQ(re.size(), 1u);
    EXPECT_EQ(text_of(re[0].payload), "a");
    EXPECT_TRUE(re[0].dup);
}

}  // namespace
}  // namespace mqtt::broker::test
