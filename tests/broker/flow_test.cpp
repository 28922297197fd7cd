// QoS 1/2 flows seen from both ends: packet identifiers, retransmission, flow control, expiry during the
// exchange, Maximum Packet Size trimming of server packets, re-authentication failure (sections 2.2/2.3, 3.x, 4.1,
// 4.3, 4.9, 4.12).
#include <algorithm>
#include <set>

#include "support/harness.hpp"

namespace mqtt::broker::test {
namespace {

class Flow : public both_versions {
protected:
    connect_options persistent() const {
        connect_options o;
        o.clean_start = false;
        if (v5()) o.properties = {property::number(property_id::session_expiry_interval, 3600)};
        return o;
    }
};
INSTANTIATE_TEST_SUITE_P(Both, Flow, ::testing::Values(protocol_version::v311, protocol_version::v5), version_name);

struct acl final : authorizer {
    bool can_publish(const client_identity&, std::string_view t) override { return t != "secret"; }
    bool can_subscribe(const client_identity&, std::string_view) override { return true; }
    bool can_receive(const client_identity&, std::string_view) override { return true; }
};

// MQTT-2.3.1-4 (v3.1.1): server PUBLISH ids are non-zero and unused, unchanged on resend, freed by PUBACK/PUBCOMP
// MQTT-4.3.2-2 (v5): outbound QoS 1 PUBLISH carries its id, QoS 1, DUP=0
// MQTT-4.3.2-3 (v5): ... and stays unacknowledged (resent) until its PUBACK
// MQTT-4.3.3-3 (v5): outbound QoS 2 PUBLISH stays unacknowledged until its PUBREC
// MQTT-4.3.3-5 (v5): outbound PUBREL stays unacknowledged until its PUBCOMP
// MQTT-2.3.1-6 (v3.1.1), MQTT-2.2.1-5 (v5): the server's PUBREL carries the id of the PUBLISH
TEST_P(Flow, MQTT_2_3_1_4_OutboundIdsLifecycle) {
    harness h;
    auto sub = h.connected(v(), "sub", persistent());
    sub.subscribe(1, {{"t", qos::exactly_once}});
    sub.take();
    auto pub = h.connected(v(), "pub");
    pub.publish("t", "a", qos::at_least_once, 1);  // will stay unacknowledged
    pub.publish("t", "b", qos::exactly_once, 2);   // PUBREC'd, PUBREL unanswered
    pub.publish("t", "c", qos::at_least_once, 3);  // PUBACK'd
    pub.publish("t", "d", qos::exactly_once, 4);   // no PUBREC
    std::vector<received> keep;
    auto first = sub.publishes(keep);
    ASSERT_EQ(first.size(), 4u);
    std::set<std::uint16_t> ids;
    for (const auto& p : first) {
        EXPECT_NE(p.packet_id, 0);
        EXPECT_FALSE(p.dup);
        ids.insert(p.packet_id);
    }
    EXPECT_EQ(ids.size(), 4u);  // no id in use twice
    EXPECT_EQ(first[0].qos, qos::at_least_once);
    EXPECT_EQ(first[1].qos, qos::exactly_once);
    const auto a = first[0].packet_id, b = first[1].packet_id, c = first[2].packet_id, d = first[3].packet_id;
    sub.puback(c);
    EXPECT_TRUE(sub.take().empty());
    sub.pubrec(b);
    auto got = sub.take();
    ASSERT_EQ(got.size(), 1u);
    auto rel = as<codec::pubrel_view>(got[0]);
    ASSERT_NE(rel, nullptr);
    EXPECT_EQ(rel->packet_id, b);
    sub.drop();

    auto again = h.connected(v(), "sub", persistent());
    got = again.take();
    ASSERT_EQ(got.size(), 3u);  // a and d resent (same ids, DUP=1), PUBREL b resent; c is done
    std::set<std::uint16_t> resent;
    for (const auto& r : got) {
        if (auto p = as<codec::publish_view>(r)) {
            EXPECT_TRUE(p->dup);
            EXPECT_TRUE(p->packet_id == a || p->packet_id == d) << p->packet_id;
            EXPECT_EQ(text_of(p->payload), p->packet_id == a ? "a" : "d");
            resent.insert(p->packet_id);
        } else if (auto r2 = as<codec::pubrel_view>(r)) {
            EXPECT_EQ(r2->packet_id, b);
            resent.insert(r2->packet_id);
        } else {
            ADD_FAILURE() << "unexpected packet on resume";
        }
    }
    EXPECT_EQ(resent, (std::set<std::uint16_t>{a, b, d}));

    again.puback(a);
    again.pubcomp(b);
    again.pubrec(d);
    got = again.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::pubrel_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::pubrel_view>(got[0])->packet_id, d);
    again.pubcomp(d);
    again.drop();
    auto third = h.connected(v(), "sub", persistent());
    EXPECT_TRUE(third.take().empty());  // PUBACK and PUBCOMP freed every id: nothing left to resend
}

// MQTT-2.3.1-6 (v3.1.1), MQTT-2.2.1-5 (v5): PUBACK, PUBREC and PUBCOMP carry the id of the client's PUBLISH
// MQTT-4.3.2-4 (v5): QoS 1 receiver: PUBACK with the PUBLISH's id; MQTT-4.3.3-11 (v5): PUBREL -> PUBCOMP, same id
TEST_P(Flow, MQTT_2_3_1_6_AcksEchoPublishId) {
    harness h;
    auto pub = h.connected(v(), "pub");
    pub.publish("t", "x", qos::at_least_once, 0x1234);
    auto got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::puback_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::puback_view>(got[0])->packet_id, 0x1234);
    pub.publish("t", "y", qos::exactly_once, 0xfffe);
    got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::pubrec_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::pubrec_view>(got[0])->packet_id, 0xfffe);
    pub.pubrel(0xfffe);
    got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::pubcomp_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::pubcomp_view>(got[0])->packet_id, 0xfffe);
    EXPECT_EQ(as<codec::pubcomp_view>(got[0])->reason, reason_code::success);
}

