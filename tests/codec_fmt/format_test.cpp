// mqtt::codec_fmt: exact strings for representative packets of both versions, decoded from golden bytes
// (one field per group, as in the codec's golden vectors) or built by hand.
#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/format.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using namespace mqtt::codec;
using namespace std::string_literals;

std::vector<std::byte> from_hex(std::string_view hex) {
    std::vector<std::byte> out;
    int hi = -1;
    for (char c : hex) {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) continue;  // spaces and '|' separate fields
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::byte>(hi * 16 + v));
            hi = -1;
        }
    }
    return out;
}

std::span<const std::byte> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// Decodes the whole of `hex` as one packet and formats it (the views borrow `bytes`, alive for the call).
std::string show(std::string_view hex, protocol_version v, const packet_format_options& o = {}) {
    const auto bytes = from_hex(hex);
    const auto r = decode(bytes, decode_options{v, 268'435'460});
    if (!r) return "decode failed: " + to_string(r.error());
    EXPECT_EQ(r->consumed, bytes.size());
    return to_string(r->packet, o);
}

constexpr auto v311 = protocol_version::v311;
constexpr auto v5 = protocol_version::v5;
const packet_format_options verbose{64, true};

// --- CONNECT / CONNACK ---------------------------------------------------------------------------------------

TEST(FormatV311, Connect) {
    const char* hex = "10 1f"           // CONNECT, remaining length 31
                      "0004 4d515454"   // "MQTT"
                      "04"              // level 4
                      "ce"              // username, password, will QoS 1, will, clean session
                      "003c"            // keep alive 60
                      "0002 6331"       // client id "c1"
                      "0001 77"         // will topic "w"
                      "0003 627965"     // will payload "bye"
                      "0001 75"         // username "u"
                      "0004 70617373";  // password "pass"
    EXPECT_EQ(show(hex, protocol_version::unknown),
              R"(CONNECT version=3.1.1 client_id="c1" clean_start=1 keep_alive=60 )"
              R"(will={topic="w" qos=1 retain=0 payload=3B "bye"} username="u" password=4B)");
    EXPECT_EQ(show(hex, protocol_version::unknown, verbose),
              R"(CONNECT version=3.1.1 client_id="c1" clean_start=1 keep_alive=60 )"
              R"(will={topic="w" qos=1 retain=0 payload=3B "bye"} username="u" password=4B "pass")");
}

TEST(FormatV5, ConnectWithProperties) {
    EXPECT_EQ(show("10 12"           // CONNECT, remaining length 18
                   "0004 4d515454"   // "MQTT"
                   "05"              // level 5
                   "02"              // clean start
                   "003c"            // keep alive 60
                   "05 11 00000e10"  // properties: Session Expiry Interval 3600
                   "0000",           // client id ""
                   protocol_version::unknown),
              R"(CONNECT version=5.0 client_id="" clean_start=1 keep_alive=60 props={Session Expiry Interval=3600})");
}

TEST(FormatV311, ConnackMapsReturnCode) {
    EXPECT_EQ(show("20 02 | 00 | 05", v311), "CONNACK session_present=0 reason=0x87 Not authorized");
}

TEST(FormatV5, Connack) {
    EXPECT_EQ(show("20 06 | 01 | 00 | 03 21 0014", v5),
              "CONNACK session_present=1 reason=0x00 Success props={Receive Maximum=20}");
}

// --- PUBLISH and its acknowledgements ------------------------------------------------------------------------

TEST(FormatV311, Publish) {
    EXPECT_EQ(show("32 0c | 0003 612f62 | 0007 | 68656c6c6f", v311),
              R"(PUBLISH qos=1 id=7 retain=0 dup=0 topic="a/b" payload=5B "hello")");
    EXPECT_EQ(show("3d 08 | 0003 612f62 | 0009 | ff", v311),  // QoS 2, dup, retain, binary payload
              R"(PUBLISH qos=2 id=9 retain=1 dup=1 topic="a/b" payload=1B 0xff)");
}

TEST(FormatV5, PublishWithProperties) {
    EXPECT_EQ(show("31 12"                // PUBLISH QoS 0 retain, remaining length 18
                   "0003 612f62"          // topic "a/b"
                   "0a"                   // property length 10
                   "23 0003"              // Topic Alias 3
                   "26 0001 6b 0001 76"   // User Property ("k", "v")
                   "6869",                // payload "hi"
                   v5),
              R"(PUBLISH qos=0 retain=1 dup=0 topic="a/b" payload=2B "hi" )"
              R"(props={Topic Alias=3, User Property=("k","v")})");
}

TEST(FormatV311, PubResponses) {
    EXPECT_EQ(show("40 02 0007", v311), "PUBACK id=7");
    EXPECT_EQ(show("50 02 0007", v311), "PUBREC id=7");
    EXPECT_EQ(show("62 02 0001", v311), "PUBREL id=1");
    EXPECT_EQ(show("70 02 0001", v311), "PUBCOMP id=1");
    EXPECT_EQ(show("40 02 0007", v311, verbose), "PUBACK id=7 reason=0x00 Success");
}

