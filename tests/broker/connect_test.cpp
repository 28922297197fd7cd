// CONNECT / CONNACK, PINGREQ, keep-alive, takeover, client identifiers (sections 3.1, 3.2, 3.12).
#include "support/harness.hpp"

namespace mqtt::broker::test {
namespace {

class Connect : public both_versions {};
INSTANTIATE_TEST_SUITE_P(Both, Connect, ::testing::Values(protocol_version::v311, protocol_version::v5), version_name);

// MQTT-3.1.4-4 (v3.1.1), MQTT-3.1.4-5 (v5), MQTT-3.2.0-1 (v3.1.1 and v5): CONNACK 0x00 is the first packet
// MQTT-3.2.2-1 (v3.1.1), MQTT-3.2.2-2 (v5): clean start -> session present 0
TEST_P(Connect, MQTT_3_1_4_4_AcceptedWithConnackSuccess) {
    harness h;
    auto c = h.open(v());
    c.connect("alpha");
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto ack = as<codec::connack_view>(got[0]);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(ack->reason, reason_code::success);
    EXPECT_FALSE(ack->session_present);
    EXPECT_EQ(h.eng.version_of(c.id()), v());
    EXPECT_EQ(h.eng.stats().clients_connected, 1u);
    // MQTT-3.1.2-28 (v5): no Response Information unless requested; MQTT-4.12.0-6 (v5): no Authentication Method
    EXPECT_FALSE(ack->properties.find(property_id::response_information));
    EXPECT_FALSE(ack->properties.find(property_id::authentication_method));
}

// MQTT-3.12.4-1 (v3.1.1 and v5)
TEST_P(Connect, MQTT_3_12_4_1_PingreqGetsPingresp) {
    harness h;
    auto c = h.connected(v(), "alpha");
    c.pingreq();
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_NE(as<codec::pingresp_view>(got[0]), nullptr);
}

// MQTT-3.1.0-2 (v3.1.1 and v5): a second CONNECT is a protocol violation; v5 gets DISCONNECT 0x82 first
TEST_P(Connect, MQTT_3_1_0_2_SecondConnectCloses) {
    harness h;
    auto c = h.connected(v(), "alpha");
    c.connect("alpha");
    auto got = c.take();
    if (v5()) {
        ASSERT_EQ(got.size(), 1u);
        auto d = as<codec::disconnect_view>(got[0]);
        ASSERT_NE(d, nullptr);
        EXPECT_EQ(d->reason, reason_code::protocol_error);
    } else {
        EXPECT_TRUE(got.empty());
    }
    EXPECT_TRUE(c.closed());
}

// MQTT-3.1.0-2 (v5): a second CONNECT that does not even decode (bad protocol name or level) is still a protocol
// error: DISCONNECT 0x82, never 0x84, which DISCONNECT may not carry (MQTT-3.14.2-1 v5). Found by fuzz_engine.
TEST(ConnectV5, MQTT_3_1_0_2_UndecodableSecondConnectGetsDisconnect82) {
    for (auto code : {codec::errc::unsupported_protocol_version, codec::errc::invalid_protocol_name}) {
        SCOPED_TRACE(codec::name(code));
        harness h;
        auto c = h.connected(protocol_version::v5, "alpha");
        h.eng.on_decode_error(c.id(), codec::error{code, 4}, h.now);
        auto got = c.take();
        ASSERT_EQ(got.size(), 1u);
        auto d = as<codec::disconnect_view>(got[0]);
        ASSERT_NE(d, nullptr);
        EXPECT_EQ(d->reason, reason_code::protocol_error);
        EXPECT_TRUE(c.closed());
    }
}

}  // namespace
}  // namespace mqtt::broker::test

