// PINGREQ, PINGRESP (sections 3.12, 3.13), DISCONNECT (3.14) and AUTH (3.15).
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

class PingRules : public ::testing::TestWithParam<protocol_version> {};
INSTANTIATE_TEST_SUITE_P(Both, PingRules, ::testing::Values(protocol_version::v311, protocol_version::v5),
                         version_name);

TEST_P(PingRules, GoldenPingreqPingresp) {
    EXPECT_TRUE(std::holds_alternative<codec::pingreq_view>(decode_golden(golden::pingreq, GetParam()).packet));
    EXPECT_TRUE(std::holds_alternative<codec::pingresp_view>(decode_golden(golden::pingresp, GetParam()).packet));
}

// PINGREQ and PINGRESP have no variable header and no payload.
TEST_P(PingRules, BodyIsMalformed) {
    EXPECT_TRUE(decode_fails(packet(0xc0, "00"), GetParam(), errc::malformed_remaining_length, 2,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0xd0, "00"), GetParam(), errc::malformed_remaining_length, 2,
                             reason_code::malformed_packet));
}

// ------------------------------------------------------------------------------------------------ DISCONNECT

TEST(DisconnectV311, Golden) {
    EXPECT_TRUE(std::holds_alternative<codec::disconnect_view>(
        decode_golden(golden::disconnect_v311, protocol_version::v311).packet));
}

// 3.1.1 DISCONNECT has Remaining Length 0; the encoder leaves 5.0 fields out.
TEST(DisconnectV311, BodyIsMalformedAndV5FieldsAreNotEncoded) {
    EXPECT_TRUE(decode_fails(packet(0xe0, "00"), protocol_version::v311, errc::malformed_remaining_length, 2,
                             reason_code::malformed_packet));
    codec::disconnect_view d;
    d.reason = reason_code::disconnect_with_will_message;
    EXPECT_EQ(to_hex(encode_to_vector(codec::packet_view{d}, protocol_version::v311)), "e0 00");
}

// MQTT-3.14.1-1 (v3.1.1 and v5): DISCONNECT fixed-header flags are 0000.
TEST(DisconnectV311, MQTT_3_14_1_1_ReservedFlags) {
    for (const std::uint8_t first : std::initializer_list<std::uint8_t>{0xe1, 0xe2, 0xe8}) {
        EXPECT_TRUE(decode_fails(packet(first, ""), protocol_version::v311, errc::invalid_fixed_header_flags, 0,
                                 reason_code::malformed_packet));
    }
}
TEST(DisconnectV5, MQTT_3_14_1_1_ReservedFlags) {
    EXPECT_TRUE(decode_fails(packet(0xe4, ""), protocol_version::v5, errc::invalid_fixed_header_flags, 0,
                             reason_code::malformed_packet));
}

TEST(DisconnectV5, GoldenShortFormIsNormalDisconnection) {
    const auto d = decode_golden(golden::disconnect_v5_short, protocol_version::v5);
    EXPECT_EQ(d.as<codec::disconnect_view>().reason, reason_code::success);
    EXPECT_TRUE(d.as<codec::disconnect_view>().properties.empty());
}

TEST(DisconnectV5, GoldenReasonCodeOnly) {
    const auto d = decode_golden(golden::disconnect_v5_reason, protocol_version::v5);
    EXPECT_EQ(d.as<codec::disconnect_view>().reason, reason_code::disconnect_with_will_message);
}

TEST(DisconnectV5, GoldenClientDisconnectWithProperties) {
    const auto d = decode_golden(golden::disconnect_v5_client, protocol_version::v5);
    const auto& v = d.as<codec::disconnect_view>();
    EXPECT_EQ(v.reason, reason_code::disconnect_with_will_message);
    EXPECT_TRUE(properties_are(v.properties, {property::number(property_id::session_expiry_interval, 0),
                                              property::string(property_id::reason_string, "bye"),
                                              property::user("k", "v")}));
}

TEST(DisconnectV5, GoldenServerReference) {
    const auto d = decode_golden(golden::disconnect_v5_server, protocol_version::v5);
    const auto& v = d.as<codec::disconnect_view>();
    EXPECT_EQ(v.reason, reason_code::use_another_server);
    EXPECT_TRUE(properties_are(v.properties, {property::string(property_id::server_reference, "host2")}));
}

// A reason code 0x00 written out, with or without a zero property length, re-encodes to Remaining Length 0.
TEST(DisconnectV5, NonCanonicalFormsReencodeShort) {
    expect_decodes_to_canonical("e0 01 | 00", golden::disconnect_v5_short, protocol_version::v5);
    expect_decodes_to_canonical("e0 02 | 00 | 00", golden::disconnect_v5_short, protocol_version::v5);
    expect_decodes_to_canonical("e0 02 | 04 | 00", golden::disconnect_v5_reason, protocol_version::v5);
}

// MQTT-3.14.2-1 (v5): the DISCONNECT reason code is one of Table 3-10. 0x8C (Bad authentication method) is in
// Table 2-6 but not in Table 3-10; the codec follows Table 3-10 and refuses it.
TEST(DisconnectV5, MQTT_3_14_2_1_ReasonCodesAllowed) {
    auto allowed = [](unsigned c) {
        return c == 0x00 || c == 0x04 || (c >= 0x80 && c <= 0x83) || c == 0x87 || c == 0x89 || c == 0x8B ||
               (c >= 0x8D && c <= 0x90) || (c >= 0x93 && c <= 0xA2);
    };
    for (unsigned code = 0; code < 256; ++code) {
        SCOPED_TRACE(code);
        const std::byte body[] = {static_cast<std::byte>(code)};
        const auto bytes = packet(0xe0, body);
        if (allowed(code)) {
            auto r = codec::decode(bytes, options_for(protocol_version::v5));
            ASSERT_TRUE(r.has_value());
            EXPECT_EQ(static_cast<unsigned>(std::get<codec::disconnect_view>(r->packet).reason), code);
        } else {
            EXPECT_TRUE(decode_fails(bytes, protocol_version::v5, errc::invalid_reason_code, 2,
                                     reason_code::malformed_packet));
        }
    }
}

