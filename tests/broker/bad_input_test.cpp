// Protocol errors close only the offending client with the right reason code (4.8.0, 4.13).
#include "support/harness.hpp"

namespace mqtt::broker::test {
namespace {

class BadInput : public both_versions {};
INSTANTIATE_TEST_SUITE_P(Both, BadInput, ::testing::Values(protocol_version::v311, protocol_version::v5), version_name);

struct case_t {
    codec::errc code;
    reason_code expected;
};

// MQTT-4.8.0-1 (v3.1.1), MQTT-4.13.1-1 (v5): decode errors after CONNECT: v5 DISCONNECT with the reason code,
// then close; 3.1.1 closes. The other clients keep their sessions, subscriptions and queued messages.
// Covers the decoder-detected rules MQTT-3.3.1-4 (QoS 3), MQTT-3.6.1-1, MQTT-3.8.1-1, MQTT-3.10.1-1,
// MQTT-3.14.1-1, MQTT-3.15.1-1 (v5) (fixed-header flags), MQTT-3.8.3-3 (v3.1.1) / MQTT-3.8.3-2 (v5) and
// MQTT-3.10.3-2 (empty lists), MQTT-3.8.3-4 (v3.1.1) / MQTT-3.8.3-5 (v5) (subscription options),
// MQTT-3.8.3-4 (v5) (No Local on shared), MQTT-4.7.1-1/2/3, MQTT-4.7.3-1/2 (topics), MQTT-3.3.2-2 (v3.1.1 and v5).
TEST_P(BadInput, MQTT_4_13_1_1_DecodeErrorsCloseOnlyOffender) {
    const case_t cases[] = {
        {codec::errc::invalid_qos, reason_code::malformed_packet},
        {codec::errc::invalid_fixed_header_flags, reason_code::malformed_packet},
        {codec::errc::empty_subscription_list, reason_code::protocol_error},
        {codec::errc::invalid_subscription_options, reason_code::malformed_packet},
        {codec::errc::no_local_on_shared_subscription, reason_code::protocol_error},
        {codec::errc::invalid_topic_filter, reason_code::topic_filter_invalid},
        {codec::errc::invalid_topic_name, reason_code::topic_name_invalid},
        {codec::errc::packet_too_large, reason_code::packet_too_large},
        {codec::errc::invalid_utf8, reason_code::malformed_packet},
        {codec::errc::topic_alias_missing, reason_code::protocol_error},
    };
    for (const auto& tc : cases) {
        SCOPED_TRACE(std::string(codec::name(tc.code)));
        harness h;
        connect_options persistent;
        persistent.clean_start = false;
        if (v5()) persistent.properties = {property::number(property_id::session_expiry_interval, 100)};
        auto good = h.connected(v(), "good", persistent);
        good.subscribe(1, {{"t", qos::at_least_once}});
        good.take();
        auto offline = h.connected(v(), "offline", persistent);
        offline.subscribe(1, {{"t", qos::at_least_once}});
        offline.drop();
        auto bad = h.connected(v(), "bad");
        bad.publish("t", "before", qos::at_least_once, 1);
        bad.take();
        h.eng.on_decode_error(bad.id(), codec::error{tc.code, 3}, h.now);
        auto got = bad.take();
        if (v5()) {
            ASSERT_EQ(got.size(), 1u);
            EXPECT_EQ(as<codec::disconnect_view>(got[0])->reason, tc.expected);
        } else {
            EXPECT_TRUE(got.empty());
        }
        EXPECT_TRUE(bad.closed());
        // later packets for the closed id are ignored (MQTT-3.1.4-5 v3.1.1 in spirit)
        bad.pingreq();
        EXPECT_TRUE(bad.take().empty());
        EXPECT_EQ(h.transport.sends_after_close, 0u);

        std::vector<received> keep;
        EXPECT_EQ(good.publishes(keep).size(), 1u);
        good.pingreq();
        EXPECT_EQ(good.take().size(), 1u);
        EXPECT_FALSE(good.closed());
        auto back = h.connected(v(), "offline", persistent);
        EXPECT_EQ(back.publishes(keep).size(), 1u);
        EXPECT_EQ(h.eng.stats().protocol_errors, 1u);
    }
}

// Server-only packet types from a client are a protocol error (v5 DISCONNECT 0x82)
TEST_P(BadInput, ServerPacketFromClientIsProtocolError) {
    harness h;
    auto c = h.connected(v(), "c");
    auto other = h.connected(v(), "other");
    c.send(codec::pingresp_view{});
    auto got = c.take();
    if (v5()) {
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(as<codec::disconnect_view>(got[0])->reason, reason_code::protocol_error);
    }
    EXPECT_TRUE(c.closed());
    EXPECT_FALSE(other.closed());
}

// MQTT-4.13.2-1 (v5), MQTT-3.14.4-1/2 (v5): after a DISCONNECT >= 0x80 nothing more is sent and it is closed,
// even when other clients keep publishing to it
TEST(BadInputV5, MQTT_4_13_2_1_NothingAfterDisconnect) {
    harness h;
    auto c = h.connected(protocol_version::v5, "c");
    c.subscribe(1, {{"t"}});
    c.take();
    auto pub = h.connected(protocol_version::v5, "pub");
    h.eng.on_decode_error(c.id(), codec::error{codec::errc::malformed_property, 5}, h.now);
    pub.publish("t", "x");
    EXPECT_EQ(c.take().size(), 1u);
    EXPECT_EQ(h.transport.sends_after_close, 0u);
}

// A will whose client broke the protocol is still published (the close is not a normal DISCONNECT)
TEST_P(BadInput, ProtocolErrorPublishesWill) {
    harness h;
    auto watcher = h.connected(v(), "watcher");
    watcher.subscribe(1, {{"w"}});
    watcher.take();
    connect_options o;
    o.will = connect_options::will_spec{"w", "bye", qos::at_most_once, false, {}};
    auto c = h.connected(v(), "c", o);
    h.eng.on_decode_error(c.id(), codec::error{codec::errc::malformed_remaining_length, 1}, h.now);
    std::vector<received> keep;
    EXPECT_EQ(watcher.publishes(keep).size(), 1u);
}

TEST_P(BadInput, ShutdownDisconnectsEveryone) {
    harness h;
    auto a = h.connected(v(), "a");
    auto b = h.connected(v(), "b");
    h.eng.shutdown(h.now);
    EXPECT_TRUE(a.closed());
    EXPECT_TRUE(b.closed());
    auto got = a.take();
    if (v5()) {
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(as<codec::disconnect_view>(got[0])->reason, reason_code::server_shutting_down);
    }
    EXPECT_EQ(h.eng.stats().clients_connected, 0u);
}

}  // namespace
}  // namespace mqtt::broker::test
