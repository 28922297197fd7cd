// Slow consumers: QoS 0 is dropped above output_soft_limit; required output above output_hard_limit disconnects.
#include <gtest/gtest.h>

#include "integration/support/interop.hpp"
#include "integration/support/raw_client.hpp"

namespace {

using namespace mqttd_test;

TEST(OutputLimits, SlowSubscriberLosesQos0ButMemoryStaysBounded) {
    auto s = test_settings();
    s.output_soft_limit = 64U << 10;
    running_broker b(s);
    raw_client slow(b.port(), 4096);  // small receive buffer, and it never reads after SUBACK
    ASSERT_TRUE(slow.handshake("slow"));
    ASSERT_TRUE(slow.send(subscribe_v311(1, "flood/#", 0)));
    ASSERT_TRUE(slow.read_packet());
    raw_client fast(b.port());
    ASSERT_TRUE(fast.handshake("fast"));
    const std::string payload(1000, 'p');
    bytes burst;
    for (int i = 0; i < 10000; ++i) {
        const auto p = publish_v311("flood/x", payload);
        burst.insert(burst.end(), p.begin(), p.end());
    }
    ASSERT_TRUE(fast.send(burst, 10s));
    ASSERT_TRUE(b.wait_for([](const auto&, const auto& st) { return st.dropped_qos0 > 0; }));
    const auto st = b.stats();
    EXPECT_LE(st.bytes_buffered_out, (64U << 10) + 2000U);
    EXPECT_EQ(st.output_overflows, 0U);
    // Both are still connected and the publisher is still served.
    ASSERT_TRUE(fast.send({0xC0, 0x00}));  // PINGREQ
    auto pong = fast.read_packet();
    ASSERT_TRUE(pong && pong->type() == 13);
    EXPECT_EQ(b.engine_stats().clients_connected, 2U);
}

TEST(OutputLimits, RequiredOutputAboveHardLimitDisconnects) {
    auto s = test_settings();
    s.output_hard_limit = 256U << 10;
    running_broker b(s);
    raw_client slow(b.port());
    ASSERT_TRUE(slow.handshake("slow-qos1"));
    ASSERT_TRUE(slow.send(subscribe_v311(1, "heavy/#", 1)));
    ASSERT_TRUE(slow.read_packet());
    raw_client fast(b.port());
    ASSERT_TRUE(fast.handshake("fast-qos1"));
    const std::string payload(100'000, 'q');
    for (std::uint16_t i = 1; i <= 90; ++i) {  // 9 MB of QoS 1 inside the default inflight window
        ASSERT_TRUE(fast.send(publish_v311("heavy/x", payload, 1, i), 10s));
        if (!fast.read_packet(5s)) break;  // PUBACK
    }
    ASSERT_TRUE(b.wait_for([](const auto&, const auto& st) { return st.output_overflows == 1; }))
        << "buffered out " << b.stats().bytes_buffered_out << ", sent " << b.engine_stats().messages_sent
        << ", received " << b.engine_stats().messages_received;
    EXPECT_EQ(b.stats().connections, 1U);
    EXPECT_EQ(b.engine_stats().clients_connected, 1U);
    EXPECT_TRUE(slow.wait_closed(30s));
    ASSERT_TRUE(fast.send({0xC0, 0x00}));
    auto pong = fast.read_packet();
    ASSERT_TRUE(pong && pong->type() == 13);
}

}  // namespace
