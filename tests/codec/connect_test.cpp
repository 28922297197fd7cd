// CONNECT (section 3.1) and CONNACK (section 3.2): golden vectors for both versions and one test per rule.
#include <gtest/gtest.h>

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
using codec::reason_code;
namespace golden = test::golden;

// ------------------------------------------------------------------------------------------------ golden CONNECT

TEST(ConnectV311, GoldenMinimal) {
    const auto d = decode_golden(golden::connect_v311_minimal, protocol_version::v311);
    const auto& c = d.as<codec::connect_view>();
    EXPECT_EQ(c.version, protocol_version::v311);
    EXPECT_TRUE(c.clean_start);
    EXPECT_EQ(c.keep_alive, 60);
    EXPECT_EQ(c.client_id, "c1");
    EXPECT_TRUE(c.properties.empty());
    EXPECT_FALSE(c.will.has_value());
    EXPECT_FALSE(c.username.has_value());
    EXPECT_FALSE(c.password.has_value());
}

// MQTT-3.1.2-9, MQTT-3.1.2-19, MQTT-3.1.2-21, MQTT-3.1.3-1, MQTT-3.1.3-3 (v3.1.1): with the flags set, the will
// topic, will message, user name and password follow the client identifier in that order.
TEST(ConnectV311, GoldenWillUserNamePassword_MQTT_3_1_3_1) {
    const auto d = decode_golden(golden::connect_v311_full, protocol_version::v311);
    const auto& c = d.as<codec::connect_view>();
    EXPECT_EQ(c.version, protocol_version::v311);
    EXPECT_FALSE(c.clean_start);
    EXPECT_EQ(c.keep_alive, 10);
    EXPECT_EQ(c.client_id, "cli");
    ASSERT_TRUE(c.will.has_value());
    EXPECT_EQ(c.will->topic, "w/lwt");
    EXPECT_EQ(as_chars(c.will->payload), "bye!");
    EXPECT_EQ(c.will->qos, codec::qos::at_least_once);
    EXPECT_TRUE(c.will->retain);
    EXPECT_TRUE(c.will->properties.empty());
    ASSERT_TRUE(c.username.has_value());
    EXPECT_EQ(*c.username, "user");
    ASSERT_TRUE(c.password.has_value());
    EXPECT_EQ(as_chars(*c.password), "pwd");
}

TEST(ConnectV311, DecodesBeforeTheVersionIsKnown) {
    const auto bytes = hex(golden::connect_v311_minimal);
    auto r = codec::decode(bytes, codec::decode_options{});  // version unknown: CONNECT carries its own
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(std::get<codec::connect_view>(r->packet).version, protocol_version::v311);
}

TEST(ConnectV5, GoldenMinimal) {
    const auto d = decode_golden(golden::connect_v5_minimal, protocol_version::v5);
    const auto& c = d.as<codec::connect_view>();
    EXPECT_EQ(c.version, protocol_version::v5);
    EXPECT_TRUE(c.clean_start);
    EXPECT_EQ(c.keep_alive, 60);
    EXPECT_EQ(c.client_id, "c1");
    EXPECT_TRUE(c.properties.empty());
    EXPECT_FALSE(c.will.has_value());
}

