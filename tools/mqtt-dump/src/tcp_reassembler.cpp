// TCP reassembly for one direction. Positions are 64-bit offsets; `origin` keeps a retransmission of bytes from
// before the first captured segment (negative distance) representable without signed arithmetic.
#include <mqtt/dump/tcp_reassembler.hpp>

namespace mqtt::dump {
namespace {
constexpr std::uint64_t origin = std::uint64_t{1} << 32;
// An acknowledgement further ahead than this is bogus (or from another connection that reused the ports).
constexpr std::uint64_t max_ack_jump = std::uint64_t{1} << 30;
}  // namespace

std::uint64_t tcp_reassembler::unwrap(std::uint32_t seq) const noexcept {
    const auto expected = static_cast<std::uint32_t>(base_seq_ + static_cast<std::uint32_t>(next_ - origin));
    const auto distance = static_cast<std::int32_t>(seq - expected);
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(next_) + distance);
}

void tcp_reassembler::on_syn(std::uint32_t isn) noexcept {
    if (started_) return;  // a retransmitted SYN
    started_ = true;
    base_seq_ = isn;
    next_ = origin + 1;
}

void tcp_reassembler::on_segment(std::uint32_t seq, std::span<const std::byte> payload, std::uint32_t wire_length,
                                 bool fin, const frame_info& frame, byte_sink& sink) {
    if (payload.empty() && wire_length == 0 && !fin) return;  // a pure ACK
    if (!started_) {  // the capture began mid-connection
        started_ = true;
        base_seq_ = seq;
        next_ = origin;
    }
    const std::uint64_t at = unwrap(seq);
    const auto missing_tail = static_cast<std::uint32_t>(wire_length - payload.size());
    if (at <= next_) {
        deliver(at, payload, missing_tail, fin, frame, sink);
        drain(sink);
        return;
    }
    ++counters_.out_of_order_segments;
    auto [it, inserted] = out_of_order_.try_emplace(at);
    if (!inserted && it->second.bytes.size() + it->second.missing_tail >= payload.size() + missing_tail &&
        (it->second.fin || !fin))
        return;  // the same segment again
    buffered_bytes_ -= it->second.bytes.size();
    it->second.bytes.assign(payload.begin(), payload.end());
    it->second.missing_tail = missing_tail;
    it->second.fin = fin;
    it->second.frame = frame;
    buffered_bytes_ += payload.size();
    if (buffered_bytes_ > limits_.max_buffered_bytes || out_of_order_.size() > limits_.max_buffered_segments) {
        gap_to(out_of_order_.begin()->first, sink);
        drain(sink);
    }
}

void tcp_reassembler::on_peer_ack(std::uint32_t ack, byte_sink& sink) {
    if (!started_) return;
    const std::uint64_t acked = unwrap(ack);
    if (acked <= next_ || acked - next_ > max_ack_jump) return;
    while (acked > next_) {
        if (!out_of_order_.empty() && out_of_order_.begin()->first < acked) {
            gap_to(out_of_order_.begin()->first, sink);
            drain(sink);
        } else {
            // A FIN acknowledged but not captured takes one sequence number: not a byte of data.
            if (fin_at_.has_value && acked == fin_at_.value + 1) break;
            gap_to(acked, sink);
        }
    }
}

void tcp_reassembler::flush(byte_sink& sink) {
    while (!out_of_order_.empty()) {
        gap_to(out_of_order_.begin()->first, sink);
        drain(sink);
    }
}

void tcp_reassembler::deliver(std::uint64_t at, std::span<const std::byte> bytes, std::uint32_t missing_tail,
                              bool fin, const frame_info& frame, byte_sink& sink) {
    const std::uint64_t end = at + bytes.size();
    if (end > next_) {
        const auto skip = static_cast<std::size_t>(next_ - at);
        counters_.retransmitted_bytes += skip;
        next_ = end;
        sink.on_data(bytes.subspan(skip), skip == 0, frame);
    } else {
        counters_.retransmitted_bytes += bytes.size();
    }
    if (missing_tail != 0) gap_to(end + missing_tail, sink);  // cut by the snaplen
    if (fin && next_ == end + missing_tail) {
        fin_at_ = {true, next_};
        next_ += 1;
    }
}

void tcp_reassembler::drain(byte_sink& sink) {
    while (!out_of_order_.empty() && out_of_order_.begin()->first <= next_) {
        auto node = out_of_order_.extract(out_of_order_.begin());
        buffered_bytes_ -= node.mapped().bytes.size();
        deliver(node.key(), node.mapped().bytes, node.mapped().missing_tail, node.mapped().fin, node.mapped().frame,
                sink);
    }
}

void tcp_reassembler::gap_to(std::uint64_t to, byte_sink& sink) {
    if (to <= next_) return;
    const std::uint64_t length = to - next_;
    ++counters_.gaps;
    counters_.gap_bytes += length;
    next_ = to;
    sink.on_gap(length);
}

}  // namespace mqtt::dump
