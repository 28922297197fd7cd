// mqtt_stream: framing over reassembled bytes, gap handling and resynchronisation.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <variant>

#include <mqtt/dump/capture.hpp>
#include <mqtt/dump/mqtt_stream.hpp>

namespace mqtt::dump {
namespace {

struct recording_handler final : packet_handler {
    std::vector<std::string> log;
    codec::protocol_version* version = nullptr;
    void on_packet(std::span<const std::byte> raw, const codec::fixed_header&, const codec::packet_view& p) override {
        std::string s(codec::name(codec::type_of(p)));
        if (const auto* pub = std::get_if<codec::publish_view>(&p)) s += " " + std::string(pub->topic);
        if (const auto* c = std::get_if<codec::connect_view>(&p); c && version) *version = c->version;
        log.push_back(s + " " + std::to_string(raw.size()));
    }
    void on_malformed(std::span<const std::byte>, const codec::error& e, const codec::fixed_header* h) override {
        log.push_back("malformed " + std::string(codec::name(e.code)) + (h ? "" : " no-header"));
    }
    void on_truncated(std::span<const std::byte> prefix, const codec::fixed_header& h) override {
        log.push_back("truncated " + std::string(codec::name(h.type)) + " " + std::to_string(prefix.size()));
    }
    void on_gap(std::uint64_t length, bool in_sync) override {
        log.push_back("gap " + std::to_string(length) + (in_sync ? " sync" : " lost"));
    }
    void on_resync(std::uint64_t skipped) override { log.push_back("resync " + std::to_string(skipped)); }
};

std::vector<std::byte> hex(const char* text) { return *parse_hex(text); }

// 3.1.1 packets used below.
const char* const connect311 = "10 10 00 04 4d 51 54 54 04 02 00 3c 00 04 63 6c 69 64";  // client id "clid"
const char* const publish_ab = "30 06 00 03 61 2f 62 68";                                 // a/b "h", 8 bytes
const char* const pingreq = "c0 00";

struct fixture {
    codec::protocol_version version = codec::protocol_version::v311;
    recording_handler handler;
    mqtt_stream stream{direction::client_to_server, version, handler};
    void feed(const std::vector<std::byte>& b, bool start = true) { stream.on_data(b, start); }
};

TEST(MqttStream, ManyPacketsInOneSegment) {
    fixture f;
    auto b = hex(publish_ab);
    auto p = hex(pingreq);
    std::vector<std::byte> all;
    for (int i = 0; i < 3; ++i) all.insert(all.end(), b.begin(), b.end());
    all.insert(all.end(), p.begin(), p.end());
    f.feed(all);
    EXPECT_EQ(f.handler.log, (std::vector<std::string>{"PUBLISH a/b 8", "PUBLISH a/b 8", "PUBLISH a/b 8", "PINGREQ 2"}));
}

TEST(MqttStream, PacketSplitOneBytePerSegment) {
    fixture f;
    for (std::byte x : hex(publish_ab)) f.feed({x});
    EXPECT_EQ(f.handler.log, (std::vector<std::string>{"PUBLISH a/b 8"}));
}

TEST(MqttStream, RemainingLengthSplitAfterContinuationByte) {
    fixture f;
    // PUBLISH with Remaining Length 200 (c8 01): split after c8.
    std::vector<std::byte> p = hex("30 c8 01 00 03 61 2f 62");
    p.resize(3 + 200, std::byte{'y'});
    f.feed({p.begin(), p.begin() + 2});
    f.feed({p.begin() + 2, p.end()}, false);
    EXPECT_EQ(f.handler.log, (std::vector<std::string>{"PUBLISH a/b 203"}));
}

TEST(MqttStream, GapInsideAKnownLengthPacketKeepsTheBoundary) {
    fixture f;
    std::vector<std::byte> p = hex("30 c8 01 00 03 61 2f 62");
    p.resize(3 + 200, std::byte{'y'});
    f.feed({p.begin(), p.begin() + 50});
    f.stream.on_gap(100);
    std::vector<std::byte> rest(p.begin() + 150, p.end());
    auto ping = hex(pingreq);
    rest.insert(rest.end(), ping.begin(), ping.end());
    f.feed(rest);
    EXPECT_EQ(f.handler.log, (std::vector<std::string>{"truncated PUBLISH 50", "gap 100 sync", "PINGREQ 2"}));
}

TEST(MqttStream, GapAtUnknownPlaceResynchronisesAtAWholePacketSegment) {
    fixture f;
    f.feed(hex(publish_ab));
    f.stream.on_gap(500);
    f.feed(hex("68 69 6a 6b 6c"));          // the tail of something: not a segment of whole packets
    f.feed(hex("30 06 00 03"), false);      // not a segment start
    f.feed(hex("30 06 00 03 61 2f 62 68 c0 00"));  // whole packets ending at the segment end
    EXPECT_EQ(f.handler.log, (std::vector<std::string>{"PUBLISH a/b 8", "gap 500 lost", "resync 9", "PUBLISH a/b 8",
                                                       "PINGREQ 2"}));
}

TEST(MqttStream, ResyncCandidateMaySpanSegments) {
    fixture f;
    f.stream.set_synchronised(false);  // joined mid-connection
    auto p = hex(publish_ab);
    f.feed({p.begin(), p.begin() + 3});
    f.feed({p.begin() + 3, p.end()}, true);  // continues the candidate, ends exactly at the segment end
    EXPECT_EQ(f.handler.log, (std::vector<std::string>{"resync 0", "PUBLISH a/b 8"}));
}

TEST(MqttStream, RandomBytesAfterAGapNeverBecomePackets) {
    fixture f;
    f.stream.on_gap(1);
    std::mt19937 rng(6);
    for (int i = 0; i < 3000; ++i) {
        std::vector<std::byte> seg(1448);
        for (auto& b : seg) b = static_cast<std::byte>(rng());
        f.feed(seg);
    }
    ASSERT_EQ(f.handler.log.size(), 1u) << f.handler.log.back();
}

TEST(MqttStream, MalformedPacketWithKnownLengthIsSkipped) {
    fixture f;
    // PUBLISH QoS 3 (0x36), then a valid PINGREQ in the same segment.
    f.feed(hex("36 07 00 03 61 2f 62 00 01 c0 00"));
    EXPECT_EQ(f.handler.log, (std::vector<std::string>{"malformed invalid QoS", "PINGREQ 2"}));
}

TEST(MqttStream, BadRemainingLengthLosesTheBoundary) {
    fixture f;
    f.feed(hex("30 ff ff ff ff 7f 00"));
    f.feed(hex(pingreq));
    EXPECT_EQ(f.handler.log,
              (std::vector<std::string>{"malformed malformed variable byte integer no-header", "resync 2", "PINGREQ 2"}));
}

TEST(MqttStream, VersionFromConnectAppliesToTheNextPacket) {
    codec::protocol_version version = codec::protocol_version::unknown;
    recording_handler handler;
    handler.version = &version;
    mqtt_stream stream(direction::client_to_server, version, handler);
    // 5.0 CONNECT then a 5.0 PUBLISH with a Topic Alias property in the same segment.
    auto b = hex("10 0d 00 04 4d 51 54 54 05 02 00 3c 00 00 00"
                 "30 0a 00 03 61 2f 62 03 23 00 01 68");
    stream.on_data(b, true);
    EXPECT_EQ(handler.log, (std::vector<std::string>{"CONNECT 15", "PUBLISH a/b 12"}));
}

TEST(MqttStream, TruncatedAtEndOfCapture) {
    fixture f;
    f.feed(hex("30 c8 01 00 03"));
    f.stream.finish();
    EXPECT_EQ(f.handler.log, (std::vector<std::string>{"truncated PUBLISH 5"}));
}

TEST(HexInput, AcceptsCommonLayouts) {
    EXPECT_EQ(parse_hex("30 0a"), hex("300a"));
    EXPECT_EQ(parse_hex("0x30, 0x0a"), hex("300a"));
    EXPECT_EQ(parse_hex("30:0a  # comment\n0000: 00 03"), hex("300a0003"));
    EXPECT_EQ(parse_hex("0010:\t30 0a"), hex("300a"));
    EXPECT_FALSE(parse_hex("30 0"));
    EXPECT_FALSE(parse_hex("zz"));
}

}  // namespace
}  // namespace mqtt::dump