// MQTT-2.3.1-7 (v3.1.1), MQTT-2.2.1-6 (v5): SUBACK / UNSUBACK carry the id of the SUBSCRIBE / UNSUBSCRIBE
TEST_P(Flow, MQTT_2_3_1_7_SubackUnsubackEchoId) {
    harness h;
    auto c = h.connected(v(), "c");
    c.subscribe(0xabcd, {{"a"}});
    c.unsubscribe(0x0102, {"a"});
    c.subscribe(1, {{"b"}});
    auto got = c.take();
    ASSERT_EQ(got.size(), 3u);
    ASSERT_NE(as<codec::suback_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::suback_view>(got[0])->packet_id, 0xabcd);
    ASSERT_NE(as<codec::unsuback_view>(got[1]), nullptr);
    EXPECT_EQ(as<codec::unsuback_view>(got[1])->packet_id, 0x0102);
    ASSERT_NE(as<codec::suback_view>(got[2]), nullptr);
    EXPECT_EQ(as<codec::suback_view>(got[2])->packet_id, 1);
}

// MQTT-4.3.2-2 (v3.1.1): QoS 1 receiver: PUBACK once it owns the message; a later PUBLISH with that id is a new
// message, DUP set or not. MQTT-4.3.2-4 (v5): the PUBACK carries the PUBLISH's id.
TEST_P(Flow, Qos1ReceiverIdIsNewAfterPuback) {
    harness h;
    auto sub = h.connected(v(), "sub");
    auto pub = h.connected(v(), "pub");
    sub.subscribe(1, {{"t"}});
    sub.take();
    pub.publish("t", "one", qos::at_least_once, 7);
    auto got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::puback_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::puback_view>(got[0])->packet_id, 7);
    std::vector<received> keep;
    auto d = sub.publishes(keep);
    ASSERT_EQ(d.size(), 1u);  // owned: already passed on before the PUBACK went out
    pub.publish("t", "two", qos::at_least_once, 7, false, {}, true);   // same id, DUP=1
    pub.publish("t", "three", qos::at_least_once, 7, false, {}, false);  // same id, DUP=0
    got = pub.take();
    ASSERT_EQ(got.size(), 2u);
    d = sub.publishes(keep);
    ASSERT_EQ(d.size(), 2u);  // both are new messages
    EXPECT_EQ(text_of(d[0].payload), "two");
    EXPECT_EQ(text_of(d[1].payload), "three");
}

