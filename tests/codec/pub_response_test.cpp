// PUBACK, PUBREC, PUBREL, PUBCOMP (sections 3.4 to 3.7): golden vectors, short forms, allowed reason codes.
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

TEST(PubResponseV311, GoldenPubackPubrecPubrelPubcomp) {
    EXPECT_EQ(decode_golden(golden::puback_v311, protocol_version::v311).as<codec::puback_view>().packet_id, 1);
    EXPECT_EQ(decode_golden(golden::pubrec_v311, protocol_version::v311).as<codec::pubrec_view>().packet_id, 2);
    EXPECT_EQ(decode_golden(golden::pubrel_v311, protocol_version::v311).as<codec::pubrel_view>().packet_id, 3);
    EXPECT_EQ(decode_golden(golden::pubcomp_v311, protocol_version::v311).as<codec::pubcomp_view>().packet_id, 4);
    const auto d = decode_golden(golden::puback_v311, protocol_version::v311);
    EXPECT_EQ(d.as<codec::puback_view>().reason, reason_code::success);
    EXPECT_TRUE(d.as<codec::puback_view>().properties.empty());
}

// 3.1.1 acknowledgements are the packet identifier alone: a longer body is malformed.
TEST(PubResponseV311, ExtraBytesAreMalformed) {
    for (const std::uint8_t first : std::initializer_list<std::uint8_t>{0x40, 0x50, 0x62, 0x70}) {
        EXPECT_TRUE(decode_fails(packet(first, "0001 00"), protocol_version::v311, errc::malformed_remaining_length,
                                 4, reason_code::malformed_packet));
    }
}

// The encoder leaves the reason code and properties out in 3.1.1.
TEST(PubResponseV311, EncoderLeavesOutV5Parts) {
    const property props[] = {property::string(property_id::reason_string, "x")};
    codec::puback_view p;
    p.packet_id = 1;
    p.reason = reason_code::not_authorized;
    p.properties = std::span<const property>(props);
    EXPECT_EQ(to_hex(encode_to_vector(codec::packet_view{p}, protocol_version::v311)), "40 02 00 01");
}

TEST(PubResponseV5, GoldenShortFormReadsAsSuccess) {
    const auto d = decode_golden(golden::puback_v5_short, protocol_version::v5);
    EXPECT_EQ(d.as<codec::puback_view>().packet_id, 1);
    EXPECT_EQ(d.as<codec::puback_view>().reason, reason_code::success);
    EXPECT_TRUE(d.as<codec::puback_view>().properties.empty());
}

TEST(PubResponseV5, GoldenReasonCodeWithoutPropertyLength) {
    const auto d = decode_golden(golden::puback_v5_reason, protocol_version::v5);
    EXPECT_EQ(d.as<codec::puback_view>().reason, reason_code::no_matching_subscribers);
    EXPECT_TRUE(d.as<codec::puback_view>().properties.empty());
}

TEST(PubResponseV5, GoldenReasonStringAndUserProperty) {
    const auto d = decode_golden(golden::puback_v5_properties, protocol_version::v5);
    const auto& p = d.as<codec::puback_view>();
    EXPECT_EQ(p.packet_id, 1);
    EXPECT_EQ(p.reason, reason_code::not_authorized);
    EXPECT_TRUE(properties_are(p.properties, {property::string(property_id::reason_string, "nope"),
                                              property::user("a", "b")}));
}

TEST(PubResponseV5, GoldenPubrecPubrelPubcomp) {
    const auto rec = decode_golden(golden::pubrec_v5, protocol_version::v5);
    EXPECT_EQ(rec.as<codec::pubrec_view>().packet_id, 2);
    EXPECT_EQ(rec.as<codec::pubrec_view>().reason, reason_code::packet_identifier_in_use);
    const auto rel = decode_golden(golden::pubrel_v5, protocol_version::v5);
    EXPECT_EQ(rel.as<codec::pubrel_view>().packet_id, 3);
    EXPECT_EQ(rel.as<codec::pubrel_view>().reason, reason_code::packet_identifier_not_found);
    const auto comp = decode_golden(golden::pubcomp_v5, protocol_version::v5);
    EXPECT_EQ(comp.as<codec::pubcomp_view>().packet_id, 4);
    EXPECT_EQ(comp.as<codec::pubcomp_view>().reason, reason_code::success);
    EXPECT_TRUE(properties_are(comp.as<codec::pubcomp_view>().properties,
                               {property::string(property_id::reason_string, "ok")}));
}

// Valid non-canonical forms: reason code 0 written out, with or without a zero property length. They decode to
// the same fields and re-encode to the short form.
TEST(PubResponseV5, NonCanonicalFormsReencodeShort) {
    expect_decodes_to_canonical("40 04 | 0001 | 00 | 00", golden::puback_v5_short, protocol_version::v5);
    expect_decodes_to_canonical("40 03 | 0001 | 00", golden::puback_v5_short, protocol_version::v5);
    expect_decodes_to_canonical("50 04 | 0002 | 91 | 00", golden::pubrec_v5, protocol_version::v5);
    expect_decodes_to_canonical("62 04 | 0003 | 92 | 00", golden::pubrel_v5, protocol_version::v5);
    expect_decodes_to_canonical("70 04 | 0004 | 00 | 00", "70 02 | 0004", protocol_version::v5);
}

