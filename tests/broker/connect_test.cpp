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

}  // namespace
}  // namespace mqtt::broker::test
