// Variable Byte Integer (section 1.5.5 v5, 2.2.3 v3.1.1), the fixed header (section 2.1/2.2), and limits on
// the remaining length and the packet size.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <array>
#include <string>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/fixed_header.hpp>
#include <mqtt/codec/varint.hpp>

#include "support/codec_helpers.hpp"

namespace mqtt::test {
namespace {

using codec::errc;
using codec::reason_code;

struct varint_case {
    std::uint32_t value;
    std::string_view bytes;
};
// The boundaries of Table 1.1 (v3.1.1 Table 2.4).
constexpr varint_case varint_cases[] = {
    {0, "00"},           {1, "01"},           {127, "7f"},          {128, "80 01"},
    {16'383, "ff 7f"},   {16'384, "80 80 01"}, {2'097'151, "ff ff 7f"}, {2'097'152, "80 80 80 01"},
    {268'435'455, "ff ff ff 7f"}, {321, "c1 02"},
};

TEST(VariableByteInteger, DecodesAndEncodesTheBoundaries) {
    for (const auto& c : varint_cases) {
        SCOPED_TRACE(c.value);
        const auto b = hex(c.bytes);
        auto r = codec::decode_variable_byte_integer(b);
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->value, c.value);
        EXPECT_EQ(r->size, b.size());
        EXPECT_EQ(codec::variable_byte_integer_size(c.value), b.size());
        std::array<std::byte, 4> out{};
        const auto n = codec::write_variable_byte_integer(c.value, out.data());
        EXPECT_EQ(to_hex(std::span<const std::byte>(out.data(), n)), to_hex(b));
    }
}

// MQTT-1.5.5-1 (v5): the shortest encoding only; a trailing 0x00 after a continuation byte is malformed.
TEST(VariableByteIntegerV5, MQTT_1_5_5_1_NonShortestFormIsMalformed) {
    for (std::string_view bytes : {"80 00", "ff 00", "80 80 00", "80 80 80 00", "ff ff ff 00"}) {
        SCOPED_TRACE(bytes);
        auto r = codec::decode_variable_byte_integer(hex(bytes));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, errc::malformed_variable_byte_integer);
        EXPECT_EQ(r.error().offset, hex(bytes).size() - 1);
    }
}

// At most four bytes: a fifth would be needed.
TEST(VariableByteInteger, FiveBytesAreMalformed) {
    for (std::string_view bytes : {"80 80 80 80 01", "ff ff ff ff 7f", "ff ff ff ff"}) {
        auto r = codec::decode_variable_byte_integer(hex(bytes));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, errc::malformed_variable_byte_integer);
        EXPECT_EQ(r.error().offset, 3u);
    }
}

TEST(VariableByteInteger, EndsInsideTheIntegerIsIncomplete) {
    for (std::string_view bytes : {"", "80", "ff ff", "80 80 80"}) {
        auto r = codec::decode_variable_byte_integer(hex(bytes));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, errc::incomplete);
        EXPECT_EQ(r.error().offset, hex(bytes).size());
    }
}

// Every value round-trips at a stride that crosses each size class.
TEST(VariableByteInteger, RoundTripsAcrossTheRange) {
    for (std::uint64_t v = 0; v <= codec::max_variable_byte_integer; v = v * 3 + 1) {
        std::array<std::byte, 4> out{};
        const auto value = static_cast<std::uint32_t>(v);
        const auto n = codec::write_variable_byte_integer(value, out.data());
        auto r = codec::decode_variable_byte_integer(std::span<const std::byte>(out.data(), n));
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->value, value);
        EXPECT_EQ(r->size, n);
    }
}

// ------------------------------------------------------------------------------------------------ fixed header

TEST(FixedHeader, DecodesTypeFlagsAndRemainingLength) {
    auto h = codec::decode_fixed_header(hex("3b 80 01"));
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->type, codec::packet_type::publish);
    EXPECT_EQ(h->flags, 0x0b);
    EXPECT_EQ(h->remaining_length, 128u);
    EXPECT_EQ(h->header_size, 3);
    EXPECT_EQ(h->packet_size(), 131u);
}

