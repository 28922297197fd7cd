// PUBLISH routing at QoS 0/1/2, wildcards, $-topics (sections 3.3, 4.3, 4.7).
#include "support/harness.hpp"

namespace mqtt::broker::test {
namespace {

class Publish : public both_versions {};
INSTANTIATE_TEST_SUITE_P(Both, Publish, ::testing::Values(protocol_version::v311, protocol_version::v5), version_name);

// MQTT-3.8.4-1, MQTT-3.8.4-2 (v3.1.1 and v5): SUBACK with the SUBSCRIBE's id; MQTT-3.9.3-1: codes in order
// MQTT-3.8.4-4, MQTT-3.8.4-5 (v3.1.1) and MQTT-3.8.4-5, MQTT-3.8.4-6, MQTT-3.8.4-7 (v5): one code per filter, one SUBACK
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

namespace mqtt::broker::test {
namespace {

// MQTT-4.3.3-2 (v3.1.1), MQTT-4.3.3-8/10/11/12 (v5): inbound QoS 2: PUBREC, repeats re-acknowledged and not
// delivered again, PUBCOMP for PUBREL, then the id is new
TEST_P(Publish, MQTT_4_3_3_10_InboundQos2ExactlyOnce) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"t", qos::exactly_once}});
    sub.take();
    pub.publish("t", "once", qos::exactly_once, 5);
    auto got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::pubrec_view>(got[0])->packet_id, 5);
    pub.publish("t", "once", qos::exactly_once, 5, false, {}, true);  // DUP retransmission
    got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_NE(as<codec::pubrec_view>(got[0]), nullptr);
    std::vector<received> keep;
    EXPECT_EQ(sub.publishes(keep).size(), 1u);
    pub.pubrel(5);
    got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    auto comp = as<codec::pubcomp_view>(got[0]);
    ASSERT_NE(comp, nullptr);
    EXPECT_EQ(comp->packet_id, 5);
    EXPECT_EQ(comp->reason, reason_code::success);
    pub.publish("t", "again", qos::exactly_once, 5);  // MQTT-4.3.3-12 (v5): a new message
    pub.take();
    EXPECT_EQ(sub.publishes(keep).size(), 1u);
}

// MQTT-4.3.3-1 (v3.1.1), MQTT-4.3.3-1..6 (v5): outbound QoS 2: PUBLISH, PUBREC -> PUBREL, PUBCOMP completes
TEST_P(Publish, MQTT_4_3_3_4_OutboundQos2Flow) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"t", qos::exactly_once}});
    sub.take();
    pub.publish("t", "x", qos::exactly_once, 1);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    const auto id = got[0].packet_id;
    EXPECT_EQ(got[0].qos, qos::exactly_once);
    EXPECT_FALSE(got[0].dup);  // MQTT-4.3.3-2 (v5)
    sub.pubrec(id);
    auto rel = sub.take();
    ASSERT_EQ(rel.size(), 1u);
    EXPECT_EQ(as<codec::pubrel_view>(rel[0])->packet_id, id);
    sub.pubcomp(id);
    EXPECT_TRUE(sub.take().empty());
    // MQTT-3.6.2-1 (v5): PUBREL for an id we do not know is answered with PUBCOMP 0x92
    sub.pubrel(999);
    auto comp = sub.take();
    ASSERT_EQ(comp.size(), 1u);
    if (v5()) { EXPECT_EQ(as<codec::pubcomp_view>(comp[0])->reason, reason_code::packet_identifier_not_found); }  // MQTT-3.7.2-1 (v5)
}

// MQTT-3.3.5-1 (v3.1.1), MQTT-3.3.4-2 (v5): overlapping subscriptions: one copy at the highest QoS
// MQTT-3.3.4-3, MQTT-3.3.4-4 (v5): carrying every Subscription Identifier
TEST_P(Publish, MQTT_3_3_4_2_OverlappingSubscriptionsOneCopyMaxQos) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    if (v5()) {
        sub.subscribe(1, {{"a/#", qos::at_most_once}}, {property::number(property_id::subscription_identifier, 11)});
        sub.subscribe(2, {{"a/+", qos::exactly_once}}, {property::number(property_id::subscription_identifier, 22)});
    } else {
        sub.subscribe(1, {{"a/#", qos::at_most_once}, {"a/+", qos::exactly_once}});
    }
    sub.take();
    pub.publish("a/b", "x", qos::at_least_once, 1);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].qos, qos::at_least_once);  // min(published 1, max granted 2)
    if (v5()) {
        std::vector<std::uint32_t> ids;
        for (const auto& p : got[0].properties)
            if (p.id == property_id::subscription_identifier) ids.push_back(p.integer);
        std::sort(ids.begin(), ids.end());
        EXPECT_EQ(ids, (std::vector<std::uint32_t>{11, 22}));
    }
}

