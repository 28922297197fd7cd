// PUBLISH routing at QoS 0/1/2, wildcards, $-topics (sections 3.3, 4.3, 4.7).
#include "support/harness.hpp"

namespace mqtt::broker::test {
namespace {

class Publish : public both_versions {};
INSTANTIATE_TEST_SUITE_P(Both, Publish, ::testing::Values(protocol_version::v311, protocol_version::v5), version_name);

// MQTT-3.8.4-1, MQTT-3.8.4-2 (v3.1.1 and v5): SUBACK with the SUBSCRIBE's id; MQTT-3.9.3-1: codes in order
TEST_P(Publish, MQTT_3_8_4_1_SubackPerSubscribe) {
    harness h;
    auto c = h.connected(v(), "sub");
    c.subscribe(7, {{"a/+", qos::at_least_once}, {"b/#", qos::exactly_once}, {"c", qos::at_most_once}});
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto ack = as<codec::suback_view>(got[0]);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(ack->packet_id, 7);
    std::vector<reason_code> codes(ack->reason_codes.begin(), ack->reason_codes.end());
    EXPECT_EQ(codes, (std::vector<reason_code>{reason_code::granted_qos_1, reason_code::granted_qos_2, reason_code::success}));
}

// MQTT-3.3.2-3 (v3.1.1 and v5): delivered topic names match the filter; MQTT-4.3.1-1: QoS 0 with DUP=0
TEST_P(Publish, MQTT_3_3_2_3_WildcardRoutingQos0) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"sensors/+/temp"}, {"house/#"}});
    sub.take();
    pub.publish("sensors/kitchen/temp", "21");
    pub.publish("sensors/kitchen/humidity", "40");
    pub.publish("house", "h");
    pub.publish("house/a/b", "hab");
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].topic, "sensors/kitchen/temp");
    EXPECT_EQ(text_of(got[0].payload), "21");
    EXPECT_EQ(got[1].topic, "house");
    EXPECT_EQ(got[2].topic, "house/a/b");
    for (const auto& p : got) {
        EXPECT_EQ(p.qos, qos::at_most_once);
        EXPECT_FALSE(p.dup);
    }
    EXPECT_TRUE(pub.take().empty());  // QoS 0: no acknowledgement (MQTT-3.3.4-1)
}

// MQTT-3.3.4-1 (v3.1.1 and v5): PUBACK for QoS 1; MQTT-4.3.2-1 (v3.1.1): outbound QoS 1 with a fresh id, DUP=0
TEST_P(Publish, MQTT_3_3_4_1_Qos1AckedAndForwarded) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.take();
    pub.publish("t", "x", qos::at_least_once, 42);
    auto acks = pub.take();
    ASSERT_EQ(acks.size(), 1u);
    auto ack = as<codec::puback_view>(acks[0]);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(ack->packet_id, 42);
    EXPECT_EQ(ack->reason, reason_code::success);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].qos, qos::at_least_once);
    EXPECT_NE(got[0].packet_id, 0);
    EXPECT_FALSE(got[0].dup);
}

// MQTT-4.7.2-1 (v3.1.1 and v5): leading wildcards do not match $ topics
TEST_P(Publish, MQTT_4_7_2_1_DollarTopicsNotMatchedByLeadingWildcards) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto sys = h.connected(v(), "sys");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"#"}, {"+/x"}});
    sys.subscribe(1, {{"$SYS/#"}});
    sub.take();
    sys.take();
    pub.publish("$SYS/x", "s");
    std::vector<received> keep;
    EXPECT_TRUE(sub.publishes(keep).empty());
    auto got = sys.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].topic, "$SYS/x");
}

}  // namespace
}  // namespace mqtt::broker::test
