// Zero allocation (issue 2): decode() and encode() of every packet type, both versions, allocate nothing. This
// executable replaces the global operator new/delete with counting versions (after nghttp2's malloc_wrapper), so
// it is separate from codec_tests.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>
#include <mqtt/codec/topic.hpp>
#include <mqtt/codec/utf8.hpp>

#include "codec/golden_vectors.hpp"
#include "support/codec_helpers.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void* counted_alloc(std::size_t n, std::size_t align = 0) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    if (n == 0) n = 1;
    void* p = align > alignof(std::max_align_t) ? std::aligned_alloc(align, (n + align - 1) / align * align)
                                                : std::malloc(n);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_alloc(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_alloc(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return counted_alloc(n);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return counted_alloc(n);
    } catch (...) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace mqtt::test {
namespace {

// Counts allocations made while `f` runs.
template <class F>
std::size_t allocations_during(F&& f) {
    allocations = 0;
    counting = true;
    f();
    counting = false;
    return allocations.load();
}

TEST(ZeroAllocation, CounterSeesAllocations) {
    EXPECT_EQ(allocations_during([] { delete new int(1); }), 1u);
    EXPECT_EQ(allocations_during([] { std::vector<int> v(10); }), 1u);
}

// decode() of every golden vector, and encode() of the decoded (wire-backed) view into a caller's buffer; plus
// iterating every list the views carry.
TEST(ZeroAllocation, DecodeAndEncodeEveryGoldenPacket) {
    for (const auto& g : golden::all_golden_vectors) {
        SCOPED_TRACE(g.name);
        const auto bytes = hex(g.hex);
        std::vector<std::byte> out(bytes.size() + 16);
        bool ok = false;
        std::size_t walked = 0;
        const auto n = allocations_during([&] {
            auto r = codec::decode(bytes, options_for(g.version));
            if (!r) return;
            const auto size = codec::encoded_size(r->packet, g.version);
            auto e = codec::encode(r->packet, g.version, out);
            ok = e.has_value() && *e == size && size == bytes.size();
            std::visit(
                [&](const auto& view) {
                    using V = std::decay_t<decltype(view)>;
                    if constexpr (requires { view.properties; })
                        for (const auto& p : view.properties) walked += p.text.size() + 1;
                    if constexpr (std::is_same_v<V, codec::subscribe_view>)
                        for (const auto& s : view.subscriptions) walked += s.topic_filter.size();
                    if constexpr (std::is_same_v<V, codec::unsubscribe_view>)
                        for (auto f : view.topic_filters) walked += f.size();
                    if constexpr (requires { view.reason_codes; })
                        for (auto c : view.reason_codes) walked += static_cast<std::size_t>(c);
                },
                r->packet);
        });
        EXPECT_TRUE(ok);
        EXPECT_EQ(n, 0u);
    }
}

// encode() of caller-built views of every packet type (properties, subscriptions, filters and codes as spans),
// encode_publish_header(), and the failing paths (errors allocate nothing either).
TEST(ZeroAllocation, EncodeCallerBuiltViewsAndErrors) {
    static constexpr std::byte payload[] = {std::byte{1}, std::byte{2}};
    const codec::property props[] = {codec::property::user("k", "v"),
                                     codec::property::string(codec::property_id::reason_string, "r")};
    const codec::property publish_props[] = {codec::property::number(codec::property_id::topic_alias, 1),
                                             codec::property::bytes(codec::property_id::correlation_data, payload)};
    const codec::subscription subs[] = {{"a/+", {codec::qos::at_least_once, true, false, 1}}};
    const std::string_view filters[] = {"a/#"};
    const codec::reason_code codes[] = {codec::reason_code::granted_qos_1};

    codec::connect_view connect;
    connect.version = protocol_version::v5;
    connect.client_id = "c";
    connect.will = codec::will_view{"w", payload, codec::qos::at_least_once, true, {}};
    connect.username = "u";
    connect.password = std::span<const std::byte>(payload);
    codec::publish_view publish;
    publish.topic = "a/b";
    publish.payload = payload;
    publish.qos = codec::qos::exactly_once;
    publish.packet_id = 3;
    publish.properties = std::span<const codec::property>(publish_props);
    codec::puback_view puback{1, codec::reason_code::not_authorized, std::span<const codec::property>(props)};
    codec::subscribe_view subscribe{2, {}, std::span<const codec::subscription>(subs)};
    codec::suback_view suback{2, std::span<const codec::property>(props), std::span<const codec::reason_code>(codes)};
    codec::unsubscribe_view unsubscribe{4, {}, std::span<const std::string_view>(filters)};
    codec::unsuback_view unsuback{4, {}, std::span<const codec::reason_code>(codes)};
    codec::disconnect_view disconnect{codec::reason_code::server_busy, std::span<const codec::property>(props)};
    codec::auth_view auth{codec::reason_code::continue_authentication, {}};
    const codec::packet_view packets[] = {connect,     codec::connack_view{}, publish,   puback,
                                          codec::pubrec_view{5, {}, {}}, codec::pubrel_view{6, {}, {}}, codec::pubcomp_view{7, {}, {}},
                                          subscribe,   suback,    unsubscribe, unsuback, codec::pingreq_view{},
                                          codec::pingresp_view{}, disconnect, auth};

    std::vector<std::byte> out(256);
    std::vector<std::byte> tiny(2);
    std::size_t written = 0, failures = 0;
    const auto n = allocations_during([&] {
        for (auto v : {protocol_version::v311, protocol_version::v5}) {
            for (const auto& p : packets) {
                if (auto r = codec::encode(p, v, out)) written += *r;
                if (!codec::encode(p, v, tiny).has_value()) ++failures;
                if (auto r = codec::decode(std::span<const std::byte>(out).first(codec::encoded_size(p, v)),
                                           options_for(v)))
                    written += r->consumed;
            }
            if (auto r = codec::encode_publish_header(publish, v, out)) written += *r;
        }
        // Decode failures and the stand-alone validators.
        static constexpr std::byte bad[] = {std::byte{0x36}, std::byte{0x03}, std::byte{0}, std::byte{1},
                                            std::byte{0x61}};
        if (!codec::decode(bad, options_for(protocol_version::v5))) ++failures;
        if (codec::validate_utf8("\xed\xa0\x80")) ++failures;
        written += codec::topic_matches("a/+/#", "a/b/c/d") ? 1u : 0u;
        written += codec::is_valid_topic_filter("$share/g/a/#") ? 1u : 0u;
    });
    EXPECT_EQ(n, 0u);
    EXPECT_GT(written, 0u);
    EXPECT_GT(failures, 20u);
}

}  // namespace
}  // namespace mqtt::test
