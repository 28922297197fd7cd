// The dissector end to end on synthetic frames: link types, IPv6, ports and heuristics, out-of-order segments,
// topic aliases per direction, filters, TLS, reused 4-tuples.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <variant>

#include <mqtt/dump/capture.hpp>
#include <mqtt/dump/dissector.hpp>

namespace mqtt::dump {
namespace {

struct recorded {
    event_kind kind;
    std::uint64_t conn;
    direction dir;
    std::string what;
    std::uint64_t frame;
};

struct recording_sink final : event_sink {
    std::vector<recorded> events;
    void on_event(const event& e) override {
        std::string what;
        if (e.kind == event_kind::packet) {
            what = std::string(codec::name(codec::type_of(*e.packet)));
            if (std::holds_alternative<codec::publish_view>(*e.packet)) what += " " + std::string(e.topic);
        } else if (e.kind == event_kind::malformed) {
            what = "malformed " + std::string(codec::name(e.error.code));
        }
        events.push_back({e.kind, e.conn->id, e.dir, what, e.frame->number});
    }
    std::vector<std::string> packets() const {
        std::vector<std::string> out;
        for (const auto& e : events)
            if (e.kind == event_kind::packet || e.kind == event_kind::malformed)
                out.push_back((e.dir == direction::client_to_server ? "> " : "< ") + e.what);
        return out;
    }
};

std::vector<std::byte> hex(const char* text) { return *parse_hex(text); }

constexpr int dlt_null = 0, dlt_en10mb = 1, linktype_raw = 101, dlt_linux_sll = 113, dlt_linux_sll2 = 276;

struct host {
    bool v6 = false;
    std::uint8_t last = 1;  // 127.0.0.last or ::last
    std::uint16_t port = 0;
};

void put16(std::vector<std::byte>& b, std::uint16_t v) {
    b.push_back(static_cast<std::byte>(v >> 8));
    b.push_back(static_cast<std::byte>(v & 0xFF));
}
void put32(std::vector<std::byte>& b, std::uint32_t v) {
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v & 0xFFFF));
}

std::vector<std::byte> ip_tcp(const host& src, const host& dst, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                              const std::vector<std::byte>& payload) {
    std::vector<std::byte> tcp;
    put16(tcp, src.port);
    put16(tcp, dst.port);
    put32(tcp, seq);
    put32(tcp, ack);
    tcp.push_back(std::byte{0x50});
    tcp.push_back(static_cast<std::byte>(flags));
    put16(tcp, 65535);
    put32(tcp, 0);  // checksum, urgent pointer
    tcp.insert(tcp.end(), payload.begin(), payload.end());
    std::vector<std::byte> ip;
    if (!src.v6) {
        ip.push_back(std::byte{0x45});
        ip.push_back(std::byte{0});
        put16(ip, static_cast<std::uint16_t>(20 + tcp.size()));
        put32(ip, 0x00004000);  // id, DF
        ip.push_back(std::byte{64});
        ip.push_back(std::byte{6});
        put16(ip, 0);
        for (const host* h : {&src, &dst}) {
            ip.push_back(std::byte{127});
            ip.push_back(std::byte{0});
            ip.push_back(std::byte{0});
            ip.push_back(static_cast<std::byte>(h->last));
        }
    } else {
        put32(ip, 0x60000000);
        put16(ip, static_cast<std::uint16_t>(tcp.size()));
        ip.push_back(std::byte{6});
        ip.push_back(std::byte{64});
        for (const host* h : {&src, &dst}) {
            for (int i = 0; i < 15; ++i) ip.push_back(std::byte{0});
            ip.push_back(static_cast<std::byte>(h->last));
        }
    }
    ip.insert(ip.end(), tcp.begin(), tcp.end());
    return ip;
}

