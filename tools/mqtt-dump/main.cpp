// mqtt-dump: decode captured MQTT traffic. See docs/tools/mqtt-dump.md.
#include <csignal>
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <mqtt/codec/types.hpp>
#include <mqtt/dump/app.hpp>

namespace {

std::uint16_t parse_types(const std::vector<std::string>& names) {
    std::uint16_t mask = 0;
    for (const std::string& list : names) {
        std::stringstream ss(list);
        std::string item;
        while (std::getline(ss, item, ',')) {
            if (item.empty()) continue;
            std::string lower;
            for (char c : item) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
            int found = -1;
            for (int t = 1; t <= 15; ++t) {
                std::string n(mqtt::codec::name(static_cast<mqtt::codec::packet_type>(t)));
                for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                if (n == lower || std::to_string(t) == lower) found = t;
            }
            if (found < 0) throw CLI::ValidationError("--type", "unknown packet type '" + item + "'");
            mask = static_cast<std::uint16_t>(mask | (1u << static_cast<unsigned>(found)));
        }
    }
    return mask;
}

extern "C" void on_signal(int) { mqtt::dump::request_stop(); }

}  // namespace

int main(int argc, char** argv) {
    using namespace mqtt::dump;
    dump_config config;
    CLI::App app{"mqtt-dump: decode MQTT 3.1.1 / 5.0 traffic from pcap/pcapng captures, live interfaces or hex"};
    app.add_option("file", config.file, "pcap or pcapng capture ('-' for stdin)");
    app.add_option("-i,--interface", config.interface, "capture live from this interface");
    app.add_option("-f,--filter", config.bpf_filter, "BPF filter for live capture, e.g. 'tcp port 1883'");
    app.add_option("-s,--snaplen", config.snaplen, "live capture snapshot length")->capture_default_str();
    app.add_option("--hex", config.hex_file, "decode a hex byte stream (one direction) from FILE or '-'");
    app.add_option("--raw", config.raw_file, "decode a binary byte stream (one direction) from FILE");
    std::string stream_dir = "c2s";
    app.add_option("--direction", stream_dir, "direction of a --hex/--raw stream: c2s or s2c")
        ->check(CLI::IsMember({"c2s", "s2c"}))
        ->capture_default_str();
    int stream_version = 0;
    app.add_option("--protocol-version", stream_version,
                   "protocol level for --hex/--raw streams without a CONNECT: 4 (3.1.1) or 5")
        ->check(CLI::IsMember({0, 4, 5}));
    std::vector<std::uint16_t> ports;
    app.add_option("-p,--port", ports, "also decode TCP port N as MQTT (repeatable)")->allow_extra_args(false);
    std::vector<std::uint16_t> tls_ports;
    app.add_option("--tls-port", tls_ports, "also treat TCP port N as MQTT over TLS (repeatable)")
        ->allow_extra_args(false);
    bool no_heuristics = false;
    app.add_flag("--no-heuristics", no_heuristics, "do not look for MQTT CONNECTs on other ports");
    app.add_flag("-v,--verbose", config.output.verbose, "every field, properties, hexdump of malformed packets");
    app.add_flag("--json", config.json, "JSON Lines output (one object per event)");
    app.add_option("--max-payload", config.output.max_payload, "payload bytes shown")->capture_default_str();
    app.add_flag("--absolute-time", config.output.absolute_time, "print epoch timestamps instead of relative ones");
    std::string client_id;
    auto* client_opt = app.add_option("--client-id", client_id, "only connections with this client identifier");
    app.add_option("--topic", config.dissect.filter.topic_filters,
                   "only PUBLISH/SUBSCRIBE/UNSUBSCRIBE matching this MQTT filter (wildcards allowed; repeatable)")
        ->allow_extra_args(false);
    std::vector<std::string> types;
    app.add_option("--type", types, "only these packet types (names or numbers, comma-separated)")
        ->allow_extra_args(false);
    app.add_flag("--stats", config.stats, "print packets and bytes per type, topic and client instead of packets");
    std::uint32_t max_packet = config.dissect.max_packet_size;
    app.add_option("--max-packet-size", max_packet, "larger packets are reported malformed (packet_too_large)");

    try {
        app.parse(argc, argv);
        config.dissect.filter.type_mask = parse_types(types);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (*client_opt) config.dissect.filter.client_id = client_id;
    config.dissect.mqtt_ports.insert(config.dissect.mqtt_ports.end(), ports.begin(), ports.end());
    config.dissect.tls_ports.insert(config.dissect.tls_ports.end(), tls_ports.begin(), tls_ports.end());
    config.dissect.heuristics = !no_heuristics;
    config.dissect.max_packet_size = max_packet;
    config.stream_direction = stream_dir == "s2c" ? direction::server_to_client : direction::client_to_server;
    config.stream_version = static_cast<mqtt::codec::protocol_version>(stream_version);
    config.output.flush_each_event = !config.interface.empty();
    if (config.file.empty() && config.interface.empty() && config.hex_file.empty() && config.raw_file.empty()) {
        fmt::print(stderr, "mqtt-dump: give a capture file ('-' for stdin), -i IFACE, --hex or --raw\n{}",
                   app.help());
        return 2;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        return run(config, stdout, stderr);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mqtt-dump: {}\n", e.what());
        return 1;
    }
}
