#pragma once
// Runs one scenario on a single-threaded epoll loop and reports what happened. Every phase is bounded in time:
// connecting (--connect-timeout), publishing (--duration or --count), draining (--drain-timeout), closing.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <mqtt/load/options.hpp>
#include <mqtt/load/report.hpp>

namespace mqtt::load {

class runner {
public:
    // A progress line, about once per second (not called with options::quiet).
    using progress_sink = std::function<void(const std::string& line)>;

    explicit runner(options o, progress_sink progress = {});
    ~runner();
    runner(const runner&) = delete;
    runner& operator=(const runner&) = delete;

    // Blocks until the run is over. Call once.
    [[nodiscard]] run_report run();
    // Async-signal-safe: ends publishing early (then drains and reports as usual).
    void request_stop() noexcept { stop_requested_.store(true, std::memory_order_relaxed); }

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::atomic<bool> stop_requested_{false};
};

}  // namespace mqtt::load