// Every CONNECT property and every will property, user properties repeated (order kept): MQTT-3.1.3-10 (v5).
// MQTT-3.1.2-9, MQTT-3.1.2-17, MQTT-3.1.2-19, MQTT-3.1.3-1, MQTT-3.1.3-3 (v5): field presence and order.
TEST(ConnectV5, GoldenEveryPropertyAndWillProperties_MQTT_3_1_3_1) {
    const auto d = decode_golden(golden::connect_v5_full, protocol_version::v5);
    const auto& c = d.as<codec::connect_view>();
    EXPECT_EQ(c.version, protocol_version::v5);
    EXPECT_TRUE(c.clean_start);
    EXPECT_EQ(c.keep_alive, 30);
    static constexpr std::byte auth_data[] = {std::byte{1}, std::byte{2}};
    EXPECT_TRUE(properties_are(c.properties, {
                                                 property::number(property_id::session_expiry_interval, 10),
                                                 property::number(property_id::receive_maximum, 20),
                                                 property::number(property_id::maximum_packet_size, 65536),
                                                 property::number(property_id::topic_alias_maximum, 5),
                                                 property::number(property_id::request_response_information, 1),
                                                 property::number(property_id::request_problem_information, 0),
                                                 property::user("k", "v"),
                                                 property::user("k", "v2"),
                                                 property::string(property_id::authentication_method, "SCRAM"),
                                                 property::bytes(property_id::authentication_data, auth_data),
                                             }));
    EXPECT_EQ(c.client_id, "cli");
    ASSERT_TRUE(c.will.has_value());
    static constexpr std::byte correlation[] = {std::byte{1}, std::byte{2}, std::byte{3}};
    EXPECT_TRUE(properties_are(c.will->properties, {
                                                       property::number(property_id::will_delay_interval, 60),
                                                       property::number(property_id::payload_format_indicator, 1),
                                                       property::number(property_id::message_expiry_interval, 3600),
                                                       property::string(property_id::content_type, "text/plain"),
                                                       property::string(property_id::response_topic, "rep/1"),
                                                       property::bytes(property_id::correlation_data, correlation),
                                                       property::user("a", "b"),
                                                   }));
    EXPECT_EQ(c.will->topic, "w/lwt");
    EXPECT_EQ(as_chars(c.will->payload), "bye!");
    EXPECT_EQ(c.will->qos, codec::qos::exactly_once);
    EXPECT_TRUE(c.will->retain);
    EXPECT_EQ(c.username.value_or(""), "user");
    ASSERT_TRUE(c.password.has_value());
    EXPECT_EQ(as_chars(*c.password), "pwd");
    // properties_view::find returns the first of a repeated property.
    auto first_user = c.properties.find(property_id::user_property);
    ASSERT_TRUE(first_user.has_value());
    EXPECT_EQ(first_user->value, "v");
}

// MQTT-3.1.2-19 (v5): a Password without a User Name is allowed in 5.0.
TEST(ConnectV5, MQTT_3_1_2_19_PasswordWithoutUserName) {
    const auto d = decode_golden(golden::connect_v5_password_only, protocol_version::v5);
    const auto& c = d.as<codec::connect_view>();
    EXPECT_EQ(c.client_id, "");
    EXPECT_EQ(c.keep_alive, 0);
    EXPECT_FALSE(c.username.has_value());
    ASSERT_TRUE(c.password.has_value());
    EXPECT_EQ(as_chars(*c.password), "pw");
}

// The CONNECT carries its own version: the version argument of encode() does not change its bytes.
TEST(ConnectV5, EncodesItsOwnVersionWhateverTheConnectionVersion) {
    const auto d = decode_golden(golden::connect_v5_full, protocol_version::v5);
    EXPECT_EQ(to_hex(encode_to_vector(d.packet, protocol_version::unknown)), to_hex(d.bytes));
    EXPECT_EQ(to_hex(encode_to_vector(d.packet, protocol_version::v311)), to_hex(d.bytes));
}

// ---------------------------------------------------------------------------------------------- CONNECT rules
// Builds a CONNECT: 10 RL | name | level | flags | keep alive 60 | [property length 0 in v5] | payload.
// Offsets: protocol name 2, level 8, flags 9, keep alive 10, client identifier 12 (v3.1.1) or 13 (v5).
std::vector<std::byte> connect_packet(protocol_version v, std::string_view flags_hex, std::string_view payload_hex,
                                      std::string_view name_level_hex = "") {
    std::string body(name_level_hex.empty() ? std::string("0004 4d515454 ") + (v == protocol_version::v5 ? "05" : "04")
                                            : std::string(name_level_hex));
    body += " ";
    body += flags_hex;
    body += " 003c ";
    if (v == protocol_version::v5) body += "00 ";
    body += payload_hex;
    return packet(0x10, body);
}
// Will properties (v5 only) go in front of the will topic.
std::string will_fields(protocol_version v, std::string_view topic_and_message_hex) {
    return (v == protocol_version::v5 ? "00 " : "") + std::string(topic_and_message_hex);
}
std::uint32_t client_id_at(protocol_version v) { return v == protocol_version::v5 ? 13 : 12; }

