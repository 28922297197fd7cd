// PUBLISH (section 3.3): golden vectors for both versions and one test per rule.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>

#include "codec/golden_vectors.hpp"
#include "support/codec_helpers.hpp"

namespace mqtt::test {
namespace {

using codec::errc;
using codec::property;
using codec::property_id;
using codec::qos;
using codec::reason_code;
namespace golden = test::golden;

// MQTT-2.3.1-5 (v3.1.1): a QoS 0 PUBLISH has no packet identifier; the payload follows the topic name.
TEST(PublishV311, MQTT_2_3_1_5_GoldenQos0HasNoPacketIdentifier) {
    const auto d = decode_golden(golden::publish_v311_qos0, protocol_version::v311);
    const auto& p = d.as<codec::publish_view>();
    EXPECT_EQ(p.topic, "a/b");
    EXPECT_EQ(p.qos, qos::at_most_once);
    EXPECT_EQ(p.packet_id, 0);
    EXPECT_FALSE(p.retain);
    EXPECT_FALSE(p.dup);
    EXPECT_EQ(as_chars(p.payload), "hi!");
    EXPECT_TRUE(p.properties.empty());
}

TEST(PublishV311, GoldenQos1Retain) {
    const auto d = decode_golden(golden::publish_v311_qos1_retain, protocol_version::v311);
    const auto& p = d.as<codec::publish_view>();
    EXPECT_EQ(p.topic, "a/b");
    EXPECT_EQ(p.qos, qos::at_least_once);
    EXPECT_EQ(p.packet_id, 1);
    EXPECT_TRUE(p.retain);
    EXPECT_FALSE(p.dup);
    EXPECT_EQ(as_chars(p.payload), "hi!");
}

TEST(PublishV311, GoldenQos2Dup) {
    const auto d = decode_golden(golden::publish_v311_qos2_dup, protocol_version::v311);
    const auto& p = d.as<codec::publish_view>();
    EXPECT_EQ(p.qos, qos::exactly_once);
    EXPECT_EQ(p.packet_id, 0x1234);
    EXPECT_TRUE(p.dup);
    EXPECT_FALSE(p.retain);
}

TEST(PublishV311, GoldenEmptyPayload) {
    const auto d = decode_golden(golden::publish_v311_empty_payload, protocol_version::v311);
    const auto& p = d.as<codec::publish_view>();
    EXPECT_TRUE(p.retain);
    EXPECT_TRUE(p.payload.empty());
}

// MQTT-2.2.1-2 (v5): no packet identifier at QoS 0; MQTT-2.2.2-1 (v5): Property Length 0 is still sent.
TEST(PublishV5, MQTT_2_2_1_2_MQTT_2_2_2_1_GoldenMinimal) {
    const auto d = decode_golden(golden::publish_v5_minimal, protocol_version::v5);
    const auto& p = d.as<codec::publish_view>();
    EXPECT_EQ(p.topic, "a/b");
    EXPECT_EQ(p.packet_id, 0);
    EXPECT_TRUE(p.properties.empty());
    EXPECT_EQ(as_chars(p.payload), "hi!");
}

// Every PUBLISH property; User Property and Subscription Identifier repeated, in order.
TEST(PublishV5, GoldenEveryProperty) {
    const auto d = decode_golden(golden::publish_v5_full, protocol_version::v5);
    const auto& p = d.as<codec::publish_view>();
    EXPECT_EQ(p.topic, "a/b");
    EXPECT_EQ(p.qos, qos::at_least_once);
    EXPECT_EQ(p.packet_id, 7);
    static constexpr std::byte correlation[] = {std::byte{0xab}, std::byte{0xcd}};
    EXPECT_TRUE(properties_are(p.properties, {
                                                 property::number(property_id::payload_format_indicator, 1),
                                                 property::number(property_id::message_expiry_interval, 60),
                                                 property::number(property_id::topic_alias, 4),
                                                 property::string(property_id::response_topic, "rep/1"),
                                                 property::bytes(property_id::correlation_data, correlation),
                                                 property::user("k", "1"),
                                                 property::user("k", "2"),
                                                 property::number(property_id::subscription_identifier, 1),
                                                 property::number(property_id::subscription_identifier, 128),
                                                 property::string(property_id::content_type, "json"),
                                             }));
    EXPECT_EQ(as_chars(p.payload), "hi!");
}

// A v5 PUBLISH may leave the topic empty when a Topic Alias stands for it.
TEST(PublishV5, GoldenEmptyTopicWithTopicAlias) {
    const auto d = decode_golden(golden::publish_v5_topic_alias_only, protocol_version::v5);
    const auto& p = d.as<codec::publish_view>();
    EXPECT_EQ(p.topic, "");
    EXPECT_TRUE(properties_are(p.properties, {property::number(property_id::topic_alias, 4)}));
    EXPECT_EQ(as_chars(p.payload), "hi");
}

class PublishRules : public ::testing::TestWithParam<protocol_version> {
protected:
    // PUBLISH body: topic name, [packet id], [property length 0 in v5], payload.
    std::vector<std::byte> publish(std::uint8_t first, std::string_view topic_and_id_hex,
                                   std::string_view payload_hex = "6869") const {
        std::string body(topic_and_id_hex);
        if (GetParam() == protocol_version::v5) body += " 00";
        body += " ";
        body += payload_hex;
        return packet(first, body);
    }
};
INSTANTIATE_TEST_SUITE_P(Both, PublishRules, ::testing::Values(protocol_version::v311, protocol_version::v5),
                         version_name);

// MQTT-3.3.1-4 (v3.1.1 and v5): QoS bits 11 are malformed.
TEST_P(PublishRules, MQTT_3_3_1_4_Qos3IsMalformed) {
    for (const std::uint8_t first : std::initializer_list<std::uint8_t>{0x36, 0x37, 0x3e, 0x3f}) {
        SCOPED_TRACE(first);
        EXPECT_TRUE(decode_fails(publish(first, "0003 612f62 0001"), GetParam(), errc::invalid_qos, 0,
                                 reason_code::malformed_packet));
    }
}

// MQTT-3.3.1-2 (v3.1.1 and v5): DUP is 0 on every QoS 0 PUBLISH; the decoder refuses DUP=1 at QoS 0.
TEST_P(PublishRules, MQTT_3_3_1_2_DupOnQos0) {
    EXPECT_TRUE(decode_fails(publish(0x38, "0003 612f62"), GetParam(), errc::invalid_fixed_header_flags, 0,
                             reason_code::malformed_packet));
}

// MQTT-2.3.1-1 (v3.1.1); MQTT-2.2.1-3, MQTT-2.2.1-4 (v5): a QoS 1 or 2 PUBLISH has a non-zero packet identifier.
TEST_P(PublishRules, MQTT_2_3_1_1_PacketIdentifierZero) {
    for (const std::uint8_t first : std::initializer_list<std::uint8_t>{0x32, 0x34}) {
        EXPECT_TRUE(decode_fails(publish(first, "0003 612f62 0000"), GetParam(), errc::invalid_packet_id, 7,
                                 reason_code::malformed_packet));
    }
}
TEST(PublishV5, MQTT_2_2_1_3_MQTT_2_2_1_4_PacketIdentifierZero) {
    EXPECT_TRUE(decode_fails(packet(0x32, "0003 612f62 0000 00"), protocol_version::v5, errc::invalid_packet_id, 7,
                             reason_code::malformed_packet));
}

// QoS 1 with the body ending inside the packet identifier.
TEST_P(PublishRules, PacketIdentifierTruncated) {
    EXPECT_TRUE(decode_fails(packet(0x32, "0003 612f62 00"), GetParam(), errc::malformed_remaining_length, 7,
                             reason_code::malformed_packet));
}

// No '+' or '#' in a topic name:
// MQTT-3.3.2-2 (v3.1.1 and v5)
// MQTT-4.7.1-1 (v3.1.1)
// MQTT-4.7.0-1 (v5)
TEST_P(PublishRules, MQTT_3_3_2_2_WildcardInTopicName) {
    for (std::string_view topic : {"0001 23", "0001 2b", "0003 612f2b", "0003 612f23", "0002 6123", "0003 2b2f61"}) {
        SCOPED_TRACE(topic);
        EXPECT_TRUE(decode_fails(publish(0x30, topic), GetParam(), errc::invalid_topic_name, 2,
                                 reason_code::topic_name_invalid));
    }
}
TEST(PublishV311, MQTT_4_7_1_1_WildcardsOnlyInFilters) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f23"), protocol_version::v311, errc::invalid_topic_name, 2,
                             reason_code::topic_name_invalid));
}
TEST(PublishV5, MQTT_4_7_0_1_WildcardsOnlyInFilters) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 2b2f61 00"), protocol_version::v5, errc::invalid_topic_name, 2,
                             reason_code::topic_name_invalid));
}

