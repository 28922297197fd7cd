#include <mqtt/load/options.hpp>

#include <fmt/format.h>

#include <unordered_map>

#include <mqtt/codec/topic.hpp>
#include <mqtt/load/stamp.hpp>

namespace mqtt::load {

std::string_view name(scenario_kind s) noexcept {
    switch (s) {
        case scenario_kind::fan_in: return "fan-in";
        case scenario_kind::fan_out: return "fan-out";
        case scenario_kind::pairs: return "pairs";
        case scenario_kind::storm: return "storm";
        case scenario_kind::mixed: return "mixed";
    }
    return "?";
}

std::optional<scenario_kind> parse_scenario(std::string_view text) noexcept {
    for (auto s : {scenario_kind::fan_in, scenario_kind::fan_out, scenario_kind::pairs, scenario_kind::storm,
                   scenario_kind::mixed})
        if (text == name(s)) return s;
    if (text == "fanin") return scenario_kind::fan_in;
    if (text == "fanout") return scenario_kind::fan_out;
    return std::nullopt;
}

std::string default_topic(scenario_kind s) {
    switch (s) {
        case scenario_kind::fan_in: return "mqtt-load/fan-in";
        case scenario_kind::fan_out: return "mqtt-load/fan-out";
        case scenario_kind::pairs: return "mqtt-load/pairs/%i";
        case scenario_kind::storm: return "mqtt-load/storm";
        case scenario_kind::mixed: return "mqtt-load/mixed";
    }
    return "mqtt-load";
}

std::string expand(std::string_view pattern, std::uint64_t index) {
    std::string out;
    out.reserve(pattern.size() + 8);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'i') {
            out += std::to_string(index);
            ++i;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

namespace {

std::string replace_index_by_plus(std::string_view pattern) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'i') {
            out += '+';
            ++i;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

[[noreturn]] void fail(std::string message) { throw options_error(std::move(message)); }

// Mixed-scenario topics, derived from the --topic prefix.
std::string mixed_pairs_topic(const options& o) { return o.topic + "/pairs/%i"; }
std::string mixed_fan_out_topic(const options& o) { return o.topic + "/fan-out"; }

}  // namespace

void validate(options& o) {
    if (o.brokers.empty()) o.brokers.push_back(tools::endpoint{"127.0.0.1", 1883});
    if (o.payload_size < stamp_size)
        fail(fmt::format("--payload-size {} is too small: every payload carries a {}-byte stamp (publisher, "
                         "sequence, timestamp)", o.payload_size, stamp_size));
    if (o.payload_size > 256U * 1024 * 1024) fail("--payload-size must be at most 256 MiB");
    if (!(o.rate >= 0)) fail("--rate must be >= 0 (0 = as fast as possible)");
    if (o.count == 0 && !(o.duration > 0)) fail("--duration must be > 0 unless --count is given");
    if (!(o.connect_rate >= 0)) fail("--connect-rate must be >= 0 (0 = all at once)");
    if (o.inflight == 0 || o.inflight > 65535) fail("--inflight must be between 1 and 65535");
    if (!(o.connect_timeout > 0) || !(o.drain_timeout >= 0)) fail("timeouts must be positive");
    if (o.version != codec::protocol_version::v311 && o.version != codec::protocol_version::v5)
        fail("--protocol must be 3.1.1 or 5");
    if (!o.clean && o.version == codec::protocol_version::v5 && o.session_expiry == 0) o.session_expiry = 3600;

    switch (o.scenario) {
        case scenario_kind::fan_in:
            if (o.publishers == 0 || o.subscribers == 0) fail("fan-in needs --publishers >= 1 and --subscribers >= 1");
            break;
        case scenario_kind::fan_out:
            if (o.publishers != 1) fail("fan-out has exactly one publisher (use fan-in for several)");
            if (o.subscribers == 0) fail("fan-out needs --subscribers >= 1");
            break;
        case scenario_kind::pairs:
            if (o.pairs == 0) fail("pairs needs --pairs >= 1");
            break;
        case scenario_kind::storm:
            if (o.connections == 0) fail("storm needs --connections >= 1");
            if (!(o.duration > 0)) fail("storm needs --duration > 0 (how long connections are held)");
            break;
        case scenario_kind::mixed:
            if (o.pairs == 0 && o.subscribers == 0 && o.connections == 0) fail("mixed needs something to run");
            break;
    }

    if (o.topic.empty()) o.topic = default_topic(o.scenario);
    if (o.scenario == scenario_kind::pairs && o.topic.find("%i") == std::string::npos)
        fail(fmt::format("pairs need distinct topics: --topic '{}' must contain %i", o.topic));
    if (o.sub_topic.empty() && o.scenario != scenario_kind::mixed) {
        // Pairs: subscriber i subscribes to publisher i's topic. Others: one filter matching every publisher.
        o.sub_topic = o.scenario == scenario_kind::pairs ? o.topic : replace_index_by_plus(o.topic);
    }
    std::vector<std::string> names;
    std::vector<std::string> filters;
    if (o.scenario == scenario_kind::mixed) {
        names = {expand(mixed_pairs_topic(o), 0), mixed_fan_out_topic(o)};
    } else if (o.scenario != scenario_kind::storm) {
        names = {expand(o.topic, 0)};
        filters = {expand(o.sub_topic, 0)};
    }
    for (const auto& n : names)
        if (!codec::is_valid_topic_name(n)) fail(fmt::format("'{}' is not a valid topic name", n));
    for (const auto& f : filters)
        if (!codec::is_valid_topic_filter(f)) fail(fmt::format("'{}' is not a valid topic filter", f));
}

plan make_plan(const options& o, std::uint64_t pid) {
    plan p;
    const std::string prefix = o.client_prefix.empty() ? fmt::format("mqtt-load-{}-", pid) : o.client_prefix;
    const std::size_t brokers = o.brokers.size();
    auto add_sub = [&](std::string filter, std::size_t broker) {
        client_plan c;
        c.kind = client_plan::role::subscriber;
        c.broker = broker % brokers;
        c.subscriber_index = p.subscriber_count++;
        c.client_id = fmt::format("{}sub-{}", prefix, c.subscriber_index);
        c.topic = std::move(filter);
        p.clients.push_back(std::move(c));
    };
    struct pub_spec {
        std::string topic;
        std::size_t broker;
    };
    std::vector<pub_spec> pubs;

    switch (o.scenario) {
        case scenario_kind::fan_in:
        case scenario_kind::fan_out:
            for (std::uint32_t j = 0; j < o.subscribers; ++j) add_sub(expand(o.sub_topic, j), j);
            for (std::uint32_t i = 0; i < o.publishers; ++i) pubs.push_back({expand(o.topic, i), i});
            break;
        case scenario_kind::pairs:
            for (std::uint32_t i = 0; i < o.pairs; ++i) add_sub(expand(o.sub_topic, i), i);
            for (std::uint32_t i = 0; i < o.pairs; ++i) pubs.push_back({expand(o.topic, i), i});
            break;
        case scenario_kind::storm: break;
        case scenario_kind::mixed:
            for (std::uint32_t i = 0; i < o.pairs; ++i) add_sub(expand(mixed_pairs_topic(o), i), i);
            for (std::uint32_t j = 0; j < o.subscribers; ++j) add_sub(mixed_fan_out_topic(o), j);
            for (std::uint32_t i = 0; i < o.pairs; ++i) pubs.push_back({expand(mixed_pairs_topic(o), i), i});
            if (o.subscribers > 0) pubs.push_back({mixed_fan_out_topic(o), 0});
            break;
    }

    const auto npub = static_cast<std::uint32_t>(pubs.size());
    p.publisher_count = npub;
    for (std::uint32_t i = 0; i < npub; ++i) {
        client_plan c;
        c.kind = client_plan::role::publisher;
        c.broker = pubs[i].broker % brokers;
        c.publisher_id = i;
        c.client_id = fmt::format("{}pub-{}", prefix, i);
        c.topic = std::move(pubs[i].topic);
        c.rate = o.rate > 0 ? o.rate / npub : 0;
        if (o.count > 0) c.quota = o.count / npub + (i < o.count % npub ? 1 : 0);
        p.clients.push_back(std::move(c));
    }
    if (o.scenario == scenario_kind::storm || o.scenario == scenario_kind::mixed) {
        for (std::uint32_t k = 0; k < o.connections; ++k) {
            client_plan c;
            c.kind = client_plan::role::idle;
            c.broker = k % brokers;
            c.client_id = fmt::format("{}idle-{}", prefix, k);
            p.clients.push_back(std::move(c));
        }
    }

    // Expected deliveries per message of each publisher: exact filters by hash, wildcard filters by matching.
    const auto broker_key = [&](std::size_t b) { return o.cluster ? std::size_t{0} : b; };
    std::unordered_map<std::string, std::uint32_t> exact;  // broker key + '\0' + filter
    std::vector<const client_plan*> wildcards;
    for (const auto& c : p.clients) {
        if (c.kind != client_plan::role::subscriber) continue;
        if (c.topic.find_first_of("+#") == std::string::npos)
            ++exact[std::to_string(broker_key(c.broker)) + '\0' + c.topic];
        else
            wildcards.push_back(&c);
    }
    p.fanout.assign(npub, 0);
    for (const auto& c : p.clients) {
        if (c.kind != client_plan::role::publisher) continue;
        std::uint32_t n = 0;
        if (auto it = exact.find(std::to_string(broker_key(c.broker)) + '\0' + c.topic); it != exact.end())
            n += it->second;
        for (const auto* s : wildcards)
            if (broker_key(s->broker) == broker_key(c.broker) && codec::topic_matches(s->topic, c.topic)) ++n;
        p.fanout[c.publisher_id] = n;
    }
    return p;
}

}  // namespace mqtt::load