// Section 2.2.2.2 (v5): DISCONNECT carries Session Expiry Interval, Reason String, Server Reference and User
// Property only; each but User Property at most once.
TEST(DisconnectV5, PropertyRules) {
    EXPECT_TRUE(decode_fails(packet(0xe0, "00 03 230001"), protocol_version::v5, errc::property_not_allowed, 4,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0xe0, "00 0a 1100000001 1100000002"), protocol_version::v5,
                             errc::duplicate_property, 9, reason_code::protocol_error));
}

// ------------------------------------------------------------------------------------------------ AUTH

TEST(AuthV5, GoldenShortFormIsSuccess) {
    const auto d = decode_golden(golden::auth_v5_short, protocol_version::v5);
    EXPECT_EQ(d.as<codec::auth_view>().reason, reason_code::success);
    EXPECT_TRUE(d.as<codec::auth_view>().properties.empty());
}

TEST(AuthV5, GoldenContinueAuthentication) {
    const auto d = decode_golden(golden::auth_v5_continue, protocol_version::v5);
    const auto& a = d.as<codec::auth_view>();
    EXPECT_EQ(a.reason, reason_code::continue_authentication);
    static constexpr std::byte data[] = {std::byte{1}, std::byte{2}, std::byte{3}};
    EXPECT_TRUE(properties_are(a.properties, {property::string(property_id::authentication_method, "SCRAM"),
                                              property::bytes(property_id::authentication_data, data),
                                              property::string(property_id::reason_string, "more"),
                                              property::user("k", "v")}));
}

TEST(AuthV5, GoldenReauthenticate) {
    const auto d = decode_golden(golden::auth_v5_reauthenticate, protocol_version::v5);
    EXPECT_EQ(d.as<codec::auth_view>().reason, reason_code::re_authenticate);
}

// AUTH exists only in 5.0: in 3.1.1 packet type 15 is reserved (Table 2.1) and the packet is malformed.
TEST(AuthV311, PacketType15IsReserved) {
    EXPECT_TRUE(decode_fails(hex(golden::auth_v5_short), protocol_version::v311, errc::reserved_packet_type, 0,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(hex(golden::auth_v5_continue), protocol_version::v311, errc::reserved_packet_type, 0,
                             reason_code::malformed_packet));
}

// MQTT-3.15.1-1 (v5): AUTH fixed-header flags are 0000.
TEST(AuthV5, MQTT_3_15_1_1_ReservedFlags) {
    for (const std::uint8_t first : std::initializer_list<std::uint8_t>{0xf1, 0xf2, 0xf8}) {
        EXPECT_TRUE(decode_fails(packet(first, ""), protocol_version::v5, errc::invalid_fixed_header_flags, 0,
                                 reason_code::malformed_packet));
    }
}

// MQTT-3.15.2-1 (v5): the AUTH reason code is 0x00, 0x18 or 0x19.
TEST(AuthV5, MQTT_3_15_2_1_ReasonCodesAllowed) {
    for (unsigned code = 0; code < 256; ++code) {
        SCOPED_TRACE(code);
        const std::byte body[] = {static_cast<std::byte>(code), std::byte{0}};
        const auto bytes = packet(0xf0, body);
        if (code == 0x00 || code == 0x18 || code == 0x19) {
            auto r = codec::decode(bytes, options_for(protocol_version::v5));
            ASSERT_TRUE(r.has_value());
            EXPECT_EQ(static_cast<unsigned>(std::get<codec::auth_view>(r->packet).reason), code);
        } else {
            EXPECT_TRUE(decode_fails(bytes, protocol_version::v5, errc::invalid_reason_code, 2,
                                     reason_code::malformed_packet));
        }
    }
}

// Section 3.15.2.2.3 (v5): Authentication Data without an Authentication Method is a Protocol Error; the same
// holds wherever the pair may appear (CONNECT, CONNACK).
TEST(AuthV5, AuthenticationDataWithoutMethod) {
    EXPECT_TRUE(decode_fails(packet(0xf0, "18 05 16 0002 0102"), protocol_version::v5,
                             errc::missing_authentication_method, 4, reason_code::protocol_error));
    EXPECT_TRUE(decode_fails(packet(0x10, "0004 4d515454 05 02 003c 05 16 0002 0102 0002 6331"), protocol_version::v5,
                             errc::missing_authentication_method, 13, reason_code::protocol_error));
    EXPECT_TRUE(decode_fails(packet(0x20, "00 00 05 16 0002 0102"), protocol_version::v5,
                             errc::missing_authentication_method, 5, reason_code::protocol_error));
}

// Section 2.2.2.2 (v5): AUTH carries the authentication pair, Reason String and User Property only.
TEST(AuthV5, PropertyNotAllowed) {
    EXPECT_TRUE(decode_fails(packet(0xf0, "18 05 1100000001"), protocol_version::v5, errc::property_not_allowed, 4,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0xf0, "18 10 15 0005 534352414d 15 0005 534352414d"), protocol_version::v5,
                             errc::duplicate_property, 12, reason_code::protocol_error));
}

}  // namespace
}  // namespace mqtt::test
