#pragma once
// Shared helpers for the real-client tests.
#include <chrono>
#include <string>
#include <vector>

#include "integration/support/broker.hpp"
#include "integration/support/process.hpp"

namespace mqttd_test {

using namespace std::chrono_literals;

inline std::vector<std::string> mosquitto_args(const char* tool, const running_broker& b, const std::string& version,
                                               std::vector<std::string> more) {
    std::vector<std::string> a{tool, "-h", "127.0.0.1", "-p", b.port_text(), "-V", version};
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

// Waits until the broker counts at least `n` subscriptions (a subscriber process is ready).
inline bool wait_subscriptions(running_broker& b, std::uint64_t n) {
    return b.wait_for([n](const auto& e, const auto&) { return e.subscriptions >= n; });
}
inline bool wait_clients(running_broker& b, std::uint64_t n) {
    return b.wait_for([n](const auto& e, const auto&) { return e.clients_connected == n; });
}

}  // namespace mqttd_test
