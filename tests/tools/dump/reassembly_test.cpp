// tcp_reassembler: synthetic segment sequences (in order, out of order, retransmitted, overlapping, lost,
// wrapped sequence numbers, snaplen-cut).
#include <gtest/gtest.h>

#include <mqtt/dump/tcp_reassembler.hpp>

#include <string>

namespace mqtt::dump {
namespace {

struct recording_sink final : byte_sink {
    std::string text;             // delivered bytes, '~' for each gap
    std::vector<std::uint64_t> gaps;
    std::vector<bool> starts;     // segment_start of each delivery
    std::vector<std::uint64_t> frames;
    void on_data(std::span<const std::byte> data, bool segment_start, const frame_info& frame) override {
        text.append(reinterpret_cast<const char*>(data.data()), data.size());
        starts.push_back(segment_start);
        frames.push_back(frame.number);
    }
    void on_gap(std::uint64_t length) override {
        gaps.push_back(length);
        text.push_back('~');
    }
};

std::span<const std::byte> bytes(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

struct harness {
    tcp_reassembler r;
    recording_sink sink;
    std::uint64_t frame = 0;
    void seg(std::uint32_t seq, const std::string& s, bool fin = false) {
        r.on_segment(seq, bytes(s), static_cast<std::uint32_t>(s.size()), fin, frame_info{++frame, 0, 0}, sink);
    }
};

TEST(TcpReassembly, InOrderAfterSyn) {
    harness h;
    h.r.on_syn(1000);
    h.seg(1001, "abc");
    h.seg(1004, "def");
    EXPECT_EQ(h.sink.text, "abcdef");
    EXPECT_EQ(h.sink.starts, (std::vector<bool>{true, true}));
}

TEST(TcpReassembly, OutOfOrderIsBufferedBySequenceNumber) {
    harness h;
    h.r.on_syn(0);
    h.seg(7, "ghi");  // frame 1
    h.seg(4, "def");  // frame 2
    EXPECT_EQ(h.sink.text, "");
    h.seg(1, "abc");  // frame 3 fills the hole
    EXPECT_EQ(h.sink.text, "abcdefghi");
    EXPECT_EQ(h.r.counters().out_of_order_segments, 2u);
    // Each delivery names the frame that carried it.
    EXPECT_EQ(h.sink.frames, (std::vector<std::uint64_t>{3, 2, 1}));
}

TEST(TcpReassembly, RetransmissionsAreDroppedAndOverlapsTrimmed) {
    harness h;
    h.r.on_syn(0);
    h.seg(1, "abc");
    h.seg(1, "abc");     // exact retransmission
    h.seg(2, "bcdef");   // overlaps 2 delivered bytes
    h.seg(4, "def");     // entirely old
    EXPECT_EQ(h.sink.text, "abcdef");
    EXPECT_EQ(h.r.counters().retransmitted_bytes, 3u + 2u + 3u);
    EXPECT_EQ(h.sink.starts, (std::vector<bool>{true, false}));  // a trimmed segment is no packet boundary
}

TEST(TcpReassembly, PeerAckOfUnseenBytesIsAGap) {
    harness h;
    h.r.on_syn(0);
    h.seg(1, "abc");
    h.seg(10, "jkl");  // 4..9 lost by the capture
    EXPECT_EQ(h.sink.text, "abc");
    h.r.on_peer_ack(13, h.sink);  // the receiver got everything: those bytes will never come
    EXPECT_EQ(h.sink.text, "abc~jkl");
    EXPECT_EQ(h.sink.gaps, (std::vector<std::uint64_t>{6}));
    h.r.on_peer_ack(13, h.sink);  // nothing new
    EXPECT_EQ(h.sink.gaps.size(), 1u);
}

TEST(TcpReassembly, AckBeyondEverythingIsAGapAtTheEnd) {
    harness h;
    h.r.on_syn(0);
    h.seg(1, "abc");
    h.r.on_peer_ack(104, h.sink);
    EXPECT_EQ(h.sink.gaps, (std::vector<std::uint64_t>{100}));
    h.seg(104, "x");
    EXPECT_EQ(h.sink.text, "abc~x");
}

TEST(TcpReassembly, FlushDeliversBufferedDataAfterAGap) {
    harness h;
    h.r.on_syn(0);
    h.seg(1, "ab");
    h.seg(5, "ef");
    h.r.flush(h.sink);
    EXPECT_EQ(h.sink.text, "ab~ef");
    EXPECT_EQ(h.sink.gaps, (std::vector<std::uint64_t>{2}));
}

TEST(TcpReassembly, FinTakesOneSequenceNumberWithoutAGap) {
    harness h;
    h.r.on_syn(0);
    h.seg(1, "ab", true);
    h.r.on_peer_ack(4, h.sink);  // acknowledges the FIN
    EXPECT_TRUE(h.sink.gaps.empty());
    EXPECT_TRUE(h.r.fin_seen());
}

TEST(TcpReassembly, SequenceNumbersWrapAround) {
    harness h;
    h.r.on_syn(0xFFFFFFFD);
    h.seg(0xFFFFFFFE, "ab");
    h.seg(1, "def");  // out of order, after the wrap
    h.seg(0, "c");
    EXPECT_EQ(h.sink.text, "abcdef");
}

TEST(TcpReassembly, MidStreamStartWithoutSyn) {
    harness h;
    h.seg(5000, "xyz");
    h.seg(4990, "old");  // before the first captured byte: a retransmission
    h.seg(5003, "!");
    EXPECT_EQ(h.sink.text, "xyz!");
}

TEST(TcpReassembly, SnaplenCutTailIsAGap) {
    harness h;
    h.r.on_syn(0);
    const std::string captured = "abc";
    h.r.on_segment(1, bytes(captured), 10, false, frame_info{1, 0, 0}, h.sink);  // 7 bytes not captured
    h.seg(11, "k");
    EXPECT_EQ(h.sink.text, "abc~k");
    EXPECT_EQ(h.sink.gaps, (std::vector<std::uint64_t>{7}));
}

TEST(TcpReassembly, FullOutOfOrderBufferDeclaresAGap) {
    tcp_reassembler r(reassembly_limits{16, 4});
    recording_sink sink;
    r.on_syn(0);
    const std::string s = "0123456789";
    r.on_segment(101, bytes(s), 10, false, {}, sink);
    EXPECT_TRUE(sink.text.empty());
    r.on_segment(111, bytes(s), 10, false, {}, sink);  // 20 bytes buffered > 16
    EXPECT_EQ(sink.text, "~01234567890123456789");
    EXPECT_EQ(sink.gaps, (std::vector<std::uint64_t>{100}));
}

}  // namespace
}  // namespace mqtt::dump