// MQTT-3.8.4-6 (v3.1.1), MQTT-3.8.4-8 (v5): delivered QoS = min(published, granted)
TEST_P(Publish, MQTT_3_8_4_8_DeliveredQosIsMinimum) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"q0", qos::at_most_once}, {"q1", qos::at_least_once}});
    sub.take();
    pub.publish("q0", "x", qos::exactly_once, 1);
    pub.publish("q1", "x", qos::exactly_once, 2);
    pub.publish("q1", "x", qos::at_most_once);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].qos, qos::at_most_once);
    EXPECT_EQ(got[1].qos, qos::at_least_once);
    EXPECT_EQ(got[2].qos, qos::at_most_once);
}

// MQTT-3.3.1-3 (v3.1.1 and v5): DUP is not copied from the inbound PUBLISH
TEST_P(Publish, MQTT_3_3_1_3_DupNotPropagated) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.take();
    pub.publish("t", "x", qos::at_least_once, 9, false, {}, true);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_FALSE(got[0].dup);
}

// MQTT-3.3.1-9 (v3.1.1), MQTT-3.3.1-12 (v5): forwarded on an existing subscription with RETAIN=0
TEST_P(Publish, MQTT_3_3_1_9_RetainClearedOnForward) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"t"}});
    sub.take();
    pub.publish("t", "x", qos::at_most_once, 0, true);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_FALSE(got[0].retain);
}

// MQTT-3.3.1-13 (v5): Retain As Published keeps RETAIN
TEST(PublishV5, MQTT_3_3_1_13_RetainAsPublished) {
    harness h;
    auto sub = h.connected(protocol_version::v5, "sub");
    auto pub = h.connected(protocol_version::v5, "pub");
    sub.subscribe(1, {{"t", qos::at_most_once, false, true}});
    sub.take();
    pub.publish("t", "x", qos::at_most_once, 0, true);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].retain);
}

// MQTT-3.8.3-3 (v5): No Local: not sent back to the publisher's own connection
TEST(PublishV5, MQTT_3_8_3_3_NoLocal) {
    harness h;
    auto me = h.connected(protocol_version::v5, "me");
    auto other = h.connected(protocol_version::v5, "other");
    me.subscribe(1, {{"chat", qos::at_most_once, true}});
    other.subscribe(1, {{"chat"}});
    me.take();
    other.take();
    me.publish("chat", "hello");
    std::vector<received> keep;
    EXPECT_TRUE(me.publishes(keep).empty());
    EXPECT_EQ(other.publishes(keep).size(), 1u);
}

// MQTT-3.3.2-4, MQTT-3.3.2-15, MQTT-3.3.2-16, MQTT-3.3.2-17, MQTT-3.3.2-18, MQTT-3.3.2-20 (v5): PFI, Response Topic, Correlation Data, User Properties (in order) and
// Content Type reach the subscriber unchanged; Topic Alias is not forwarded
TEST(PublishV5, MQTT_3_3_2_17_PropertiesPassedThroughInOrder) {
    harness h;
    auto sub = h.connected(protocol_version::v5, "sub");
    auto pub = h.connected(protocol_version::v5, "pub");
    sub.subscribe(1, {{"req"}});
    sub.take();
    const std::vector<property> props{
        property::number(property_id::payload_format_indicator, 1),
        property::user("k", "1"),
        property::string(property_id::content_type, "text/plain"),
        property::string(property_id::response_topic, "resp/1"),
        property::user("k", "2"),
        property::bytes(property_id::correlation_data, bytes_of("corr")),
        property::user("a", "3"),
    };
    pub.publish("req", "x", qos::at_most_once, 0, false, props);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    const auto& p = got[0].properties;
    EXPECT_EQ(p.find(property_id::payload_format_indicator)->integer, 1u);
    EXPECT_EQ(p.find(property_id::content_type)->text, "text/plain");
    EXPECT_EQ(p.find(property_id::response_topic)->text, "resp/1");
    EXPECT_EQ(text_of(p.find(property_id::correlation_data)->binary), "corr");
    std::vector<std::string> users;
    for (const auto& x : p)
        if (x.id == property_id::user_property) users.push_back(std::string(x.text) + "=" + std::string(x.value));
    EXPECT_EQ(users, (std::vector<std::string>{"k=1", "k=2", "a=3"}));
}