// The same rules on topics longer than 8 bytes (decode checks plain ASCII topics 8 bytes at a time): a wildcard,
// U+0000 or a bad UTF-8 byte in the first word, a later word or the tail is still found, at the same offset.
TEST_P(PublishRules, LongTopicsWithAWildcardNulOrBadUtf8AnywhereAreRejected) {
    struct bad_topic {
        std::string_view hex;
        errc code;
        std::uint32_t offset;
    };
    for (const bad_topic& t : {
             bad_topic{"0010 61626364656667 2b 696a6b6c6d6e6f70", errc::invalid_topic_name, 2},  // '+' at 7
             bad_topic{"0010 616263646566676869 23 6b6c6d6e6f70", errc::invalid_topic_name, 2},  // '#' at 9
             bad_topic{"000a 6162636465666768 2f 23", errc::invalid_topic_name, 2},              // '#' in the tail
             bad_topic{"0010 6162636465666768696a6b 00 6d6e6f70", errc::utf8_contains_null, 15},
             bad_topic{"0010 6162 ff 6465666768696a6b6c6d6e6f70", errc::invalid_utf8, 6},
             bad_topic{"0011 6162636465666768696a6b6c6d6e6f c3 28", errc::invalid_utf8, 20},
         }) {
        SCOPED_TRACE(t.hex);
        EXPECT_TRUE(decode_fails(publish(0x30, t.hex), GetParam(), t.code, t.offset,
                                 codec::to_reason_code(t.code)));
    }
}
TEST_P(PublishRules, LongTopicsWithUtf8AreAccepted) {
    // "abcdefgh/é/漢/x": non-ASCII after the first 8 bytes takes the full UTF-8 check.
    const auto bytes = publish(0x30, "0011 6162636465666768 2f c3a9 2f e6bca2 2f 78");
    const auto r = codec::decode(bytes, {GetParam(), 268'435'460});
    ASSERT_TRUE(r) << codec::name(r.error().code);
    EXPECT_EQ(std::get<codec::publish_view>(r->packet).topic, "abcdefgh/\xC3\xA9/\xE6\xBC\xA2/x");
}