// Table 2.2 (v3.1.1) / Table 2-2 (v5): the one valid flags value for every type except PUBLISH.
constexpr std::uint8_t required_flags[16] = {0, 0, 0, 0, 0, 0, 2, 0, 2, 0, 2, 0, 0, 0, 0, 0};

// Reserved flag bits hold exactly the table's value, else the packet is malformed:
// MQTT-2.2.2-1, MQTT-2.2.2-2 (v3.1.1)
// MQTT-2.1.3-1 (v5)
// This covers PUBREL, SUBSCRIBE, UNSUBSCRIBE (0010), DISCONNECT (0000) and AUTH (0000, 5.0 only):
// MQTT-3.6.1-1, MQTT-3.8.1-1, MQTT-3.10.1-1, MQTT-3.14.1-1 (v3.1.1 and v5)
// MQTT-3.15.1-1 (v5)
TEST(FixedHeader, ReservedFlagsPerType) {
    for (unsigned type = 1; type < 16; ++type) {
        if (type == 3) continue;  // PUBLISH: DUP, QoS, RETAIN
        for (unsigned flags = 0; flags < 16; ++flags) {
            SCOPED_TRACE(testing::Message() << "type " << type << " flags " << flags);
            const std::byte in[] = {static_cast<std::byte>(type << 4 | flags), std::byte{0}};
            auto h = codec::decode_fixed_header(in);
            if (flags == required_flags[type]) {
                ASSERT_TRUE(h.has_value());
                EXPECT_EQ(static_cast<unsigned>(h->type), type);
            } else {
                ASSERT_FALSE(h.has_value());
                EXPECT_EQ(h.error(), (codec::error{errc::invalid_fixed_header_flags, 0}));
                EXPECT_EQ(codec::to_reason_code(h.error().code), reason_code::malformed_packet);
                // decode() reports the same at offset 0, under both versions.
                for (auto v : {protocol_version::v311, protocol_version::v5})
                    EXPECT_TRUE(decode_fails(in, v, errc::invalid_fixed_header_flags, 0, reason_code::malformed_packet));
            }
        }
    }
}
TEST(FixedHeaderV311, MQTT_3_6_1_1_MQTT_3_8_1_1_MQTT_3_10_1_1_FlagsMustBe0010) {
    for (std::uint8_t first : std::initializer_list<std::uint8_t>{0x60, 0x63, 0x80, 0x8a, 0xa0, 0xa6})
        EXPECT_TRUE(decode_fails(packet(first, "0001"), protocol_version::v311, errc::invalid_fixed_header_flags, 0,
                                 reason_code::malformed_packet));
}
TEST(FixedHeaderV5, MQTT_3_6_1_1_MQTT_3_8_1_1_MQTT_3_10_1_1_FlagsMustBe0010) {
    for (std::uint8_t first : std::initializer_list<std::uint8_t>{0x60, 0x63, 0x80, 0x8a, 0xa0, 0xa6})
        EXPECT_TRUE(decode_fails(packet(first, "0001"), protocol_version::v5, errc::invalid_fixed_header_flags, 0,
                                 reason_code::malformed_packet));
}

// Packet type 0 is reserved (Table 2.1 v3.1.1, Table 2-1 v5).
TEST(FixedHeader, PacketTypeZeroIsReserved) {
    for (auto v : {protocol_version::v311, protocol_version::v5, protocol_version::unknown})
        EXPECT_TRUE(decode_fails(hex("00 00"), v, errc::reserved_packet_type, 0, reason_code::malformed_packet));
}

TEST(FixedHeader, EmptyInputIsIncomplete) {
    auto h = codec::decode_fixed_header({});
    ASSERT_FALSE(h.has_value());
    EXPECT_EQ(h.error(), (codec::error{errc::incomplete, 0}));
}

// A remaining length of five bytes is malformed; detected at the fourth length byte (offset 4 of the packet).
TEST(RemainingLength, FiveBytesAreMalformed) {
    for (auto v : {protocol_version::v311, protocol_version::v5})
        EXPECT_TRUE(decode_fails(hex("30 ff ff ff ff 7f"), v, errc::malformed_variable_byte_integer, 4,
                                 reason_code::malformed_packet));
}

