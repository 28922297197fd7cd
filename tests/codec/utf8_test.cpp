// UTF-8 Encoded Strings (section 1.5.3 v3.1.1, 1.5.4 v5): validate_utf8() and the same rules through decode().
#include <gtest/gtest.h>

#include <string>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/utf8.hpp>

#include "codec/golden_vectors.hpp"
#include "support/codec_helpers.hpp"

namespace mqtt::test {
namespace {

using codec::errc;
using codec::reason_code;

struct bad_utf8 {
    const char* what;
    std::string_view hex_bytes;
    std::uint32_t offset;  // of the offending byte
};

// Ill-formed sequences (RFC 3629 / Unicode Table 3-7), surrogates, and truncated sequences.
const bad_utf8 bad_cases[] = {
    {"surrogate U+D800", "ed a0 80", 1},
    {"surrogate U+DFFF", "ed bf bf", 1},
    {"surrogate after ASCII", "61 62 ed b0 80", 3},
    {"overlong '/' (C0 AF)", "c0 af", 0},
    {"overlong U+0000 (C0 80)", "c0 80", 0},
    {"overlong C1 BF", "c1 bf", 0},
    {"overlong 3-byte (E0 80 AF)", "e0 80 af", 1},
    {"overlong 3-byte (E0 9F BF)", "e0 9f bf", 1},
    {"overlong 4-byte (F0 80 80 AF)", "f0 80 80 af", 1},
    {"overlong 4-byte (F0 8F BF BF)", "f0 8f bf bf", 1},
    {"above U+10FFFF (F4 90 80 80)", "f4 90 80 80", 1},
    {"lead byte F5", "f5 80 80 80", 0},
    {"lead byte FF", "ff", 0},
    {"lead byte FE", "61 fe", 1},
    {"lone continuation byte", "80", 0},
    {"lone continuation after ASCII", "61 bf", 1},
    {"truncated 2-byte", "c3", 0},
    {"truncated 3-byte", "e2 82", 0},
    {"truncated 4-byte", "f0 9f 98", 0},
    {"truncated at the end", "61 62 e2", 2},
    {"bad second byte", "c3 28", 1},
    {"bad third byte", "e2 82 28", 2},
    {"bad fourth byte", "f0 9f 98 41", 3},
};

// MQTT-1.5.3-1 (v3.1.1), MQTT-1.5.4-1 (v5): ill-formed UTF-8 and surrogates are refused, at the offending byte.
TEST(Utf8, MQTT_1_5_3_1_MQTT_1_5_4_1_IllFormedSequences) {
    for (const auto& c : bad_cases) {
        SCOPED_TRACE(c.what);
        const auto b = hex(c.hex_bytes);
        auto e = codec::validate_utf8(as_chars(b));
        ASSERT_TRUE(e.has_value());
        EXPECT_EQ(e->code, errc::invalid_utf8);
        EXPECT_EQ(e->offset, c.offset);
    }
}

// Well-formed text of every length class decodes, including U+FFFF and U+10FFFF and ASCII control characters
// (which the spec discourages but does not forbid).
TEST(Utf8, WellFormedSequences) {
    for (std::string_view ok : {"", "a", "hello/world", "\xc2\x80", "\xc3\xa9", "\xdf\xbf", "\xe0\xa0\x80",
                                "\xe2\x82\xac", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
                                "\xf0\x9d\x84\x9e", "\xf4\x8f\xbf\xbf", "\x01\x1f\x7f", "\xef\xbb\xbf"}) {
        EXPECT_FALSE(codec::validate_utf8(ok).has_value()) << to_hex(as_bytes(ok));
    }
    // Long ASCII runs (the fast path) with a bad byte at every position.
    std::string s(40, 'x');
    for (std::size_t i = 0; i < s.size(); ++i) {
        std::string t = s;
        t[i] = '\xff';
        auto e = codec::validate_utf8(t);
        ASSERT_TRUE(e.has_value());
        EXPECT_EQ(e->offset, i);
    }
}

// MQTT-1.5.3-2 (v3.1.1), MQTT-1.5.4-2 (v5): U+0000 is refused.
TEST(Utf8, MQTT_1_5_3_2_MQTT_1_5_4_2_NullCharacter) {
    for (std::size_t at : {0u, 1u, 9u}) {
        std::string s(10, 'a');
        s[at] = '\0';
        auto e = codec::validate_utf8(s);
        ASSERT_TRUE(e.has_value());
        EXPECT_EQ(e->code, errc::utf8_contains_null);
        EXPECT_EQ(e->offset, at);
    }
}

class Utf8InPackets : public ::testing::TestWithParam<protocol_version> {
protected:
    // A QoS 0 PUBLISH whose topic name is `topic` (string bytes start at offset 4).
    [[nodiscard]] std::vector<std::byte> publish_with_topic(std::span<const std::byte> topic) const {
        std::vector<std::byte> body{static_cast<std::byte>(topic.size() >> 8), static_cast<std::byte>(topic.size())};
        body.insert(body.end(), topic.begin(), topic.end());
        if (GetParam() == protocol_version::v5) body.push_back(std::byte{0});
        return packet(0x30, body);
    }
};
INSTANTIATE_TEST_SUITE_P(Both, Utf8InPackets, ::testing::Values(protocol_version::v311, protocol_version::v5),
                         version_name);

// MQTT-1.5.3-1 (v3.1.1), MQTT-1.5.4-1 (v5): a packet carrying ill-formed UTF-8 is malformed, offset in the input.
TEST_P(Utf8InPackets, MQTT_1_5_3_1_MQTT_1_5_4_1_IllFormedTopicName) {
    for (const auto& c : bad_cases) {
        SCOPED_TRACE(c.what);
        EXPECT_TRUE(decode_fails(publish_with_topic(hex(c.hex_bytes)), GetParam(), errc::invalid_utf8, 4 + c.offset,
                                 reason_code::malformed_packet));
    }
}

// MQTT-1.5.3-2 (v3.1.1), MQTT-1.5.4-2 (v5), MQTT-4.7.3-2: U+0000 in a topic name makes the packet malformed.
TEST_P(Utf8InPackets, MQTT_1_5_3_2_MQTT_1_5_4_2_NullInTopicName) {
    EXPECT_TRUE(decode_fails(publish_with_topic(hex("61 00 62")), GetParam(), errc::utf8_contains_null, 5,
                             reason_code::malformed_packet));
}

// MQTT-1.5.3-3 (v3.1.1), MQTT-1.5.4-3 (v5): EF BB BF (U+FEFF) is kept, not stripped, wherever it appears.
TEST_P(Utf8InPackets, MQTT_1_5_3_3_MQTT_1_5_4_3_ByteOrderMarkIsKept) {
    const auto bytes = publish_with_topic(hex("ef bb bf 61 2f ef bb bf"));
    auto r = codec::decode(bytes, options_for(GetParam()));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(std::get<codec::publish_view>(r->packet).topic, "\xef\xbb\xbf" "a/\xef\xbb\xbf");
    EXPECT_EQ(to_hex(encode_to_vector(r->packet, GetParam())), to_hex(bytes));
}

// MQTT-1.5.7-1 (v5): both halves of a User Property obey the UTF-8 rules.
TEST(Utf8V5, MQTT_1_5_7_1_UserPropertyNameAndValue) {
    EXPECT_TRUE(decode_fails(packet(0xe0, "00 07 26 0001 ff 0001 61"), protocol_version::v5, errc::invalid_utf8, 7,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0xe0, "00 07 26 0001 61 0001 00"), protocol_version::v5,
                             errc::utf8_contains_null, 10, reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0xe0, "00 08 26 0001 61 0002 eda0"), protocol_version::v5, errc::invalid_utf8, 10,
                             reason_code::malformed_packet));
}

// Every UTF-8 string property is checked (Content Type, Response Topic, Reason String, Assigned Client Identifier,
// Authentication Method, Response Information, Server Reference).
TEST(Utf8V5, StringPropertiesAreChecked) {
    EXPECT_TRUE(decode_fails(packet(0x20, "00 00 05 12 0002 c0 80"), protocol_version::v5, errc::invalid_utf8, 8,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0x20, "00 00 04 1a 0001 00"), protocol_version::v5, errc::utf8_contains_null, 8,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0x20, "00 00 04 1c 0001 80"), protocol_version::v5, errc::invalid_utf8, 8,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0x20, "00 00 04 15 0001 ff"), protocol_version::v5, errc::invalid_utf8, 8,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0x20, "00 00 04 1f 0001 c3"), protocol_version::v5, errc::invalid_utf8, 8,
                             reason_code::malformed_packet));
}

}  // namespace
}  // namespace mqtt::test
