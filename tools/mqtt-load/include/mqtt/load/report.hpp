#pragma once
// What a run measured, and how it is printed (text for people, JSON for machines).
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <mqtt/load/histogram.hpp>

namespace mqtt::load {

struct latency_summary {  // nanoseconds
    std::uint64_t count = 0;
    std::uint64_t min = 0, p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
    double mean = 0;
};
[[nodiscard]] latency_summary summarize(const histogram& h) noexcept;

struct error_entry {
    std::string message;         // e.g. "127.0.0.1:1883: CONNACK refused: not_authorized (0x87)"
    std::uint64_t count = 0;     // clients (or events) that hit it
    std::string example_client;  // one client id that hit it
};

struct run_report {
    // What ran.
    std::string scenario;
    std::string protocol;
    unsigned qos = 0;
    std::uint32_t payload_size = 0;
    double offered_rate = 0;  // messages/s, 0 = as fast as possible
    std::vector<std::string> brokers;
    std::uint32_t publishers = 0, subscribers = 0, idle = 0;

    // Connections.
    std::uint32_t clients_planned = 0, clients_connected = 0, clients_failed = 0;
    double connect_seconds = 0;  // until every client was connected (and subscribed), or gave up
    latency_summary connect_latency;  // TCP connect start -> CONNACK

    // Messages.
    double publish_seconds = 0;  // first publish -> last publish
    double receive_seconds = 0;  // first publish -> last delivery
    std::uint64_t sent = 0, acked = 0, expected = 0, received = 0, unique = 0, lost = 0, duplicated = 0,
                  out_of_order = 0, foreign = 0, publish_failures = 0;
    double send_rate = 0, receive_rate = 0;  // messages/s
    latency_summary latency;                 // publish -> delivery, end to end

    // The load generator itself, while publishing and draining.
    double cpu_user_seconds = 0, cpu_system_seconds = 0, cpu_share = 0;  // share of one core, 0..1

    std::vector<error_entry> errors;
    bool aborted = false;      // stopped before the publishing phase could run (or by a signal)
    std::string abort_reason;
};

void print_text(std::ostream& out, const run_report& r);
void print_json(std::ostream& out, const run_report& r);
// 0: clean run; 1: errors, or loss at QoS 1/2; 2 is used for bad command lines.
[[nodiscard]] int exit_code(const run_report& r) noexcept;

}  // namespace mqtt::load
