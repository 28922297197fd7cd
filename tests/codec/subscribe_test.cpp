// SUBSCRIBE (section 3.8) and SUBACK (section 3.9): golden vectors, subscription options, rules.
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
using codec::qos;
using codec::reason_code;
using codec::subscribe_options;
namespace golden = test::golden;

std::vector<codec::subscription> subscriptions_of(const codec::subscribe_view& s) {
    return {s.subscriptions.begin(), s.subscriptions.end()};
}

TEST(SubscribeV311, GoldenThreeFilters) {
    const auto d = decode_golden(golden::subscribe_v311, protocol_version::v311);
    const auto& s = d.as<codec::subscribe_view>();
    EXPECT_EQ(s.packet_id, 10);
    EXPECT_TRUE(s.properties.empty());
    const auto subs = subscriptions_of(s);
    ASSERT_EQ(subs.size(), 3u);
    EXPECT_EQ(s.subscriptions.size(), 3u);
    EXPECT_EQ(subs[0].topic_filter, "a/b");
    EXPECT_EQ(subs[0].options, (subscribe_options{qos::at_least_once, false, false, 0}));
    EXPECT_EQ(subs[1].topic_filter, "c/#");
    EXPECT_EQ(subs[1].options.max_qos, qos::exactly_once);
    EXPECT_EQ(subs[2].topic_filter, "+");
    EXPECT_EQ(subs[2].options.max_qos, qos::at_most_once);
}

// Subscription options bits (section 3.8.3.1): QoS, No Local, Retain As Published, Retain Handling.
TEST(SubscribeV5, GoldenSubscriptionOptionsAndProperties) {
    const auto d = decode_golden(golden::subscribe_v5, protocol_version::v5);
    const auto& s = d.as<codec::subscribe_view>();
    EXPECT_EQ(s.packet_id, 10);
    EXPECT_TRUE(properties_are(s.properties, {property::number(property_id::subscription_identifier, 5),
                                              property::user("k", "v")}));
    const auto subs = subscriptions_of(s);
    ASSERT_EQ(subs.size(), 3u);
    EXPECT_EQ(subs[0].topic_filter, "a/b");
    EXPECT_EQ(subs[0].options, (subscribe_options{qos::exactly_once, true, true, 2}));
    EXPECT_EQ(subs[1].topic_filter, "#");
    EXPECT_EQ(subs[1].options, (subscribe_options{qos::at_least_once, false, false, 1}));
    EXPECT_EQ(subs[2].topic_filter, "$share/g/a/+");
    EXPECT_EQ(subs[2].options, (subscribe_options{qos::at_most_once, false, false, 0}));
}

// Each option bit on its own decodes to exactly that field and re-encodes to the same byte.
TEST(SubscribeV5, EachOptionBit) {
    const std::pair<std::uint8_t, subscribe_options> cases[] = {
        {0x00, {qos::at_most_once, false, false, 0}},  {0x01, {qos::at_least_once, false, false, 0}},
        {0x02, {qos::exactly_once, false, false, 0}},  {0x04, {qos::at_most_once, true, false, 0}},
        {0x08, {qos::at_most_once, false, true, 0}},   {0x10, {qos::at_most_once, false, false, 1}},
        {0x20, {qos::at_most_once, false, false, 2}},  {0x2e, {qos::exactly_once, true, true, 2}},
    };
    for (const auto& [byte, options] : cases) {
        SCOPED_TRACE(static_cast<unsigned>(byte));
        std::vector<std::byte> body = hex("0001 00 0001 61");
        body.push_back(static_cast<std::byte>(byte));
        const auto bytes = packet(0x82, body);
        auto r = codec::decode(bytes, options_for(protocol_version::v5));
        ASSERT_TRUE(r.has_value()) << codec::name(r.error().code);
        const auto subs = subscriptions_of(std::get<codec::subscribe_view>(r->packet));
        ASSERT_EQ(subs.size(), 1u);
        EXPECT_EQ(subs[0].options, options);
        EXPECT_EQ(to_hex(encode_to_vector(r->packet, protocol_version::v5)), to_hex(bytes));
    }
}

