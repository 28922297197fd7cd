// Hostile input over the socket: the server stays up, serves other clients, and frees what the bad ones held.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "integration/support/interop.hpp"
#include "integration/support/raw_client.hpp"

namespace {

using namespace mqttd_test;

// A well-behaved client still gets through: CONNECT, SUBSCRIBE, PUBLISH to itself.
void expect_service(running_broker& b, const std::string& id) {
    raw_client c(b.port());
    ASSERT_TRUE(c.handshake(id));
    ASSERT_TRUE(c.send(subscribe_v311(1, "check/" + id, 0)));
    auto suback = c.read_packet();
    ASSERT_TRUE(suback && suback->type() == 9);
    ASSERT_TRUE(c.send(publish_v311("check/" + id, "alive")));
    auto p = c.read_packet();
    ASSERT_TRUE(p && p->type() == 3) << "no PUBLISH back";
}

bool all_released(running_broker& b) {
    return b.wait_for([](const auto&, const auto& s) { return s.connections == 0 && s.buffer_capacity == 0; });
}

TEST(BadInput, GarbageBytesCloseOnlyThatConnection) {
    running_broker b;
    raw_client bad(b.port());
    ASSERT_TRUE(bad.send(bytes(64, 0xFF)));
    EXPECT_TRUE(bad.wait_closed(5s));
    expect_service(b, "after-garbage");
    EXPECT_TRUE(all_released(b));
    EXPECT_GE(b.stats().decode_errors, 1U);
}

TEST(BadInput, ConnectThatNeverFinishesTimesOut) {
    running_broker b;  // connect_timeout 2 s in test settings
    raw_client slow(b.port());
    auto connect = connect_v311("never-finishes");
    connect.resize(7);  // fixed header and part of the protocol name
    ASSERT_TRUE(slow.send(connect));
    expect_service(b, "meanwhile");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(slow.wait_closed(6s));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 500ms);
    EXPECT_TRUE(all_released(b));
}

TEST(BadInput, HugeRemainingLengthBeforeConnectIsRefusedAtOnce) {
    running_broker b;
    raw_client bad(b.port());
    ASSERT_TRUE(bad.send({0x10, 0xFF, 0xFF, 0xFF, 0x7F}));  // CONNECT claiming 268,435,455 bytes (256 MB)
    EXPECT_TRUE(bad.wait_closed(3s));
    expect_service(b, "after-huge-connect");
    EXPECT_TRUE(all_released(b));
}

TEST(BadInput, HugePublishAboveMaxPacketSizeDisconnects) {
    auto s = test_settings();
    s.engine.max_packet_size = 1U << 20;
    running_broker b(s);
    raw_client bad(b.port());
    ASSERT_TRUE(bad.handshake("huge-publish"));
    ASSERT_TRUE(bad.send({0x30, 0xFF, 0xFF, 0xFF, 0x7F}));  // PUBLISH claiming 256 MB
    EXPECT_TRUE(bad.wait_closed(3s));
    expect_service(b, "after-huge-publish");
    EXPECT_TRUE(all_released(b));
}

TEST(BadInput, PartialHugePublishIsFreedWhenTheClientGoes) {
    running_broker b;  // default max_packet_size: a 256 MB packet is allowed, and buffered as it arrives
    {
        raw_client big(b.port());
        ASSERT_TRUE(big.handshake("partial-huge"));
        bytes chunk{0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x01, 'x'};
        chunk.resize(8U << 20, 'y');  // 8 MB of the 256 MB
        ASSERT_TRUE(big.send(chunk, 10s));
        ASSERT_TRUE(b.wait_for([](const auto&, const auto& s) { return s.bytes_buffered_in >= (8U << 20) - 64; }));
        expect_service(b, "during-partial");
    }  // the client disconnects mid-packet
    EXPECT_TRUE(all_released(b));
}

TEST(BadInput, ThousandsOfSilentConnectionsAreServedAroundAndReleased) {
    running_broker b;
    constexpr int silent_count = 1500;
    std::vector<std::unique_ptr<raw_client>> silent;
    silent.reserve(silent_count);
    for (int i = 0; i < silent_count; ++i) silent.push_back(std::make_unique<raw_client>(b.port()));
    ASSERT_TRUE(b.wait_for([](const auto&, const auto& s) { return s.connections >= silent_count; }));
    expect_service(b, "among-silent");
    const auto r = run(mosquitto_args("mosquitto_pub", b, "mqttv5", {"-t", "x", "-m", "y"}), 10s);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    // connect_timeout (2 s) closes every one of them.
    ASSERT_TRUE(b.wait_for([](const auto&, const auto& s) { return s.connections == 0; }, 15s))
        << b.stats().connections << " still open";
    for (auto& c : silent) EXPECT_TRUE(c->wait_closed(1s));
    EXPECT_TRUE(all_released(b));
}

TEST(BadInput, MaxConnectionsRefusesTheExtraOnes) {
    auto s = test_settings();
    s.max_connections = 3;
    running_broker b(s);
    std::vector<std::unique_ptr<raw_client>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<raw_client>(b.port()));
        ASSERT_TRUE(held.back()->handshake("held-" + std::to_string(i)));
    }
    raw_client extra(b.port());
    EXPECT_TRUE(extra.wait_closed(3s));
    EXPECT_EQ(b.stats().refused_max_connections, 1U);
    held.pop_back();
    ASSERT_TRUE(b.wait_for([](const auto&, const auto& st) { return st.connections == 2; }));
    expect_service(b, "after-one-left");
}

}  // namespace
