#include <mqtt/load/cli.hpp>

#include <CLI/CLI.hpp>

#include <ostream>

namespace mqtt::load {

namespace {

constexpr const char* description =
    "mqtt-load: MQTT load generator and latency meter.\n"
    "Scenarios: fan-in (P publishers -> S subscribers), fan-out (1 -> S), pairs (N pairs on distinct topics),\n"
    "storm (C connections at --connect-rate, held idle), mixed (pairs + fan-out + idle connections).\n"
    "Every payload carries publisher id, sequence number and send time, so the summary counts lost, duplicated\n"
    "and out-of-order messages and reports end-to-end latency percentiles.";

codec::protocol_version parse_version(const std::string& v) {
    if (v == "3.1.1" || v == "311" || v == "4") return codec::protocol_version::v311;
    if (v == "5" || v == "5.0") return codec::protocol_version::v5;
    throw options_error("--protocol must be 3.1.1 or 5, not '" + v + "'");
}

}  // namespace

cli_result parse_command_line(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    CLI::App app{description, "mqtt-load"};
    app.get_formatter()->column_width(34);
    options o;
    std::string scenario = "fan-in";
    std::vector<std::string> brokers;
    std::string version = "3.1.1";
    unsigned qos = 0;
    bool persistent = false;

    app.add_option("scenario", scenario, "fan-in | fan-out | pairs | storm | mixed")->capture_default_str();
    app.add_option("-b,--broker", brokers, "HOST:PORT of a broker; repeat for several (default 127.0.0.1:1883)");
    app.add_flag("--cluster", o.cluster,
                 "the brokers form a cluster (a message reaches subscribers on every broker); by default each "
                 "broker is an independent target and clients are spread round-robin");
    app.add_option("-V,--protocol", version, "3.1.1 or 5")->capture_default_str();
    app.add_option("-q,--qos", qos, "QoS of publishes and subscriptions")->check(CLI::Range(0, 2))
        ->capture_default_str();
    app.add_option("-P,--publishers", o.publishers, "fan-in publishers")->capture_default_str();
    app.add_option("-S,--subscribers", o.subscribers, "fan-in/fan-out/mixed subscribers")->capture_default_str();
    app.add_option("-N,--pairs", o.pairs, "pairs/mixed: publisher-subscriber pairs")->capture_default_str();
    app.add_option("-C,--connections", o.connections, "storm/mixed: idle connections")->capture_default_str();
    app.add_option("-s,--payload-size", o.payload_size, "payload bytes (>= 24: the stamp)")->capture_default_str();
    app.add_option("-t,--topic", o.topic,
                   "publish topic pattern, %i = publisher/pair index (mixed: topic prefix); default per scenario");
    app.add_option("--sub-topic", o.sub_topic,
                   "subscription filter pattern, %i = subscriber index (default: --topic with %i -> '+'; pairs: "
                   "the pair's topic)");
    app.add_option("-r,--rate", o.rate, "messages/s in total over all publishers; 0 = as fast as possible")
        ->capture_default_str();
    app.add_option("-d,--duration", o.duration, "seconds of publishing (storm: seconds held once connected)")
        ->capture_default_str();
    app.add_option("-n,--count", o.count, "messages in total over all publishers (ends the run instead of -d)");
    app.add_flag("--persistent", persistent, "persistent sessions (clean session / clean start = 0)");
    app.add_option("--session-expiry", o.session_expiry, "v5 session expiry interval, s (--persistent: 3600)");
    app.add_option("--connect-rate", o.connect_rate, "connections started per second; 0 = all at once")
        ->capture_default_str();
    app.add_option("-k,--keep-alive", o.keep_alive, "keep-alive, s")->capture_default_str();
    app.add_option("-w,--inflight", o.inflight, "QoS 1/2 window per publisher")->capture_default_str();
    app.add_option("--connect-timeout", o.connect_timeout, "s for all clients to connect and subscribe")
        ->capture_default_str();
    app.add_option("--drain-timeout", o.drain_timeout, "s to wait for deliveries after publishing ends")
        ->capture_default_str();
    app.add_option("--client-prefix", o.client_prefix, "client id prefix (default mqtt-load-<pid>-)");
    app.add_flag("--json", o.json, "print the summary as JSON on stdout");
    app.add_flag("--quiet", o.quiet, "no progress lines on stderr");

    cli_result r;
    try {
        app.parse(argc, argv);
        const auto kind = parse_scenario(scenario);
        if (!kind) throw options_error("unknown scenario '" + scenario + "' (fan-in, fan-out, pairs, storm, mixed)");
        o.scenario = *kind;
        o.version = parse_version(version);
        o.qos = static_cast<codec::qos>(qos);
        o.clean = !persistent;
        for (const auto& b : brokers) {
            try {
                o.brokers.push_back(tools::parse_endpoint(b));
            } catch (const std::exception& e) {
                throw options_error(std::string("--broker: ") + e.what());
            }
        }
        validate(o);
        r.opts = std::move(o);
    } catch (const CLI::ParseError& e) {
        r.exit_code = app.exit(e, out, err);
    } catch (const options_error& e) {
        err << "mqtt-load: " << e.what() << '\n';
        r.exit_code = 2;
    }
    return r;
}

}  // namespace mqtt::load