// MQTT-3.2.2-6 (v3.1.1): a refusal no 3.1.1 return code fits (a will the server cannot honour) closes the
// connection without a CONNACK; refusals that do fit still get their CONNACK
TEST(FlowV311, MQTT_3_2_2_6_UnfittingRefusalClosesWithoutConnack) {
    config cfg;
    cfg.maximum_qos = qos::at_least_once;
    cfg.retain_available = false;
    harness h(cfg);
    auto c = h.open(protocol_version::v311);
    connect_options o;
    o.will = connect_options::will_spec{"w", "x", qos::exactly_once, false, {}};
    c.connect("c", o);
    EXPECT_TRUE(c.take().empty());
    EXPECT_TRUE(c.closed());

    auto r = h.open(protocol_version::v311);
    o.will = connect_options::will_spec{"w", "x", qos::at_most_once, true, {}};
    r.connect("r", o);
    EXPECT_TRUE(r.take().empty());
    EXPECT_TRUE(r.closed());

    auto ok = h.open(protocol_version::v311);  // a fitting code (0x02) is still sent
    connect_options bad_id;
    bad_id.clean_start = false;
    ok.connect("", bad_id);
    auto got = ok.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::connack_view>(got[0]), nullptr);
    EXPECT_EQ((*got[0].bytes)[3], std::byte{0x02});
    EXPECT_TRUE(ok.closed());
}

// MQTT-4.9.0-2 (v5): each QoS>0 PUBLISH uses send quota (client's Receive Maximum); at zero quota no more QoS>0
// PUBLISH is sent but QoS 0 still is. MQTT-4.9.0-3 (v5): other packets are still processed and answered.
TEST(FlowV5, MQTT_4_9_0_2_SendQuota) {
    harness h;
    connect_options o;
    o.properties = {property::number(property_id::receive_maximum, 1)};
    auto sub = h.connected(protocol_version::v5, "sub", o);
    auto pub = h.connected(protocol_version::v5, "pub");
    sub.subscribe(1, {{"t", qos::exactly_once}});
    sub.take();
    pub.publish("t", "q1", qos::at_least_once, 1);
    pub.publish("t", "q2", qos::exactly_once, 2);
    pub.publish("t", "q0", qos::at_most_once);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 2u);  // quota 1: q1 only, q2 held; q0 needs no quota
    EXPECT_EQ(text_of(got[0].payload), "q1");
    EXPECT_EQ(text_of(got[1].payload), "q0");
    EXPECT_EQ(got[1].qos, qos::at_most_once);
    const auto q1 = got[0].packet_id;
    // Quota zero: SUBSCRIBE, UNSUBSCRIBE, PINGREQ and the client's own QoS 1 PUBLISH are all answered
    sub.subscribe(2, {{"other"}});
    sub.unsubscribe(3, {"other"});
    sub.pingreq();
    sub.publish("elsewhere", "x", qos::at_least_once, 9);
    auto acks = sub.take();
    ASSERT_EQ(acks.size(), 4u);
    EXPECT_NE(as<codec::suback_view>(acks[0]), nullptr);
    EXPECT_NE(as<codec::unsuback_view>(acks[1]), nullptr);
    EXPECT_NE(as<codec::pingresp_view>(acks[2]), nullptr);
    EXPECT_NE(as<codec::puback_view>(acks[3]), nullptr);
    sub.puback(q1);  // quota back to 1: q2 follows
    got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(text_of(got[0].payload), "q2");
}