namespace mqtt::broker::test {
namespace {

// MQTT-3.1.2-2 (v3.1.1): unsupported protocol level -> CONNACK 0x01, then close. MQTT-3.1.2-2 (v5): 0x84 allowed.
TEST(ConnectV311, MQTT_3_1_2_2_UnsupportedLevelGetsConnack01) {
    harness h;
    auto c = h.open(protocol_version::v311);
    h.eng.on_decode_error(c.id(), codec::error{codec::errc::unsupported_protocol_version, 8}, h.now);
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    // 3.1.1 layout: 20 02 00 01
    const std::vector<std::byte> expected{std::byte{0x20}, std::byte{0x02}, std::byte{0x00}, std::byte{0x01}};
    EXPECT_EQ(*got[0].bytes, expected);
    EXPECT_TRUE(c.closed());
    EXPECT_EQ(h.eng.stats().connects_refused, 1u);
}

// MQTT-3.1.2-1 (v5): a wrong protocol name may get CONNACK 0x84 and is closed; MQTT-3.1.2-1 (v3.1.1): not handled
TEST(ConnectV5, MQTT_3_1_2_1_BadProtocolNameCloses) {
    harness h;
    auto c = h.open(protocol_version::v311);
    h.eng.on_decode_error(c.id(), codec::error{codec::errc::invalid_protocol_name, 4}, h.now);
    EXPECT_TRUE(c.closed());
    EXPECT_EQ(h.eng.version_of(c.id()), protocol_version::unknown);
}

// MQTT-3.1.4-1 (v3.1.1): a CONNECT breaking section 3.1 closes without any CONNACK (e.g. MQTT-3.1.2-3 reserved flag)
TEST(ConnectV311, MQTT_3_1_4_1_MalformedConnectClosesWithoutConnack) {
    harness h;
    auto c = h.open(protocol_version::v311);
    h.eng.on_decode_error(c.id(), codec::error{codec::errc::invalid_connect_flags, 9}, h.now);
    EXPECT_TRUE(c.take().empty());
    EXPECT_TRUE(c.closed());  // MQTT-3.1.2-3 (v3.1.1)
    // the same path for 5.0: MQTT-3.1.2-3 (v5) reserved flag, MQTT-3.1.4-1 (v5) non-conforming CONNECT closed
    auto c5 = h.open(protocol_version::v5);
    h.eng.on_decode_error(c5.id(), codec::error{codec::errc::invalid_connect_flags, 9}, h.now);
    EXPECT_TRUE(c5.take().empty());
    EXPECT_TRUE(c5.closed());
}

// MQTT-3.1.0-1 via connect_expected: anything before CONNECT closes, nothing is sent (MQTT-3.14.0-1 v5)
TEST_P(Connect, MQTT_3_14_0_1_PacketBeforeConnectClosesSilently) {
    harness h;
    auto c = h.open(v());
    h.eng.on_decode_error(c.id(), codec::error{codec::errc::connect_expected, 0}, h.now);
    EXPECT_TRUE(c.take().empty());
    EXPECT_TRUE(c.closed());
}

// MQTT-3.1.3-8 (v3.1.1): empty ClientId with CleanSession=0 -> CONNACK 0x02 and close
// MQTT-3.2.2-4 (v3.1.1): session present 0 on refusal; MQTT-3.2.2-5 (v3.1.1): closed after
TEST(ConnectV311, MQTT_3_1_3_8_EmptyIdWithoutCleanSessionRejected) {
    harness h;
    auto c = h.open(protocol_version::v311);
    connect_options o;
    o.clean_start = false;
    c.connect("", o);
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    const std::vector<std::byte> expected{std::byte{0x20}, std::byte{0x02}, std::byte{0x00}, std::byte{0x02}};
    EXPECT_EQ(*got[0].bytes, expected);
    EXPECT_TRUE(c.closed());
}

// MQTT-3.1.3-6 (v3.1.1): empty ClientId with CleanSession=1 is accepted with a server-made id
TEST(ConnectV311, MQTT_3_1_3_6_EmptyIdAssigned) {
    harness h;
    auto c = h.connected(protocol_version::v311, "");
    EXPECT_EQ(h.eng.stats().sessions, 1u);
    EXPECT_FALSE(c.closed());
}

// MQTT-3.1.3-6, MQTT-3.1.3-7 (v5), MQTT-3.2.2-16 (v5): Assigned Client Identifier in CONNACK, unique
TEST(ConnectV5, MQTT_3_1_3_7_AssignedClientIdentifier) {
    harness h;
    std::vector<std::string> ids;
    for (int i = 0; i < 2; ++i) {
        auto c = h.open(protocol_version::v5);
        c.connect("");
        auto got = c.take();
        ASSERT_EQ(got.size(), 1u);
        auto ack = as<codec::connack_view>(got[0]);
        ASSERT_NE(ack, nullptr);
        auto id = ack->properties.find(property_id::assigned_client_identifier);
        ASSERT_TRUE(id);
        EXPECT_FALSE(id->text.empty());
        ids.emplace_back(id->text);
    }
    EXPECT_NE(ids[0], ids[1]);
}

// MQTT-3.1.3-9 (v3.1.1), MQTT-3.1.3-8 (v5): a refused ClientId gets 0x02 / 0x85 and is closed
TEST_P(Connect, MQTT_3_1_3_9_TooLongClientIdRefused) {
    config cfg;
    cfg.max_client_id_length = 8;
    harness h(cfg);
    auto c = h.open(v());
    c.connect("much-too-long-id");
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto ack = as<codec::connack_view>(got[0]);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(ack->reason, reason_code::client_identifier_not_valid);  // MQTT-3.2.2-8 (v5): a Table 3-1 code
    EXPECT_FALSE(ack->session_present);  // MQTT-3.2.2-6 (v5)
    EXPECT_TRUE(c.closed());             // MQTT-3.2.2-7 (v5)
}

// MQTT-3.1.3-5 (v3.1.1 and v5): 1..23 alphanumeric ids are accepted
TEST_P(Connect, MQTT_3_1_3_5_AlphanumericIdsAccepted) {
    harness h;
    h.connected(v(), "a");
    h.connected(v(), "ABCDEFGHIJKLMNOPQRSTUVW");
    h.connected(v(), "0123456789");
    EXPECT_EQ(h.eng.stats().clients_connected, 3u);
}

// MQTT-3.1.4-2 (v3.1.1): takeover disconnects the older client. MQTT-3.1.4-3 (v5): with DISCONNECT 0x8E.
TEST_P(Connect, MQTT_3_1_4_3_TakeoverDisconnectsOld) {
    harness h;
    auto old = h.connected(v(), "same");
    auto fresh = h.connected(v(), "same");
    auto got = old.take();
    if (v5()) {
        ASSERT_EQ(got.size(), 1u);
        auto d = as<codec::disconnect_view>(got[0]);
        ASSERT_NE(d, nullptr);
        EXPECT_EQ(d->reason, reason_code::session_taken_over);
    } else {
        EXPECT_TRUE(got.empty());
    }
    EXPECT_TRUE(old.closed());
    EXPECT_FALSE(fresh.closed());
    fresh.pingreq();
    EXPECT_EQ(fresh.take().size(), 1u);
    EXPECT_EQ(h.eng.stats().clients_connected, 1u);
}

// MQTT-3.2.2-2/3 (v3.1.1), MQTT-3.2.2-3 (v5), MQTT-3.1.2-4 (v3.1.1), MQTT-3.1.2-5/6 (v5):
// session present reflects whether the session was kept; MQTT-3.1.3-2: the ClientId finds it
TEST_P(Connect, MQTT_3_2_2_3_SessionPresentOnResume) {
    harness h;
    connect_options persistent;
    persistent.clean_start = false;
    if (v5()) persistent.properties = {property::number(property_id::session_expiry_interval, 300)};
    auto first = h.open(v());
    first.connect("p", persistent);
    auto a1 = first.take();
    ASSERT_EQ(a1.size(), 1u);
    EXPECT_FALSE(as<codec::connack_view>(a1[0])->session_present);  // MQTT-3.2.2-3 (v3.1.1): none stored yet
    first.disconnect();
    auto second = h.open(v());
    second.connect("p", persistent);
    auto a2 = second.take();
    ASSERT_EQ(a2.size(), 1u);
    EXPECT_TRUE(as<codec::connack_view>(a2[0])->session_present);  // MQTT-3.2.2-2 (v3.1.1)
    second.disconnect();
    // MQTT-3.1.2-6 (v3.1.1), MQTT-3.1.2-4 (v5): clean start discards the session
    auto third = h.open(v());
    third.connect("p", {});
    auto a3 = third.take();
    ASSERT_EQ(a3.size(), 1u);
    EXPECT_FALSE(as<codec::connack_view>(a3[0])->session_present);  // MQTT-3.2.2-1 (v3.1.1), MQTT-3.2.2-2 (v5)
}

// MQTT-3.1.2-24 (v3.1.1), MQTT-3.1.2-22 (v5): no packet for 1.5 x Keep Alive closes (v5: DISCONNECT 0x8D)
TEST_P(Connect, MQTT_3_1_2_22_KeepAliveOneAndAHalf) {
    harness h;
    connect_options o;
    o.keep_alive = 10;
    auto c = h.connected(v(), "ka", o);
    h.advance(9s);
    c.pingreq();  // resets the timer
    c.take();
    h.advance(14s);  // 14 s since the last packet: below 15
    EXPECT_FALSE(c.closed());
    h.advance(1s);
    EXPECT_TRUE(c.closed());
    auto got = c.take();
    if (v5()) {
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(as<codec::disconnect_view>(got[0])->reason, reason_code::keep_alive_timeout);
    } else {
        EXPECT_TRUE(got.empty());
    }
}

// MQTT-3.2.2-22 (v5): Server Keep Alive in CONNACK is what the server enforces
TEST(ConnectV5, MQTT_3_2_2_22_ServerKeepAliveOverrides) {
    config cfg;
    cfg.server_keep_alive = 4;
    harness h(cfg);
    auto c = h.open(protocol_version::v5);
    connect_options o;
    o.keep_alive = 100;
    c.connect("ska", o);
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto ka = as<codec::connack_view>(got[0])->properties.find(property_id::server_keep_alive);
    ASSERT_TRUE(ka);
    EXPECT_EQ(ka->integer, 4u);
    h.advance(6s);
    EXPECT_TRUE(c.closed());
}

TEST_P(Connect, ConnectTimeoutClosesSilentConnection) {
    config cfg;
    cfg.connect_timeout = 5s;
    harness h(cfg);
    auto c = h.open(v());
    h.advance(4s);
    EXPECT_FALSE(c.closed());
    h.advance(1s);
    EXPECT_TRUE(c.closed());
    EXPECT_TRUE(c.take().empty());
}

struct password_check final : authenticator {
    reason_code authenticate(const connect_credentials& who) override {
        if (who.username && *who.username == "u" && who.password && text_of(*who.password) == "pw") return reason_code::success;
        return reason_code::bad_user_name_or_password;
    }
};

// MQTT-3.1.4-2 (v5): a failed authentication check refuses and closes
TEST_P(Connect, MQTT_3_1_4_2_AuthenticatorRefuses) {
    password_check auth;
    harness h(config{}, engine_hooks{&auth, nullptr, nullptr});
    connect_options good;
    good.username = "u";
    good.password = "pw";
    h.connected(v(), "ok", good);
    auto c = h.open(v());
    connect_options bad = good;
    bad.password = "nope";
    c.connect("bad", bad);
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::connack_view>(got[0])->reason, reason_code::bad_user_name_or_password);
    if (!v5()) {  // 3.1.1 return code 4
        EXPECT_EQ((*got[0].bytes)[3], std::byte{0x04});
    }
    EXPECT_TRUE(c.closed());
}


// MQTT-4.12.0-1 (v5): unsupported Authentication Method -> CONNACK 0x8C and close
TEST(ConnectV5, MQTT_4_12_0_1_UnsupportedMethodRefused) {
    challenge_auth auth;
    harness h(config{}, engine_hooks{&auth, nullptr, nullptr});
    auto c = h.open(protocol_version::v5);
    connect_options o;
    o.properties = {property::string(property_id::authentication_method, "OTHER")};
    c.connect("x", o);
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::connack_view>(got[0])->reason, reason_code::bad_authentication_method);
    EXPECT_TRUE(c.closed());
}

