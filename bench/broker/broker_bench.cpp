// Engine routing benchmarks: topic matching against 100k subscriptions (with wildcards), and publish fan-out
// to 1,000 subscribers through the whole engine (encode once per variant, patch packet ids, transport.send).
// g++ 12 at -O2/-O3 reports a false -Wrestrict inside std::string operator+ (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include <mqtt/broker/engine.hpp>
#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>

namespace {

using namespace mqtt;
using broker::connection_id;

class counting_transport final : public broker::transport {
public:
    void send(connection_id, std::span<const std::byte> p, broker::delivery) override {
        ++packets;
        bytes += p.size();
    }
    void close(connection_id, codec::reason_code) override {}
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
};

// Round-trips a packet through the codec so the engine sees wire-backed views, as in mqttd.
struct wire {
    std::vector<std::byte> buf;
    codec::packet_view view;
    wire(const codec::packet_view& p, codec::protocol_version v) : buf(codec::encoded_size(p, v)) {
        (void)codec::encode(p, v, buf);
        codec::decode_options o;
        o.version = codec::type_of(p) == codec::packet_type::connect ? codec::protocol_version::unknown : v;
        view = codec::decode(buf, o)->packet;
    }
};

void connect(broker::engine& e, connection_id id, std::string_view client_id, codec::protocol_version v,
             broker::time_point now) {
    e.on_connect(id, broker::peer_info{"bench", "bench", {}}, now);
    codec::connect_view c;
    c.version = v;
    c.client_id = client_id;
    wire w(c, v);
    e.on_packet(id, w.view, now);
}

void subscribe(broker::engine& e, connection_id id, std::string_view filter, codec::qos q, codec::protocol_version v,
               broker::time_point now) {
    const codec::subscription s{filter, codec::subscribe_options{q, false, false, 0}};
    codec::subscribe_view p;
    p.packet_id = 1;
    p.subscriptions = codec::subscription_list(std::span<const codec::subscription>(&s, 1));
    wire w(p, v);
    e.on_packet(id, w.view, now);
}

// 100k subscriptions: 1,000 clients x 100 filters over a 3-level topic space, ~1/4 of them with '+' or '#'.
// The published topic matches a handful of them; the benchmark measures one PUBLISH routed (match + deliver).
void BM_Match100kSubscriptions(benchmark::State& state) {
    counting_transport t;
    broker::config cfg;
    broker::engine e(cfg, t);
    const broker::time_point now{};
    std::mt19937 rng(42);
    for (connection_id id = 1; id <= 1000; ++id) {
        connect(e, id, "c" + std::to_string(id), codec::protocol_version::v5, now);
        for (int k = 0; k < 100; ++k) {
            const auto a = std::to_string(rng() % 100);
            const auto b = std::to_string(rng() % 100);
            const auto c = std::to_string(rng() % 1000);
            std::string f;
            switch (rng() % 8) {
            case 0: f = "site/" + a + "/+/" + c; break;
            case 1: f = "site/" + a + "/" + b + "/#"; break;
            default: f = "site/" + a + "/" + b + "/" + c; break;
            }
            subscribe(e, id, f, codec::qos::at_most_once, codec::protocol_version::v5, now);
        }
    }
    state.counters["subscriptions"] = static_cast<double>(e.stats().subscriptions);
    connect(e, 5000, "publisher", codec::protocol_version::v5, now);
    codec::publish_view p;
    p.topic = "site/7/42/123";
    const std::string payload = "21.5";
    p.payload = std::as_bytes(std::span<const char>(payload));
    wire w(p, codec::protocol_version::v5);
    const auto before = t.packets;
    for (auto _ : state) e.on_packet(5000, w.view, now);
    state.counters["deliveries_per_publish"] =
        static_cast<double>(t.packets - before) / static_cast<double>(state.iterations());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Match100kSubscriptions)->Unit(benchmark::kMicrosecond);

// One PUBLISH fanned out to 1,000 subscribers of "fan/+" (half 3.1.1, half 5.0) at the given QoS: one encoding
// per (version, QoS) variant, packet ids patched per receiver; acknowledgements keep the QoS 1 window open.
void BM_FanOut1000(benchmark::State& state) {
    const auto q = static_cast<codec::qos>(state.range(0));
    counting_transport t;
    broker::config cfg;
    broker::engine e(cfg, t);
    const broker::time_point now{};
    for (connection_id id = 1; id <= 1000; ++id) {
        const auto v = id % 2 ? codec::protocol_version::v311 : codec::protocol_version::v5;
        connect(e, id, "s" + std::to_string(id), v, now);
        subscribe(e, id, "fan/+", q, v, now);
    }
    connect(e, 5000, "publisher", codec::protocol_version::v5, now);
    codec::publish_view p;
    p.topic = "fan/out";
    const std::string payload(64, 'x');
    p.payload = std::as_bytes(std::span<const char>(payload));
    wire w(p, codec::protocol_version::v5);
    std::vector<wire> acks;
    if (q != codec::qos::at_most_once) {
        codec::puback_view a;
        a.packet_id = 1;
        acks.emplace_back(a, codec::protocol_version::v311);
        acks.emplace_back(a, codec::protocol_version::v5);
    }
    std::uint16_t next_id = 1;
    for (auto _ : state) {
        e.on_packet(5000, w.view, now);
        if (!acks.empty()) {
            state.PauseTiming();
            // every subscriber got packet id `next_id`: acknowledge it so the window never fills
            codec::puback_view a;
            a.packet_id = next_id;
            wire w311(a, codec::protocol_version::v311), w5(a, codec::protocol_version::v5);
            for (connection_id id = 1; id <= 1000; ++id) e.on_packet(id, id % 2 ? w311.view : w5.view, now);
            next_id = static_cast<std::uint16_t>(next_id == 65'535 ? 1 : next_id + 1);
            state.ResumeTiming();
        }
    }
    state.counters["packets_per_publish"] = static_cast<double>(t.packets) / static_cast<double>(state.iterations());
    state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_FanOut1000)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