std::vector<std::byte> frame(int link, const std::vector<std::byte>& ip) {
    std::vector<std::byte> f;
    const bool v6 = (std::to_integer<int>(ip[0]) >> 4) == 6;
    const std::uint16_t ethertype = v6 ? 0x86DD : 0x0800;
    switch (link) {
    case dlt_en10mb:
        f.resize(12);
        put16(f, 0x8100);  // one VLAN tag
        put16(f, 7);
        put16(f, ethertype);
        break;
    case dlt_linux_sll:
        f.resize(14);
        put16(f, ethertype);
        break;
    case dlt_linux_sll2:
        put16(f, ethertype);
        f.resize(20);
        break;
    case dlt_null:
        f = {static_cast<std::byte>(v6 ? 30 : 2), std::byte{0}, std::byte{0}, std::byte{0}};
        break;
    default: break;
    }
    f.insert(f.end(), ip.begin(), ip.end());
    if (link == dlt_en10mb && f.size() < 60) f.resize(60);  // Ethernet padding must be ignored
    return f;
}

constexpr std::uint8_t SYN = 0x02, ACK = 0x10, FIN = 0x01, PSH = 0x08, RST = 0x04;

// A client/server conversation builder that tracks sequence numbers.
struct conversation {
    dissector& d;
    int link;
    host client, server;
    std::uint32_t cseq = 1000, sseq = 5000;
    std::uint64_t frame_no = 0;
    void send(bool from_client, std::uint8_t flags, const std::vector<std::byte>& payload) {
        const host& s = from_client ? client : server;
        const host& t = from_client ? server : client;
        std::uint32_t& seq = from_client ? cseq : sseq;
        const std::uint32_t ack = from_client ? sseq : cseq;
        d.on_frame(frame_info{++frame_no, 0, 0}, link, frame(link, ip_tcp(s, t, seq, ack, flags, payload)));
        seq += static_cast<std::uint32_t>(payload.size()) + ((flags & (SYN | FIN)) ? 1u : 0u);
    }
    void handshake() {
        send(true, SYN, {});
        send(false, SYN | ACK, {});
        send(true, ACK, {});
    }
};

const char* const connect5 = "10 0d 00 04 4d 51 54 54 05 02 00 3c 00 00 00";  // 5.0, empty client id
const char* const connect311_x = "10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 78";  // client id "x"
const char* const connack = "20 02 00 00";
const char* const connack5 = "20 03 00 00 00";

class link_types : public ::testing::TestWithParam<std::pair<int, bool>> {};

TEST_P(link_types, DecodesAConversation) {
    const auto [link, v6] = GetParam();
    recording_sink sink;
    dissector d({}, sink);
    conversation c{d, link, {v6, 1, 40000}, {v6, 2, 1883}};
    c.handshake();
    c.send(true, PSH | ACK, hex(connect311_x));
    c.send(false, PSH | ACK, hex(connack));
    c.send(true, PSH | ACK, hex("30 06 00 03 61 2f 62 68"));
    c.send(true, FIN | ACK, {});
    c.send(false, FIN | ACK, {});
    d.finish();
    EXPECT_EQ(sink.packets(), (std::vector<std::string>{"> CONNECT", "< CONNACK", "> PUBLISH a/b"}));
}

INSTANTIATE_TEST_SUITE_P(Dissector, link_types,
                         ::testing::Values(std::pair{dlt_en10mb, false}, std::pair{dlt_en10mb, true},
                                           std::pair{dlt_linux_sll, false}, std::pair{dlt_linux_sll2, true},
                                           std::pair{dlt_null, false}, std::pair{dlt_null, true},
                                           std::pair{linktype_raw, false}, std::pair{linktype_raw, true}));

TEST(Dissector, HeuristicFindsMqttOnAnyPortUnlessDisabled) {
    for (bool heuristics : {true, false}) {
        recording_sink sink;
        dissector_options o;
        o.heuristics = heuristics;
        dissector d(o, sink);
        conversation c{d, dlt_en10mb, {false, 1, 40000}, {false, 2, 28830}};
        c.handshake();
        auto conn = hex(connect311_x);
        c.send(true, PSH | ACK, {conn.begin(), conn.begin() + 5});  // CONNECT split: decided on "MQ" of "MQTT"
        c.send(true, PSH | ACK, {conn.begin() + 5, conn.end()});
        c.send(false, PSH | ACK, hex(connack));
        d.finish();
        if (heuristics) EXPECT_EQ(sink.packets(), (std::vector<std::string>{"> CONNECT", "< CONNACK"}));
        else EXPECT_TRUE(sink.packets().empty());
    }
}