// MQTT-1.5.5-1 (v5): a remaining length in non-shortest form is malformed; 3.1.1 is held to the same encoding.
TEST(RemainingLengthV5, MQTT_1_5_5_1_NonShortestFormIsMalformed) {
    EXPECT_TRUE(decode_fails(hex("c0 80 00"), protocol_version::v5, errc::malformed_variable_byte_integer, 2,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(hex("30 83 80 00"), protocol_version::v5, errc::malformed_variable_byte_integer, 3,
                             reason_code::malformed_packet));
}
TEST(RemainingLengthV311, NonShortestFormIsMalformed) {
    EXPECT_TRUE(decode_fails(hex("c0 80 00"), protocol_version::v311, errc::malformed_variable_byte_integer, 2,
                             reason_code::malformed_packet));
}

// The largest remaining length (268,435,455) is accepted by the header and waits for its body.
TEST(RemainingLength, MaximumWaitsForTheBody) {
    auto r = codec::decode(hex("30 ff ff ff 7f 00 01 61"), options_for(protocol_version::v5));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::incomplete);
}

// decode_options::max_packet_size is enforced from the fixed header alone, before any of the body arrives, and
// maps to reason code 0x95 (MQTT-3.2.2-15 (v5) is the client's duty not to send such a packet).
TEST(MaxPacketSize, MQTT_3_2_2_15_RefusedBeforeTheBodyArrives) {
    for (auto v : {protocol_version::v311, protocol_version::v5}) {
        codec::decode_options o = options_for(v);
        o.max_packet_size = 100;
        for (std::string_view header : {"30 63", "30 ff 7f", "30 ff ff ff 7f", "82 80 01"}) {
            SCOPED_TRACE(header);
            auto r = codec::decode(hex(header), o);
            ASSERT_FALSE(r.has_value());
            EXPECT_EQ(r.error(), (codec::error{errc::packet_too_large, 1}));
            EXPECT_EQ(codec::to_reason_code(r.error().code), reason_code::packet_too_large);
        }
        // Exactly the maximum (2-byte header + 98) is fine; it waits for the body.
        auto ok = codec::decode(hex("30 62"), o);
        ASSERT_FALSE(ok.has_value());
        EXPECT_EQ(ok.error().code, errc::incomplete);
    }
}

TEST(MaxPacketSize, CountsTheWholePacketIncludingTheFixedHeader) {
    const auto bytes = packet(0x30, "0003 612f62 686921");  // 10 bytes in all
    codec::decode_options o = options_for(protocol_version::v311);
    o.max_packet_size = 10;
    EXPECT_TRUE(codec::decode(bytes, o).has_value());
    o.max_packet_size = 9;
    auto r = codec::decode(bytes, o);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::packet_too_large);
}

// Fields that run past, or stop short of, the remaining length are malformed.
TEST(RemainingLength, FieldsMustFillItExactly) {
    EXPECT_TRUE(decode_fails(hex("30 04 0003 612f"), protocol_version::v311, errc::malformed_remaining_length, 4,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(hex("20 03 00 00 00"), protocol_version::v311, errc::malformed_remaining_length, 4,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(hex("20 02 00 00"), protocol_version::v5, errc::malformed_remaining_length, 4,
                             reason_code::malformed_packet));
}

// The encoder refuses a packet whose remaining length would exceed 268,435,455.
TEST(RemainingLength, EncoderRefusesOversizedPackets) {
    // Untouched anonymous memory: the encoder must refuse from the sizes alone, without reading the payload.
    const std::size_t n = codec::max_variable_byte_integer;
    void* mem = ::mmap(nullptr, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ASSERT_NE(mem, MAP_FAILED);
    codec::publish_view p;
    p.topic = "a";
    p.payload = std::span<const std::byte>(static_cast<const std::byte*>(mem), n);
    std::array<std::byte, 16> out{};
    auto r = codec::encode(codec::packet_view{p}, protocol_version::v311, out);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::packet_too_large);
    ::munmap(mem, n);
}

}  // namespace
}  // namespace mqtt::test