// MQTT-3.3.2-5/6 (v5): Message Expiry Interval decremented on forward; an expired message is not delivered
TEST(PublishV5, MQTT_3_3_2_6_MessageExpiryDecremented) {
    harness h;
    connect_options persistent;
    persistent.clean_start = false;
    persistent.properties = {property::number(property_id::session_expiry_interval, 1000)};
    auto sub = h.connected(protocol_version::v5, "sub", persistent);
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.take();
    sub.disconnect();
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("t", "short", qos::at_least_once, 1, false, {property::number(property_id::message_expiry_interval, 5)});
    pub.publish("t", "long", qos::at_least_once, 2, false, {property::number(property_id::message_expiry_interval, 60)});
    h.advance(10s);
    auto again = h.connected(protocol_version::v5, "sub", persistent);
    std::vector<received> keep;
    auto got = again.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(text_of(got[0].payload), "long");
    EXPECT_EQ(got[0].properties.find(property_id::message_expiry_interval)->integer, 50u);
}

// MQTT-3.3.2-12 (v5): Topic Alias beyond our maximum -> DISCONNECT 0x94; aliases resolve within the connection
// MQTT-3.3.2-7 (v5): a new connection starts with no aliases
TEST(PublishV5, MQTT_3_3_2_12_TopicAliases) {
    config cfg;
    cfg.topic_alias_maximum = 10;
    harness h(cfg);
    auto sub = h.connected(protocol_version::v5, "sub");
    auto pub = h.connected(protocol_version::v5, "pub");
    sub.subscribe(1, {{"long/topic/name"}});
    sub.take();
    pub.publish("long/topic/name", "1", qos::at_most_once, 0, false, {property::number(property_id::topic_alias, 3)});
    pub.publish("", "2", qos::at_most_once, 0, false, {property::number(property_id::topic_alias, 3)});
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].topic, "long/topic/name");
    // MQTT-3.1.2-26, MQTT-3.1.2-27, MQTT-3.3.2-11 (v5): the server sends no Topic Alias at all
    EXPECT_FALSE(got[1].properties.find(property_id::topic_alias));
    pub.publish("x", "3", qos::at_most_once, 0, false, {property::number(property_id::topic_alias, 11)});
    auto d = pub.take();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(as<codec::disconnect_view>(d[0])->reason, reason_code::topic_alias_invalid);
    EXPECT_TRUE(pub.closed());
    auto pub2 = h.connected(protocol_version::v5, "pub");
    pub2.publish("", "4", qos::at_most_once, 0, false, {property::number(property_id::topic_alias, 3)});
    EXPECT_TRUE(pub2.closed());
}

// MQTT-3.1.2-24/25 (v5): nothing above the client's Maximum Packet Size is sent; it is dropped as if sent
TEST(PublishV5, MQTT_3_1_2_25_TooLargeForClientDropped) {
    harness h;
    connect_options small;
    small.properties = {property::number(property_id::maximum_packet_size, 64)};
    auto sub = h.connected(protocol_version::v5, "sub", small);
    auto pub = h.connected(protocol_version::v5, "pub");
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.take();
    pub.publish("t", std::string(100, 'x'), qos::at_least_once, 1);
    pub.publish("t", "small", qos::at_least_once, 2);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(text_of(got[0].payload), "small");
    for (const auto& r : keep) EXPECT_LE(r.bytes->size(), 64u);
    EXPECT_EQ(h.eng.stats().messages_dropped, 1u);
}

