// SUBSCRIBE/UNSUBSCRIBE, retained messages, retain handling, shared subscriptions (3.3.1, 3.8-3.11, 4.8).
#include <set>

#include "support/harness.hpp"

namespace mqtt::broker::test {
namespace {

class Subscribe : public both_versions {};
INSTANTIATE_TEST_SUITE_P(Both, Subscribe, ::testing::Values(protocol_version::v311, protocol_version::v5), version_name);

// MQTT-3.3.1-5/6 (v3.1.1), MQTT-3.3.1-5 (v5): retained stored and sent to new subscribers with RETAIN=1
// (MQTT-3.3.1-8 v3.1.1); MQTT-3.3.1-9 (v5) Retain Handling 0
TEST_P(Subscribe, MQTT_3_3_1_6_RetainedSentOnSubscribe) {
    harness h;
    auto pub = h.connected(v(), "pub");
    pub.publish("r/a", "1", qos::at_least_once, 1, true);
    pub.publish("r/b", "2", qos::at_most_once, 0, true);
    pub.publish("r/a", "3", qos::exactly_once, 2, true);  // replaces
    pub.publish("other", "x", qos::at_most_once, 0, false);  // MQTT-3.3.1-12 (v3.1.1), MQTT-3.3.1-8 (v5): not stored
    auto sub = h.connected(v(), "sub");
    sub.subscribe(1, {{"r/+", qos::exactly_once}, {"other"}});
    auto got = sub.take();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_NE(as<codec::suback_view>(got[0]), nullptr);  // SUBACK first
    std::set<std::string> payloads;
    for (std::size_t i = 1; i < got.size(); ++i) {
        auto p = as<codec::publish_view>(got[i]);
        ASSERT_NE(p, nullptr);
        EXPECT_TRUE(p->retain);
        payloads.insert(text_of(p->payload));
        if (p->topic == "r/a") { EXPECT_EQ(p->qos, qos::exactly_once); }
    }
    EXPECT_EQ(payloads, (std::set<std::string>{"2", "3"}));
    EXPECT_EQ(h.eng.stats().retained_messages, 2u);
}

// MQTT-3.3.1-10, MQTT-3.3.1-11 (v3.1.1), MQTT-3.3.1-6, MQTT-3.3.1-7 (v5): empty retained payload is forwarded and deletes
TEST_P(Subscribe, MQTT_3_3_1_10_EmptyRetainedDeletes) {
    harness h;
    auto pub = h.connected(v(), "pub");
    auto live = h.connected(v(), "live");
    live.subscribe(1, {{"r"}});
    live.take();
    pub.publish("r", "v", qos::at_most_once, 0, true);
    pub.publish("r", "", qos::at_most_once, 0, true);
    std::vector<received> keep;
    EXPECT_EQ(live.publishes(keep).size(), 2u);
    EXPECT_EQ(h.eng.stats().retained_messages, 0u);
    auto late = h.connected(v(), "late");
    late.subscribe(1, {{"r"}});
    EXPECT_TRUE(late.publishes(keep).empty());
}

// MQTT-3.3.1-7 (v3.1.1): a QoS 0 retained message replaces the earlier one
TEST(SubscribeV311, MQTT_3_3_1_7_Qos0RetainedReplaces) {
    harness h;
    auto pub = h.connected(protocol_version::v311, "pub");
    pub.publish("r", "old", qos::at_least_once, 1, true);
    pub.publish("r", "new", qos::at_most_once, 0, true);
    auto sub = h.connected(protocol_version::v311, "sub");
    sub.subscribe(1, {{"r", qos::at_least_once}});
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(text_of(got[0].payload), "new");
}

// MQTT-3.8.4-3 (v3.1.1), MQTT-3.8.4-3, MQTT-3.8.4-4 (v5): an identical filter replaces the subscription and, with
// Retain Handling 0, re-sends retained messages; MQTT-3.3.1-10 (v5): RH 1 only for new; MQTT-3.3.1-11: RH 2 never
TEST_P(Subscribe, MQTT_3_8_4_3_ResubscribeReplaces) {
    harness h;
    auto pub = h.connected(v(), "pub");
    pub.publish("r", "v", qos::at_least_once, 1, true);
    auto sub = h.connected(v(), "sub");
    sub.subscribe(1, {{"r", qos::at_most_once}});
    sub.subscribe(2, {{"r", qos::at_least_once}});
    std::vector<received> keep;
    EXPECT_EQ(sub.publishes(keep).size(), 2u);
    EXPECT_EQ(h.eng.stats().subscriptions, 1u);
    pub.publish("r", "w", qos::at_least_once, 2);
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].qos, qos::at_least_once);  // the replacement's QoS
    if (v5()) {
        sub.subscribe(3, {{"r", qos::at_least_once, false, false, 1}});
        EXPECT_TRUE(sub.publishes(keep).empty());  // MQTT-3.3.1-10 (v5): existed
        sub.subscribe(4, {{"r2", qos::at_least_once, false, false, 1}});
        sub.subscribe(5, {{"r", qos::at_least_once, false, false, 2}});
        EXPECT_TRUE(sub.publishes(keep).empty());  // MQTT-3.3.1-11 (v5)
        pub.publish("r3", "z", qos::at_most_once, 0, true);
        sub.subscribe(6, {{"r3", qos::at_most_once, false, false, 1}});
        EXPECT_EQ(sub.publishes(keep).size(), 1u);  // MQTT-3.3.1-10 (v5): new subscription
    }
}