class ConnectRules : public ::testing::TestWithParam<protocol_version> {};
INSTANTIATE_TEST_SUITE_P(Both, ConnectRules, ::testing::Values(protocol_version::v311, protocol_version::v5),
                         version_name);

// MQTT-3.1.2-1 (v3.1.1 and v5): the protocol name is "MQTT"; anything else is refused (CONNACK 0x84 in v5).
TEST_P(ConnectRules, MQTT_3_1_2_1_ProtocolNameOtherThanMqtt) {
    const auto v = GetParam();
    for (std::string_view name : {"0004 4d515458", "0004 6d717474", "0003 4d5154", "0006 4d5149736470"}) {
        SCOPED_TRACE(name);
        const auto bytes = connect_packet(v, "02", "0002 6331", std::string(name) + " 04");
        EXPECT_TRUE(decode_fails(bytes, v, errc::invalid_protocol_name, 2, reason_code::unsupported_protocol_version));
    }
}

// MQTT-3.1.2-2 (v3.1.1 and v5): a protocol level the server does not speak: CONNACK 0x01 / 0x84.
TEST_P(ConnectRules, MQTT_3_1_2_2_UnsupportedProtocolLevel) {
    const auto v = GetParam();
    for (std::string_view level : {"00", "03", "06", "ff"}) {
        SCOPED_TRACE(level);
        const auto bytes = connect_packet(v, "02", "0002 6331", std::string("0004 4d515454 ") + std::string(level));
        EXPECT_TRUE(decode_fails(bytes, v, errc::unsupported_protocol_version, 8,
                                 reason_code::unsupported_protocol_version));
    }
    // MQTT 3.1 ("MQIsdp", level 3) is recognised as an older version, not as a foreign protocol.
    const auto mqisdp = packet(0x10, "0006 4d5149736470 03 02 003c 0002 6331");
    EXPECT_TRUE(decode_fails(mqisdp, v, errc::unsupported_protocol_version, 2,
                             reason_code::unsupported_protocol_version));
}

// MQTT-3.1.2-3 (v3.1.1 and v5): CONNECT flags bit 0 is reserved and must be 0 (v5: Malformed Packet).
TEST_P(ConnectRules, MQTT_3_1_2_3_ReservedFlagSet) {
    const auto v = GetParam();
    EXPECT_TRUE(decode_fails(connect_packet(v, "03", "0002 6331"), v, errc::invalid_connect_flags, 9,
                             reason_code::malformed_packet));
}

// Will Flag 0 requires Will QoS 0:
// MQTT-3.1.2-11, MQTT-3.1.2-13 (v3.1.1)
// MQTT-3.1.2-11 (v5)
TEST_P(ConnectRules, MQTT_3_1_2_11_WillQosWithoutWillFlag) {
    const auto v = GetParam();
    for (std::string_view flags : {"0a", "12"}) {  // will QoS 1, will QoS 2; will flag 0
        SCOPED_TRACE(flags);
        EXPECT_TRUE(decode_fails(connect_packet(v, flags, "0002 6331"), v, errc::invalid_connect_flags, 9,
                                 reason_code::malformed_packet));
    }
}
// MQTT-3.1.2-13 (v3.1.1): Will Flag 0 requires the Will QoS bits to be 00.
TEST(ConnectV311, MQTT_3_1_2_13_WillQosBitsZeroWithoutWill) {
    EXPECT_TRUE(decode_fails(connect_packet(protocol_version::v311, "0a", "0002 6331"), protocol_version::v311,
                             errc::invalid_connect_flags, 9, reason_code::malformed_packet));
}

