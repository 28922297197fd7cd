#pragma once
// What to run: the scenario and every knob, as parsed from the command line and validated.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <mqtt/codec/types.hpp>
#include <mqtt/tools/socket.hpp>

namespace mqtt::load {

enum class scenario_kind : std::uint8_t {
    fan_in,   // P publishers -> S subscribers, one topic (or a wildcard over P topics)
    fan_out,  // 1 publisher -> S subscribers
    pairs,    // N publisher/subscriber pairs on distinct topics
    storm,    // C connections at a connect rate, then held idle with keep-alive
    mixed,    // pairs + a fan-out group + idle connections, all at once
};
[[nodiscard]] std::string_view name(scenario_kind s) noexcept;
[[nodiscard]] std::optional<scenario_kind> parse_scenario(std::string_view text) noexcept;

struct options {
    scenario_kind scenario = scenario_kind::fan_in;
    std::vector<tools::endpoint> brokers;  // at least one after validation
    bool cluster = false;                  // brokers share messages; otherwise each is an independent target
    codec::protocol_version version = codec::protocol_version::v311;
    codec::qos qos = codec::qos::at_most_once;

    std::uint32_t publishers = 1;   // fan-in, (mixed: fan-out publishers = 1)
    std::uint32_t subscribers = 1;  // fan-in, fan-out, mixed
    std::uint32_t pairs = 1;        // pairs, mixed
    std::uint32_t connections = 0;  // storm, mixed: idle connections

    std::uint32_t payload_size = 64;  // bytes, at least stamp_size
    std::string topic;                // publish topic pattern, %i = publisher (or pair) index; empty: default
    std::string sub_topic;            // subscription filter pattern, %i = subscriber index; empty: derived

    double rate = 0;           // messages/s offered in total over all publishers; 0 = as fast as possible
    double duration = 10;      // seconds of publishing (storm: seconds held idle once all are connected)
    std::uint64_t count = 0;   // messages in total over all publishers; when set, ends the run instead of duration
    bool clean = true;         // clean session / clean start
    std::uint32_t session_expiry = 0;  // v5, for persistent sessions
    double connect_rate = 0;   // connections started per second; 0 = all at once
    std::uint16_t keep_alive = 60;
    std::uint32_t inflight = 64;      // QoS 1/2 window per publisher (capped by the broker's receive maximum)
    double connect_timeout = 30;      // seconds for every client to be connected and subscribed
    double drain_timeout = 10;        // seconds to wait for in-flight deliveries after publishing ends
    std::string client_prefix;        // empty: "mqtt-load-<pid>-"
    bool json = false;
    bool quiet = false;  // no progress lines
};

// Thrown for a command line that parses but makes no sense (CLI11's own errors are CLI::ParseError).
struct options_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Fills defaults that depend on the scenario and checks the combination. Throws options_error.
void validate(options& o);

// The default publish topic pattern of a scenario.
[[nodiscard]] std::string default_topic(scenario_kind s);
// Replaces every "%i" in `pattern` by `index`.
[[nodiscard]] std::string expand(std::string_view pattern, std::uint64_t index);

// One client of the run.
struct client_plan {
    enum class role : std::uint8_t { publisher, subscriber, idle };
    role kind = role::idle;
    std::size_t broker = 0;           // index into options::brokers
    std::string client_id;
    std::string topic;                // publisher: topic name; subscriber: topic filter
    std::uint32_t publisher_id = 0;   // publishers: dense 0..P-1
    std::uint64_t quota = 0;          // publishers with a message count: messages to send; 0 = until duration
    double rate = 0;                  // publishers: messages/s; 0 = as fast as possible
    std::uint32_t subscriber_index = 0;
};

struct plan {
    std::vector<client_plan> clients;   // subscribers first, then publishers, then idle connections
    std::vector<std::uint32_t> fanout;  // per publisher_id: how many subscribers match its topic
    std::uint32_t publisher_count = 0;
    std::uint32_t subscriber_count = 0;
};

// Builds the clients of a validated `o`. `pid` goes into default client ids.
[[nodiscard]] plan make_plan(const options& o, std::uint64_t pid);

}  // namespace mqtt::load