// MQTT-3.3.4-9 (v5), MQTT-4.9.0-1/2/3 (v5): at most the client's Receive Maximum unacknowledged; other packets
// still flow (MQTT-3.3.4-10 v5); the rest follows in order (MQTT-4.6.0-5 v5, MQTT-4.6.0-6 v3.1.1)
TEST_P(Publish, MQTT_3_3_4_9_OutboundWindowAndOrder) {
    config cfg;
    cfg.max_inflight_messages = 5;
    harness h(cfg);
    connect_options o;
    if (v5()) o.properties = {property::number(property_id::receive_maximum, 2)};
    auto sub = h.connected(v(), "sub", o);
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.take();
    for (int i = 0; i < 8; ++i) pub.publish("t", std::to_string(i), qos::at_least_once, static_cast<std::uint16_t>(i + 1));
    const std::size_t window = v5() ? 2 : 5;
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), window);
    sub.pingreq();
    EXPECT_EQ(sub.take().size(), 1u);  // PINGRESP not held back
    std::vector<std::string> order;
    for (const auto& p : got) order.push_back(text_of(p.payload));
    while (!got.empty()) {
        for (const auto& p : got) sub.puback(p.packet_id);
        got = sub.publishes(keep);
        EXPECT_LE(got.size(), window);
        for (const auto& p : got) order.push_back(text_of(p.payload));
    }
    EXPECT_EQ(order, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7"}));
}

// MQTT-4.3.2-1/2 (v5): outbound ids are unused ones; MQTT-4.3.2-5 (v5): a reused inbound id after PUBACK is new
TEST_P(Publish, MQTT_4_3_2_5_InboundIdReusableAfterPuback) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.take();
    pub.publish("t", "a", qos::at_least_once, 1);
    pub.publish("t", "b", qos::at_least_once, 1);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_NE(got[0].packet_id, got[1].packet_id);
}

struct acl final : authorizer {
    bool can_publish(const client_identity&, std::string_view t) override { return t != "secret"; }
    bool can_subscribe(const client_identity&, std::string_view f) override { return f != "forbidden/#"; }
    bool can_receive(const client_identity& who, std::string_view t) override { return !(who.client_id == "nosy" && t == "private"); }
};

// MQTT-3.3.5-2 (v3.1.1): an unauthorized PUBLISH is acknowledged normally and dropped; v5 says 0x87
TEST_P(Publish, MQTT_3_3_5_2_UnauthorizedPublishAcknowledgedAndDropped) {
    acl rules;
    harness h(config{}, engine_hooks{nullptr, &rules, nullptr});
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"#", qos::at_least_once}});
    sub.take();
    pub.publish("secret", "x", qos::at_least_once, 3);
    auto got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    auto ack = as<codec::puback_view>(got[0]);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(ack->reason, v5() ? reason_code::not_authorized : reason_code::success);
    std::vector<received> keep;
    EXPECT_TRUE(sub.publishes(keep).empty());
    EXPECT_FALSE(pub.closed());
}

// Subscribe refused: SUBACK 0x87 (v5) / 0x80 (v3.1.1); MQTT-3.9.3-2 (v3.1.1): only 0x00-0x02 and 0x80
TEST_P(Publish, MQTT_3_9_3_2_UnauthorizedSubscribeRefused) {
    acl rules;
    harness h(config{}, engine_hooks{nullptr, &rules, nullptr});
    auto sub = h.connected(v(), "sub");
    sub.subscribe(1, {{"forbidden/#"}, {"ok"}});
    auto got = sub.take();
    ASSERT_EQ(got.size(), 1u);
    const auto& bytes = *got[0].bytes;
    EXPECT_EQ(bytes[bytes.size() - 2], v5() ? std::byte{0x87} : std::byte{0x80});
    EXPECT_EQ(bytes[bytes.size() - 1], std::byte{0x00});
}

// Authorizer "read" rule: a subscriber may be refused delivery of a topic
TEST_P(Publish, CanReceiveFiltersDelivery) {
    acl rules;
    harness h(config{}, engine_hooks{nullptr, &rules, nullptr});
    auto nosy = h.connected(v(), "nosy");
    auto ok = h.connected(v(), "ok");
    auto pub = h.connected(v(), "pub");
    nosy.subscribe(1, {{"private"}});
    ok.subscribe(1, {{"private"}});
    nosy.take();
    ok.take();
    pub.publish("private", "x");
    std::vector<received> keep;
    EXPECT_TRUE(nosy.publishes(keep).empty());
    EXPECT_EQ(ok.publishes(keep).size(), 1u);
}