// MQTT-4.12.0-2 (v5): AUTH 0x18 asks for more; MQTT-4.12.0-5 (v5): the method on AUTH and CONNACK;
// MQTT-3.1.4-6 (v5): nothing but AUTH is acted on meanwhile
TEST(ConnectV5, MQTT_4_12_0_2_EnhancedAuthenticationExchange) {
    challenge_auth auth;
    harness h(config{}, engine_hooks{&auth, nullptr, nullptr});
    auto c = h.open(protocol_version::v5);
    connect_options o;
    o.properties = {property::string(property_id::authentication_method, "CHAL")};
    c.connect("x", o);
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto a = as<codec::auth_view>(got[0]);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->reason, reason_code::continue_authentication);
    EXPECT_EQ(a->properties.find(property_id::authentication_method)->text, "CHAL");
    codec::auth_view answer;
    answer.reason = reason_code::continue_authentication;
    const std::vector<property> props{property::string(property_id::authentication_method, "CHAL"),
                                      property::bytes(property_id::authentication_data, bytes_of("42"))};
    answer.properties = codec::properties_view(std::span<const property>(props));
    c.send(answer);
    got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto ack = as<codec::connack_view>(got[0]);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(ack->reason, reason_code::success);
    EXPECT_EQ(ack->properties.find(property_id::authentication_method)->text, "CHAL");
    EXPECT_EQ(text_of(ack->properties.find(property_id::authentication_data)->binary), "!");
}