// Will Flag 0 requires Will Retain 0:
// MQTT-3.1.2-15 (v3.1.1)
// MQTT-3.1.2-13 (v5)
TEST(ConnectV311, MQTT_3_1_2_15_WillRetainWithoutWillFlag) {
    EXPECT_TRUE(decode_fails(connect_packet(protocol_version::v311, "22", "0002 6331"), protocol_version::v311,
                             errc::invalid_connect_flags, 9, reason_code::malformed_packet));
}
TEST(ConnectV5, MQTT_3_1_2_13_WillRetainWithoutWillFlag) {
    EXPECT_TRUE(decode_fails(connect_packet(protocol_version::v5, "22", "0002 6331"), protocol_version::v5,
                             errc::invalid_connect_flags, 9, reason_code::malformed_packet));
}

// Will QoS 3 is not allowed (5.0: Malformed Packet):
// MQTT-3.1.2-14 (v3.1.1)
// MQTT-3.1.2-12 (v5)
TEST(ConnectV311, MQTT_3_1_2_14_WillQos3) {
    const auto v = protocol_version::v311;
    EXPECT_TRUE(decode_fails(connect_packet(v, "1e", "0002 6331" + will_fields(v, "0001 74 0000")), v,
                             errc::invalid_qos, 9, reason_code::malformed_packet));
}
TEST(ConnectV5, MQTT_3_1_2_12_WillQos3) {
    const auto v = protocol_version::v5;
    EXPECT_TRUE(decode_fails(connect_packet(v, "1e", "0002 6331" + will_fields(v, "0001 74 0000")), v,
                             errc::invalid_qos, 9, reason_code::malformed_packet));
}

// Will QoS 0, 1 and 2 with the Will Flag, retained or not, all decode:
// MQTT-3.1.2-14 (v3.1.1)
// MQTT-3.1.2-12 (v5)
TEST_P(ConnectRules, WillQos0To2Decode) {
    const auto v = GetParam();
    for (std::string_view flags : {"06", "0e", "16", "26", "2e", "36"}) {
        SCOPED_TRACE(flags);
        const auto bytes = connect_packet(v, flags, "0002 6331" + will_fields(v, "0001 74 0001 78"));
        auto r = codec::decode(bytes, options_for(v));
        ASSERT_TRUE(r.has_value()) << codec::name(r.error().code);
        const auto& c = std::get<codec::connect_view>(r->packet);
        ASSERT_TRUE(c.will.has_value());
        EXPECT_EQ(c.will->topic, "t");
        EXPECT_EQ(to_hex(encode_to_vector(r->packet, v)), to_hex(bytes));
    }
}

// MQTT-3.1.2-22 (v3.1.1): a password needs a user name.
TEST(ConnectV311, MQTT_3_1_2_22_PasswordWithoutUserName) {
    EXPECT_TRUE(decode_fails(connect_packet(protocol_version::v311, "42", "0002 6331 0002 7077"),
                             protocol_version::v311, errc::invalid_connect_flags, 9, reason_code::malformed_packet));
}

// MQTT-3.1.2-9 (v3.1.1 and v5): Will Flag 1 means the will fields are present; a CONNECT that ends early is
// malformed.
TEST_P(ConnectRules, MQTT_3_1_2_9_WillFlagWithoutWillFields) {
    const auto v = GetParam();
    const auto bytes = connect_packet(v, "06", "0002 6331");
    // v5 fails reading the will property length, v3.1.1 reading the will topic length: both at the end of the body.
    EXPECT_TRUE(decode_fails(bytes, v, errc::malformed_remaining_length, static_cast<std::uint32_t>(bytes.size()),
                             reason_code::malformed_packet));
}

