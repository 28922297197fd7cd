#include <mqtt/load/report.hpp>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <ostream>

namespace mqtt::load {

latency_summary summarize(const histogram& h) noexcept {
    latency_summary s;
    s.count = h.count();
    s.min = h.min();
    s.p50 = h.percentile(50);
    s.p90 = h.percentile(90);
    s.p99 = h.percentile(99);
    s.p999 = h.percentile(99.9);
    s.max = h.max();
    s.mean = h.mean();
    return s;
}

namespace {

std::string ms(std::uint64_t ns) { return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6); }

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                else out += c;
        }
    }
    return out + "\"";
}

std::string json_latency(const latency_summary& l) {
    return fmt::format(R"({{"count": {}, "min_us": {:.1f}, "mean_us": {:.1f}, "p50_us": {:.1f}, "p90_us": {:.1f}, )"
                       R"("p99_us": {:.1f}, "p999_us": {:.1f}, "max_us": {:.1f}}})",
                       l.count, static_cast<double>(l.min) / 1e3, l.mean / 1e3, static_cast<double>(l.p50) / 1e3,
                       static_cast<double>(l.p90) / 1e3, static_cast<double>(l.p99) / 1e3,
                       static_cast<double>(l.p999) / 1e3, static_cast<double>(l.max) / 1e3);
}

}  // namespace

void print_text(std::ostream& out, const run_report& r) {
    std::string who;
    if (r.scenario == "storm") who = fmt::format("{} idle connections", r.idle);
    else who = fmt::format("{} publishers -> {} subscribers{}", r.publishers, r.subscribers,
                           r.idle > 0 ? fmt::format(" + {} idle", r.idle) : "");
    if (r.scenario == "storm")
        fmt::print(out, "mqtt-load storm: {}, MQTT {}\n", who, r.protocol);
    else
        fmt::print(out, "mqtt-load {}: {}, MQTT {} QoS {}, {}-byte payloads, {}\n", r.scenario, who, r.protocol, r.qos,
                   r.payload_size, r.offered_rate > 0 ? fmt::format("{:.0f} msg/s offered", r.offered_rate)
                                                      : std::string("as fast as possible"));
    fmt::print(out, "  brokers       {}\n", fmt::join(r.brokers, ", "));
    fmt::print(out, "  connections   {}/{} connected, {} failed or dropped, setup {:.3f} s; CONNACK after p50 {}, p99 {}, max {}\n",
               r.clients_connected, r.clients_planned, r.clients_failed, r.connect_seconds, ms(r.connect_latency.p50),
               ms(r.connect_latency.p99), ms(r.connect_latency.max));
    if (r.scenario != "storm") {
        fmt::print(out, "  sent          {} in {:.3f} s = {:.0f} msg/s{}\n", r.sent, r.publish_seconds, r.send_rate,
                   r.qos > 0 ? fmt::format(" ({} acknowledged, {} refused)", r.acked, r.publish_failures) : "");
        fmt::print(out, "  received      {} in {:.3f} s = {:.0f} msg/s (expected {})\n", r.received, r.receive_seconds,
                   r.receive_rate, r.expected);
        fmt::print(out, "  lost          {}   duplicated {}   out of order {}{}\n", r.lost, r.duplicated, r.out_of_order,
                   r.foreign > 0 ? fmt::format("   without stamp {}", r.foreign) : "");
        fmt::print(out, "  latency       p50 {}  p90 {}  p99 {}  p99.9 {}  max {}  (mean {}, {} samples)\n",
                   ms(r.latency.p50), ms(r.latency.p90), ms(r.latency.p99), ms(r.latency.p999), ms(r.latency.max),
                   ms(static_cast<std::uint64_t>(r.latency.mean)), r.latency.count);
    }
    fmt::print(out, "  mqtt-load cpu {:.0f}% of one core (user {:.2f} s, system {:.2f} s){}\n", r.cpu_share * 100,
               r.cpu_user_seconds, r.cpu_system_seconds,
               r.cpu_share > 0.9 ? ": the load generator was probably the bottleneck" : "");
    if (r.aborted) fmt::print(out, "  ABORTED       {}\n", r.abort_reason);
    else if (!r.abort_reason.empty()) fmt::print(out, "  note          {}\n", r.abort_reason);
    if (r.errors.empty()) {
        fmt::print(out, "  errors        none\n");
    } else {
        fmt::print(out, "  errors\n");
        for (const auto& e : r.errors)
            fmt::print(out, "    {} x {}{}\n", e.count, e.message,
                       e.example_client.empty() ? "" : fmt::format(" (e.g. {})", e.example_client));
    }
}

void print_json(std::ostream& out, const run_report& r) {
    std::vector<std::string> brokers;
    for (const auto& b : r.brokers) brokers.push_back(json_string(b));
    std::vector<std::string> errors;
    for (const auto& e : r.errors)
        errors.push_back(fmt::format(R"({{"message": {}, "count": {}, "example_client": {}}})", json_string(e.message),
                                     e.count, json_string(e.example_client)));
    fmt::print(out, "{{\n");
    fmt::print(out, R"(  "scenario": {}, "protocol": {}, "qos": {}, "payload_size": {}, "offered_rate": {},)" "\n",
               json_string(r.scenario), json_string(r.protocol), r.qos, r.payload_size, r.offered_rate);
    fmt::print(out, R"(  "brokers": [{}], "publishers": {}, "subscribers": {}, "idle": {},)" "\n",
               fmt::join(brokers, ", "), r.publishers, r.subscribers, r.idle);
    fmt::print(out, R"(  "connections": {{"planned": {}, "connected": {}, "failed": {}, "setup_seconds": {:.6f}, )"
                    R"("connack_latency": {}}},)" "\n",
               r.clients_planned, r.clients_connected, r.clients_failed, r.connect_seconds,
               json_latency(r.connect_latency));
    fmt::print(out, R"(  "sent": {}, "acked": {}, "publish_failures": {}, "expected": {}, "received": {}, "unique": {},)"
                    "\n",
               r.sent, r.acked, r.publish_failures, r.expected, r.received, r.unique);
    fmt::print(out, R"(  "lost": {}, "duplicated": {}, "out_of_order": {}, "without_stamp": {},)" "\n", r.lost,
               r.duplicated, r.out_of_order, r.foreign);
    fmt::print(out, R"(  "publish_seconds": {:.6f}, "receive_seconds": {:.6f}, "send_rate": {:.1f}, "receive_rate": {:.1f},)"
                    "\n",
               r.publish_seconds, r.receive_seconds, r.send_rate, r.receive_rate);
    fmt::print(out, R"(  "latency": {},)" "\n", json_latency(r.latency));
    fmt::print(out, R"(  "cpu": {{"user_seconds": {:.3f}, "system_seconds": {:.3f}, "share": {:.3f}}},)" "\n",
               r.cpu_user_seconds, r.cpu_system_seconds, r.cpu_share);
    fmt::print(out, R"(  "aborted": {}, "note": {}, "errors": [{}])" "\n", r.aborted ? "true" : "false",
               json_string(r.abort_reason), fmt::join(errors, ", "));
    fmt::print(out, "}}\n");
}

int exit_code(const run_report& r) noexcept {
    if (r.aborted || !r.errors.empty()) return 1;
    if (r.qos > 0 && r.lost > 0) return 1;
    return 0;
}

}  // namespace mqtt::load