// MQTT-3.4.2-1, MQTT-3.5.2-1, MQTT-3.6.2-1, MQTT-3.7.2-1 (v5): each acknowledgement carries only the reason codes
// its table allows; every other value is refused at the reason code's offset.
struct ack_rule {
    std::uint8_t first_byte;
    const char* name;
    bool (*allowed)(unsigned);
};
bool puback_allowed(unsigned c) {
    return c == 0x00 || c == 0x10 || c == 0x80 || c == 0x83 || c == 0x87 || c == 0x90 || c == 0x91 || c == 0x97 ||
           c == 0x99;
}
bool pubrel_allowed(unsigned c) { return c == 0x00 || c == 0x92; }

void check_reason_codes(const ack_rule& rule) {
    SCOPED_TRACE(rule.name);
    for (unsigned code = 0; code < 256; ++code) {
        SCOPED_TRACE(code);
        for (bool with_properties : {false, true}) {
            std::vector<std::byte> body{std::byte{0}, std::byte{5}, static_cast<std::byte>(code)};
            if (with_properties) body.push_back(std::byte{0});
            const auto bytes = packet(rule.first_byte, body);
            if (rule.allowed(code)) {
                auto r = codec::decode(bytes, options_for(protocol_version::v5));
                ASSERT_TRUE(r.has_value());
                const auto again = encode_to_vector(r->packet, protocol_version::v5);
                // Re-encoded in the shortest form: 2 bytes for success, 3 otherwise.
                EXPECT_EQ(again.size(), code == 0 ? 4u : 5u);
            } else {
                EXPECT_TRUE(decode_fails(bytes, protocol_version::v5, errc::invalid_reason_code, 4,
                                         reason_code::malformed_packet));
            }
        }
    }
}
TEST(PubackV5, MQTT_3_4_2_1_ReasonCodesAllowed) { check_reason_codes({0x40, "PUBACK", puback_allowed}); }
TEST(PubrecV5, MQTT_3_5_2_1_ReasonCodesAllowed) { check_reason_codes({0x50, "PUBREC", puback_allowed}); }
TEST(PubrelV5, MQTT_3_6_2_1_ReasonCodesAllowed) { check_reason_codes({0x62, "PUBREL", pubrel_allowed}); }
TEST(PubcompV5, MQTT_3_7_2_1_ReasonCodesAllowed) { check_reason_codes({0x70, "PUBCOMP", pubrel_allowed}); }

class PubResponseRules : public ::testing::TestWithParam<protocol_version> {};
INSTANTIATE_TEST_SUITE_P(Both, PubResponseRules, ::testing::Values(protocol_version::v311, protocol_version::v5),
                         version_name);

// A packet identifier is never 0 (section 2.3.1 v3.1.1, 2.2.1 v5).
TEST_P(PubResponseRules, PacketIdentifierZero) {
    for (const std::uint8_t first : std::initializer_list<std::uint8_t>{0x40, 0x50, 0x62, 0x70}) {
        EXPECT_TRUE(decode_fails(packet(first, "0000"), GetParam(), errc::invalid_packet_id, 2,
                                 reason_code::malformed_packet));
    }
}

// Remaining length 0 or 1: the packet identifier is cut short.
TEST_P(PubResponseRules, PacketIdentifierTruncated) {
    EXPECT_TRUE(decode_fails(packet(0x40, ""), GetParam(), errc::malformed_remaining_length, 2,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0x40, "00"), GetParam(), errc::malformed_remaining_length, 2,
                             reason_code::malformed_packet));
}

// Section 2.2.2.2 (v5): the acknowledgements carry only Reason String and User Property.
TEST(PubResponseV5, PropertyNotAllowed) {
    EXPECT_TRUE(decode_fails(packet(0x40, "0001 00 03 230001"), protocol_version::v5, errc::property_not_allowed, 6,
                             reason_code::malformed_packet));
    EXPECT_TRUE(decode_fails(packet(0x62, "0001 00 05 1100000001"), protocol_version::v5,
                             errc::property_not_allowed, 6, reason_code::malformed_packet));
}

// Section 2.2.2.2 (v5): Reason String may appear once.
TEST(PubResponseV5, DuplicateReasonString) {
    EXPECT_TRUE(decode_fails(packet(0x50, "0001 80 08 1f0001 61 1f0001 62"), protocol_version::v5,
                             errc::duplicate_property, 10, reason_code::protocol_error));
}

// A property length that runs past the end of the packet is malformed.
TEST(PubResponseV5, PropertyLengthPastTheEnd) {
    EXPECT_TRUE(decode_fails(packet(0x40, "0001 80 05 1f0001 61"), protocol_version::v5,
                             errc::malformed_remaining_length, 6, reason_code::malformed_packet));
}

}  // namespace
}  // namespace mqtt::test