TEST(Dissector, HeuristicIgnoresOtherProtocols) {
    recording_sink sink;
    dissector d({}, sink);
    conversation c{d, dlt_en10mb, {false, 1, 40000}, {false, 2, 80}};
    c.handshake();
    c.send(true, PSH | ACK, hex("47 45 54 20 2f 20"));  // "GET / "
    c.send(false, PSH | ACK, hex("c0 00"));              // would be a PINGREQ
    d.finish();
    EXPECT_TRUE(sink.events.empty());
}

TEST(Dissector, ExtraPortAndMidStreamCapture) {
    recording_sink sink;
    dissector_options o;
    o.mqtt_ports.push_back(28830);
    o.heuristics = false;
    dissector d(o, sink);
    // No handshake: the capture starts mid-connection; the first segment holds whole packets.
    conversation c{d, dlt_en10mb, {false, 1, 40000}, {false, 2, 28830}};
    c.send(false, PSH | ACK, hex("30 06 00 03 61 2f 62 68"));
    c.send(true, PSH | ACK, hex("c0 00"));
    d.finish();
    EXPECT_EQ(sink.packets(), (std::vector<std::string>{"< PUBLISH a/b", "> PINGREQ"}));
}

TEST(Dissector, OutOfOrderSegmentsAcrossFrames) {
    recording_sink sink;
    dissector d({}, sink);
    conversation c{d, dlt_en10mb, {false, 1, 40000}, {false, 2, 1883}};
    c.handshake();
    c.send(true, PSH | ACK, hex(connect311_x));
    const std::uint32_t first = c.cseq;
    auto pub = hex("30 06 00 03 61 2f 62 68 c0 00");
    c.cseq = first + 4;
    c.send(true, PSH | ACK, {pub.begin() + 4, pub.end()});  // frame 5: second half first
    c.cseq = first;
    c.send(true, PSH | ACK, {pub.begin(), pub.begin() + 4});  // frame 6
    c.send(true, PSH | ACK, {pub.begin(), pub.begin() + 4});  // frame 7: retransmission
    d.finish();
    EXPECT_EQ(sink.packets(), (std::vector<std::string>{"> CONNECT", "> PUBLISH a/b", "> PINGREQ"}));
    EXPECT_EQ(sink.events.back().frame, 5u);  // PINGREQ's bytes were carried by frame 5
    EXPECT_EQ(d.counters().retransmitted_bytes, 4u);
}

TEST(Dissector, TopicAliasesArePerConnectionAndDirection) {
    recording_sink sink;
    dissector d({}, sink);
    conversation c{d, dlt_en10mb, {false, 1, 40000}, {false, 2, 1883}};
    c.handshake();
    c.send(true, PSH | ACK, hex(connect5));
    c.send(false, PSH | ACK, hex(connack5));
    c.send(true, PSH | ACK, hex("30 0a 00 03 61 2f 62 03 23 00 01 68"));  // a/b, alias 1 (client -> server)
    c.send(true, PSH | ACK, hex("30 07 00 00 03 23 00 01 69"));           // alias 1 only
    c.send(false, PSH | ACK, hex("30 0a 00 03 63 2f 64 03 23 00 01 68"));  // c/d, alias 1 (server -> client)
    c.send(true, PSH | ACK, hex("30 07 00 00 03 23 00 01 69"));           // still a/b
    c.send(false, PSH | ACK, hex("30 07 00 00 03 23 00 01 69"));          // c/d
    c.send(false, PSH | ACK, hex("30 07 00 00 03 23 00 02 69"));          // alias 2: never set
    d.finish();
    EXPECT_EQ(sink.packets(),
              (std::vector<std::string>{"> CONNECT", "< CONNACK", "> PUBLISH a/b", "> PUBLISH a/b", "< PUBLISH c/d",
                                        "> PUBLISH a/b", "< PUBLISH c/d", "< PUBLISH "}));
}

TEST(Dissector, ServerPacketsDecodeInTheConnectionsVersion) {
    recording_sink sink;
    dissector d({}, sink);
    conversation c{d, dlt_en10mb, {false, 1, 40000}, {false, 2, 1883}};
    c.handshake();
    c.send(true, PSH | ACK, hex(connect5));
    // A 5.0 CONNACK with properties is malformed in 3.1.1: only the tracked version decodes it.
    c.send(false, PSH | ACK, hex("20 06 00 00 03 22 00 0a"));
    d.finish();
    EXPECT_EQ(sink.packets(), (std::vector<std::string>{"> CONNECT", "< CONNACK"}));
}

