#pragma once
// What the clients of one run share: the loop, the phase, counters, histograms, errors, and the work lists the
// runner drains after every loop iteration (batched writes, publishers with more to send).
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <mqtt/load/histogram.hpp>
#include <mqtt/load/options.hpp>
#include <mqtt/load/report.hpp>
#include <mqtt/tools/event_loop.hpp>

namespace mqtt::load {

class client;

enum class phase : std::uint8_t { connecting, publishing, draining, closing, done };

[[nodiscard]] inline std::uint64_t now_ns() noexcept {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

struct run_state {
    explicit run_state(const options& o) : opts(o) {}

    const options& opts;
    tools::event_loop loop;
    load::phase phase = phase::connecting;
    std::uint64_t now = 0;  // refreshed by the runner once per loop iteration (coarse: keep-alive, progress)
    std::uint64_t publish_start_ns = 0;
    std::vector<std::uint32_t> fanout;  // per publisher id

    // Counters over the whole run.
    std::uint64_t sent = 0, acked = 0, expected = 0, received = 0, unique = 0, duplicated = 0, out_of_order = 0,
                  foreign = 0, publish_failures = 0;
    std::uint64_t inflight = 0;        // QoS 1/2 publishes not yet completed, over all publishers
    std::uint64_t last_send_ns = 0, last_receive_ns = 0, last_progress_ns = 0;  // progress: a delivery or an ack
    std::uint32_t connected = 0, ready = 0, failed = 0, publishers_done = 0;
    histogram latency, interval_latency, connect_latency;

    // Work lists: filled by clients during event dispatch, drained by the runner after it.
    std::vector<client*> dirty;   // clients with bytes to write
    std::vector<client*> pumps;   // publishers that may send more right away

    std::map<std::string, error_entry> errors;
    void error(const std::string& client_id, const std::string& message) {
        auto& e = errors[message];
        if (e.count++ == 0) {
            e.message = message;
            e.example_client = client_id;
        }
    }
};

}  // namespace mqtt::load