// MQTT-4.12.0-4 (v5): refusal during the exchange -> CONNACK failure, close
TEST(ConnectV5, MQTT_4_12_0_4_RefusedDuringExchange) {
    challenge_auth auth;
    harness h(config{}, engine_hooks{&auth, nullptr, nullptr});
    auto c = h.open(protocol_version::v5);
    connect_options o;
    o.properties = {property::string(property_id::authentication_method, "CHAL")};
    c.connect("x", o);
    c.take();
    codec::auth_view answer;
    answer.reason = reason_code::continue_authentication;
    const std::vector<property> props{property::string(property_id::authentication_method, "CHAL"),
                                      property::bytes(property_id::authentication_data, bytes_of("wrong"))};
    answer.properties = codec::properties_view(std::span<const property>(props));
    c.send(answer);
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::connack_view>(got[0])->reason, reason_code::not_authorized);
    EXPECT_TRUE(c.closed());  // MQTT-4.13.2-1 (v5)
}

// MQTT-4.12.0-6 (v5): no method in CONNECT -> no AUTH, no method in CONNACK; AUTH from such a client is an error
TEST(ConnectV5, MQTT_4_12_0_6_NoMethodNoAuth) {
    harness h;
    auto c = h.open(protocol_version::v5);
    c.connect("x");
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_FALSE(as<codec::connack_view>(got[0])->properties.find(property_id::authentication_method));
    codec::auth_view a;
    a.reason = reason_code::re_authenticate;
    const std::vector<property> props{property::string(property_id::authentication_method, "CHAL")};
    a.properties = codec::properties_view(std::span<const property>(props));
    c.send(a);
    EXPECT_TRUE(c.closed());
}

