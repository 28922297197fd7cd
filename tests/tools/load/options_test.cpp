// Command-line parsing, validation, and the plans the scenarios build.
#include <gtest/gtest.h>

#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <mqtt/load/cli.hpp>
#include <mqtt/load/options.hpp>

using namespace mqtt::load;
using mqtt::codec::protocol_version;
using mqtt::codec::qos;

namespace {

struct parsed {
    cli_result result;
    std::string out, err;
};

parsed parse(std::vector<std::string> args) {
    args.insert(args.begin(), "mqtt-load");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    parsed p{parse_command_line(static_cast<int>(argv.size()), argv.data(), out, err), {}, {}};
    p.out = out.str();
    p.err = err.str();
    return p;
}

options parse_ok(std::vector<std::string> args) {
    auto p = parse(std::move(args));
    EXPECT_TRUE(p.result.opts.has_value()) << p.err;
    return p.result.opts.value_or(options{});
}

std::uint64_t total_quota(const plan& pl) {
    std::uint64_t n = 0;
    for (const auto& c : pl.clients) n += c.quota;
    return n;
}

}  // namespace

TEST(LoadOptions, Defaults) {
    const auto o = parse_ok({});
    EXPECT_EQ(o.scenario, scenario_kind::fan_in);
    ASSERT_EQ(o.brokers.size(), 1U);
    EXPECT_EQ(o.brokers[0].host, "127.0.0.1");
    EXPECT_EQ(o.brokers[0].port, 1883);
    EXPECT_EQ(o.version, protocol_version::v311);
    EXPECT_EQ(o.qos, qos::at_most_once);
    EXPECT_EQ(o.topic, "mqtt-load/fan-in");
    EXPECT_EQ(o.sub_topic, "mqtt-load/fan-in");
    EXPECT_TRUE(o.clean);
}

TEST(LoadOptions, EveryOption) {
    const auto o = parse_ok({"pairs", "-b", "127.0.0.1:1884", "--broker", "localhost:1885", "--cluster", "-V", "5",
                             "-q", "2", "-N", "8", "-s", "256", "-t", "t/%i/x", "-r", "1000", "-d", "2.5", "-n",
                             "500", "--persistent", "--connect-rate", "50", "-k", "30", "-w", "16",
                             "--connect-timeout", "5", "--drain-timeout", "3", "--client-prefix", "cp-", "--json",
                             "--quiet"});
    EXPECT_EQ(o.scenario, scenario_kind::pairs);
    ASSERT_EQ(o.brokers.size(), 2U);
    EXPECT_EQ(o.brokers[1].host, "localhost");
    EXPECT_EQ(o.brokers[1].port, 1885);
    EXPECT_TRUE(o.cluster);
    EXPECT_EQ(o.version, protocol_version::v5);
    EXPECT_EQ(o.qos, qos::exactly_once);
    EXPECT_EQ(o.pairs, 8U);
    EXPECT_EQ(o.payload_size, 256U);
    EXPECT_EQ(o.topic, "t/%i/x");
    EXPECT_EQ(o.sub_topic, "t/%i/x");  // pairs: each subscriber takes its pair's topic
    EXPECT_DOUBLE_EQ(o.rate, 1000);
    EXPECT_DOUBLE_EQ(o.duration, 2.5);
    EXPECT_EQ(o.count, 500U);
    EXPECT_FALSE(o.clean);
    EXPECT_EQ(o.session_expiry, 3600U);  // v5 persistent default
    EXPECT_DOUBLE_EQ(o.connect_rate, 50);
    EXPECT_EQ(o.keep_alive, 30);
    EXPECT_EQ(o.inflight, 16U);
    EXPECT_EQ(o.client_prefix, "cp-");
    EXPECT_TRUE(o.json);
    EXPECT_TRUE(o.quiet);
}

TEST(LoadOptions, ProtocolSpellings) {
    EXPECT_EQ(parse_ok({"-V", "3.1.1"}).version, protocol_version::v311);
    EXPECT_EQ(parse_ok({"-V", "5.0"}).version, protocol_version::v5);
    EXPECT_EQ(parse_ok({"--protocol", "4"}).version, protocol_version::v311);
}

TEST(LoadOptions, ScenarioNames) {
    EXPECT_EQ(parse_ok({"fan-out", "-S", "3"}).scenario, scenario_kind::fan_out);
    EXPECT_EQ(parse_ok({"storm", "-C", "10"}).scenario, scenario_kind::storm);
    EXPECT_EQ(parse_ok({"mixed"}).scenario, scenario_kind::mixed);
    EXPECT_EQ(parse_ok({"fanin"}).scenario, scenario_kind::fan_in);
}

TEST(LoadOptions, RejectsNonsense) {
    struct bad {
        std::vector<std::string> args;
        const char* says;
    };
    const std::vector<bad> cases = {
        {{"fan-sideways"}, "unknown scenario"},
        {{"-q", "3"}, ""},
        {{"-V", "4.0"}, "--protocol"},
        {{"-s", "10"}, "stamp"},
        {{"pairs", "-t", "same/topic"}, "%i"},
        {{"fan-out", "-P", "2"}, "exactly one publisher"},
        {{"storm"}, "--connections"},
        {{"-t", "a/+/b"}, "not a valid topic name"},
        {{"--sub-topic", "a/#/b"}, "not a valid topic filter"},
        {{"-w", "0"}, "--inflight"},
        {{"-b", "localhost:99999"}, "--broker"},
        {{"-r", "-5"}, "--rate"},
        {{"--no-such-option"}, ""},
    };
    for (const auto& c : cases) {
        const auto p = parse(c.args);
        EXPECT_FALSE(p.result.opts.has_value()) << c.args[0];
        EXPECT_NE(p.result.exit_code, 0) << c.args[0];
        EXPECT_NE(p.err.find(c.says), std::string::npos) << "stderr: " << p.err;
    }
}

