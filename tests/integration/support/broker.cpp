#include "integration/support/broker.hpp"

#include <fstream>
#include <sstream>

#include "integration/support/process.hpp"

namespace mqttd_test {

mqttd::settings test_settings() {
    mqttd::settings s;
    s.listeners.push_back({{"127.0.0.1", 0}, "test"});
    s.threads = 2;  // the suite runs the threaded server; threads_test.cpp also covers 1 and 3
    s.engine.connect_timeout = std::chrono::seconds(2);
    s.close_linger = std::chrono::milliseconds(1000);
    s.log.types = mqttd::log_all;
    s.log.destination = mqttd::log_destination::file;
    return s;
}

running_broker::running_broker(mqttd::settings s, std::chrono::milliseconds max_wait) {
    if (s.log.destination == mqttd::log_destination::file && s.log.file.empty())
        s.log.file = make_temp_dir("broker") + "/mqttd.log";
    log_path_ = s.log.file;
    log_.configure(s.log);
    server_ = std::make_unique<mqttd::server>(s, loop_, log_);
    port_ = server_->listeners().front().port;
    thread_ = std::thread([this, max_wait] { loop_.run(max_wait); });
}

running_broker::~running_broker() {
    loop_.post([this] { server_->shutdown([this] { loop_.stop(); }); });
    thread_.join();  // bounded by close_linger: shutdown() force-closes what does not flush in time
    server_.reset();
}

std::string running_broker::log_text() const {
    std::ifstream in(log_path_);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool running_broker::wait_for(
    const std::function<bool(const mqtt::broker::statistics&, const mqttd::server_stats&)>& pred,
    std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        const bool ok = call([&pred](mqttd::server& s) { return pred(s.engine_stats(), s.stats()); });
        if (ok) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

}  // namespace mqttd_test