// MQTT-3.10.4-1, MQTT-3.10.4-4, MQTT-3.10.4-5, MQTT-3.10.4-6 (v3.1.1 and v5): literal match, one UNSUBACK
// MQTT-3.11.3-1, MQTT-3.11.3-2 (v5): codes in order, from Table 3-9
TEST_P(Subscribe, MQTT_3_10_4_5_UnsubackAlwaysSent) {
    harness h;
    auto c = h.connected(v(), "c");
    c.subscribe(1, {{"a/+"}, {"b"}});
    c.take();
    c.unsubscribe(9, {"a/x", "a/+", "b"});
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto ack = as<codec::unsuback_view>(got[0]);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(ack->packet_id, 9);
    if (v5()) {
        std::vector<reason_code> codes(ack->reason_codes.begin(), ack->reason_codes.end());
        EXPECT_EQ(codes, (std::vector<reason_code>{reason_code::no_subscription_existed, reason_code::success,
                                                   reason_code::success}));
    }
    EXPECT_EQ(h.eng.stats().subscriptions, 0u);
    c.unsubscribe(10, {"nothing"});
    EXPECT_EQ(c.take().size(), 1u);
}

// MQTT-3.8.3-2 (v3.1.1): without wildcard support the filter is refused (0x80; 0xA2 in v5)
TEST_P(Subscribe, MQTT_3_8_3_2_WildcardsRefusedWhenUnavailable) {
    config cfg;
    cfg.wildcard_subscription_available = false;
    harness h(cfg);
    auto c = h.connected(v(), "c");
    c.subscribe(1, {{"a/#"}, {"a/b"}});
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    std::vector<reason_code> codes(as<codec::suback_view>(got[0])->reason_codes.begin(),
                                   as<codec::suback_view>(got[0])->reason_codes.end());
    ASSERT_EQ(codes.size(), 2u);
    EXPECT_EQ(codes[0], v5() ? reason_code::wildcard_subscriptions_not_supported : reason_code::unspecified_error);
    EXPECT_EQ(codes[1], reason_code::success);
}

// Shared subscriptions (v5, section 4.8.2): one member per message, round-robin; MQTT-4.8.2-3: its own QoS;
// no retained messages on a shared subscribe
TEST(SubscribeV5, MQTT_4_8_2_3_SharedRoundRobin) {
    harness h;
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("jobs/1", "retained", qos::at_most_once, 0, true);
    auto a = h.connected(protocol_version::v5, "a");
    auto b = h.connected(protocol_version::v5, "b");
    auto plain = h.connected(protocol_version::v5, "plain");
    a.subscribe(1, {{"$share/g/jobs/+", qos::at_least_once}});
    b.subscribe(1, {{"$share/g/jobs/#", qos::at_most_once}});  // different filter: a second group entry
    b.subscribe(2, {{"$share/g/jobs/+", qos::at_most_once}});
    plain.subscribe(1, {{"jobs/+"}});
    a.take();
    b.take();
    plain.take();
    for (int i = 0; i < 4; ++i) pub.publish("jobs/1", std::to_string(i), qos::at_least_once, static_cast<std::uint16_t>(i + 1));
    std::vector<received> ka, kb, kp;
    auto ga = a.publishes(ka);
    auto gb = b.publishes(kb);
    EXPECT_EQ(plain.publishes(kp).size(), 4u);
    // group g/jobs/+ alternates between a and b; group g/jobs/# has only b
    EXPECT_EQ(ga.size(), 2u);
    EXPECT_EQ(gb.size(), 6u);
    for (const auto& p : ga) EXPECT_EQ(p.qos, qos::at_least_once);
    for (const auto& p : gb) EXPECT_EQ(p.qos, qos::at_most_once);
}

// Shared subscriptions unsupported: SUBACK 0x9E
TEST(SubscribeV5, SharedUnavailableRefused) {
    config cfg;
    cfg.shared_subscription_available = false;
    harness h(cfg);
    auto c = h.connected(protocol_version::v5, "c");
    c.subscribe(1, {{"$share/g/x"}});
    auto got = c.take();
    EXPECT_EQ(*as<codec::suback_view>(got[0])->reason_codes.begin(), reason_code::shared_subscriptions_not_supported);
}

// Subscription Identifiers unsupported: DISCONNECT 0xA1
TEST(SubscribeV5, SubscriptionIdentifiersUnavailable) {
    config cfg;
    cfg.subscription_identifier_available = false;
    harness h(cfg);
    auto c = h.connected(protocol_version::v5, "c");
    c.subscribe(1, {{"x"}}, {property::number(property_id::subscription_identifier, 3)});
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::disconnect_view>(got[0])->reason, reason_code::subscription_identifiers_not_supported);
}

