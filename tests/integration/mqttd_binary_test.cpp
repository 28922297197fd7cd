// The mqttd executable itself: command line, configuration errors, logging, SIGHUP and SIGTERM.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "integration/support/interop.hpp"

namespace {

using namespace mqttd_test;

TEST(MqttdBinary, HelpAndVersion) {
    const auto help = run({MQTTD_BINARY, "--help"}, 10s);
    EXPECT_EQ(help.exit_code, 0);
    for (const char* opt : {"-p,--port", "-c,--config", "-v,--verbose", "--version"})
        EXPECT_NE(help.output.find(opt), std::string::npos) << opt << "\n" << help.output;
    const auto version = run({MQTTD_BINARY, "--version"}, 10s);
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_NE(version.output.find("mqttd "), std::string::npos) << version.output;
}

TEST(MqttdBinary, BadConfigNamesFileLineAndOption) {
    const auto dir = make_temp_dir("badconf");
    std::ofstream(dir + "/bad.conf") << "listener 0 127.0.0.1\nmax_packet_size lots\n";
    const auto r = run({MQTTD_BINARY, "-c", dir + "/bad.conf"}, 10s);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find(dir + "/bad.conf:2: max_packet_size: expected a number"), std::string::npos) << r.output;
    const auto missing = run({MQTTD_BINARY, "-c", dir + "/missing.conf"}, 10s);
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.output.find("cannot open configuration file"), std::string::npos) << missing.output;
    const auto bad_port = run({MQTTD_BINARY, "-p", "70000"}, 10s);
    EXPECT_NE(bad_port.exit_code, 0);
}

TEST(MqttdBinary, LogsConnectionsReloadsOnHupStopsOnTerm) {
    const auto dir = make_temp_dir("binary");
    const auto log = dir + "/mqttd.log";
    std::ofstream(dir + "/mqttd.conf") << "listener 0 127.0.0.1\nlog_dest file " << log
                                       << "\npersistence true\npersistence_location " << dir << "\n";
    process mqttd({MQTTD_BINARY, "-c", dir + "/mqttd.conf", "--threads", "2"});
    const auto port = wait_for_log(log, R"(listening on 127\.0\.0\.1:(\d+))");
    ASSERT_FALSE(port.empty()) << read_text(log) << mqttd.output_so_far();
    EXPECT_FALSE(wait_for_log(log, "2 I/O threads").empty()) << read_text(log);
    EXPECT_NE(read_text(log).find("persistence: store " + dir + "/mqttd.db"), std::string::npos) << read_text(log);

    const auto pub = run({"mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-i", "binary-test", "-t", "t", "-m", "x"},
                         10s);
    EXPECT_EQ(pub.exit_code, 0) << pub.output;
    EXPECT_FALSE(wait_for_log(log, R"(New client connected from 127\.0\.0\.1:\d+ as binary-test)").empty()) << read_text(log);
    EXPECT_FALSE(wait_for_log(log, R"(Client binary-test \(127\.0\.0\.1:\d+\) disconnected)").empty()) << read_text(log);

    mqttd.kill(SIGHUP);
    EXPECT_FALSE(wait_for_log(log, "SIGHUP: reloaded").empty()) << read_text(log);

    mqttd.kill(SIGTERM);
    const auto r = mqttd.wait(10s);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(read_text(log).find("SIGTERM received: shutting down"), std::string::npos) << read_text(log);
}

class MqttdBinaryThreads : public ::testing::TestWithParam<int> {};

TEST_P(MqttdBinaryThreads, GracefulShutdownDisconnectsV5ClientsAndSendsWills) {
    const auto dir = make_temp_dir("shutdown");
    const auto log = dir + "/mqttd.log";
    std::ofstream(dir + "/mqttd.conf") << "listener 0 127.0.0.1\nlog_dest file " << log << "\nthreads " << GetParam()
                                       << "\n";
    process mqttd({MQTTD_BINARY, "-c", dir + "/mqttd.conf"});
    const auto port = wait_for_log(log, R"(listening on 127\.0\.0\.1:(\d+))");
    ASSERT_FALSE(port.empty()) << read_text(log);
    process sub({"mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-V", "mqttv5", "-t", "t", "-i", "stays"});
    ASSERT_FALSE(wait_for_log(log, "as stays").empty()) << read_text(log);
    mqttd.kill(SIGINT);
    const auto r = mqttd.wait(10s);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const auto s = sub.wait(10s);  // mosquitto_sub exits when the server disconnects it
    EXPECT_FALSE(s.timed_out) << s.output;
}

INSTANTIATE_TEST_SUITE_P(MqttdBinary, MqttdBinaryThreads, ::testing::Values(1, 2),
                         [](const auto& p) { return std::to_string(p.param) + "_threads"; });

}  // namespace
