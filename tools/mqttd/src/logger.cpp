#include <mqttd/logger.hpp>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <system_error>

namespace mqttd {

namespace {
std::string_view label(log_level l) {
    switch (l) {
    case log_level::error: return "error";
    case log_level::warning: return "warning";
    case log_level::notice: return "notice";
    case log_level::information: return "info";
    case log_level::debug: return "debug";
    }
    return "?";
}
}  // namespace

logger::~logger() {
    if (owns_out_) std::fclose(out_);
}

void logger::configure(const log_settings& s) {
    std::FILE* out = nullptr;
    bool owns = false;
    switch (s.destination) {
    case log_destination::stderr_stream: out = stderr; break;
    case log_destination::stdout_stream: out = stdout; break;
    case log_destination::none: out = nullptr; break;
    case log_destination::file:
        out = std::fopen(s.file.c_str(), "ae");
        if (out == nullptr) throw std::system_error(errno, std::generic_category(), "cannot open log file " + s.file);
        owns = true;
        break;
    }
    std::lock_guard lock(mutex_);
    if (owns_out_) std::fclose(out_);
    out_ = out;
    owns_out_ = owns;
    timestamps_ = s.timestamps;
    connection_messages_.store(s.connection_messages, std::memory_order_relaxed);
    types_.store(out == nullptr ? 0U : s.types, std::memory_order_relaxed);
}

void logger::write(log_level l, std::string_view line) {
    std::string text;
    text.reserve(line.size() + 48);
    std::lock_guard lock(mutex_);
    if (out_ == nullptr) return;
    if (timestamps_) {
        const auto now = std::chrono::system_clock::now();
        const auto secs = std::chrono::system_clock::to_time_t(now);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
        std::tm tm{};
        ::gmtime_r(&secs, &tm);
        char stamp[32];
        const auto n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        text.append(stamp, n);
        text += fmt::format(".{:03}Z ", ms);
    }
    text += label(l);
    text += ": ";
    text += line;
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
}

}  // namespace mqttd