// MQTT-3.3.4-3 (v5): Subscription Identifier on retained delivery too
TEST(SubscribeV5, MQTT_3_3_4_3_SubscriptionIdOnRetained) {
    harness h;
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("r", "v", qos::at_most_once, 0, true);
    auto sub = h.connected(protocol_version::v5, "sub");
    sub.subscribe(1, {{"r"}}, {property::number(property_id::subscription_identifier, 77)});
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].properties.find(property_id::subscription_identifier)->integer, 77u);
}

// MQTT-4.8.2-6 (v5): a shared member answering PUBACK >= 0x80 does not make the server try another
TEST(SubscribeV5, MQTT_4_8_2_6_ErrorAckNotRedistributed) {
    harness h;
    auto a = h.connected(protocol_version::v5, "a");
    auto b = h.connected(protocol_version::v5, "b");
    a.subscribe(1, {{"$share/g/t", qos::at_least_once}});
    b.subscribe(1, {{"$share/g/t", qos::at_least_once}});
    a.take();
    b.take();
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("t", "x", qos::at_least_once, 1);
    std::vector<received> ka, kb;
    auto ga = a.publishes(ka);
    auto gb = b.publishes(kb);
    ASSERT_EQ(ga.size() + gb.size(), 1u);
    auto& who = ga.empty() ? b : a;
    who.puback(ga.empty() ? gb[0].packet_id : ga[0].packet_id, reason_code::unspecified_error);
    EXPECT_TRUE(a.publishes(ka).empty());
    EXPECT_TRUE(b.publishes(kb).empty());
}

}  // namespace
}  // namespace mqtt::broker::test

namespace mqtt::broker::test {
namespace {

struct refuse_all final : authorizer {
    bool can_publish(const client_identity&, std::string_view) override { return true; }
    bool can_subscribe(const client_identity&, std::string_view) override { return false; }
    bool can_receive(const client_identity&, std::string_view) override { return true; }
};

// MQTT-3.9.2-1, MQTT-3.9.2-2 (v5): SUBACK drops its Reason String rather than exceed the Maximum Packet Size;
// MQTT-3.11.2-1, MQTT-3.11.2-2 (v5): UNSUBACK stays within it too; MQTT-3.2.2-19, MQTT-3.2.2-20 (v5): the CONNACK
// (no reason string, no user properties) fits
TEST(SubscribeV5, MQTT_3_9_2_1_SubackReasonStringDroppedWhenTooLarge) {
    refuse_all rules;
    harness h(config{}, engine_hooks{nullptr, &rules, nullptr});
    connect_options small;
    small.properties = {property::number(property_id::maximum_packet_size, 12)};
    auto c = h.open(protocol_version::v5);
    c.connect("small", small);
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_LE(got[0].bytes->size(), 12u);
    c.subscribe(1, {{"a"}});
    got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_LE(got[0].bytes->size(), 12u);
    auto ack = as<codec::suback_view>(got[0]);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(*ack->reason_codes.begin(), reason_code::not_authorized);
    EXPECT_FALSE(ack->properties.find(property_id::reason_string));
    c.unsubscribe(2, {"a"});
    got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_LE(got[0].bytes->size(), 12u);

    auto roomy = h.connected(protocol_version::v5, "roomy");
    roomy.subscribe(1, {{"a"}});
    got = roomy.take();
    EXPECT_TRUE(as<codec::suback_view>(got[0])->properties.find(property_id::reason_string));
}

// MQTT-4.8.2-4 (v5): a QoS 2 message cut off by a broken connection is completed to the same shared member;
// MQTT-4.8.2-5 (v5): it is not handed to another member
TEST(SubscribeV5, MQTT_4_8_2_4_SharedQos2CompletedToSameMember) {
    harness h;
    connect_options o;
    o.clean_start = false;
    o.properties = {property::number(property_id::session_expiry_interval, 100)};
    auto a = h.connected(protocol_version::v5, "a", o);
    auto b = h.connected(protocol_version::v5, "b", o);
    a.subscribe(1, {{"$share/g/t", qos::exactly_once}});
    b.subscribe(1, {{"$share/g/t", qos::exactly_once}});
    a.take();
    b.take();
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("t", "job", qos::exactly_once, 1);
    std::vector<received> ka, kb;
    auto ga = a.publishes(ka);
    auto gb = b.publishes(kb);
    ASSERT_EQ(ga.size() + gb.size(), 1u);
    const bool to_a = !ga.empty();
    const auto id = to_a ? ga[0].packet_id : gb[0].packet_id;
    (to_a ? a : b).drop();
    auto& other = to_a ? b : a;
    EXPECT_TRUE(other.publishes(to_a ? kb : ka).empty());
    auto back = h.connected(protocol_version::v5, to_a ? "a" : "b", o);
    std::vector<received> kk;
    auto again = back.publishes(kk);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_TRUE(again[0].dup);
    EXPECT_EQ(again[0].packet_id, id);
    EXPECT_TRUE(other.publishes(to_a ? kb : ka).empty());
}

}  // namespace
}  // namespace mqtt::broker::test
