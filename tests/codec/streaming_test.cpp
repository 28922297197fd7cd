// Streaming (issue 2): every strict prefix of a valid packet is "incomplete" and never read past its end (guard
// page); several packets in one buffer decode one after another; packets split across reads reassemble.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <mqtt/codec/decode.hpp>

#include "codec/golden_vectors.hpp"
#include "support/codec_helpers.hpp"
#include "support/guarded_buffer.hpp"

namespace mqtt::test {
namespace {

using codec::errc;
using golden::all_golden_vectors;

// Every strict prefix of every golden vector returns errc::incomplete, never another error, and never touches the
// byte after the prefix (it lies in a PROT_NONE page). Both under the connection's version and, for CONNECT,
// before the version is known.
TEST(Streaming, EveryStrictPrefixIsIncomplete) {
    std::size_t checked = 0;
    for (const auto& g : all_golden_vectors) {
        SCOPED_TRACE(g.name);
        const auto bytes = hex(g.hex);
        const bool is_connect = std::to_integer<unsigned>(bytes[0]) >> 4 == 1;
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            SCOPED_TRACE(n);
            guarded_prefix prefix(bytes, n);
            for (auto v : {g.version, is_connect ? protocol_version::unknown : g.version}) {
                auto r = codec::decode(prefix.bytes(), options_for(v));
                ASSERT_FALSE(r.has_value());
                EXPECT_EQ(r.error().code, errc::incomplete);
                EXPECT_LE(r.error().offset, n);
                ++checked;
            }
        }
        // The whole vector, ending at the guard page, decodes.
        guarded_buffer whole(bytes);
        auto r = codec::decode(whole.bytes(), options_for(g.version));
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->consumed, bytes.size());
    }
    EXPECT_GT(checked, 1000u);
}

// decode_fixed_header() alone: a prefix shorter than the header is incomplete, at the guard page too.
TEST(Streaming, FixedHeaderPrefixIsIncomplete) {
    const auto bytes = hex("30 ff ff ff 7f");
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        guarded_prefix prefix(bytes, n);
        auto h = codec::decode_fixed_header(prefix.bytes());
        ASSERT_FALSE(h.has_value());
        EXPECT_EQ(h.error().code, errc::incomplete);
    }
}

// All golden vectors of one version back to back in one buffer decode in order; `consumed` is each packet's size
// and each packet equals the one decoded alone.
TEST(Streaming, ConcatenatedPacketsDecodeOneAfterAnother) {
    for (auto v : {protocol_version::v311, protocol_version::v5}) {
        SCOPED_TRACE(name(v));
        std::vector<std::byte> stream;
        std::vector<std::vector<std::byte>> singles;
        for (const auto& g : all_golden_vectors) {
            if (g.version != v) continue;
            singles.push_back(hex(g.hex));
            stream.insert(stream.end(), singles.back().begin(), singles.back().end());
        }
        guarded_buffer buffer(stream);
        std::span<const std::byte> rest = buffer.bytes();
        for (const auto& single : singles) {
            auto r = codec::decode(rest, options_for(v));
            ASSERT_TRUE(r.has_value()) << codec::name(r.error().code);
            EXPECT_EQ(r->consumed, single.size());
            auto alone = codec::decode(single, options_for(v));
            ASSERT_TRUE(alone.has_value());
            EXPECT_TRUE(packets_equal(r->packet, alone->packet));
            rest = rest.subspan(r->consumed);
        }
        EXPECT_TRUE(rest.empty());
        auto r = codec::decode(rest, options_for(v));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, errc::incomplete);
    }
}

// MQTT-6.0.0-2 (v3.1.1 and v5): packets need not line up with the reads that deliver them. A receive buffer fed
// in chunks of every size from 1 to 17 bytes decodes exactly the packets that were sent, in order.
TEST(Streaming, MQTT_6_0_0_2_PacketsSplitAcrossReads) {
    for (auto v : {protocol_version::v311, protocol_version::v5}) {
        std::vector<std::byte> stream;
        std::size_t expected = 0;
        for (const auto& g : all_golden_vectors) {
            if (g.version != v) continue;
            const auto b = hex(g.hex);
            stream.insert(stream.end(), b.begin(), b.end());
            ++expected;
        }
        for (std::size_t chunk = 1; chunk <= 17; ++chunk) {
            SCOPED_TRACE(chunk);
            std::vector<std::byte> rx;
            std::size_t fed = 0, decoded = 0, consumed_total = 0;
            while (fed < stream.size()) {
                const auto n = std::min(chunk, stream.size() - fed);
                rx.insert(rx.end(), stream.begin() + static_cast<std::ptrdiff_t>(fed),
                          stream.begin() + static_cast<std::ptrdiff_t>(fed + n));
                fed += n;
                for (;;) {
                    auto r = codec::decode(rx, options_for(v));
                    if (!r) {
                        ASSERT_EQ(r.error().code, errc::incomplete);
                        break;
                    }
                    ++decoded;
                    consumed_total += r->consumed;
                    rx.erase(rx.begin(), rx.begin() + static_cast<std::ptrdiff_t>(r->consumed));
                }
            }
            EXPECT_EQ(decoded, expected);
            EXPECT_EQ(consumed_total, stream.size());
            EXPECT_TRUE(rx.empty());
        }
    }
}

// A valid packet followed by the start of another: the first decodes and `consumed` stops at its end.
TEST(Streaming, ConsumedStopsAtThePacketEnd) {
    auto bytes = hex(golden::publish_v311_qos1_retain);
    const auto size = bytes.size();
    bytes.push_back(std::byte{0x30});
    bytes.push_back(std::byte{0x7f});
    auto r = codec::decode(bytes, options_for(protocol_version::v311));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->consumed, size);
    auto next = codec::decode(std::span<const std::byte>(bytes).subspan(size), options_for(protocol_version::v311));
    ASSERT_FALSE(next.has_value());
    EXPECT_EQ(next.error().code, errc::incomplete);
}

// Decode errors report offsets from the start of the input, which is the start of the packet.
TEST(Streaming, ErrorOffsetsAreRelativeToThePacket) {
    auto stream = hex(golden::pingreq);
    const auto bad = packet(0x30, "0003 612f23");  // wildcard topic at offset 2 of its packet
    stream.insert(stream.end(), bad.begin(), bad.end());
    auto first = codec::decode(stream, options_for(protocol_version::v311));
    ASSERT_TRUE(first.has_value());
    auto second = codec::decode(std::span<const std::byte>(stream).subspan(first->consumed),
                                options_for(protocol_version::v311));
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error(), (codec::error{errc::invalid_topic_name, 2}));
}

}  // namespace
}  // namespace mqtt::test
