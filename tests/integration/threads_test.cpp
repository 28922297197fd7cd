// The threaded server: connections are spread round-robin over the I/O threads (connection ids 1, 2, 3, ... go
// to threads 1 % N, 2 % N, ...), so consecutive clients land on different threads. These tests check what crosses
// threads: delivery and its order, session takeover, and engine deadlines set by a connection whose thread does
// not own the timer.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "integration/support/interop.hpp"
#include "integration/support/raw_client.hpp"

namespace {

using namespace mqttd_test;

mqttd::settings with_threads(unsigned n) {
    auto s = test_settings();
    s.threads = n;
    return s;
}

struct received_publish {
    std::string topic;
    std::string payload;
    std::uint16_t packet_id = 0;
};

received_publish parse_publish(const raw_packet& p) {
    received_publish r;
    const auto& b = p.body;
    const std::size_t topic_len = (std::size_t{b.at(0)} << 8) | b.at(1);
    r.topic.assign(b.begin() + 2, b.begin() + 2 + static_cast<std::ptrdiff_t>(topic_len));
    std::size_t at = 2 + topic_len;
    if (((p.first_byte >> 1) & 3) != 0) {
        r.packet_id = static_cast<std::uint16_t>((b.at(at) << 8) | b.at(at + 1));
        at += 2;
    }
    r.payload.assign(b.begin() + static_cast<std::ptrdiff_t>(at), b.end());
    return r;
}

bytes puback(std::uint16_t id) {
    return {0x40, 0x02, static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id & 0xFF)};
}

class ThreadsFan : public ::testing::TestWithParam<unsigned> {};

// MQTT-4.6.0-6 (3.1.1) / MQTT-4.6.0-5 (5.0): every subscriber gets every publisher's messages in the order it
// sent them, whichever threads the publisher and the subscriber are on.
TEST_P(ThreadsFan, MQTT_4_6_0_6_Qos1FromEveryThreadReachesEverySubscriberInOrder) {
    running_broker b(with_threads(GetParam()));
    constexpr int clients = 4;
    constexpr int messages = 200;
    std::vector<std::unique_ptr<raw_client>> subs;
    std::vector<std::unique_ptr<raw_client>> pubs;
    for (int i = 0; i < clients; ++i) {
        subs.push_back(std::make_unique<raw_client>(b.port()));
        ASSERT_TRUE(subs.back()->handshake("sub-" + std::to_string(i)));
        ASSERT_TRUE(subs.back()->send(subscribe_v311(1, "fan/+", 1)));
        auto suback = subs.back()->read_packet();
        ASSERT_TRUE(suback && suback->type() == 9);
        pubs.push_back(std::make_unique<raw_client>(b.port()));
        ASSERT_TRUE(pubs.back()->handshake("pub-" + std::to_string(i)));
    }
    for (int i = 0; i < clients; ++i) {
        bytes burst;
        for (int m = 0; m < messages; ++m) {
            const auto p = publish_v311("fan/" + std::to_string(i), std::to_string(i) + ":" + std::to_string(m), 1,
                                        static_cast<std::uint16_t>(m + 1));
            burst.insert(burst.end(), p.begin(), p.end());
        }
        ASSERT_TRUE(pubs[static_cast<std::size_t>(i)]->send(burst));
    }
    for (auto& p : pubs) {
        for (int m = 0; m < messages; ++m) {  // MQTT-4.3.2-2 (3.1.1): one PUBACK with each PUBLISH's id
            auto ack = p->read_packet();
            ASSERT_TRUE(ack && ack->type() == 4 && ack->body.size() == 2) << "PUBACK " << m;
            EXPECT_EQ((ack->body[0] << 8) | ack->body[1], m + 1);
        }
    }
    for (auto& s : subs) {
        std::map<std::string, int> next;  // publisher -> next expected sequence number
        for (int n = 0; n < clients * messages; ++n) {
            auto p = s->read_packet();
            ASSERT_TRUE(p && p->type() == 3) << "message " << n << " missing";
            const auto r = parse_publish(*p);
            ASSERT_TRUE(s->send(puback(r.packet_id)));
            const auto colon = r.payload.find(':');
            ASSERT_NE(colon, std::string::npos);
            const auto from = r.payload.substr(0, colon);
            EXPECT_EQ(r.topic, "fan/" + from);
            EXPECT_EQ(std::stoi(r.payload.substr(colon + 1)), next[from]++) << "out of order from publisher " << from;
        }
        EXPECT_EQ(next.size(), static_cast<std::size_t>(clients));
    }
    EXPECT_EQ(b.engine_stats().messages_sent, std::uint64_t{clients} * clients * messages);
}

INSTANTIATE_TEST_SUITE_P(Threads, ThreadsFan, ::testing::Values(1U, 2U, 3U),
                         [](const auto& p) { return std::to_string(p.param) + "_threads"; });

// MQTT-3.1.4-2 (3.1.1): a second CONNECT with the same client id disconnects the first, here from the other thread.
TEST(Threads, MQTT_3_1_4_2_TakeoverClosesTheConnectionOnTheOtherThread) {
    running_broker b(with_threads(2));
    raw_client first(b.port());  // connection 1: thread 1
    ASSERT_TRUE(first.handshake("same-id"));
    raw_client second(b.port());  // connection 2: thread 0
    ASSERT_TRUE(second.handshake("same-id"));
    EXPECT_TRUE(first.wait_closed(5s));
    ASSERT_TRUE(second.send({0xC0, 0x00}));  // PINGREQ
    auto pong = second.read_packet();
    ASSERT_TRUE(pong && pong->type() == 13);
    EXPECT_EQ(b.engine_stats().clients_connected, 1U);
}

// MQTT-3.1.2-24 (3.1.1) / MQTT-3.1.2-22 (5.0): keep alive 1 s, then silence: closed after 1.5 s. Thread 0 holds the
// engine's only timer and its loop sleeps up to 30 s here, so the close of a connection on thread 1 (alone, so that
// nothing on thread 0 arms that timer) shows that a deadline set on another thread re-arms it.
TEST(Threads, MQTT_3_1_2_24_KeepAliveExpiresForConnectionsOnEveryThread) {
    auto s = with_threads(2);
    s.engine.connect_timeout = 20s;  // its deadline must not be what wakes thread 0 in time
    running_broker b(s, 30s);
    for (const char* id : {"ka-on-thread-1", "ka-on-thread-0"}) {  // connection ids 1 and 2
        raw_client c(b.port());
        ASSERT_TRUE(c.send(connect_v311(id, 1)));
        auto ack = c.read_packet();
        ASSERT_TRUE(ack && ack->type() == 2);
        const auto start = std::chrono::steady_clock::now();
        EXPECT_TRUE(c.wait_closed(5s)) << id;
        const auto took = std::chrono::steady_clock::now() - start;
        EXPECT_GE(took, 1400ms) << id;
        EXPECT_LT(took, 5s) << id;
    }
}

}  // namespace
