// Password file, mqttd-passwd and ACL file end to end with mosquitto_pub/mosquitto_sub, MQTT 3.1.1 and 5.0:
// wrong passwords and anonymous clients are refused (CONNACK 4/5 in 3.1.1, 0x86/0x87 in 5.0, MQTT-3.1.4-2),
// refused subscriptions get 0x80 / 0x87, refused QoS 1 publishes are acknowledged and dropped in 3.1.1
// (MQTT-3.3.5-2) and get PUBACK 0x87 in 5.0; every refusal is logged.
#include <gtest/gtest.h>

#include <fstream>

#include "integration/support/interop.hpp"

namespace {

using namespace mqttd_test;

mqttd::settings secured_settings() {
    const auto dir = make_temp_dir("security");
    const std::string passwd = dir + "/passwd";
    const auto add_user = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {MQTTD_PASSWD_BINARY, "-b", "-I", "1000"});
        const auto r = run(args, 30s);
        if (r.exit_code != 0) throw std::runtime_error("mqttd-passwd failed: " + r.output);
    };
    add_user({"-c", passwd, "alice", "wonderland"});  // -c creates the file
    add_user({passwd, "bob", "builder"});
    const std::string acl = dir + "/acl";
    std::ofstream(acl) << "user alice\n"
                          "topic readwrite room/#\n"
                          "topic deny room/secret\n"
                          "user bob\n"
                          "topic write room/+\n"
                          "pattern read inbox/%u\n";
    auto s = test_settings();
    s.access.password_file = passwd;
    s.access.acl_file = acl;
    return s;
}

class Security : public ::testing::TestWithParam<std::string> {
protected:
    bool v5() const { return GetParam() == "mqttv5"; }
    std::vector<std::string> tool(const char* name, std::vector<std::string> more) {
        return mosquitto_args(name, broker, GetParam(), std::move(more));
    }
    running_broker broker{secured_settings()};
};

TEST_P(Security, RightPasswordConnectsWrongOneAndAnonymousAreRefused) {
    const auto ok = run(tool("mosquitto_pub", {"-u", "alice", "-P", "wonderland", "-t", "room/1", "-m", "x"}), 10s);
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    const auto wrong = run(tool("mosquitto_pub", {"-u", "alice", "-P", "Wonderland", "-t", "room/1", "-m", "x"}), 10s);
    // mosquitto_pub exits with the CONNACK code: 0x86 (134) / 3.1.1 code 4 bad user name or password, 0x87 (135) /
    // 3.1.1 code 5 not authorized.
    EXPECT_EQ(wrong.exit_code, v5() ? 134 : 4);
    EXPECT_NE(wrong.output.find(v5() ? "Bad User Name or Password" : "bad user name or password"), std::string::npos)
        << wrong.output;
    const auto anonymous = run(tool("mosquitto_pub", {"-t", "room/1", "-m", "x"}), 10s);
    EXPECT_EQ(anonymous.exit_code, v5() ? 135 : 5);
    EXPECT_NE(anonymous.output.find(v5() ? "Not authorized" : "not authorised"), std::string::npos)
        << anonymous.output;
    EXPECT_FALSE(wait_for_log(broker.log_path(), "refused: wrong password or unknown user for user 'alice'").empty());
    EXPECT_FALSE(wait_for_log(broker.log_path(), "refused: anonymous clients are not allowed").empty());
}

TEST_P(Security, AclRefusesSubscriptionsWithTheVersionsCode) {
    // -d prints "Subscribed (mid: 1): <granted>": 0x80 (128) in 3.1.1 (MQTT-3.8.4-5,
    // MQTT-3.9.3-2 v3.1.1), 0x87 (135) in 5.0 (MQTT-3.8.4-7, MQTT-3.9.3-2 v5).
    const auto r = run(tool("mosquitto_sub", {"-d", "-u", "bob", "-P", "builder", "-t", "room/#", "-W", "1"}), 10s);
    EXPECT_NE(r.output.find(v5() ? "Subscribed (mid: 1): 135" : "Subscribed (mid: 1): 128"), std::string::npos)
        << r.output;
    EXPECT_FALSE(wait_for_log(broker.log_path(), "denied SUBSCRIBE from client .* \\(user 'bob'\\) to 'room/#'").empty());
}

TEST_P(Security, AclDecidesWhatIsPublishedAndDelivered) {
    process s(tool("mosquitto_sub", {"-u", "alice", "-P", "wonderland", "-t", "room/#", "-v", "-C", "2", "-W", "10"}));
    ASSERT_TRUE(wait_subscriptions(broker, 1)) << s.output_so_far();
    const auto pub = [&](const char* user, const char* password, const char* topic, const char* payload) {
        return run(tool("mosquitto_pub", {"-d", "-q", "1", "-u", user, "-P", password, "-t", topic, "-m", payload}),
                   10s);
    };
    EXPECT_EQ(pub("bob", "builder", "room/1", "from bob").exit_code, 0);
    // bob may not write below room/+; alice may not touch room/secret even though room/# is hers.
    const auto refused = pub("bob", "builder", "room/1/deep", "refused");
    EXPECT_NE(refused.output.find(v5() ? "RC:135" : "received PUBACK"), std::string::npos) << refused.output;
    (void)pub("alice", "wonderland", "room/secret", "refused too");
    EXPECT_EQ(pub("alice", "wonderland", "room/2", "from alice").exit_code, 0);
    const auto r = s.wait(10s);
    EXPECT_EQ(r.output, "room/1 from bob\nroom/2 from alice\n");
    EXPECT_FALSE(wait_for_log(broker.log_path(), "denied PUBLISH from client .* \\(user 'bob'\\) to 'room/1/deep'").empty());
}

TEST_P(Security, PatternGivesEachUserTheirOwnInbox) {
    const auto bob_own = run(tool("mosquitto_sub", {"-d", "-u", "bob", "-P", "builder", "-t", "inbox/bob", "-W", "1"}), 10s);
    EXPECT_NE(bob_own.output.find("Subscribed (mid: 1): 0"), std::string::npos)
        << bob_own.output;
    const auto other = run(tool("mosquitto_sub", {"-d", "-u", "bob", "-P", "builder", "-t", "inbox/alice", "-W", "1"}), 10s);
    EXPECT_NE(other.output.find(v5() ? "Subscribed (mid: 1): 135" : "Subscribed (mid: 1): 128"), std::string::npos)
        << other.output;
}

INSTANTIATE_TEST_SUITE_P(Versions, Security, ::testing::Values("mqttv311", "mqttv5"),
                         [](const auto& param_info) { return param_info.param == "mqttv5" ? "V5" : "V311"; });

}  // namespace