TEST(LoadOptions, HelpExitsZero) {
    const auto p = parse({"--help"});
    EXPECT_FALSE(p.result.opts.has_value());
    EXPECT_EQ(p.result.exit_code, 0);
    EXPECT_NE(p.out.find("fan-in"), std::string::npos);
}

TEST(LoadOptions, ExpandSubstitutesEveryIndex) {
    EXPECT_EQ(expand("a/%i/b/%i", 42), "a/42/b/42");
    EXPECT_EQ(expand("plain", 1), "plain");
    EXPECT_EQ(expand("%", 1), "%");
}

TEST(LoadPlan, FanInOneTopic) {
    auto o = parse_ok({"fan-in", "-P", "3", "-S", "2", "-n", "10", "-r", "300"});
    const auto pl = make_plan(o, 1);
    ASSERT_EQ(pl.clients.size(), 5U);
    EXPECT_EQ(pl.subscriber_count, 2U);
    EXPECT_EQ(pl.publisher_count, 3U);
    EXPECT_EQ(pl.clients[0].kind, client_plan::role::subscriber);  // subscribers first
    EXPECT_EQ(pl.fanout, (std::vector<std::uint32_t>{2, 2, 2}));
    EXPECT_EQ(total_quota(pl), 10U);  // 4 + 3 + 3
    EXPECT_EQ(pl.clients[2].quota, 4U);
    EXPECT_DOUBLE_EQ(pl.clients[2].rate, 100);
    EXPECT_EQ(pl.clients[0].client_id, "mqtt-load-1-sub-0");
    EXPECT_EQ(pl.clients[4].client_id, "mqtt-load-1-pub-2");
}

TEST(LoadPlan, FanInWildcard) {
    auto o = parse_ok({"fan-in", "-P", "4", "-S", "3", "-t", "in/%i"});
    EXPECT_EQ(o.sub_topic, "in/+");
    const auto pl = make_plan(o, 1);
    EXPECT_EQ(pl.clients[0].topic, "in/+");
    EXPECT_EQ(pl.clients[3].topic, "in/0");
    EXPECT_EQ(pl.clients[6].topic, "in/3");
    EXPECT_EQ(pl.fanout, (std::vector<std::uint32_t>{3, 3, 3, 3}));
}

TEST(LoadPlan, PairsAreOneToOne) {
    auto o = parse_ok({"pairs", "-N", "5"});
    const auto pl = make_plan(o, 1);
    ASSERT_EQ(pl.clients.size(), 10U);
    for (std::uint32_t i = 0; i < 5; ++i) {
        EXPECT_EQ(pl.clients[i].topic, pl.clients[5 + i].topic);
        EXPECT_EQ(pl.fanout[i], 1U);
    }
}

TEST(LoadPlan, IndependentBrokersOnlyMatchTheirOwnSubscribers) {
    auto independent = parse_ok({"fan-out", "-S", "4", "-b", "127.0.0.1:1", "-b", "127.0.0.1:2"});
    EXPECT_EQ(make_plan(independent, 1).fanout, (std::vector<std::uint32_t>{2}));  // subscribers 0 and 2
    auto cluster = parse_ok({"fan-out", "-S", "4", "-b", "127.0.0.1:1", "-b", "127.0.0.1:2", "--cluster"});
    EXPECT_EQ(make_plan(cluster, 1).fanout, (std::vector<std::uint32_t>{4}));
    auto pairs = parse_ok({"pairs", "-N", "4", "-b", "127.0.0.1:1", "-b", "127.0.0.1:2"});
    const auto pl = make_plan(pairs, 1);
    for (std::uint32_t i = 0; i < 4; ++i) EXPECT_EQ(pl.clients[i].broker, pl.clients[4 + i].broker);  // pair stays
    EXPECT_EQ(pl.fanout, (std::vector<std::uint32_t>{1, 1, 1, 1}));
}

TEST(LoadPlan, StormIsIdleConnectionsOnly) {
    auto o = parse_ok({"storm", "-C", "7", "--connect-rate", "100"});
    const auto pl = make_plan(o, 1);
    ASSERT_EQ(pl.clients.size(), 7U);
    for (const auto& c : pl.clients) EXPECT_EQ(c.kind, client_plan::role::idle);
    EXPECT_TRUE(pl.fanout.empty());
}

TEST(LoadPlan, MixedCombinesPairsFanOutAndIdle) {
    auto o = parse_ok({"mixed", "-N", "2", "-S", "3", "-C", "4"});
    const auto pl = make_plan(o, 1);
    EXPECT_EQ(pl.subscriber_count, 5U);
    EXPECT_EQ(pl.publisher_count, 3U);
    EXPECT_EQ(pl.clients.size(), 12U);
    EXPECT_EQ(pl.fanout, (std::vector<std::uint32_t>{1, 1, 3}));
    std::vector<std::string> ids;
    for (const auto& c : pl.clients) ids.push_back(c.client_id);
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end()) << "client ids must be unique";
}
