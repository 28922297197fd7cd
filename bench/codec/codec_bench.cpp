// Codec throughput: decode and encode of PUBLISH (16 B and 1 KiB payloads), CONNECT with properties (v5),
// SUBSCRIBE with 10 filters, and the fan-out header encoder. Each benchmark reports packets/s (items) and
// wire bytes/s. Inputs are built once with encode() outside the timed loop.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release && ninja -C build-bench codec_bench
//   build-bench/bench/codec/codec_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace {

using namespace mqtt::codec;

constexpr std::string_view topic = "sensors/building-7/floor-3/room-12/temperature";  // 46 bytes, typical depth

protocol_version version_arg(std::int64_t a) { return a == 5 ? protocol_version::v5 : protocol_version::v311; }

std::vector<std::byte> make_payload(std::size_t n) {
    std::vector<std::byte> p(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::byte>('a' + i % 26);
    return p;
}

std::vector<std::byte> encode_to_vector(const packet_view& p, protocol_version v) {
    std::vector<std::byte> out(encoded_size(p, v));
    const auto r = encode(p, v, out);
    if (!r || *r != out.size()) out.clear();
    return out;
}

publish_view make_publish(const std::vector<std::byte>& payload) {
    publish_view p;
    p.topic = topic;
    p.payload = payload;
    p.qos = qos::at_least_once;
    p.packet_id = 4242;
    return p;
}

void report(benchmark::State& state, std::size_t bytes_per_item) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes_per_item));
}

void decode_loop(benchmark::State& state, const std::vector<std::byte>& wire, protocol_version v) {
    if (wire.empty()) {
        state.SkipWithError("could not build the input packet");
        return;
    }
    const decode_options options{v, 268'435'460};
    for (auto _ : state) {
        auto r = decode(wire, options);
        benchmark::DoNotOptimize(r);
        if (!r) {
            state.SkipWithError("decode failed");
            break;
        }
    }
    report(state, wire.size());
}

void encode_loop(benchmark::State& state, const packet_view& p, protocol_version v) {
    std::vector<std::byte> out(encoded_size(p, v));
    for (auto _ : state) {
        auto r = encode(p, v, out);
        benchmark::DoNotOptimize(r);
        benchmark::ClobberMemory();
        if (!r) {
            state.SkipWithError("encode failed");
            break;
        }
    }
    report(state, out.size());
}

// Args: {version, payload bytes}
void BM_DecodePublish(benchmark::State& state) {
    const auto v = version_arg(state.range(0));
    const auto payload = make_payload(static_cast<std::size_t>(state.range(1)));
    decode_loop(state, encode_to_vector(make_publish(payload), v), v);
}

void BM_EncodePublish(benchmark::State& state) {
    const auto v = version_arg(state.range(0));
    const auto payload = make_payload(static_cast<std::size_t>(state.range(1)));
    encode_loop(state, make_publish(payload), v);
}

// Fan-out: only the header is written; the shared payload goes out with writev. Bytes = header bytes written.
void BM_EncodePublishHeader(benchmark::State& state) {
    const auto v = version_arg(state.range(0));
    const auto payload = make_payload(static_cast<std::size_t>(state.range(1)));
    const publish_view p = make_publish(payload);
    std::array<std::byte, 256> out{};
    const std::size_t header = encoded_publish_header_size(p, v);
    for (auto _ : state) {
        auto r = encode_publish_header(p, v, out);
        benchmark::DoNotOptimize(r);
        benchmark::ClobberMemory();
    }
    report(state, header);
}

const std::string will_payload = "client 42 went away";
const std::string password = "correct horse battery staple";

std::array<property, 5> connect_props{
    property::number(property_id::session_expiry_interval, 3600),
    property::number(property_id::receive_maximum, 100),
    property::number(property_id::topic_alias_maximum, 16),
    property::number(property_id::maximum_packet_size, 1 << 20),
    property::user("region", "eu-west-1"),
};
std::array<property, 2> will_props{
    property::number(property_id::will_delay_interval, 30),
    property::string(property_id::content_type, "text/plain"),
};

connect_view make_connect() {
    connect_view c;
    c.version = protocol_version::v5;
    c.clean_start = true;
    c.keep_alive = 60;
    c.properties = properties_view(std::span<const property>(connect_props));
    c.client_id = "bench-client-0042";
    c.will = will_view{"clients/bench-client-0042/status",
                       {reinterpret_cast<const std::byte*>(will_payload.data()), will_payload.size()},
                       qos::at_least_once, true, properties_view(std::span<const property>(will_props))};
    c.username = "bench";
    c.password = bytes_view{reinterpret_cast<const std::byte*>(password.data()), password.size()};
    return c;
}

void BM_DecodeConnectV5(benchmark::State& state) {
    decode_loop(state, encode_to_vector(make_connect(), protocol_version::v5), protocol_version::unknown);
}

void BM_EncodeConnectV5(benchmark::State& state) { encode_loop(state, make_connect(), protocol_version::v5); }

const std::array<std::string, 10> filters{
    "sensors/+/floor-1/#", "sensors/building-7/+/temperature", "alerts/#", "$SYS/broker/load/#",
    "home/livingroom/light", "home/+/humidity", "factory/line-3/station-12/state", "fleet/+/position",
    "$share/workers/jobs/#", "logs/app/+/error",
};
std::array<subscription, 10> make_subscriptions() {
    std::array<subscription, 10> s{};
    for (std::size_t i = 0; i < s.size(); ++i)
        s[i] = subscription{filters[i], subscribe_options{static_cast<qos>(i % 3), false, false, 0}};
    return s;
}
const std::array<subscription, 10> subscriptions = make_subscriptions();

subscribe_view make_subscribe() {
    subscribe_view s;
    s.packet_id = 17;
    s.subscriptions = std::span<const subscription>(subscriptions);
    return s;
}

void BM_DecodeSubscribe10(benchmark::State& state) {
    const auto v = version_arg(state.range(0));
    decode_loop(state, encode_to_vector(make_subscribe(), v), v);
}

void BM_EncodeSubscribe10(benchmark::State& state) {
    encode_loop(state, make_subscribe(), version_arg(state.range(0)));
}

}  // namespace

BENCHMARK(BM_DecodePublish)->ArgNames({"v", "payload"})->Args({4, 16})->Args({5, 16})->Args({4, 1024})->Args({5, 1024});
BENCHMARK(BM_EncodePublish)->ArgNames({"v", "payload"})->Args({4, 16})->Args({5, 16})->Args({4, 1024})->Args({5, 1024});
BENCHMARK(BM_EncodePublishHeader)->ArgNames({"v", "payload"})->Args({4, 1024})->Args({5, 1024});
BENCHMARK(BM_DecodeConnectV5);
BENCHMARK(BM_EncodeConnectV5);
BENCHMARK(BM_DecodeSubscribe10)->ArgName("v")->Arg(4)->Arg(5);
BENCHMARK(BM_EncodeSubscribe10)->ArgName("v")->Arg(4)->Arg(5);
