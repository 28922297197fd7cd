// Interop with MQTT.js, installed from npm into the build tree the first time these tests run.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>

#include "integration/support/interop.hpp"

namespace {

using namespace mqttd_test;

// Installs `mqtt` once (a file lock serialises parallel test processes). Empty on success, else why not.
std::string ensure_mqttjs(const std::string& dir) {
    std::filesystem::create_directories(dir);
    const int lock = ::open((dir + "/.lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (lock < 0) return "cannot create the npm lock file";
    ::flock(lock, LOCK_EX);
    std::string why;
    if (!std::filesystem::exists(dir + "/node_modules/mqtt/package.json")) {
        const auto r = run({"npm", "install", "--prefix", dir, "mqtt@5", "--no-audit", "--no-fund",
                            "--loglevel=error"},
                           180s);
        if (r.exit_code != 0 || !std::filesystem::exists(dir + "/node_modules/mqtt/package.json"))
            why = "npm install mqtt failed (registry unreachable?): " + r.output.substr(0, 500);
    }
    ::flock(lock, LOCK_UN);
    ::close(lock);
    return why;
}

struct js_case {
    const char* scenario;
    const char* version;
};

class MqttJs : public ::testing::TestWithParam<js_case> {};

TEST_P(MqttJs, Scenario) {
    const std::string dir = std::string(MQTTD_TEST_WORK_DIR) + "/node";
    if (const auto why = ensure_mqttjs(dir); !why.empty()) GTEST_SKIP() << why;
    running_broker b;
    const auto r = run({"node", std::string(MQTTD_TEST_SCRIPTS) + "/mqttjs_scenarios.js", GetParam().scenario,
                        b.port_text(), GetParam().version},
                       30s, {"NODE_PATH=" + dir + "/node_modules"});
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.output << "\n--- broker log ---\n" << b.log_text();
    EXPECT_NE(r.output.find("OK"), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(Interop, MqttJs,
                         ::testing::Values(js_case{"qos", "4"}, js_case{"qos", "5"}, js_case{"retained", "4"},
                                           js_case{"retained", "5"}, js_case{"topic_alias", "5"}),
                         [](const auto& param_info) {
                             return std::string(param_info.param.scenario) + "_v" + param_info.param.version;
                         });

}  // namespace
