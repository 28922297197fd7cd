// mqttd's engine gate without sockets or threads: who gets the engine's output at a hand-over (the owner, or the
// producing worker on loan), in which byte order, which workers are woken, and when a connection may be freed.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine_gate.hpp"

namespace {

using mqttd::connection;
using mqttd::engine_gate;
namespace broker = mqtt::broker;

std::span<const std::byte> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::string text_of(const mqtt::tools::byte_buffer& b) {
    const auto r = b.readable();
    return {reinterpret_cast<const char*>(r.data()), r.size()};
}

struct EngineGate : ::testing::Test {
    EngineGate() {
        s.log.destination = mqttd::log_destination::none;
        log.configure(s.log);
        gate = std::make_unique<engine_gate>(s, log, 2, [this](unsigned k) { woken.push_back(k); });
        engine_gate::access a(*gate, 0);
        for (broker::connection_id id : {1U, 2U}) {  // connection 1 on worker 1, connection 2 on worker 0
            auto c = std::make_unique<connection>(id, "127.0.0.1:1", &listener, static_cast<unsigned>(id % 2));
            conns.push_back(c.get());
            gate->count_accepted();
            gate->adopt(std::move(c));
        }
    }

    // Worker `k` sends `text` to connection `id` (as the engine would during k's engine calls) and hands over.
    struct handed {
        std::vector<broker::connection_id> taken, lent;
    };
    handed send_and_hand_over(unsigned k, broker::connection_id id, const std::string& text) {
        handed h;
        engine_gate::access a(*gate, k);
        gate->send(id, bytes_of(text), broker::delivery::required);
        gate->hand_over(k, [&h](connection& c) { h.taken.push_back(c.id); },
                        [&h](connection& c) { h.lent.push_back(c.id); });
        return h;
    }
    handed hand_over_only(unsigned k) {
        handed h;
        engine_gate::access a(*gate, k);
        gate->hand_over(k, [&h](connection& c) { h.taken.push_back(c.id); },
                        [&h](connection& c) { h.lent.push_back(c.id); });
        return h;
    }

    mqttd::settings s;
    mqttd::logger log;
    std::string listener = "test";
    std::vector<unsigned> woken;
    std::unique_ptr<engine_gate> gate;
    std::vector<connection*> conns;  // [0]: id 1, owner 1; [1]: id 2, owner 0
};

TEST_F(EngineGate, OutputForAnIdleOwnersSocketIsLentToTheProducerWithoutWakingTheOwner) {
    const auto h = send_and_hand_over(0, 1, "abc");
    EXPECT_TRUE(h.taken.empty());
    EXPECT_EQ(h.lent, std::vector<broker::connection_id>{1});
    EXPECT_TRUE(conns[0]->lent);
    EXPECT_TRUE(woken.empty());
}

TEST_F(EngineGate, OutputForABusyOwnersSocketGoesToItsOutboxWithoutAWakeUp) {
    gate->busy(1);
    auto h = send_and_hand_over(0, 1, "abc");
    EXPECT_TRUE(h.lent.empty());
    EXPECT_TRUE(woken.empty());  // a busy worker hands over again before it sleeps
    h = hand_over_only(1);  // worker 1's own hand-over takes it
    EXPECT_EQ(h.taken, std::vector<broker::connection_id>{1});
    EXPECT_FALSE(conns[0]->lent);
}

TEST_F(EngineGate, WhileLentNewerOutputWaitsAndWhatTheSocketDidNotTakeKeepsItsPlaceInFront) {
    ASSERT_EQ(send_and_hand_over(0, 1, "first").lent.size(), 1U);
    mqtt::tools::byte_buffer on_loan = std::exchange(conns[0]->pending, {});
    const auto h = send_and_hand_over(0, 1, "-second");
    EXPECT_TRUE(h.lent.empty()) << "a connection is lent to one worker at a time";
    EXPECT_EQ(woken, std::vector<unsigned>{1});  // the idle owner is woken for it
    on_loan.consume(2);  // the socket took "fi"
    {
        engine_gate::access a(*gate, 0);
        gate->give_back(*conns[0], std::move(on_loan));
    }
    EXPECT_FALSE(conns[0]->lent);
    EXPECT_EQ(text_of(conns[0]->pending), "rst-second");
    const auto owner = hand_over_only(1);
    EXPECT_EQ(owner.taken, std::vector<broker::connection_id>{1});
}

TEST_F(EngineGate, OwnerWithUnsentBytesKeepsItsSocketToItself) {
    conns[0]->unsent.store(10);
    const auto h = send_and_hand_over(0, 1, "x");
    EXPECT_TRUE(h.lent.empty()) << "bytes would overtake the owner's unsent ones";
    EXPECT_EQ(woken, std::vector<unsigned>{1});
}

TEST_F(EngineGate, ALentConnectionIsFreedOnlyAfterItIsGivenBack) {
    ASSERT_EQ(send_and_hand_over(0, 1, "abc").lent.size(), 1U);
    engine_gate::access a(*gate, 1);
    EXPECT_FALSE(gate->forget(1));
    EXPECT_EQ(gate->open_connections(), 2U);
    gate->give_back(*conns[0], {});
    EXPECT_TRUE(gate->forget(1));
    EXPECT_EQ(gate->open_connections(), 1U);
}

TEST_F(EngineGate, Qos0AboveTheSoftLimitIsDroppedAndCounted) {
    gate->set_limits({4, s.output_hard_limit, s.max_connect_packet_size, s.close_linger});
    engine_gate::access a(*gate, 0);
    gate->send(2, bytes_of("abc"), broker::delivery::droppable);
    gate->send(2, bytes_of("def"), broker::delivery::droppable);  // 6 bytes > 4: dropped
    gate->send(2, bytes_of("ghi"), broker::delivery::required);   // required output is never dropped
    EXPECT_EQ(text_of(conns[1]->pending), "abcghi");
    EXPECT_EQ(gate->counters.dropped_qos0.load(), 1U);
}

}  // namespace