TEST(FormatV5, PubResponses) {
    EXPECT_EQ(show("40 03 0007 10", v5), "PUBACK id=7 reason=0x10 No matching subscribers");
    EXPECT_EQ(show("70 08 | 0001 | 92 | 04 1f 0001 78", v5),  // PUBCOMP 0x92 with Reason String "x"
              R"(PUBCOMP id=1 reason=0x92 Packet Identifier not found props={Reason String="x"})");
}

// --- SUBSCRIBE family ----------------------------------------------------------------------------------------

TEST(FormatV311, Subscribe) {
    EXPECT_EQ(show("82 0e | 000a | 0003 612f2b 01 | 0003 622f23 00", v311),
              R"(SUBSCRIBE id=10 filters=["a/+" qos=1, "b/#" qos=0])");
    EXPECT_EQ(show("82 0e | 000a | 0003 612f2b 01 | 0003 622f23 00", v311, verbose),
              R"(SUBSCRIBE id=10 filters=["a/+" qos=1 no_local=0 retain_as_published=0 retain_handling=0, )"
              R"("b/#" qos=0 no_local=0 retain_as_published=0 retain_handling=0])");
}

TEST(FormatV5, Subscribe) {
    EXPECT_EQ(show("82 09 | 000b | 02 0b 05 | 0001 61 2e", v5),
              R"(SUBSCRIBE id=11 filters=["a" qos=2 no_local=1 retain_as_published=1 retain_handling=2] )"
              R"(props={Subscription Identifier=5})");
}

TEST(FormatV311, Suback) {
    EXPECT_EQ(show("90 04 | 000a | 01 80", v311), "SUBACK id=10 codes=[0x01 Granted QoS 1, 0x80 Unspecified error]");
}

TEST(FormatV5, Suback) {
    EXPECT_EQ(show("90 04 | 000b | 00 | 87", v5), "SUBACK id=11 codes=[0x87 Not authorized]");
}

TEST(FormatV311, UnsubscribeAndUnsuback) {
    EXPECT_EQ(show("a2 0a | 000c | 0003 612f2b | 0001 62", v311), R"(UNSUBSCRIBE id=12 filters=["a/+", "b"])");
    EXPECT_EQ(show("b0 02 | 000c", v311), "UNSUBACK id=12");
}

TEST(FormatV5, Unsuback) {
    EXPECT_EQ(show("b0 05 | 000c | 00 | 00 11", v5), "UNSUBACK id=12 codes=[0x00 Success, 0x11 No subscription existed]");
}

// --- PING, DISCONNECT, AUTH ----------------------------------------------------------------------------------

TEST(FormatV311, PingAndDisconnect) {
    EXPECT_EQ(show("c0 00", v311), "PINGREQ");
    EXPECT_EQ(show("d0 00", v311), "PINGRESP");
    EXPECT_EQ(show("e0 00", v311), "DISCONNECT");
}

TEST(FormatV5, DisconnectAndAuth) {
    EXPECT_EQ(show("e0 00", v5, verbose), "DISCONNECT reason=0x00 Success");
    EXPECT_EQ(show("e0 08 | 04 | 06 1f 0003 627965", v5),
              R"(DISCONNECT reason=0x04 Disconnect with Will Message props={Reason String="bye"})");
    EXPECT_EQ(show("f0 0d | 18 | 0b 15 0002 6d31 16 0003 010203", v5),
              R"(AUTH reason=0x18 Continue authentication props={Authentication Method="m1", Authentication Data=3B 0x010203})");
}

// --- payload rendering ---------------------------------------------------------------------------------------

std::string show_payload(std::span<const std::byte> payload, std::size_t max = 64) {
    publish_view p;
    p.topic = "t";
    p.payload = payload;
    return to_string(p, packet_format_options{max, false});
}

TEST(FormatPayload, TextIsQuotedAndEscaped) {
    EXPECT_EQ(show_payload(bytes_of("a\"b\\c\nd\t\xC3\xA9")),
              R"(PUBLISH qos=0 retain=0 dup=0 topic="t" payload=10B "a\"b\\c\nd\té")");
    EXPECT_EQ(show_payload({}), R"(PUBLISH qos=0 retain=0 dup=0 topic="t" payload=0B)");
}

TEST(FormatPayload, BinaryIsHex) {
    EXPECT_EQ(show_payload(bytes_of("ab\x01"s)), R"(PUBLISH qos=0 retain=0 dup=0 topic="t" payload=3B 0x616201)");
    EXPECT_EQ(show_payload(bytes_of("\xC3\x28"s)), R"(PUBLISH qos=0 retain=0 dup=0 topic="t" payload=2B 0xc328)");
}

TEST(FormatPayload, TruncatesAtTheLimit) {
    const std::string big(100, 'x');
    EXPECT_EQ(show_payload(bytes_of(big), 8),
              "PUBLISH qos=0 retain=0 dup=0 topic=\"t\" payload=100B \"xxxxxxxx\"\xE2\x80\xA6(92 bytes)");
    const std::string zeros(10, '\0');
    EXPECT_EQ(show_payload(bytes_of(zeros), 4),
              "PUBLISH qos=0 retain=0 dup=0 topic=\"t\" payload=10B 0x00000000\xE2\x80\xA6(6 bytes)");
    // The limit falls inside "é": the text stops before it rather than showing half a character.
    EXPECT_EQ(show_payload(bytes_of("a\xC3\xA9"), 2),
              "PUBLISH qos=0 retain=0 dup=0 topic=\"t\" payload=3B \"a\"\xE2\x80\xA6(2 bytes)");
    EXPECT_EQ(show_payload(bytes_of("hello"), 0), R"(PUBLISH qos=0 retain=0 dup=0 topic="t" payload=5B)");
}

// --- format specs, wrappers, standalone parts ----------------------------------------------------------------

TEST(FormatSpec, VerboseAndLimitThroughFmt) {
    const puback_view ack{7, reason_code::success, {}};
    EXPECT_EQ(fmt::format("{}", ack), "PUBACK id=7");
    EXPECT_EQ(fmt::format("{:v}", ack), "PUBACK id=7 reason=0x00 Success");
    publish_view p;
    p.topic = "t";
    p.payload = bytes_of("hello");
    EXPECT_EQ(fmt::format("{:2}", p), "PUBLISH qos=0 retain=0 dup=0 topic=\"t\" payload=5B \"he\"\xE2\x80\xA6(3 bytes)");
    const packet_view pv = p;
    EXPECT_EQ(fmt::format("{:v0}", pv), R"(PUBLISH qos=0 retain=0 dup=0 topic="t" payload=5B)");
    EXPECT_EQ(fmt::format("{}", with_options(pv, packet_format_options{3, false})),
              "PUBLISH qos=0 retain=0 dup=0 topic=\"t\" payload=5B \"hel\"\xE2\x80\xA6(2 bytes)");
    EXPECT_EQ(fmt::format("{}", packet_view{pingreq_view{}}), "PINGREQ");
}

TEST(FormatParts, CallerBuiltPropertiesAndSubscriptions) {
    const std::array props{property::number(property_id::message_expiry_interval, 60),
                           property::string(property_id::content_type, "text/plain"),
                           property::bytes(property_id::correlation_data, bytes_of("id")),
                           property::user("k", "v")};
    EXPECT_EQ(fmt::format("{}", properties_view(props)),
              R"({Message Expiry Interval=60, Content Type="text/plain", Correlation Data=2B "id", User Property=("k","v")})");
    EXPECT_EQ(fmt::format("{}", property::user("a\"", "")), R"(User Property=("a\"",""))");
    EXPECT_EQ(fmt::format("{}", properties_view{}), "{}");

    const std::array subs{subscription{"x/#", {qos::at_least_once, false, false, 1}}};
    subscribe_view s;
    s.packet_id = 3;
    s.subscriptions = std::span<const subscription>(subs);
    EXPECT_EQ(fmt::format("{}", s), R"(SUBSCRIBE id=3 filters=["x/#" qos=1 retain_handling=1])");
    EXPECT_EQ(fmt::format("{}", subs[0]), R"("x/#" qos=1 retain_handling=1)");
    EXPECT_EQ(fmt::format("{:v}", subs[0].options), "qos=1 no_local=0 retain_as_published=0 retain_handling=1");
}

TEST(FormatParts, Enums) {
    EXPECT_EQ(fmt::format("{}", reason_code::not_authorized), "0x87 Not authorized");
    EXPECT_EQ(fmt::format("{}", reason_code::banned), "0x8A Banned");
    EXPECT_EQ(fmt::format("{}", packet_type::publish), "PUBLISH");
    EXPECT_EQ(fmt::format("{:>8}", packet_type::auth), "    AUTH");
    EXPECT_EQ(fmt::format("{}", qos::exactly_once), "2");
    EXPECT_EQ(fmt::format("{}", protocol_version::v311), "3.1.1");
    EXPECT_EQ(fmt::format("{}", protocol_version::v5), "5.0");
    EXPECT_EQ(fmt::format("{}", errc::invalid_qos), "invalid QoS");
}

TEST(FormatParts, Errors) {
    EXPECT_EQ(fmt::format("{}", error{errc::duplicate_property, 12}),
              "property included more than once at offset 12 (0x82 Protocol Error)");
    EXPECT_EQ(to_string(error{errc::packet_too_large, 0}), "packet too large at offset 0 (0x95 Packet too large)");
    // QoS 3 from the wire (MQTT-3.3.1-4).
    EXPECT_EQ(show("36 07 | 0003 612f62 | 0001", v311), "decode failed: invalid QoS at offset 0 (0x81 Malformed Packet)");
}

}  // namespace