// MQTT-4.1.0-1 (v5): session state is kept while the connection is open, even far beyond the Session Expiry
// Interval: subscriptions still match and the in-flight message still holds the window until acknowledged
TEST(FlowV5, MQTT_4_1_0_1_SessionKeptWhileConnected) {
    harness h;
    connect_options o;
    o.properties = {property::number(property_id::session_expiry_interval, 1),
                    property::number(property_id::receive_maximum, 1)};
    auto sub = h.connected(protocol_version::v5, "sub", o);
    auto pub = h.connected(protocol_version::v5, "pub");
    sub.subscribe(1, {{"t", qos::at_least_once}});
    sub.take();
    pub.publish("t", "1", qos::at_least_once, 1);
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    for (int i = 0; i < 120; ++i) h.advance(60s);  // two hours, no keep alive
    EXPECT_FALSE(sub.closed());
    pub.publish("t", "2", qos::at_least_once, 2);
    EXPECT_TRUE(sub.publishes(keep).empty());  // the first is still in flight
    sub.puback(got[0].packet_id);
    got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(text_of(got[0].payload), "2");
}

// MQTT-4.3.3-7 (v5): once a QoS 2 PUBLISH has been sent its Message Expiry no longer applies: it is resent after
// the interval has passed
TEST(FlowV5, MQTT_4_3_3_7_NoExpiryOnceSent) {
    harness h;
    connect_options o;
    o.clean_start = false;
    o.properties = {property::number(property_id::session_expiry_interval, 3600)};
    auto sub = h.connected(protocol_version::v5, "sub", o);
    sub.subscribe(1, {{"t", qos::exactly_once}});
    sub.take();
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("t", "x", qos::exactly_once, 1, false, {property::number(property_id::message_expiry_interval, 5)});
    std::vector<received> keep;
    auto got = sub.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    const auto id = got[0].packet_id;
    sub.drop();
    h.advance(60s);
    auto again = h.connected(protocol_version::v5, "sub", o);
    got = again.publishes(keep);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].packet_id, id);
    EXPECT_TRUE(got[0].dup);
    EXPECT_EQ(text_of(got[0].payload), "x");
}

// MQTT-4.3.3-9 (v5): after a PUBREC >= 0x80 a PUBLISH with the same id is a new message
TEST(FlowV5, MQTT_4_3_3_9_IdNewAfterFailedPubrec) {
    acl rules;
    harness h(config{}, engine_hooks{nullptr, &rules, nullptr});
    auto sub = h.connected(protocol_version::v5, "sub");
    auto pub = h.connected(protocol_version::v5, "pub");
    sub.subscribe(1, {{"#", qos::exactly_once}});
    sub.take();
    pub.publish("secret", "no", qos::exactly_once, 4);
    auto got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::pubrec_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::pubrec_view>(got[0])->reason, reason_code::not_authorized);
    pub.publish("open", "yes", qos::exactly_once, 4);  // not a duplicate of the refused one
    got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::pubrec_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::pubrec_view>(got[0])->reason, reason_code::success);
    std::vector<received> keep;
    auto d = sub.publishes(keep);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].topic, "open");
}

// MQTT-4.3.3-13 (v5): the receiver finishes the PUBREC/PUBREL/PUBCOMP exchange after the message has expired
TEST(FlowV5, MQTT_4_3_3_13_ExchangeFinishedAfterExpiry) {
    harness h;
    auto pub = h.connected(protocol_version::v5, "pub");
    pub.publish("t", "x", qos::exactly_once, 8, false, {property::number(property_id::message_expiry_interval, 1)});
    ASSERT_EQ(pub.take().size(), 1u);
    h.advance(30s);
    pub.pubrel(8);
    auto got = pub.take();
    ASSERT_EQ(got.size(), 1u);
    auto comp = as<codec::pubcomp_view>(got[0]);
    ASSERT_NE(comp, nullptr);
    EXPECT_EQ(comp->packet_id, 8);
    EXPECT_EQ(comp->reason, reason_code::success);
}