TEST(Dissector, FiltersByClientTopicAndType) {
    auto run_with = [](filter_options f) {
        recording_sink sink;
        dissector_options o;
        o.filter = std::move(f);
        dissector d(o, sink);
        conversation c{d, dlt_en10mb, {false, 1, 40000}, {false, 2, 1883}};
        c.handshake();
        c.send(true, PSH | ACK, hex(connect311_x));
        c.send(false, PSH | ACK, hex(connack));
        c.send(true, PSH | ACK, hex("30 06 00 03 61 2f 62 68"));  // a/b
        c.send(true, PSH | ACK, hex("30 06 00 03 63 2f 64 68"));  // c/d
        c.send(true, PSH | ACK, hex("82 08 00 01 00 03 61 2f 23 00"));  // SUBSCRIBE a/#
        d.finish();
        return sink.packets();
    };
    auto with = [](auto&& set) {
        filter_options f;
        set(f);
        return f;
    };
    EXPECT_EQ(run_with({}).size(), 5u);
    EXPECT_EQ(run_with(with([](filter_options& f) { f.client_id = "x"; })).size(), 5u);
    EXPECT_TRUE(run_with(with([](filter_options& f) { f.client_id = "y"; })).empty());
    EXPECT_EQ(run_with(with([](filter_options& f) { f.topic_filters = {"c/+"}; })),
              (std::vector<std::string>{"> PUBLISH c/d"}));
    // A subscription filter is kept when, read as a topic name, it matches (a/# as a name matches a/+).
    EXPECT_EQ(run_with(with([](filter_options& f) { f.topic_filters = {"a/+"}; })),
              (std::vector<std::string>{"> PUBLISH a/b", "> SUBSCRIBE"}));
    EXPECT_EQ(run_with(with([](filter_options& f) { f.topic_filters = {"a/#"}; })),
              (std::vector<std::string>{"> PUBLISH a/b", "> SUBSCRIBE"}));
    EXPECT_EQ(run_with(with([](filter_options& f) { f.type_mask = 1u << 2; })),
              (std::vector<std::string>{"< CONNACK"}));
}

TEST(Dissector, TlsPortIsReportedNotDecoded) {
    recording_sink sink;
    dissector d({}, sink);
    conversation c{d, dlt_en10mb, {false, 1, 40000}, {false, 2, 8883}};
    c.handshake();
    c.send(true, PSH | ACK, hex("16 03 01 00 05 01 00 00 01 00"));
    d.finish();
    ASSERT_EQ(sink.events.size(), 2u);
    EXPECT_EQ(sink.events[0].kind, event_kind::open);
    EXPECT_EQ(sink.events[1].kind, event_kind::tls);
}

TEST(Dissector, ReusedFourTupleIsANewConnection) {
    recording_sink sink;
    dissector d({}, sink);
    conversation c{d, dlt_en10mb, {false, 1, 40000}, {false, 2, 1883}};
    c.handshake();
    c.send(true, PSH | ACK, hex(connect311_x));
    c.send(true, RST, {});
    c.cseq = 90000;
    c.handshake();
    c.send(true, PSH | ACK, hex(connect311_x));
    d.finish();
    std::vector<std::uint64_t> ids;
    for (const auto& e : sink.events)
        if (e.kind == event_kind::packet) ids.push_back(e.conn);
    EXPECT_EQ(ids, (std::vector<std::uint64_t>{0, 1}));
}

TEST(Dissector, RawStreamWithoutConnectUsesTheGivenVersion) {
    recording_sink sink;
    dissector d({}, sink);
    d.on_stream_bytes(frame_info{1, 0, 0}, direction::server_to_client, codec::protocol_version::v5,
                      hex("20 06 00 00 03 22 00 0a  30 0a 00 03 61 2f 62 03 23 00 01 68"));
    d.finish();
    EXPECT_EQ(sink.packets(), (std::vector<std::string>{"< CONNACK", "< PUBLISH a/b"}));
}

}  // namespace
}  // namespace mqtt::dump
