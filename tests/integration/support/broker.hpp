#pragma once
// mqttd_core running in-process on 127.0.0.1, port 0, on its own thread: what interop tests connect to.
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <mqtt/tools/event_loop.hpp>
#include <mqttd/logger.hpp>
#include <mqttd/server.hpp>
#include <mqttd/settings.hpp>

namespace mqttd_test {

// Test defaults: one IPv4 loopback listener on a free port, short timeouts, log to a file in the build tree, and
// 2 I/O threads (not mqttd's default of 1), so the suite runs the threaded server.
mqttd::settings test_settings();

class running_broker {
public:
    // `max_wait` bounds each epoll_wait of the server's own loop (worker 0): keep it long to show that timers do
    // not depend on the loop waking up by itself.
    explicit running_broker(mqttd::settings s = test_settings(),
                            std::chrono::milliseconds max_wait = std::chrono::milliseconds(100));
    ~running_broker();  // graceful shutdown, then join
    running_broker(const running_broker&) = delete;
    running_broker& operator=(const running_broker&) = delete;

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] std::string port_text() const { return std::to_string(port_); }
    [[nodiscard]] const std::string& log_path() const noexcept { return log_path_; }
    [[nodiscard]] std::string log_text() const;

    // Runs `fn` on the broker's thread and returns its result (bounded: throws after 10 s).
    template <class F>
    auto call(F fn) -> decltype(fn(std::declval<mqttd::server&>())) {
        using R = decltype(fn(std::declval<mqttd::server&>()));
        auto task = std::make_shared<std::packaged_task<R()>>([this, fn] { return fn(*server_); });
        auto fut = task->get_future();
        loop_.post([task] { (*task)(); });
        if (fut.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
            throw std::runtime_error("broker thread did not answer within 10 s");
        return fut.get();
    }
    mqttd::server_stats stats() { return call([](mqttd::server& s) { return s.stats(); }); }
    mqtt::broker::statistics engine_stats() {
        return call([](mqttd::server& s) { return s.engine_stats(); });
    }
    // Polls `pred(engine_stats, server_stats)` every 10 ms until true or `limit`.
    bool wait_for(const std::function<bool(const mqtt::broker::statistics&, const mqttd::server_stats&)>& pred,
                  std::chrono::milliseconds limit = std::chrono::seconds(10));

private:
    mqttd::logger log_;
    std::string log_path_;
    mqtt::tools::event_loop loop_;
    std::unique_ptr<mqttd::server> server_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

}  // namespace mqttd_test