// MQTT-3.1.2-29 (v5): Request Problem Information 0: no Reason String on PUBACK
TEST(PublishV5, MQTT_3_1_2_29_NoReasonStringWhenNotRequested) {
    acl rules;
    harness h(config{}, engine_hooks{nullptr, &rules, nullptr});
    auto asks = h.connected(protocol_version::v5, "asks");
    connect_options quiet;
    quiet.properties = {property::number(property_id::request_problem_information, 0)};
    auto q = h.connected(protocol_version::v5, "quiet", quiet);
    asks.publish("secret", "x", qos::at_least_once, 1);
    q.publish("secret", "x", qos::at_least_once, 1);
    auto a = asks.take();
    auto b = q.take();
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_TRUE(as<codec::puback_view>(a[0])->properties.find(property_id::reason_string));
    EXPECT_FALSE(as<codec::puback_view>(b[0])->properties.find(property_id::reason_string));
}

// MQTT-3.4.2-2 (v5): the Reason String is left out when it would exceed the client's Maximum Packet Size
TEST(PublishV5, MQTT_3_4_2_2_ReasonStringDroppedWhenTooLarge) {
    acl rules;
    harness h(config{}, engine_hooks{nullptr, &rules, nullptr});
    connect_options small;
    small.properties = {property::number(property_id::maximum_packet_size, 8)};
    auto c = h.connected(protocol_version::v5, "small", small);
    c.publish("secret", "x", qos::at_least_once, 1);
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto ack = as<codec::puback_view>(got[0]);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(ack->reason, reason_code::not_authorized);
    EXPECT_FALSE(ack->properties.find(property_id::reason_string));
}

// PUBACK 0x10 when nobody matched (v5, Table 3-4; MQTT-3.4.2-1)
TEST(PublishV5, MQTT_3_4_2_1_NoMatchingSubscribers) {
    harness h;
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("nobody", "x", qos::at_least_once, 1);
    auto got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::puback_view>(got[0])->reason, reason_code::no_matching_subscribers);
}

// MQTT-3.2.2-14 (v5) side: RETAIN=1 when retain is not available -> DISCONNECT 0x9A
TEST(PublishV5, RetainNotSupportedDisconnects) {
    config cfg;
    cfg.retain_available = false;
    harness h(cfg);
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("t", "x", qos::at_most_once, 0, true);
    auto got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::disconnect_view>(got[0])->reason, reason_code::retain_not_supported);
    EXPECT_TRUE(pub.closed());
}

// Inbound Receive Maximum: more unacknowledged QoS 2 than announced -> DISCONNECT 0x93
TEST(PublishV5, ReceiveMaximumExceededDisconnects0x93) {
    config cfg;
    cfg.receive_maximum = 2;
    harness h(cfg);
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("t", "1", qos::exactly_once, 1);
    pub.publish("t", "2", qos::exactly_once, 2);
    pub.take();
    pub.publish("t", "3", qos::exactly_once, 3);
    auto got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::disconnect_view>(got[0])->reason, reason_code::receive_maximum_exceeded);
    EXPECT_TRUE(pub.closed());
}

// MQTT-4.7.3-4 (v3.1.1 and v5): topics compared as received (no normalisation); empty levels are levels
TEST_P(Publish, MQTT_4_7_3_4_NoNormalisation) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"a/+/c"}, {"/x"}});
    sub.take();
    pub.publish("a//c", "1");
    pub.publish("A/b/c", "2");
    pub.publish("/x", "3");
    pub.publish("x", "4");
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].topic, "a//c");
    EXPECT_EQ(got[1].topic, "/x");
}

}  // namespace
}  // namespace mqtt::broker::test

namespace mqtt::broker::test {
namespace {

// STYLE.md / issue 3: each outgoing PUBLISH is encoded once per (version, QoS, RETAIN, properties) and shared;
// only the packet id differs between receivers
TEST(Publish, FanOutEncodesOncePerVariant) {
    harness h;
    std::vector<client> subs;
    for (int i = 0; i < 10; ++i) {
        const auto v = i % 2 ? protocol_version::v311 : protocol_version::v5;
        subs.push_back(h.connected(v, "s" + std::to_string(i)));
        subs.back().subscribe(1, {{"t", qos::at_least_once}});
        subs.back().take();
    }
    auto pub = h.connected(protocol_version::v5, "pub");
    const auto before = h.eng.stats().publish_encodings;
    pub.publish("t", "payload", qos::at_least_once, 1);
    EXPECT_EQ(h.eng.stats().publish_encodings - before, 2u);
    for (auto& s : subs) {
        std::vector<received> keep;
        auto got = s.publishes(keep);
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(text_of(got[0].payload), "payload");
        EXPECT_EQ(got[0].packet_id, 1);
    }
}

}  // namespace
}  // namespace mqtt::broker::test