// MQTT-3.2.2-9 (v5): Maximum QoS announced; MQTT-3.2.2-10 (v5): SUBSCRIBE at QoS 2 still accepted (granted 1)
// MQTT-3.2.2-12 (v5): a will above it is refused with 0x9B
TEST(ConnectV5, MQTT_3_2_2_9_MaximumQosAnnouncedAndApplied) {
    config cfg;
    cfg.maximum_qos = qos::at_least_once;
    harness h(cfg);
    auto c = h.open(protocol_version::v5);
    c.connect("m");
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    auto mq = as<codec::connack_view>(got[0])->properties.find(property_id::maximum_qos);
    ASSERT_TRUE(mq);
    EXPECT_EQ(mq->integer, 1u);
    c.subscribe(1, {{"t", qos::exactly_once}});
    got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(*as<codec::suback_view>(got[0])->reason_codes.begin(), reason_code::granted_qos_1);

    auto w = h.open(protocol_version::v5);
    connect_options o;
    o.will = connect_options::will_spec{"w", "x", qos::exactly_once, false, {}};
    w.connect("w", o);
    got = w.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::connack_view>(got[0])->reason, reason_code::qos_not_supported);
    EXPECT_TRUE(w.closed());
}

// MQTT-3.2.2-13 (v5): Will Retain without retain support -> 0x9A
TEST(ConnectV5, MQTT_3_2_2_13_WillRetainRefusedWithoutRetain) {
    config cfg;
    cfg.retain_available = false;
    harness h(cfg);
    auto w = h.open(protocol_version::v5);
    connect_options o;
    o.will = connect_options::will_spec{"w", "x", qos::at_most_once, true, {}};
    w.connect("w", o);
    auto got = w.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::connack_view>(got[0])->reason, reason_code::retain_not_supported);
}

// MQTT-3.2.0-2 (v5): one CONNACK per connection; MQTT-3.2.2-1 (v5): reserved ack flag bits are 0
TEST(ConnectV5, MQTT_3_2_0_2_OneConnack) {
    harness h;
    auto c = h.open(protocol_version::v5);
    c.connect("one");
    auto got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ((*got[0].bytes)[2] & std::byte{0xFE}, std::byte{0});
    c.connect("one");
    got = c.take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(as<codec::connack_view>(got[0]), nullptr);
}

}  // namespace
}  // namespace mqtt::broker::test