// MQTT-3.5.2-2 (v5): PUBREC leaves out the Reason String when it would exceed the client's Maximum Packet Size
TEST(FlowV5, MQTT_3_5_2_2_PubrecReasonStringDroppedWhenTooLarge) {
    acl rules;
    harness h(config{}, engine_hooks{nullptr, &rules, nullptr});
    connect_options small;
    small.properties = {property::number(property_id::maximum_packet_size, 8)};
    auto s = h.connected(protocol_version::v5, "small", small);
    auto l = h.connected(protocol_version::v5, "large");
    s.publish("secret", "x", qos::exactly_once, 1);
    l.publish("secret", "x", qos::exactly_once, 1);
    auto a = s.take();
    auto b = l.take();
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    ASSERT_NE(as<codec::pubrec_view>(a[0]), nullptr);
    EXPECT_EQ(as<codec::pubrec_view>(a[0])->reason, reason_code::not_authorized);
    EXPECT_LE(a[0].bytes->size(), 8u);
    EXPECT_FALSE(as<codec::pubrec_view>(a[0])->properties.find(property_id::reason_string));
    EXPECT_TRUE(as<codec::pubrec_view>(b[0])->properties.find(property_id::reason_string));  // normally there
}

// MQTT-3.14.2-3 (v5): a server DISCONNECT leaves out the Reason String when it would exceed the client's Maximum
// Packet Size. MQTT-3.14.4-2 (v5): after sending DISCONNECT the server closes the connection and sends nothing more.
TEST(FlowV5, MQTT_3_14_2_3_DisconnectReasonStringDroppedWhenTooLarge) {
    config cfg;
    cfg.topic_alias_maximum = 2;
    harness h(cfg);
    connect_options small;
    small.properties = {property::number(property_id::maximum_packet_size, 8)};
    auto s = h.connected(protocol_version::v5, "small", small);
    auto l = h.connected(protocol_version::v5, "large");
    for (auto* c : {&s, &l}) c->publish("t", "x", qos::at_most_once, 0, false, {property::number(property_id::topic_alias, 9)});
    auto a = s.take();
    auto b = l.take();
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    auto da = as<codec::disconnect_view>(a[0]);
    auto db = as<codec::disconnect_view>(b[0]);
    ASSERT_TRUE(da && db);
    EXPECT_EQ(da->reason, reason_code::topic_alias_invalid);
    EXPECT_LE(a[0].bytes->size(), 8u);
    EXPECT_FALSE(da->properties.find(property_id::reason_string));
    EXPECT_TRUE(db->properties.find(property_id::reason_string));  // normally there
    EXPECT_TRUE(s.closed());
    EXPECT_TRUE(l.closed());
    s.pingreq();
    EXPECT_TRUE(s.take().empty());
    EXPECT_EQ(h.transport.sends_after_close, 0u);
}


// MQTT-4.12.1-2 (v5): failed re-authentication: DISCONNECT with a fitting reason code, then the connection closes
TEST(FlowV5, MQTT_4_12_1_2_FailedReauthenticationDisconnects) {
    challenge_auth auth;
    harness h(config{}, engine_hooks{&auth, nullptr, nullptr});
    auto c = h.open(protocol_version::v5);
    connect_options o;
    o.properties = {property::string(property_id::authentication_method, "CHAL")};
    c.connect("x", o);
    c.take();
    const auto answer = [&](reason_code rc, std::string_view data) {
        const std::vector<property> props{property::string(property_id::authentication_method, "CHAL"),
                                          property::bytes(property_id::authentication_data, bytes_of(data))};
        codec::auth_view a;
        a.reason = rc;
        a.properties = codec::properties_view(std::span<const property>(props));
        c.send(a);
    };
    answer(reason_code::continue_authentication, "42");
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::connack_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::connack_view>(got[0])->reason, reason_code::success);

    answer(reason_code::re_authenticate, "");
    got = c.take();
    ASSERT_EQ(got.size(), 1u);
    ASSERT_NE(as<codec::auth_view>(got[0]), nullptr);
    EXPECT_EQ(as<codec::auth_view>(got[0])->reason, reason_code::continue_authentication);
    EXPECT_FALSE(c.closed());
    answer(reason_code::continue_authentication, "wrong");
    got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto d = as<codec::disconnect_view>(got[0]);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->reason, reason_code::not_authorized);
    EXPECT_TRUE(c.closed());
    EXPECT_EQ(h.transport.sends_after_close, 0u);
}

}  // namespace
}  // namespace mqtt::broker::test
