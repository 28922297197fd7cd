// Short runs against real brokers on 127.0.0.1: Mosquitto started by the test (skipped if it is not installed),
// and mqttd when this build has it. They check counts (no loss at QoS 1/2) and error reporting, never speed.
// Every wait is bounded: broker start-up 5 s, runs by --connect-timeout/--duration/--drain-timeout.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <mqtt/load/runner.hpp>
#include <mqtt/tools/socket.hpp>

using namespace mqtt::load;
using namespace std::chrono_literals;

namespace {

constexpr const char* mosquitto_path = MQTT_LOAD_MOSQUITTO;
constexpr const char* mqttd_path = MQTT_LOAD_MQTTD;
constexpr const char* relay_path = MQTT_LOAD_RELAY;

std::uint16_t free_port() {
    auto fd = mqtt::tools::listen_tcp({"127.0.0.1", 0});
    return mqtt::tools::local_port(fd.get());  // closed on return; the broker binds it next
}

bool wait_connectable(std::uint16_t port, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        try {
            auto fd = mqtt::tools::connect_tcp({"127.0.0.1", port}, false);
            return true;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(20ms);
        }
    }
    return false;
}

// A broker child process on a free loopback port; SIGTERM (then SIGKILL) on destruction.
class broker_process {
public:
    broker_process(std::vector<std::string> argv, std::uint16_t port) : port_(port) {
        pid_ = ::fork();
        if (pid_ == 0) {
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            std::freopen("/dev/null", "w", stdout);
            std::freopen("/dev/null", "w", stderr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        started_ = pid_ > 0 && wait_connectable(port_, 5000ms);
    }
    ~broker_process() { kill(); }
    broker_process(const broker_process&) = delete;
    broker_process& operator=(const broker_process&) = delete;

    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 150; ++i) {  // 3 s
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(20ms);
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    [[nodiscard]] bool started() const { return started_; }
    [[nodiscard]] std::uint16_t port() const { return port_; }

private:
    pid_t pid_ = -1;
    std::uint16_t port_;
    bool started_ = false;
};

std::unique_ptr<broker_process> start_mosquitto(const std::string& extra_config = "") {
    const auto port = free_port();
    const auto conf = std::filesystem::temp_directory_path() /
                      ("mqtt-load-test-" + std::to_string(::getpid()) + "-" + std::to_string(port) + ".conf");
    std::ofstream(conf) << "listener " << port << " 127.0.0.1\n"
                        << (extra_config.empty() ? "allow_anonymous true\n" : extra_config)
                        << "max_queued_messages 100000\nset_tcp_nodelay true\n";
    auto b = std::make_unique<broker_process>(std::vector<std::string>{mosquitto_path, "-c", conf.string()}, port);
    std::filesystem::remove(conf);
    return b;
}

options base_options(std::uint16_t port) {
    options o;
    o.brokers = {mqtt::tools::endpoint{"127.0.0.1", port}};
    o.connect_timeout = 5;
    o.drain_timeout = 5;
    o.duration = 5;  // upper bound; runs below end by --count
    o.quiet = true;
    return o;
}

run_report run(options o) {
    validate(o);
    runner r(std::move(o));
    return r.run();
}

std::string errors_of(const run_report& r) {
    std::string s;
    for (const auto& e : r.errors) s += std::to_string(e.count) + " x " + e.message + "\n";
    return s;
}

bool has_error(const run_report& r, std::string_view text) {
    for (const auto& e : r.errors)
        if (e.message.find(text) != std::string::npos) return true;
    return false;
}

#define MQTT_LOAD_NEED_MOSQUITTO()                                                                   \
    if (std::string_view(mosquitto_path).empty())                                                   \
    GTEST_SKIP() << "mosquitto is not installed (apt-get install mosquitto) - skipping live run"

void expect_complete(const run_report& r, std::uint64_t sent, std::uint64_t fanout) {
    EXPECT_FALSE(r.aborted) << r.abort_reason << "\n" << errors_of(r);
    EXPECT_TRUE(r.errors.empty()) << errors_of(r);
    EXPECT_EQ(r.sent, sent);
    EXPECT_EQ(r.expected, sent * fanout);
    EXPECT_EQ(r.unique, sent * fanout);
    EXPECT_EQ(r.lost, 0U);
    EXPECT_EQ(r.duplicated, 0U);
    EXPECT_EQ(r.out_of_order, 0U);
    EXPECT_EQ(r.latency.count, r.received);
    EXPECT_GT(r.latency.max, 0U);
}

}  // namespace

TEST(LoadRunMosquitto, FanInQos1NoLoss) {
    MQTT_LOAD_NEED_MOSQUITTO();
    auto broker = start_mosquitto();
    ASSERT_TRUE(broker->started()) << "mosquitto did not start on port " << broker->port();
    auto o = base_options(broker->port());
    o.scenario = scenario_kind::fan_in;
    o.publishers = 2;
    o.subscribers = 2;
    o.qos = mqtt::codec::qos::at_least_once;
    o.count = 2000;
    const auto r = run(o);
    expect_complete(r, 2000, 2);
    EXPECT_EQ(r.acked, 2000U);
}

TEST(LoadRunMosquitto, PairsQos2V5NoLoss) {
    MQTT_LOAD_NEED_MOSQUITTO();
    auto broker = start_mosquitto();
    ASSERT_TRUE(broker->started());
    auto o = base_options(broker->port());
    o.scenario = scenario_kind::pairs;
    o.pairs = 3;
    o.version = mqtt::codec::protocol_version::v5;
    o.qos = mqtt::codec::qos::exactly_once;
    o.payload_size = 200;
    o.count = 900;
    const auto r = run(o);
    expect_complete(r, 900, 1);
    EXPECT_EQ(r.acked, 900U);
}

TEST(LoadRunMosquitto, FanOutQos0AtFixedRate) {
    MQTT_LOAD_NEED_MOSQUITTO();
    auto broker = start_mosquitto();
    ASSERT_TRUE(broker->started());
    auto o = base_options(broker->port());
    o.scenario = scenario_kind::fan_out;
    o.subscribers = 3;
    o.rate = 2000;
    o.duration = 0.5;
    const auto r = run(o);
    EXPECT_TRUE(r.errors.empty()) << errors_of(r);
    EXPECT_NEAR(static_cast<double>(r.sent), 1000.0, 250.0);  // rate x duration, loosely (timer granularity)
    EXPECT_EQ(r.expected, r.sent * 3);
    EXPECT_EQ(r.unique, r.expected);  // loopback at 2k/s: QoS 0 loses nothing
}

TEST(LoadRunMosquitto, PersistentSessionsAndWildcardFanIn) {
    MQTT_LOAD_NEED_MOSQUITTO();
    auto broker = start_mosquitto();
    ASSERT_TRUE(broker->started());
    auto o = base_options(broker->port());
    o.scenario = scenario_kind::fan_in;
    o.publishers = 3;
    o.subscribers = 2;
    o.topic = "load-test/%i";
    o.clean = false;
    o.qos = mqtt::codec::qos::at_least_once;
    o.count = 600;
    const auto r = run(o);
    expect_complete(r, 600, 2);
}

TEST(LoadRunMosquitto, StormHoldsConnections) {
    MQTT_LOAD_NEED_MOSQUITTO();
    auto broker = start_mosquitto();
    ASSERT_TRUE(broker->started());
    auto o = base_options(broker->port());
    o.scenario = scenario_kind::storm;
    o.connections = 50;
    o.connect_rate = 500;
    o.duration = 0.3;
    const auto r = run(o);
    EXPECT_TRUE(r.errors.empty()) << errors_of(r);
    EXPECT_EQ(r.clients_connected, 50U);
    EXPECT_EQ(r.connect_latency.count, 50U);
    EXPECT_GE(r.connect_seconds, 0.09);  // 50 connections at 500/s take about 0.1 s
}

TEST(LoadRunMosquitto, RefusedConnackIsNamed) {
    MQTT_LOAD_NEED_MOSQUITTO();
    auto broker = start_mosquitto("allow_anonymous false\n");
    ASSERT_TRUE(broker->started());
    auto o = base_options(broker->port());
    o.count = 10;
    const auto r = run(o);
    EXPECT_TRUE(r.aborted);
    EXPECT_TRUE(has_error(r, "CONNACK refused the connection: Not authorized")) << errors_of(r);
    EXPECT_EQ(exit_code(r), 1);
}

TEST(LoadRunMosquitto, BrokerGoneMidRunIsReported) {
    MQTT_LOAD_NEED_MOSQUITTO();
    auto broker = start_mosquitto();
    ASSERT_TRUE(broker->started());
    auto o = base_options(broker->port());
    o.qos = mqtt::codec::qos::at_least_once;
    o.rate = 1000;
    o.duration = 3;
    o.drain_timeout = 1;
    std::thread killer([&] {
        std::this_thread::sleep_for(800ms);
        broker->kill();
    });
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = run(o);
    killer.join();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 8s);
    EXPECT_TRUE(has_error(r, "mid-run")) << errors_of(r);
    EXPECT_GT(r.sent, 0U);
    EXPECT_EQ(exit_code(r), 1);
}