// 3.1.1 has only the QoS bits: the encoder leaves the v5 option bits out.
TEST(SubscribeV311, EncoderLeavesOutV5OptionBits) {
    const codec::subscription subs[] = {{"a", {qos::at_least_once, true, true, 2}}};
    codec::subscribe_view s;
    s.packet_id = 1;
    s.subscriptions = std::span<const codec::subscription>(subs);
    EXPECT_EQ(to_hex(encode_to_vector(codec::packet_view{s}, protocol_version::v311)), "82 06 00 01 00 01 61 01");
}

class SubscribeRules : public ::testing::TestWithParam<protocol_version> {
protected:
    [[nodiscard]] bool v5() const { return GetParam() == protocol_version::v5; }
    // SUBSCRIBE with packet id 1, [property length 0], then `payload_hex`. The payload starts at 4 (v3.1.1) or 5.
    [[nodiscard]] std::vector<std::byte> subscribe(std::string_view payload_hex) const {
        return packet(0x82, std::string("0001 ") + (v5() ? "00 " : "") + std::string(payload_hex));
    }
    [[nodiscard]] std::uint32_t payload_at() const { return v5() ? 5 : 4; }
};
INSTANTIATE_TEST_SUITE_P(Both, SubscribeRules, ::testing::Values(protocol_version::v311, protocol_version::v5),
                         version_name);

// At least one Topic Filter / options pair (Protocol Error):
// MQTT-3.8.3-3 (v3.1.1)
// MQTT-3.8.3-2 (v5)
TEST(SubscribeV311, MQTT_3_8_3_3_EmptySubscribe) {
    EXPECT_TRUE(decode_fails(packet(0x82, "0001"), protocol_version::v311, errc::empty_subscription_list, 4,
                             reason_code::protocol_error));
}
TEST(SubscribeV5, MQTT_3_8_3_2_EmptySubscribe) {
    EXPECT_TRUE(decode_fails(packet(0x82, "0001 00"), protocol_version::v5, errc::empty_subscription_list, 5,
                             reason_code::protocol_error));
}

// MQTT-3.8.3-4 (v3.1.1): requested QoS byte bits 7-2 reserved, and QoS 3, are malformed.
TEST(SubscribeV311, MQTT_3_8_3_4_RequestedQosReservedBits) {
    for (std::string_view options : {"03", "04", "08", "10", "20", "40", "80", "fc"}) {
        SCOPED_TRACE(options);
        EXPECT_TRUE(decode_fails(packet(0x82, "0001 0001 61 " + std::string(options)), protocol_version::v311,
                                 errc::invalid_subscription_options, 7, reason_code::malformed_packet));
    }
}

// MQTT-3.8.3-5 (v5): subscription options bits 7-6 are reserved (Malformed Packet).
TEST(SubscribeV5, MQTT_3_8_3_5_SubscriptionOptionsReservedBits) {
    for (std::string_view options : {"40", "80", "c0"}) {
        SCOPED_TRACE(options);
        EXPECT_TRUE(decode_fails(packet(0x82, "0001 00 0001 61 " + std::string(options)), protocol_version::v5,
                                 errc::invalid_subscription_options, 8, reason_code::malformed_packet));
    }
}

// Section 3.8.3.1 (v5): Maximum QoS 3 and Retain Handling 3 are Protocol Errors, not malformed.
TEST(SubscribeV5, QosOrRetainHandling3IsProtocolError) {
    for (std::string_view options : {"03", "30", "33"}) {
        SCOPED_TRACE(options);
        EXPECT_TRUE(decode_fails(packet(0x82, "0001 00 0001 61 " + std::string(options)), protocol_version::v5,
                                 errc::invalid_subscription_option_value, 8, reason_code::protocol_error));
    }
}

// MQTT-3.8.3-4 (v5): No Local on a shared subscription is a Protocol Error.
TEST(SubscribeV5, MQTT_3_8_3_4_NoLocalOnSharedSubscription) {
    EXPECT_TRUE(decode_fails(packet(0x82, "0001 00 0001 61 00 000a 247368617265 2f 67 2f 61 04"),
                             protocol_version::v5, errc::no_local_on_shared_subscription, 9,
                             reason_code::protocol_error));
}