// MQTT-3.3.2-1 (v3.1.1 and v5): the topic name is a UTF-8 string; MQTT-4.7.3-2: no U+0000 in it.
TEST_P(PublishRules, MQTT_3_3_2_1_TopicNameNotUtf8) {
    EXPECT_TRUE(decode_fails(publish(0x30, "0003 61 c3 28"), GetParam(), errc::invalid_utf8, 6,
                             reason_code::malformed_packet));
}
TEST_P(PublishRules, MQTT_4_7_3_2_TopicNameWithNull) {
    EXPECT_TRUE(decode_fails(publish(0x30, "0003 61 00 62"), GetParam(), errc::utf8_contains_null, 5,
                             reason_code::malformed_packet));
}

// MQTT-4.7.3-1 (v3.1.1): topic names are at least one character long.
TEST(PublishV311, MQTT_4_7_3_1_EmptyTopicName) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0000 6869"), protocol_version::v311, errc::invalid_topic_name, 2,
                             reason_code::topic_name_invalid));
}
// In 5.0 an empty topic needs a Topic Alias; without one it is a Protocol Error (0x82).
TEST(PublishV5, EmptyTopicWithoutTopicAlias) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0000 00 6869"), protocol_version::v5, errc::topic_alias_missing, 2,
                             reason_code::protocol_error));
    EXPECT_TRUE(decode_fails(packet(0x30, "0000 07 26 0001 6b 0001 76 6869"), protocol_version::v5,
                             errc::topic_alias_missing, 2, reason_code::protocol_error));
}

// MQTT-3.3.2-8 (v5): Topic Alias 0 is not allowed.
TEST(PublishV5, MQTT_3_3_2_8_TopicAliasZero) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 03 230000"), protocol_version::v5,
                             errc::invalid_property_value, 8, reason_code::protocol_error));
}

// MQTT-3.3.2-13, MQTT-3.3.2-14 (v5): the Response Topic is a UTF-8 string without wildcards.
TEST(PublishV5, MQTT_3_3_2_13_ResponseTopicNotUtf8) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 05 08 0002 c0 80"), protocol_version::v5, errc::invalid_utf8,
                             11, reason_code::malformed_packet));
}
TEST(PublishV5, MQTT_3_3_2_14_ResponseTopicWithWildcard) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 04 08 0001 23"), protocol_version::v5,
                             errc::invalid_property_value, 8, reason_code::protocol_error));
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 06 08 0003 612f2b"), protocol_version::v5,
                             errc::invalid_property_value, 8, reason_code::protocol_error));
}

