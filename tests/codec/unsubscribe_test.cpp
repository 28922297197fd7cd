// UNSUBSCRIBE (section 3.10) and UNSUBACK (section 3.11): golden vectors and rules.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>

#include "codec/golden_vectors.hpp"
#include "support/codec_helpers.hpp"

namespace mqtt::test {
namespace {

using codec::errc;
using codec::property;
using codec::property_id;
using codec::reason_code;
namespace golden = test::golden;

TEST(UnsubscribeV311, GoldenTwoFilters) {
    const auto d = decode_golden(golden::unsubscribe_v311, protocol_version::v311);
    const auto& u = d.as<codec::unsubscribe_view>();
    EXPECT_EQ(u.packet_id, 11);
    const std::vector<std::string_view> filters(u.topic_filters.begin(), u.topic_filters.end());
    EXPECT_EQ(filters, (std::vector<std::string_view>{"a/b", "c/#"}));
}

TEST(UnsubscribeV5, GoldenUserPropertyAndTwoFilters) {
    const auto d = decode_golden(golden::unsubscribe_v5, protocol_version::v5);
    const auto& u = d.as<codec::unsubscribe_view>();
    EXPECT_EQ(u.packet_id, 11);
    EXPECT_TRUE(properties_are(u.properties, {property::user("k", "v")}));
    const std::vector<std::string_view> filters(u.topic_filters.begin(), u.topic_filters.end());
    EXPECT_EQ(filters, (std::vector<std::string_view>{"a/b", "c/#"}));
}

// MQTT-3.10.3-2 (v3.1.1 and v5): at least one topic filter.
TEST(UnsubscribeV311, MQTT_3_10_3_2_EmptyUnsubscribe) {
    EXPECT_TRUE(decode_fails(packet(0xa2, "0001"), protocol_version::v311, errc::empty_subscription_list, 4,
                             reason_code::protocol_error));
}
TEST(UnsubscribeV5, MQTT_3_10_3_2_EmptyUnsubscribe) {
    EXPECT_TRUE(decode_fails(packet(0xa2, "0001 00"), protocol_version::v5, errc::empty_subscription_list, 5,
                             reason_code::protocol_error));
}

// MQTT-3.10.3-1 (v3.1.1 and v5): topic filters are UTF-8 strings.
TEST(UnsubscribeV311, MQTT_3_10_3_1_TopicFilterNotUtf8) {
    EXPECT_TRUE(decode_fails(packet(0xa2, "0001 0001 61 0002 e282"), protocol_version::v311, errc::invalid_utf8, 9,
                             reason_code::malformed_packet));
}
TEST(UnsubscribeV5, MQTT_3_10_3_1_TopicFilterNotUtf8) {
    EXPECT_TRUE(decode_fails(packet(0xa2, "0001 00 0001 61 0002 e282"), protocol_version::v5, errc::invalid_utf8, 10,
                             reason_code::malformed_packet));
}

// Topic filter rules apply to UNSUBSCRIBE too:
// MQTT-4.7.1-2 (v3.1.1)
// MQTT-4.7.1-1 (v5)
TEST(UnsubscribeV311, MQTT_4_7_1_2_InvalidTopicFilter) {
    EXPECT_TRUE(decode_fails(packet(0xa2, "0001 0003 232f61"), protocol_version::v311, errc::invalid_topic_filter, 4,
                             reason_code::topic_filter_invalid));
}
TEST(UnsubscribeV5, MQTT_4_7_1_1_InvalidTopicFilter) {
    EXPECT_TRUE(decode_fails(packet(0xa2, "0001 00 0003 232f61"), protocol_version::v5, errc::invalid_topic_filter,
                             5, reason_code::topic_filter_invalid));
}

// MQTT-2.3.1-1 (v3.1.1): UNSUBSCRIBE carries a non-zero packet identifier.
TEST(UnsubscribeV311, MQTT_2_3_1_1_PacketIdentifierZero) {
    EXPECT_TRUE(decode_fails(packet(0xa2, "0000 0001 61"), protocol_version::v311, errc::invalid_packet_id, 2,
                             reason_code::malformed_packet));
}

// Section 2.2.2.2 (v5): UNSUBSCRIBE carries only User Property.
TEST(UnsubscribeV5, PropertyNotAllowed) {
    EXPECT_TRUE(decode_fails(packet(0xa2, "0001 02 0b01 0001 61"), protocol_version::v5, errc::property_not_allowed,
                             5, reason_code::malformed_packet));
}

// ------------------------------------------------------------------------------------------------ UNSUBACK

TEST(UnsubackV311, GoldenPacketIdentifierOnly) {
    const auto d = decode_golden(golden::unsuback_v311, protocol_version::v311);
    EXPECT_EQ(d.as<codec::unsuback_view>().packet_id, 11);
    EXPECT_TRUE(d.as<codec::unsuback_view>().reason_codes.empty());
}

// 3.1.1 UNSUBACK has no payload; the encoder leaves 5.0 reason codes out.
TEST(UnsubackV311, PayloadIsMalformedAndNotEncoded) {
    EXPECT_TRUE(decode_fails(packet(0xb0, "000b 00"), protocol_version::v311, errc::malformed_remaining_length, 4,
                             reason_code::malformed_packet));
    const reason_code codes[] = {reason_code::success};
    codec::unsuback_view u;
    u.packet_id = 11;
    u.reason_codes = std::span<const reason_code>(codes);
    EXPECT_EQ(to_hex(encode_to_vector(codec::packet_view{u}, protocol_version::v311)), "b0 02 00 0b");
}

TEST(UnsubackV5, GoldenReasonCodes) {
    const auto d = decode_golden(golden::unsuback_v5, protocol_version::v5);
    const auto& u = d.as<codec::unsuback_view>();
    EXPECT_EQ(u.packet_id, 11);
    EXPECT_TRUE(u.properties.empty());
    const std::vector<reason_code> codes(u.reason_codes.begin(), u.reason_codes.end());
    EXPECT_EQ(codes, (std::vector<reason_code>{reason_code::success, reason_code::no_subscription_existed,
                                               reason_code::not_authorized}));
}

// MQTT-3.11.3-2 (v5): UNSUBACK reason codes are one of Table 3-9.
TEST(UnsubackV5, MQTT_3_11_3_2_ReasonCodesAllowed) {
    expect_only_reason_codes(0xb0, {std::byte{0}, std::byte{1}, std::byte{0}, std::byte{0}}, 3, protocol_version::v5,
                             [](unsigned c) {
                                 for (unsigned a : {0x00u, 0x11u, 0x80u, 0x83u, 0x87u, 0x8Fu, 0x91u})
                                     if (a == c) return true;
                                 return false;
                             });
}

// Section 2.2.2.2 (v5): UNSUBACK carries Reason String and User Property only.
TEST(UnsubackV5, PropertyNotAllowed) {
    EXPECT_TRUE(decode_fails(packet(0xb0, "0001 03 230001 00"), protocol_version::v5, errc::property_not_allowed, 5,
                             reason_code::malformed_packet));
    const auto d = decode_golden("b0 09 | 0001 | 05 | 1f 0002 6f6b | 11", protocol_version::v5);
    EXPECT_TRUE(properties_are(d.as<codec::unsuback_view>().properties,
                               {property::string(property_id::reason_string, "ok")}));
}

}  // namespace
}  // namespace mqtt::test