TEST(LoadRun, UnreachableBrokerIsReported) {
    const auto port = free_port();  // nothing listens there
    auto o = base_options(port);
    o.count = 10;
    const auto r = run(o);
    EXPECT_TRUE(r.aborted);
    EXPECT_TRUE(has_error(r, "TCP connect failed: Connection refused")) << errors_of(r);
}

TEST(LoadRunMqttd, FanInQos1NoLoss) {
    if (std::string_view(mqttd_path).empty() || !std::filesystem::exists(mqttd_path))
        GTEST_SKIP() << "mqttd is not part of this build - skipping the run against it";
    const auto port = free_port();
    broker_process broker({mqttd_path, "-p", std::to_string(port)}, port);
    ASSERT_TRUE(broker.started()) << mqttd_path << " did not start on port " << port;
    auto o = base_options(port);
    o.publishers = 2;
    o.subscribers = 2;
    o.qos = mqtt::codec::qos::at_least_once;
    o.count = 2000;
    expect_complete(run(o), 2000, 2);
    auto pairs = base_options(port);
    pairs.scenario = scenario_kind::pairs;
    pairs.pairs = 3;
    pairs.version = mqtt::codec::protocol_version::v5;
    pairs.qos = mqtt::codec::qos::exactly_once;
    pairs.count = 600;
    expect_complete(run(pairs), 600, 1);
}

TEST(LoadRunRelay, EveryScenarioShapeNoLoss) {
    if (std::string_view(relay_path).empty() || !std::filesystem::exists(relay_path))
        GTEST_SKIP() << "mqtt-load-relay is not part of this build";
    const auto port = free_port();
    broker_process relay({relay_path, std::to_string(port)}, port);
    ASSERT_TRUE(relay.started()) << relay_path << " did not start on port " << port;
    auto fan_out = base_options(port);
    fan_out.scenario = scenario_kind::fan_out;
    fan_out.subscribers = 4;
    fan_out.count = 5000;  // QoS 0: the relay applies backpressure instead of dropping
    expect_complete(run(fan_out), 5000, 4);
    auto pairs = base_options(port);
    pairs.scenario = scenario_kind::pairs;
    pairs.pairs = 4;
    pairs.qos = mqtt::codec::qos::at_least_once;
    pairs.version = mqtt::codec::protocol_version::v5;
    pairs.count = 4000;
    expect_complete(run(pairs), 4000, 1);
}