// MQTT-3.3.2-19 (v5): the Content Type is a UTF-8 string.
TEST(PublishV5, MQTT_3_3_2_19_ContentTypeNotUtf8) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 05 03 0002 00 41"), protocol_version::v5,
                             errc::utf8_contains_null, 11, reason_code::malformed_packet));
}

// Section 3.3.2.3.2 (v5): Payload Format Indicator is 0 or 1.
TEST(PublishV5, PayloadFormatIndicatorAboveOne) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 02 0102"), protocol_version::v5, errc::invalid_property_value,
                             8, reason_code::protocol_error));
}

// Section 3.3.2.3.8 (v5): a Subscription Identifier of 0 is a Protocol Error.
TEST(PublishV5, SubscriptionIdentifierZero) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 02 0b00"), protocol_version::v5, errc::invalid_property_value,
                             8, reason_code::protocol_error));
}

// Section 2.2.2.2 (v5): properties of other packets are malformed on a PUBLISH.
TEST(PublishV5, PropertyNotAllowed) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 05 1100000001"), protocol_version::v5,
                             errc::property_not_allowed, 8, reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 05 1800000001"), protocol_version::v5,
                             errc::property_not_allowed, 8, reason_code::malformed_packet));
}

// Section 2.2.2.2 (v5): a property that may appear once appearing twice is a Protocol Error.
TEST(PublishV5, DuplicateTopicAlias) {
    EXPECT_TRUE(decode_fails(packet(0x30, "0003 612f62 06 230001 230002"), protocol_version::v5,
                             errc::duplicate_property, 11, reason_code::protocol_error));
}

// MQTT-4.7.3-3 (v3.1.1 and v5): a topic name is at most 65,535 bytes; the encoder refuses a longer one.
TEST_P(PublishRules, MQTT_4_7_3_3_TopicNameAtMost65535Bytes) {
    const std::string longest(65535, 't');
    codec::publish_view p;
    p.topic = longest;
    const auto bytes = encode_to_vector(codec::packet_view{p}, GetParam());
    auto r = codec::decode(bytes, options_for(GetParam()));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(std::get<codec::publish_view>(r->packet).topic.size(), 65535u);

    const std::string too_long(65536, 't');
    p.topic = too_long;
    std::vector<std::byte> out(codec::encoded_size(codec::packet_view{p}, GetParam()));
    auto e = codec::encode(codec::packet_view{p}, GetParam(), out);
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, errc::field_too_long);
}

// The encoder refuses a buffer one byte short, and writes exactly encoded_size() bytes otherwise.
TEST_P(PublishRules, EncodeIntoTooSmallBuffer) {
    const auto d = decode_golden(GetParam() == protocol_version::v5 ? golden::publish_v5_full
                                                                     : golden::publish_v311_qos1_retain,
                                 GetParam());
    std::vector<std::byte> out(d.bytes.size() - 1);
    auto r = codec::encode(d.packet, GetParam(), out);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::buffer_too_small);
    EXPECT_EQ(codec::encoded_size(d.as<codec::publish_view>(), GetParam()), d.bytes.size());
}

// Fan-out: encode_publish_header() plus the payload is byte for byte what encode() writes.
TEST_P(PublishRules, PublishHeaderPlusPayloadEqualsWholePacket) {
    const std::array<std::string_view, 2> vectors =
        GetParam() == protocol_version::v5
            ? std::array<std::string_view, 2>{golden::publish_v5_full, golden::publish_v5_minimal}
            : std::array<std::string_view, 2>{golden::publish_v311_qos0, golden::publish_v311_qos2_dup};
    for (std::string_view x : vectors) {
        const auto d = decode_golden(x, GetParam());
        const auto& p = d.as<codec::publish_view>();
        std::vector<std::byte> header(codec::encoded_publish_header_size(p, GetParam()));
        auto r = codec::encode_publish_header(p, GetParam(), header);
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(*r, header.size());
        header.insert(header.end(), p.payload.begin(), p.payload.end());
        EXPECT_EQ(to_hex(header), to_hex(d.bytes));
    }
}

// The encoder writes no packet identifier at QoS 0 even if the view holds one, and never writes v5 properties in
// 3.1.1.
TEST(PublishV311, EncoderLeavesOutV5Parts) {
    const codec::property props[] = {property::number(property_id::topic_alias, 3)};
    codec::publish_view p;
    p.topic = "a/b";
    p.payload = as_bytes("hi!");
    p.packet_id = 9;
    p.properties = std::span<const property>(props);
    EXPECT_EQ(to_hex(encode_to_vector(codec::packet_view{p}, protocol_version::v311)), to_hex(hex(golden::publish_v311_qos0)));
}

}  // namespace
}  // namespace mqtt::test