// A flag set means the field is there:
// MQTT-3.1.2-19, MQTT-3.1.2-21 (v3.1.1)
// MQTT-3.1.2-17, MQTT-3.1.2-19 (v5)
TEST(ConnectV311, MQTT_3_1_2_19_UserNameFlagWithoutUserName) {
    const auto bytes = connect_packet(protocol_version::v311, "82", "0002 6331");
    EXPECT_TRUE(decode_fails(bytes, protocol_version::v311, errc::malformed_remaining_length, 16,
                             reason_code::malformed_packet));
}
TEST(ConnectV311, MQTT_3_1_2_21_PasswordFlagWithoutPassword) {
    const auto bytes = connect_packet(protocol_version::v311, "c2", "0002 6331 0001 75");
    EXPECT_TRUE(decode_fails(bytes, protocol_version::v311, errc::malformed_remaining_length, 19,
                             reason_code::malformed_packet));
}
TEST(ConnectV5, MQTT_3_1_2_17_UserNameFlagWithoutUserName) {
    const auto bytes = connect_packet(protocol_version::v5, "82", "0002 6331");
    EXPECT_TRUE(decode_fails(bytes, protocol_version::v5, errc::malformed_remaining_length, 17,
                             reason_code::malformed_packet));
}
TEST(ConnectV5, MQTT_3_1_2_19_PasswordFlagWithoutPassword) {
    const auto bytes = connect_packet(protocol_version::v5, "42", "0002 6331");
    EXPECT_TRUE(decode_fails(bytes, protocol_version::v5, errc::malformed_remaining_length, 17,
                             reason_code::malformed_packet));
}

// Flags clear means no field; bytes after the last field the flags announce are malformed:
// MQTT-3.1.2-18, MQTT-3.1.2-20 (v3.1.1)
// MQTT-3.1.2-16, MQTT-3.1.2-18 (v5)
TEST(ConnectV311, MQTT_3_1_2_18_MQTT_3_1_2_20_NoFlagsNoFields) {
    const auto bytes = connect_packet(protocol_version::v311, "02", "0002 6331 0001 75");
    EXPECT_TRUE(decode_fails(bytes, protocol_version::v311, errc::malformed_remaining_length, 16,
                             reason_code::malformed_packet));
}
TEST(ConnectV5, MQTT_3_1_2_16_MQTT_3_1_2_18_NoFlagsNoFields) {
    const auto bytes = connect_packet(protocol_version::v5, "02", "0002 6331 0001 75");
    EXPECT_TRUE(decode_fails(bytes, protocol_version::v5, errc::malformed_remaining_length, 17,
                             reason_code::malformed_packet));
}

// MQTT-3.1.3-3 (v3.1.1 and v5): the client identifier is always present.
TEST_P(ConnectRules, MQTT_3_1_3_3_ClientIdentifierMissing) {
    const auto v = GetParam();
    const auto bytes = connect_packet(v, "02", "");
    EXPECT_TRUE(decode_fails(bytes, v, errc::malformed_remaining_length, client_id_at(v),
                             reason_code::malformed_packet));
}

