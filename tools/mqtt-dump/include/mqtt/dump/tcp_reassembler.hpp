#pragma once
// One direction of a TCP connection: segments in capture order -> bytes in sequence order, and gaps.
// Sans-IO: the caller hands segments and the peer's acknowledgements; results come back through a sink.
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include <mqtt/dump/link_layer.hpp>

namespace mqtt::dump {

class byte_sink {
public:
    // In-order bytes. `segment_start` is true when `data` begins where a captured segment began (a place where a
    // sender usually starts a packet: used to resynchronise after a gap). `frame` is the frame that carried them
    // (earlier than the current one when a segment waited for a missing one).
    virtual void on_data(std::span<const std::byte> data, bool segment_start, const frame_info& frame) = 0;
    // `length` bytes were never captured: ACKed by the peer but unseen, or skipped past when the out-of-order
    // buffer filled up, or missing at the end of the capture.
    virtual void on_gap(std::uint64_t length) = 0;

protected:
    ~byte_sink() = default;
};

struct reassembly_limits {
    std::size_t max_buffered_bytes = 8u << 20;  // out-of-order bytes held per direction before declaring a gap
    std::size_t max_buffered_segments = 4096;
};

struct reassembly_counters {
    std::uint64_t retransmitted_bytes = 0;  // bytes already delivered that arrived again
    std::uint64_t out_of_order_segments = 0;
    std::uint64_t gap_bytes = 0;
    std::uint64_t gaps = 0;
};

class tcp_reassembler {
public:
    explicit tcp_reassembler(reassembly_limits limits = {}) : limits_(limits) {}

    // SYN seen: the first data byte has sequence number isn + 1.
    void on_syn(std::uint32_t isn) noexcept;
    // A segment of this direction. `payload` is what was captured; `wire_length` what the IP header announced
    // (a snaplen-cut tail is a gap). `fin` consumes one sequence number after the payload.
    void on_segment(std::uint32_t seq, std::span<const std::byte> payload, std::uint32_t wire_length, bool fin,
                    const frame_info& frame, byte_sink& sink);
    // The other direction acknowledged up to `ack`: bytes below it that were not captured never will be.
    void on_peer_ack(std::uint32_t ack, byte_sink& sink);
    // End of the connection or of the capture: deliver what is buffered, with gaps where bytes are missing.
    void flush(byte_sink& sink);

    [[nodiscard]] bool started() const noexcept { return started_; }
    [[nodiscard]] bool fin_seen() const noexcept { return fin_at_.has_value; }
    [[nodiscard]] const reassembly_counters& counters() const noexcept { return counters_; }

private:
    struct pending {
        std::vector<std::byte> bytes;
        std::uint32_t missing_tail = 0;  // snaplen-cut bytes after `bytes`
        bool fin = false;
        frame_info frame;
    };
    struct optional_u64 {
        bool has_value = false;
        std::uint64_t value = 0;
    };
    // Sequence numbers unwrapped to 64 bits relative to the first one seen (wrap-safe by signed 32-bit distance).
    [[nodiscard]] std::uint64_t unwrap(std::uint32_t seq) const noexcept;
    void deliver(std::uint64_t at, std::span<const std::byte> bytes, std::uint32_t missing_tail, bool fin,
                 const frame_info& frame, byte_sink& sink);
    void drain(byte_sink& sink);
    void gap_to(std::uint64_t to, byte_sink& sink);

    reassembly_limits limits_;
    reassembly_counters counters_;
    bool started_ = false;
    std::uint32_t base_seq_ = 0;  // sequence number of relative offset 0
    std::uint64_t next_ = 0;      // relative offset of the next byte expected
    std::map<std::uint64_t, pending> out_of_order_;
    std::size_t buffered_bytes_ = 0;
    optional_u64 fin_at_;
};

}  // namespace mqtt::dump
