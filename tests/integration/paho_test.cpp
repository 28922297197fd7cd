// Interop with Eclipse Paho Python (Debian's python3-paho-mqtt, run by /usr/bin/python3, not a pyenv python).
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/support/interop.hpp"

namespace {

using namespace mqttd_test;

struct paho_case {
    const char* scenario;
    const char* version;
};

class Paho : public ::testing::TestWithParam<paho_case> {};

TEST_P(Paho, Scenario) {
    if (!std::filesystem::exists("/usr/lib/python3/dist-packages/paho/mqtt/client.py"))
        GTEST_SKIP() << "python3-paho-mqtt is not installed (scripts/setup.sh installs it)";
    running_broker b;
    const auto r = run({"/usr/bin/python3", std::string(MQTTD_TEST_SCRIPTS) + "/paho_scenarios.py",
                        GetParam().scenario, b.port_text(), GetParam().version},
                       30s);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.output << "\n--- broker log ---\n" << b.log_text();
    EXPECT_NE(r.output.find("OK"), std::string::npos) << r.output;
    if (std::string_view(GetParam().scenario) == "takeover" && std::string_view(GetParam().version) == "v5") {
        EXPECT_NE(b.log_text().find("closed by the broker: Session taken over (0x8E)"), std::string::npos)
            << b.log_text();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Interop, Paho,
    ::testing::Values(paho_case{"qos", "v311"}, paho_case{"qos", "v5"}, paho_case{"retained", "v311"},
                      paho_case{"retained", "v5"}, paho_case{"persistent", "v311"}, paho_case{"persistent", "v5"},
                      paho_case{"takeover", "v311"}, paho_case{"takeover", "v5"}, paho_case{"shared", "v5"},
                      paho_case{"topic_alias", "v5"}, paho_case{"will", "v311"}, paho_case{"will", "v5"}),
    [](const auto& param_info) { return std::string(param_info.param.scenario) + "_" + param_info.param.version; });

}  // namespace