// MQTT-3.1.3-4 (v3.1.1 and v5): the client identifier is a UTF-8 encoded string.
TEST_P(ConnectRules, MQTT_3_1_3_4_ClientIdentifierNotUtf8) {
    const auto v = GetParam();
    EXPECT_TRUE(decode_fails(connect_packet(v, "02", "0002 61ff"), v, errc::invalid_utf8, client_id_at(v) + 3,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(connect_packet(v, "02", "0002 0061"), v, errc::utf8_contains_null, client_id_at(v) + 2,
                             reason_code::malformed_packet));
}

// The will topic is a UTF-8 string; it is a topic name, so no wildcards (MQTT-3.3.2-2) and not empty
// (MQTT-4.7.3-1).
// MQTT-3.1.3-10 (v3.1.1)
// MQTT-3.1.3-11 (v5)
TEST(ConnectV311, MQTT_3_1_3_10_WillTopicRules) {
    const auto v = protocol_version::v311;
    EXPECT_TRUE(decode_fails(connect_packet(v, "06", "0002 6331 0002 c0af 0000"), v, errc::invalid_utf8, 18,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(connect_packet(v, "06", "0002 6331 0003 612f23 0000"), v, errc::invalid_topic_name, 16,
                             reason_code::topic_name_invalid));
    EXPECT_TRUE(decode_fails(connect_packet(v, "06", "0002 6331 0000 0000"), v, errc::invalid_topic_name, 16,
                             reason_code::topic_name_invalid));
}
TEST(ConnectV5, MQTT_3_1_3_11_WillTopicRules) {
    const auto v = protocol_version::v5;
    EXPECT_TRUE(decode_fails(connect_packet(v, "06", "0002 6331 00 0002 c0af 0000"), v, errc::invalid_utf8, 20,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(connect_packet(v, "06", "0002 6331 00 0001 2b 0000"), v, errc::invalid_topic_name, 18,
                             reason_code::topic_name_invalid));
}

// The user name is a UTF-8 string:
// MQTT-3.1.3-11 (v3.1.1)
// MQTT-3.1.3-12 (v5)
TEST(ConnectV311, MQTT_3_1_3_11_UserNameNotUtf8) {
    const auto v = protocol_version::v311;
    EXPECT_TRUE(decode_fails(connect_packet(v, "82", "0002 6331 0003 eda080"), v, errc::invalid_utf8, 19,
                             reason_code::malformed_packet));
}
TEST(ConnectV5, MQTT_3_1_3_12_UserNameNotUtf8) {
    const auto v = protocol_version::v5;
    EXPECT_TRUE(decode_fails(connect_packet(v, "82", "0002 6331 0003 eda080"), v, errc::invalid_utf8, 20,
                             reason_code::malformed_packet));
}

// Section 2.2.2.2 (v5): a property the CONNECT (or its will) may not carry is malformed.
TEST(ConnectV5, PropertyNotAllowedOnConnectOrWill) {
    const auto v = protocol_version::v5;
    // Topic Alias (0x23) in the CONNECT properties: offset 13 is the first property.
    EXPECT_TRUE(decode_fails(packet(0x10, "0004 4d515454 05 02 003c 03 230001 0002 6331"), v,
                             errc::property_not_allowed, 13, reason_code::malformed_packet));
    // Session Expiry Interval (0x11) in the will properties.
    EXPECT_TRUE(decode_fails(packet(0x10, "0004 4d515454 05 06 003c 00 0002 6331 05 1100000001 0001 74 0000"), v,
                             errc::property_not_allowed, 18, reason_code::malformed_packet));
    // Will Delay Interval (0x18) in the CONNECT properties rather than the will's.
    EXPECT_TRUE(decode_fails(packet(0x10, "0004 4d515454 05 02 003c 05 1800000001 0002 6331"), v,
                             errc::property_not_allowed, 13, reason_code::malformed_packet));
}

// MQTT-3.1.0-1 (v3.1.1 and v5): the first packet is CONNECT; anything else before it is refused.
TEST(Connect, MQTT_3_1_0_1_PacketBeforeConnect) {
    for (std::string_view x : {golden::publish_v311_qos0, golden::pingreq, golden::subscribe_v311,
                               golden::disconnect_v311, golden::connack_v311_accepted}) {
        EXPECT_TRUE(decode_fails(hex(x), protocol_version::unknown, errc::connect_expected, 0,
                                 reason_code::protocol_error));
    }
}

// ------------------------------------------------------------------------------------------------ CONNACK

TEST(ConnackV311, GoldenAcceptedWithSessionPresent) {
    const auto d = decode_golden(golden::connack_v311_accepted, protocol_version::v311);
    const auto& c = d.as<codec::connack_view>();
    EXPECT_TRUE(c.session_present);
    EXPECT_EQ(c.reason, reason_code::success);
    EXPECT_TRUE(c.properties.empty());
}

TEST(ConnackV311, GoldenRefusedNotAuthorized) {
    const auto d = decode_golden(golden::connack_v311_not_authorized, protocol_version::v311);
    const auto& c = d.as<codec::connack_view>();
    EXPECT_FALSE(c.session_present);
    EXPECT_EQ(c.reason, reason_code::not_authorized);
}

// Table 3.1 (v3.1.1): return codes 0..5 map to 5.0 reason codes and back; 6..255 are reserved.
TEST(ConnackV311, ReturnCodesMapToReasonCodes) {
    const reason_code expected[] = {reason_code::success,
                                    reason_code::unsupported_protocol_version,
                                    reason_code::client_identifier_not_valid,
                                    reason_code::server_unavailable,
                                    reason_code::bad_user_name_or_password,
                                    reason_code::not_authorized};
    for (unsigned code = 0; code < 256; ++code) {
        SCOPED_TRACE(code);
        const std::byte body[] = {std::byte{0}, static_cast<std::byte>(code)};
        const auto bytes = packet(0x20, body);
        if (code < 6) {
            auto r = codec::decode(bytes, options_for(protocol_version::v311));
            ASSERT_TRUE(r.has_value());
            EXPECT_EQ(std::get<codec::connack_view>(r->packet).reason, expected[code]);
            EXPECT_EQ(to_hex(encode_to_vector(r->packet, protocol_version::v311)), to_hex(bytes));
        } else {
            EXPECT_TRUE(decode_fails(bytes, protocol_version::v311, errc::invalid_reason_code, 3,
                                     reason_code::malformed_packet));
        }
    }
}

// Reason codes 3.1.1 cannot express are sent as the closest return code.
TEST(ConnackV311, EncodesReasonCodesWithoutAReturnCodeAsTheClosestOne) {
    auto encoded_code = [](reason_code c) {
        codec::connack_view v;
        v.reason = c;
        return to_hex(encode_to_vector(codec::packet_view{v}, protocol_version::v311));
    };
    EXPECT_EQ(encoded_code(reason_code::banned), "20 02 00 05");
    EXPECT_EQ(encoded_code(reason_code::server_busy), "20 02 00 03");
    EXPECT_EQ(encoded_code(reason_code::bad_user_name_or_password), "20 02 00 04");
}

// MQTT-3.2.2-4 (v3.1.1): a CONNACK with a non-zero return code has Session Present 0.
TEST(ConnackV311, MQTT_3_2_2_4_SessionPresentWithRefusal) {
    EXPECT_TRUE(decode_fails(packet(0x20, "01 05"), protocol_version::v311, errc::invalid_connack_flags, 2,
                             reason_code::malformed_packet));
}

// CONNACK acknowledge flags bits 7-1 are reserved: section 3.2.2.1 in 3.1.1, and in 5.0:
// MQTT-3.2.2-1 (v5)
TEST(ConnackV311, ReservedAcknowledgeFlags) {
    EXPECT_TRUE(decode_fails(packet(0x20, "02 00"), protocol_version::v311, errc::invalid_connack_flags, 2,
                             reason_code::malformed_packet));
}
TEST(ConnackV5, MQTT_3_2_2_1_ReservedAcknowledgeFlags) {
    for (std::string_view flags : {"02", "80", "fe"}) {
        EXPECT_TRUE(decode_fails(packet(0x20, std::string(flags) + " 00 00"), protocol_version::v5,
                                 errc::invalid_connack_flags, 2, reason_code::malformed_packet));
    }
}

TEST(ConnackV5, GoldenMinimal) {
    const auto d = decode_golden(golden::connack_v5_minimal, protocol_version::v5);
    const auto& c = d.as<codec::connack_view>();
    EXPECT_FALSE(c.session_present);
    EXPECT_EQ(c.reason, reason_code::success);
    EXPECT_TRUE(c.properties.empty());
}

// Every property a CONNACK may carry.
TEST(ConnackV5, GoldenEveryProperty) {
    const auto d = decode_golden(golden::connack_v5_full, protocol_version::v5);
    const auto& c = d.as<codec::connack_view>();
    EXPECT_TRUE(c.session_present);
    EXPECT_EQ(c.reason, reason_code::success);
    static constexpr std::byte auth_data[] = {std::byte{3}, std::byte{4}};
    EXPECT_TRUE(properties_are(c.properties, {
                                                 property::number(property_id::session_expiry_interval, 300),
                                                 property::number(property_id::receive_maximum, 10),
                                                 property::number(property_id::maximum_qos, 1),
                                                 property::number(property_id::retain_available, 0),
                                                 property::number(property_id::maximum_packet_size, 1048576),
                                                 property::string(property_id::assigned_client_identifier, "auto"),
                                                 property::number(property_id::topic_alias_maximum, 8),
                                                 property::string(property_id::reason_string, "ok"),
                                                 property::user("x", "y"),
                                                 property::number(property_id::wildcard_subscription_available, 0),
                                                 property::number(property_id::subscription_identifier_available, 1),
                                                 property::number(property_id::shared_subscription_available, 0),
                                                 property::number(property_id::server_keep_alive, 60),
                                                 property::string(property_id::response_information, "resp"),
                                                 property::string(property_id::server_reference, "host2"),
                                                 property::string(property_id::authentication_method, "SCRAM"),
                                                 property::bytes(property_id::authentication_data, auth_data),
                                             }));
}

TEST(ConnackV5, GoldenRefused) {
    const auto d = decode_golden(golden::connack_v5_refused, protocol_version::v5);
    EXPECT_EQ(d.as<codec::connack_view>().reason, reason_code::not_authorized);
    EXPECT_FALSE(d.as<codec::connack_view>().session_present);
}

// MQTT-3.2.2-8 (v5): the CONNACK reason code is one of Table 3-1; every other value is refused.
TEST(ConnackV5, MQTT_3_2_2_8_ReasonCodesAllowed) {
    expect_only_reason_codes(0x20, {std::byte{0}, std::byte{0}, std::byte{0}}, 1, protocol_version::v5, [](unsigned c) {
        return c == 0x00 || (c >= 0x80 && c <= 0x8A) || c == 0x8C || c == 0x90 || c == 0x95 || c == 0x97 ||
               (c >= 0x99 && c <= 0x9D) || c == 0x9F;
    });
}

// MQTT-3.2.2-6 (v5): a CONNACK with a non-zero reason code has Session Present 0.
TEST(ConnackV5, MQTT_3_2_2_6_SessionPresentWithFailure) {
    EXPECT_TRUE(decode_fails(packet(0x20, "01 80 00"), protocol_version::v5, errc::invalid_connack_flags, 2,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0x20, "01 9c 00"), protocol_version::v5, errc::invalid_connack_flags, 2,
                             reason_code::malformed_packet));
}

// Section 2.2.2.2 (v5): Will Delay Interval is a will property, not a CONNACK one.
TEST(ConnackV5, PropertyNotAllowed) {
    EXPECT_TRUE(decode_fails(packet(0x20, "00 00 05 1800000001"), protocol_version::v5, errc::property_not_allowed,
                             5, reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0x20, "00 00 03 230001"), protocol_version::v5, errc::property_not_allowed, 5,
                             reason_code::malformed_packet));
}

// MQTT-3.2.2-1 (v5): the encoder writes the reserved acknowledge flag bits as 0.
TEST(ConnackV5, MQTT_3_2_2_1_EncoderWritesReservedBitsZero) {
    codec::connack_view c;
    c.session_present = true;
    EXPECT_EQ(to_hex(encode_to_vector(codec::packet_view{c}, protocol_version::v5)), "20 03 01 00 00");
}

}  // namespace
}  // namespace mqtt::test
