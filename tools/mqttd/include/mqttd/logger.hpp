#pragma once
// mqttd's log: Mosquitto's log types as levels, a timestamp, one line per event, to stderr, stdout or a file.
// Thread-safe: I/O threads and the engine's thread may log at once (lines never interleave).
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string_view>

#include <fmt/core.h>

#include <mqttd/settings.hpp>

namespace mqttd {

class logger {
public:
    logger() = default;
    explicit logger(const log_settings& s) { configure(s); }
    ~logger();
    logger(const logger&) = delete;
    logger& operator=(const logger&) = delete;

    // Switches level and destination (SIGHUP). Throws std::system_error when a log file cannot be opened, in
    // which case the previous destination stays.
    void configure(const log_settings& s);

    [[nodiscard]] bool enabled(log_level l) const noexcept {
        return (types_.load(std::memory_order_relaxed) & static_cast<unsigned>(l)) != 0;
    }
    [[nodiscard]] bool connection_messages() const noexcept {
        return connection_messages_.load(std::memory_order_relaxed);
    }

    template <class... Args>
    void log(log_level l, fmt::format_string<Args...> f, Args&&... args) {
        if (enabled(l)) write(l, fmt::format(f, std::forward<Args>(args)...));
    }
    void write(log_level l, std::string_view line);

private:
    std::mutex mutex_;
    std::atomic<unsigned> types_{log_default};
    bool timestamps_ = true;
    std::atomic<bool> connection_messages_{true};  // read by every I/O thread, changed by SIGHUP
    std::FILE* out_ = stderr;
    bool owns_out_ = false;
};

}  // namespace mqttd
