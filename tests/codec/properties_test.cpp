// MQTT 5.0 properties (section 2.2.2): identifiers, types, where each may appear, duplicates, values, encoding of
// caller-built lists; and the errc -> reason code table.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>
#include <mqtt/codec/properties.hpp>

#include "support/codec_helpers.hpp"

namespace mqtt::test {
namespace {

using codec::errc;
using codec::property;
using codec::property_context;
using codec::property_id;
using codec::property_type;
using codec::reason_code;
using ctx = property_context;

// Table 2-4, written out independently of the codec's table.
struct property_row {
    std::uint8_t id;
    property_type type;
    std::vector<ctx> allowed;
    const char* sample_value_hex;  // a valid value
};
const std::vector<property_row>& table() {
    static const std::vector<property_row> rows = {
        {0x01, property_type::byte, {ctx::publish, ctx::will}, "01"},
        {0x02, property_type::four_byte_integer, {ctx::publish, ctx::will}, "0000003c"},
        {0x03, property_type::utf8_string, {ctx::publish, ctx::will}, "0001 61"},
        {0x08, property_type::utf8_string, {ctx::publish, ctx::will}, "0001 61"},
        {0x09, property_type::binary_data, {ctx::publish, ctx::will}, "0001 ff"},
        {0x0B, property_type::variable_byte_integer, {ctx::publish, ctx::subscribe}, "8001"},
        {0x11, property_type::four_byte_integer, {ctx::connect, ctx::connack, ctx::disconnect}, "00000001"},
        {0x12, property_type::utf8_string, {ctx::connack}, "0001 61"},
        {0x13, property_type::two_byte_integer, {ctx::connack}, "0001"},
        {0x15, property_type::utf8_string, {ctx::connect, ctx::connack, ctx::auth}, "0001 61"},
        {0x16, property_type::binary_data, {ctx::connect, ctx::connack, ctx::auth}, "0001 ff"},
        {0x17, property_type::byte, {ctx::connect}, "01"},
        {0x18, property_type::four_byte_integer, {ctx::will}, "00000001"},
        {0x19, property_type::byte, {ctx::connect}, "01"},
        {0x1A, property_type::utf8_string, {ctx::connack}, "0001 61"},
        {0x1C, property_type::utf8_string, {ctx::connack, ctx::disconnect}, "0001 61"},
        {0x1F,
         property_type::utf8_string,
         {ctx::connack, ctx::puback, ctx::pubrec, ctx::pubrel, ctx::pubcomp, ctx::suback, ctx::unsuback,
          ctx::disconnect, ctx::auth},
         "0001 61"},
        {0x21, property_type::two_byte_integer, {ctx::connect, ctx::connack}, "0001"},
        {0x22, property_type::two_byte_integer, {ctx::connect, ctx::connack}, "0001"},
        {0x23, property_type::two_byte_integer, {ctx::publish}, "0001"},
        {0x24, property_type::byte, {ctx::connack}, "01"},
        {0x25, property_type::byte, {ctx::connack}, "01"},
        {0x26,
         property_type::utf8_string_pair,
         {ctx::connect, ctx::will, ctx::connack, ctx::publish, ctx::puback, ctx::pubrec, ctx::pubrel, ctx::pubcomp,
          ctx::subscribe, ctx::suback, ctx::unsubscribe, ctx::unsuback, ctx::disconnect, ctx::auth},
         "0001 61 0001 62"},
        {0x27, property_type::four_byte_integer, {ctx::connect, ctx::connack}, "00000100"},
        {0x28, property_type::byte, {ctx::connack}, "01"},
        {0x29, property_type::byte, {ctx::connack}, "01"},
        {0x2A, property_type::byte, {ctx::connack}, "01"},
    };
    return rows;
}
constexpr std::array all_contexts = {ctx::connect, ctx::will,    ctx::connack,     ctx::publish,  ctx::puback,
                                     ctx::pubrec,  ctx::pubrel,  ctx::pubcomp,     ctx::subscribe, ctx::suback,
                                     ctx::unsubscribe, ctx::unsuback, ctx::disconnect, ctx::auth};

TEST(PropertiesV5, TypeOfEveryIdentifier) {
    std::set<unsigned> known;
    for (const auto& row : table()) {
        EXPECT_EQ(codec::type_of(static_cast<property_id>(row.id)), row.type) << unsigned{row.id};
        known.insert(row.id);
    }
    for (unsigned id = 0; id < 256; ++id) {
        if (!known.contains(id)) {
            EXPECT_EQ(codec::type_of(static_cast<property_id>(id)), property_type::invalid) << id;
        }
    }
}

// Section 2.2.2.2 (v5): which packets may carry which property.
TEST(PropertiesV5, AllowedOnExactlyTheTable24Packets) {
    for (const auto& row : table()) {
        for (ctx c : all_contexts) {
            const bool expected = std::find(row.allowed.begin(), row.allowed.end(), c) != row.allowed.end();
            EXPECT_EQ(codec::is_allowed(static_cast<property_id>(row.id), c), expected)
                << "id 0x" << std::hex << unsigned{row.id} << " context " << std::dec << static_cast<unsigned>(c);
        }
    }
    for (ctx c : all_contexts) EXPECT_FALSE(codec::is_allowed(static_cast<property_id>(0x7f), c));
}

// A packet of each context whose property list is `props_hex` (the list starts at offset `at`).
struct context_packet {
    ctx where;
    std::vector<std::byte> bytes;
    std::uint32_t at;  // offset of the first property
};
context_packet make(ctx where, std::string_view props_hex) {
    const auto props = hex(props_hex);
    std::vector<std::byte> len{static_cast<std::byte>(props.size())};  // tests keep lists under 128 bytes
    auto body = [&](std::string_view before, std::string_view after) {
        return concat({hex(before), len, props, hex(after)});
    };
    switch (where) {
    case ctx::connect: return {where, packet(0x10, body("0004 4d515454 05 02 003c", "0001 63")), 13};
    case ctx::will: return {where, packet(0x10, body("0004 4d515454 05 06 003c 00 0001 63", "0001 74 0000")), 17};
    case ctx::connack: return {where, packet(0x20, body("00 00", "")), 5};
    case ctx::publish: return {where, packet(0x30, body("0001 74", "6869")), 6};
    case ctx::puback: return {where, packet(0x40, body("0001 00", "")), 6};
    case ctx::pubrec: return {where, packet(0x50, body("0001 00", "")), 6};
    case ctx::pubrel: return {where, packet(0x62, body("0001 00", "")), 6};
    case ctx::pubcomp: return {where, packet(0x70, body("0001 00", "")), 6};
    case ctx::subscribe: return {where, packet(0x82, body("0001", "0001 61 00")), 5};
    case ctx::suback: return {where, packet(0x90, body("0001", "00")), 5};
    case ctx::unsubscribe: return {where, packet(0xa2, body("0001", "0001 61")), 5};
    case ctx::unsuback: return {where, packet(0xb0, body("0001", "00")), 5};
    case ctx::disconnect: return {where, packet(0xe0, body("00", "")), 4};
    case ctx::auth: return {where, packet(0xf0, body("18", "")), 4};
    }
    return {};
}

std::string one_property(const property_row& row) {
    char id[3];
    std::snprintf(id, sizeof id, "%02x", unsigned{row.id});
    std::string s = std::string(id) + " " + row.sample_value_hex;
    // Authentication Data needs an Authentication Method beside it.
    if (row.id == 0x16) s += " 15 0001 61";
    return s;
}

// Section 2.2.2.2 (v5): every property decodes on every packet that allows it and is malformed on every other.
TEST(PropertiesV5, EveryPropertyOnEveryPacket) {
    for (const auto& row : table()) {
        for (ctx c : all_contexts) {
            SCOPED_TRACE(testing::Message() << "id 0x" << std::hex << unsigned{row.id} << " context " << std::dec
                                            << static_cast<unsigned>(c));
            const auto p = make(c, one_property(row));
            if (codec::is_allowed(static_cast<property_id>(row.id), c)) {
                auto r = codec::decode(p.bytes, options_for(protocol_version::v5));
                ASSERT_TRUE(r.has_value()) << codec::name(r.error().code) << " at " << r.error().offset;
                EXPECT_EQ(to_hex(encode_to_vector(r->packet, protocol_version::v5)), to_hex(p.bytes));
            } else {
                EXPECT_TRUE(decode_fails(p.bytes, protocol_version::v5, errc::property_not_allowed, p.at,
                                         reason_code::malformed_packet));
            }
        }
    }
}

// Section 2.2.2.2 (v5): a property that may appear once, appearing twice, is a Protocol Error. User Property may
// repeat everywhere, Subscription Identifier in a PUBLISH.
TEST(PropertiesV5, DuplicatePropertiesAreAProtocolError) {
    for (const auto& row : table()) {
        for (ctx c : row.allowed) {
            SCOPED_TRACE(testing::Message() << "id 0x" << std::hex << unsigned{row.id} << " context " << std::dec
                                            << static_cast<unsigned>(c));
            const std::string single = one_property(row);
            const auto once = hex(single);
            const auto p = make(c, single + " " + single);
            const bool may_repeat = row.id == 0x26 || (row.id == 0x0B && c == ctx::publish);
            // Authentication Data carries its method along, so the repeated one is the 2nd entry of the pair list.
            const auto second_at = p.at + static_cast<std::uint32_t>(row.id == 0x16 ? 0 : once.size());
            if (may_repeat) {
                EXPECT_TRUE(codec::decode(p.bytes, options_for(protocol_version::v5)).has_value());
            } else if (row.id == 0x16) {
                // data, method, data: the second data is the duplicate.
                EXPECT_TRUE(decode_fails(p.bytes, protocol_version::v5, errc::duplicate_property,
                                         p.at + static_cast<std::uint32_t>(once.size()), reason_code::protocol_error));
            } else {
                EXPECT_TRUE(decode_fails(p.bytes, protocol_version::v5, errc::duplicate_property, second_at,
                                         reason_code::protocol_error));
            }
        }
    }
}

// Values sections 3.1 to 3.15 call a Protocol Error although they are well-formed.
TEST(PropertiesV5, InvalidValuesAreAProtocolError) {
    const std::pair<ctx, std::string_view> cases[] = {
        {ctx::publish, "01 02"},        // Payload Format Indicator 2
        {ctx::will, "01 ff"},           // Payload Format Indicator 255
        {ctx::connect, "17 02"},        // Request Problem Information 2
        {ctx::connect, "19 02"},        // Request Response Information 2
        {ctx::connect, "21 0000"},      // Receive Maximum 0
        {ctx::connack, "21 0000"},      // Receive Maximum 0
        {ctx::connect, "27 00000000"},  // Maximum Packet Size 0
        {ctx::connack, "24 02"},        // Maximum QoS 2
        {ctx::connack, "25 02"},        // Retain Available 2
        {ctx::connack, "28 02"},        // Wildcard Subscription Available 2
        {ctx::connack, "29 02"},        // Subscription Identifier Available 2
        {ctx::connack, "2a 02"},        // Shared Subscription Available 2
        {ctx::publish, "23 0000"},      // Topic Alias 0 (MQTT-3.3.2-8 v5)
        {ctx::subscribe, "0b 00"},      // Subscription Identifier 0
        {ctx::publish, "08 0001 23"},   // Response Topic with a wildcard (MQTT-3.3.2-14 v5)
    };
    for (const auto& [where, props] : cases) {
        SCOPED_TRACE(props);
        const auto p = make(where, props);
        EXPECT_TRUE(decode_fails(p.bytes, protocol_version::v5, errc::invalid_property_value, p.at,
                                 reason_code::protocol_error));
    }
}

// Unknown identifiers, and identifiers not in the shortest form, are malformed.
TEST(PropertiesV5, UnknownIdentifierIsMalformed) {
    for (std::string_view props : {"00 00", "04 00", "2b 00", "7f 00", "80 01 00"}) {
        SCOPED_TRACE(props);
        const auto p = make(ctx::connack, props);
        EXPECT_TRUE(decode_fails(p.bytes, protocol_version::v5, errc::malformed_property, p.at,
                                 reason_code::malformed_packet));
    }
    const auto p = make(ctx::connack, "9f 00 00");  // 0x1F written as 9f 00: not the shortest form
    EXPECT_TRUE(decode_fails(p.bytes, protocol_version::v5, errc::malformed_variable_byte_integer, p.at,
                             reason_code::malformed_packet));
}

// A value running past the Property Length is malformed.
TEST(PropertiesV5, ValueRunsPastThePropertyLength) {
    for (std::string_view props : {"11 0000", "21 00", "1f 0005 61", "26 0001 61 00", "0b 80"}) {
        SCOPED_TRACE(props);
        const auto p = make(props.starts_with("0b") ? ctx::subscribe : ctx::connack, props);
        auto r = codec::decode(p.bytes, options_for(protocol_version::v5));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, errc::malformed_remaining_length);
        EXPECT_EQ(codec::to_reason_code(r.error().code), reason_code::malformed_packet);
    }
    // A Subscription Identifier of five bytes is a malformed variable byte integer.
    const auto p = make(ctx::subscribe, "0b ffffffff7f");
    EXPECT_TRUE(decode_fails(p.bytes, protocol_version::v5, errc::malformed_variable_byte_integer, p.at + 1,
                             reason_code::malformed_packet));
}

// Caller-built property lists: each value type is written as Table 2-4 says, sized exactly, and decodes back.
TEST(PropertiesV5, CallerBuiltListsEncodeEveryType) {
    static constexpr std::byte data[] = {std::byte{0xde}, std::byte{0xad}};
    const property props[] = {
        property::number(property_id::payload_format_indicator, 1),
        property::number(property_id::topic_alias, 0x1234),
        property::number(property_id::message_expiry_interval, 0x01020304),
        property::number(property_id::subscription_identifier, 268'435'455),
        property::string(property_id::content_type, "ct"),
        property::bytes(property_id::correlation_data, data),
        property::user("n", "v"),
    };
    codec::publish_view p;
    p.topic = "t";
    p.properties = std::span<const property>(props);
    const auto bytes = encode_to_vector(codec::packet_view{p}, protocol_version::v5);
    EXPECT_EQ(to_hex(bytes), to_hex(hex(R"(
        30 24            // PUBLISH QoS 0, remaining length 36
        0001 74          // topic "t"
        20               // property length 32
        01 01            // payload format indicator (byte)
        23 1234          // topic alias (two byte integer)
        02 01020304      // message expiry interval (four byte integer)
        0b ffffff7f      // subscription identifier 268,435,455 (variable byte integer)
        03 0002 6374     // content type "ct" (UTF-8 string)
        09 0002 dead     // correlation data (binary data)
        26 0001 6e 0001 76  // user property (UTF-8 string pair)
    )")));
    EXPECT_EQ(codec::properties_view(std::span<const property>(props)).wire_size(), 32u);
    std::size_t sum = 0;
    for (const auto& prop : props) sum += codec::encoded_size(prop);
    EXPECT_EQ(sum, 32u);
    auto r = codec::decode(bytes, options_for(protocol_version::v5));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(packets_equal(r->packet, codec::packet_view{p}));
}

// A string or binary property value above 65,535 bytes cannot be encoded.
TEST(PropertiesV5, OversizedValueIsRefusedByTheEncoder) {
    const std::string big(65536, 'x');
    const property props[] = {property::string(property_id::reason_string, big)};
    codec::disconnect_view d;
    d.properties = std::span<const property>(props);
    std::vector<std::byte> out(codec::encoded_size(codec::packet_view{d}, protocol_version::v5));
    auto r = codec::encode(codec::packet_view{d}, protocol_version::v5, out);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::field_too_long);
}

// In 3.1.1 nothing carries properties: every v5 property list is left out by the encoder.
TEST(PropertiesV311, EncoderWritesNoProperties) {
    const property props[] = {property::user("k", "v")};
    codec::unsubscribe_view u;
    u.packet_id = 1;
    u.properties = std::span<const property>(props);
    const std::string_view filters[] = {"a"};
    u.topic_filters = std::span<const std::string_view>(filters);
    EXPECT_EQ(to_hex(encode_to_vector(codec::packet_view{u}, protocol_version::v311)), "a2 05 00 01 00 01 61");
}

// One table maps each errc to the reason code the spec names.
TEST(Errors, ToReasonCode) {
    const std::pair<errc, reason_code> table[] = {
        {errc::packet_too_large, reason_code::packet_too_large},
        {errc::reserved_packet_type, reason_code::malformed_packet},
        {errc::invalid_fixed_header_flags, reason_code::malformed_packet},
        {errc::malformed_variable_byte_integer, reason_code::malformed_packet},
        {errc::malformed_remaining_length, reason_code::malformed_packet},
        {errc::invalid_utf8, reason_code::malformed_packet},
        {errc::utf8_contains_null, reason_code::malformed_packet},
        {errc::invalid_protocol_name, reason_code::unsupported_protocol_version},
        {errc::unsupported_protocol_version, reason_code::unsupported_protocol_version},
        {errc::connect_expected, reason_code::protocol_error},
        {errc::invalid_connect_flags, reason_code::malformed_packet},
        {errc::invalid_connack_flags, reason_code::malformed_packet},
        {errc::invalid_qos, reason_code::malformed_packet},
        {errc::invalid_packet_id, reason_code::malformed_packet},
        {errc::invalid_topic_name, reason_code::topic_name_invalid},
        {errc::invalid_topic_filter, reason_code::topic_filter_invalid},
        {errc::topic_alias_missing, reason_code::protocol_error},
        {errc::empty_subscription_list, reason_code::protocol_error},
        {errc::invalid_subscription_options, reason_code::malformed_packet},
        {errc::invalid_subscription_option_value, reason_code::protocol_error},
        {errc::no_local_on_shared_subscription, reason_code::protocol_error},
        {errc::invalid_reason_code, reason_code::malformed_packet},
        {errc::malformed_property, reason_code::malformed_packet},
        {errc::property_not_allowed, reason_code::malformed_packet},
        {errc::duplicate_property, reason_code::protocol_error},
        {errc::invalid_property_value, reason_code::protocol_error},
        {errc::missing_authentication_method, reason_code::protocol_error},
    };
    for (const auto& [e, rc] : table) EXPECT_EQ(codec::to_reason_code(e), rc) << codec::name(e);
    std::set<std::string_view> names;
    for (unsigned e = 0; e <= static_cast<unsigned>(errc::missing_authentication_method); ++e) {
        const auto n = codec::name(static_cast<errc>(e));
        EXPECT_FALSE(n.empty());
        EXPECT_NE(n, "?");
        EXPECT_TRUE(names.insert(n).second) << "duplicate name " << n;
    }
}

}  // namespace
}  // namespace mqtt::test