// MQTT-3.8.3-1 (v3.1.1 and v5): each topic filter is a UTF-8 string.
TEST_P(SubscribeRules, MQTT_3_8_3_1_TopicFilterNotUtf8) {
    EXPECT_TRUE(decode_fails(subscribe("0002 61 ff 00"), GetParam(), errc::invalid_utf8, payload_at() + 3,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(subscribe("0002 00 61 00"), GetParam(), errc::utf8_contains_null, payload_at() + 2,
                             reason_code::malformed_packet));
}

// Misplaced wildcards, and an empty filter (MQTT-4.7.3-1), are refused with Topic Filter invalid at the filter:
// MQTT-4.7.1-2, MQTT-4.7.1-3 (v3.1.1)
// MQTT-4.7.1-1, MQTT-4.7.1-2 (v5)
TEST_P(SubscribeRules, InvalidTopicFilter) {
    // "", "a#", "a/#/b", "a+", "+a", "#/a"
    for (std::string_view filter : {"0000", "0002 6123", "0005 612f232f62", "0002 612b", "0002 2b61", "0003 232f61"}) {
        SCOPED_TRACE(filter);
        EXPECT_TRUE(decode_fails(subscribe(std::string(filter) + " 00"), GetParam(), errc::invalid_topic_filter,
                                 payload_at(), reason_code::topic_filter_invalid));
    }
}

// MQTT-4.8.2-1, MQTT-4.8.2-2 (v5): a shared subscription needs a non-empty ShareName without wildcards and a
// filter after it.
TEST(SubscribeV5, MQTT_4_8_2_1_MQTT_4_8_2_2_InvalidSharedSubscription) {
    // "$share//a", "$share/g", "$share/g+/a", "$share/#/a", "$share/g/"
    for (std::string_view filter : {"0009 247368617265 2f 2f 61", "0008 247368617265 2f 67",
                                    "000b 247368617265 2f 672b 2f 61", "000a 247368617265 2f 23 2f 61",
                                    "0009 247368617265 2f 67 2f"}) {
        SCOPED_TRACE(filter);
        EXPECT_TRUE(decode_fails(packet(0x82, "0001 00 " + std::string(filter) + " 00"), protocol_version::v5,
                                 errc::invalid_topic_filter, 5, reason_code::topic_filter_invalid));
    }
}

// MQTT-2.3.1-1 (v3.1.1): SUBSCRIBE carries a non-zero packet identifier; MQTT-2.2.1-3 (v5) likewise.
TEST(SubscribeV311, MQTT_2_3_1_1_PacketIdentifierZero) {
    EXPECT_TRUE(decode_fails(packet(0x82, "0000 0001 61 00"), protocol_version::v311, errc::invalid_packet_id, 2,
                             reason_code::malformed_packet));
}
TEST(SubscribeV5, MQTT_2_2_1_3_PacketIdentifierZero) {
    EXPECT_TRUE(decode_fails(packet(0x82, "0000 00 0001 61 00"), protocol_version::v5, errc::invalid_packet_id, 2,
                             reason_code::malformed_packet));
}

// A filter without its options byte is cut short.
TEST_P(SubscribeRules, OptionsByteMissing) {
    const auto bytes = subscribe("0001 61");
    EXPECT_TRUE(decode_fails(bytes, GetParam(), errc::malformed_remaining_length,
                             static_cast<std::uint32_t>(bytes.size()), reason_code::malformed_packet));
}

// Section 3.8.2.1.2 (v5): one Subscription Identifier at most, and not 0; Topic Alias is not a SUBSCRIBE property.
TEST(SubscribeV5, SubscriptionIdentifierRules) {
    EXPECT_TRUE(decode_fails(packet(0x82, "0001 04 0b01 0b02 0001 61 00"), protocol_version::v5,
                             errc::duplicate_property, 7, reason_code::protocol_error));
    EXPECT_TRUE(decode_fails(packet(0x82, "0001 02 0b00 0001 61 00"), protocol_version::v5,
                             errc::invalid_property_value, 5, reason_code::protocol_error));
    EXPECT_TRUE(decode_fails(packet(0x82, "0001 03 230001 0001 61 00"), protocol_version::v5,
                             errc::property_not_allowed, 5, reason_code::malformed_packet));
}

// ------------------------------------------------------------------------------------------------ SUBACK

TEST(SubackV311, GoldenReturnCodes) {
    const auto d = decode_golden(golden::suback_v311, protocol_version::v311);
    const auto& s = d.as<codec::suback_view>();
    EXPECT_EQ(s.packet_id, 10);
    const std::vector<reason_code> codes(s.reason_codes.begin(), s.reason_codes.end());
    EXPECT_EQ(codes, (std::vector<reason_code>{reason_code::success, reason_code::granted_qos_1,
                                               reason_code::granted_qos_2, reason_code::unspecified_error}));
}

TEST(SubackV5, GoldenReasonCodesAndReasonString) {
    const auto d = decode_golden(golden::suback_v5, protocol_version::v5);
    const auto& s = d.as<codec::suback_view>();
    EXPECT_EQ(s.packet_id, 10);
    EXPECT_TRUE(properties_are(s.properties, {property::string(property_id::reason_string, "ok")}));
    const std::vector<reason_code> codes(s.reason_codes.begin(), s.reason_codes.end());
    EXPECT_EQ(codes, (std::vector<reason_code>{reason_code::granted_qos_2, reason_code::granted_qos_1,
                                               reason_code::shared_subscriptions_not_supported}));
}

// MQTT-3.9.3-2 (v3.1.1): SUBACK return codes are 0x00, 0x01, 0x02 and 0x80 only.
TEST(SubackV311, MQTT_3_9_3_2_ReturnCodesAllowed) {
    expect_only_reason_codes(0x90, {std::byte{0}, std::byte{1}, std::byte{0}}, 2, protocol_version::v311,
                             [](unsigned c) { return c <= 2 || c == 0x80; });
}

// MQTT-3.9.3-2 (v3.1.1): the encoder sends every failure reason code as the 3.1.1 failure code 0x80.
TEST(SubackV311, MQTT_3_9_3_2_EncoderMapsFailuresTo0x80) {
    const reason_code codes[] = {reason_code::granted_qos_1, reason_code::not_authorized,
                                 reason_code::topic_filter_invalid, reason_code::quota_exceeded};
    codec::suback_view s;
    s.packet_id = 2;
    s.reason_codes = std::span<const reason_code>(codes);
    EXPECT_EQ(to_hex(encode_to_vector(codec::packet_view{s}, protocol_version::v311)), "90 06 00 02 01 80 80 80");
}

// MQTT-3.9.3-2, MQTT-3.8.4-7 (v5): SUBACK reason codes are granted QoS 0-2 or one of the Table 3-8 failures.
TEST(SubackV5, MQTT_3_9_3_2_MQTT_3_8_4_7_ReasonCodesAllowed) {
    expect_only_reason_codes(0x90, {std::byte{0}, std::byte{1}, std::byte{0}, std::byte{0}}, 3, protocol_version::v5,
                             [](unsigned c) {
                                 for (unsigned a : {0x00u, 0x01u, 0x02u, 0x80u, 0x83u, 0x87u, 0x8Fu, 0x91u, 0x97u,
                                                    0x9Eu, 0xA1u, 0xA2u})
                                     if (a == c) return true;
                                 return false;
                             });
}

// A SUBACK answers at least one filter: an empty list is refused.
TEST(SubackV5, EmptyReasonCodeList) {
    EXPECT_TRUE(decode_fails(packet(0x90, "0001 00"), protocol_version::v5, errc::empty_subscription_list, 5,
                             reason_code::protocol_error));
}
TEST(SubackV311, EmptyReturnCodeList) {
    EXPECT_TRUE(decode_fails(packet(0x90, "0001"), protocol_version::v311, errc::empty_subscription_list, 4,
                             reason_code::protocol_error));
}

// Section 2.2.2.2 (v5): SUBACK carries Reason String and User Property only.
TEST(SubackV5, PropertyNotAllowed) {
    EXPECT_TRUE(decode_fails(packet(0x90, "0001 02 0b01 00"), protocol_version::v5, errc::property_not_allowed, 5,
                             reason_code::malformed_packet));
}

}  // namespace
}  // namespace mqtt::test
