// Interop with Mosquitto's own command-line clients, MQTT 3.1.1 and 5.0.
#include <gtest/gtest.h>

#include <csignal>

#include "integration/support/interop.hpp"

namespace {

using namespace mqttd_test;

class MosquittoClients : public ::testing::TestWithParam<std::string> {
protected:
    std::vector<std::string> sub(std::vector<std::string> more) {
        return mosquitto_args("mosquitto_sub", broker, GetParam(), std::move(more));
    }
    std::vector<std::string> pub(std::vector<std::string> more) {
        return mosquitto_args("mosquitto_pub", broker, GetParam(), std::move(more));
    }
    void publish(std::vector<std::string> more) {
        const auto r = run(pub(std::move(more)), 10s);
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    running_broker broker;
};

TEST_P(MosquittoClients, WildcardSubscriptionsGetOnlyMatchingTopics) {
    process s(sub({"-t", "sensors/+/temp", "-t", "alerts/#", "-v", "-C", "3", "-W", "10"}));
    ASSERT_TRUE(wait_subscriptions(broker, 2)) << s.output_so_far();
    publish({"-t", "sensors/kitchen/temp", "-m", "21"});
    publish({"-t", "sensors/kitchen/humidity", "-m", "no"});
    publish({"-t", "alerts/fire/now", "-m", "yes"});
    publish({"-t", "alerts", "-m", "parent"});  // '#' also matches the parent level (MQTT-4.7.1-2)
    const auto r = s.wait(10s);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "sensors/kitchen/temp 21\nalerts/fire/now yes\nalerts parent\n");
}

TEST_P(MosquittoClients, QosZeroOneTwoEndToEnd) {
    for (const char* q : {"0", "1", "2"}) {
        SCOPED_TRACE(std::string("qos ") + q);
        const std::string topic = std::string("qos/") + q;
        process s(sub({"-t", topic, "-q", q, "-C", "1", "-W", "10", "-v", "-i", std::string("sub-q") + q}));
        ASSERT_TRUE(wait_clients(broker, 1)) << s.output_so_far();
        ASSERT_TRUE(wait_subscriptions(broker, 1)) << s.output_so_far();
        publish({"-t", topic, "-q", q, "-m", std::string("payload at qos ") + q});
        const auto r = s.wait(10s);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        EXPECT_EQ(r.output, topic + " payload at qos " + q + "\n");
        ASSERT_TRUE(wait_clients(broker, 0));
        ASSERT_TRUE(broker.wait_for([](const auto& e, const auto&) { return e.subscriptions == 0; }));
    }
}

TEST_P(MosquittoClients, LargePayloadArrivesWhole) {
    const std::string big(100'000, 'z');
    process s(sub({"-t", "big", "-q", "1", "-C", "1", "-W", "10"}));
    ASSERT_TRUE(wait_subscriptions(broker, 1)) << s.output_so_far();
    publish({"-t", "big", "-q", "1", "-m", big});
    const auto r = s.wait(10s);
    ASSERT_EQ(r.exit_code, 0) << r.output.substr(0, 200);
    EXPECT_EQ(r.output, big + "\n");
}

TEST_P(MosquittoClients, RetainedMessageGoesToLaterSubscribers) {
    publish({"-t", "state/door", "-r", "-q", "1", "-m", "open"});
    const auto r = run(sub({"-t", "state/#", "-C", "1", "-W", "5", "-v"}), 10s);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "state/door open\n");
    publish({"-t", "state/door", "-r", "-n"});  // an empty retained message clears it
    const auto none = run(sub({"-t", "state/#", "-C", "1", "-W", "1"}), 10s);
    EXPECT_EQ(none.output.find("open"), std::string::npos) << "retained message not cleared: " << none.output;
}

TEST_P(MosquittoClients, WillIsPublishedWhenTheClientIsKilled) {
    process watcher(sub({"-t", "wills/#", "-C", "1", "-W", "10", "-v"}));
    ASSERT_TRUE(wait_subscriptions(broker, 1)) << watcher.output_so_far();
    process doomed(sub({"-t", "ignored", "-i", "doomed", "--will-topic", "wills/doomed", "--will-payload", "gone",
                        "--will-qos", "1"}));
    ASSERT_TRUE(wait_subscriptions(broker, 2)) << doomed.output_so_far();
    doomed.kill(SIGKILL);
    const auto r = watcher.wait(10s);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "wills/doomed gone\n");
}

TEST_P(MosquittoClients, PersistentSessionKeepsMessagesWhileOffline) {
    const std::string id = "persistent-" + GetParam();
    // Subscribe with a persistent session (-c; for 5.0 it sets an infinite session expiry), then leave.
    auto first = run(sub({"-t", "offline/t", "-q", "1", "-c", "-i", id, "-E"}), 10s);
    ASSERT_EQ(first.exit_code, 0) << first.output;
    ASSERT_TRUE(wait_clients(broker, 0));
    publish({"-t", "offline/t", "-q", "1", "-m", "while you were away"});
    auto back = run(sub({"-t", "offline/t", "-q", "1", "-c", "-i", id, "-C", "1", "-W", "5"}), 10s);
    ASSERT_EQ(back.exit_code, 0) << back.output;
    EXPECT_EQ(back.output, "while you were away\n");
}

INSTANTIATE_TEST_SUITE_P(Versions, MosquittoClients, ::testing::Values("mqttv311", "mqttv5"),
                         [](const auto& param_info) { return param_info.param == "mqttv5" ? "V5" : "V311"; });

}  // namespace
