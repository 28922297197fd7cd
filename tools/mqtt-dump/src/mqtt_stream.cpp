// Per-direction MQTT framing over reassembled TCP bytes: in-sync decoding, gap handling, resynchronisation.
#include <mqtt/dump/mqtt_stream.hpp>

#include <algorithm>

#include <mqtt/codec/varint.hpp>

namespace mqtt::dump {
namespace {

// The fixed header read leniently: type, flags and Remaining Length even when the codec would refuse the flags or
// the type, because the packet's length is what lets the stream step over a malformed packet.
struct lenient_header {
    enum class state : std::uint8_t { need_more, bad_length, ok } status = state::need_more;
    codec::fixed_header header{};
};

lenient_header read_header(std::span<const std::byte> in) noexcept {
    lenient_header out;
    if (in.empty()) return out;
    auto length = codec::decode_variable_byte_integer(in.subspan(1));
    if (!length) {
        out.status = length.error().code == codec::errc::incomplete ? lenient_header::state::need_more
                                                                     : lenient_header::state::bad_length;
        return out;
    }
    const auto first = std::to_integer<std::uint8_t>(in[0]);
    out.status = lenient_header::state::ok;
    out.header.type = static_cast<codec::packet_type>(first >> 4);
    out.header.flags = static_cast<std::uint8_t>(first & 0x0F);
    out.header.remaining_length = length->value;
    out.header.header_size = static_cast<std::uint8_t>(1 + length->size);
    return out;
}

}  // namespace

codec::result<codec::decoded> decode_packet(std::span<const std::byte> in, codec::protocol_version v, direction,
                                            std::uint32_t max_packet_size) noexcept {
    codec::decode_options options{v, max_packet_size};
    if (v != codec::protocol_version::unknown) return codec::decode(in, options);  // returned without a copy
    auto r = codec::decode(in, options);
    if (r || r.error().code != codec::errc::connect_expected) return r;
    // No (valid) CONNECT seen on this connection: guess. 3.1.1 first: it is what a 5.0-less broker answers a
    // CONNECT it refuses with (CONNACK 0x01), and a 5.0 packet with properties rarely parses as 3.1.1.
    options.version = codec::protocol_version::v311;
    auto r311 = codec::decode(in, options);
    if (r311) return r311;
    options.version = codec::protocol_version::v5;
    auto r5 = codec::decode(in, options);
    if (r5) return r5;
    return r311;
}

bool mqtt_stream::plausible(codec::packet_type t) const noexcept {
    using codec::packet_type;
    switch (t) {
    case packet_type::connect:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
    case packet_type::pingreq: return dir_ == direction::client_to_server;
    case packet_type::connack:
    case packet_type::suback:
    case packet_type::unsuback:
    case packet_type::pingresp: return dir_ == direction::server_to_client;
    case packet_type::reserved: return false;
    default: return true;
    }
}

void mqtt_stream::on_data(std::span<const std::byte> data, bool segment_start, const frame_info&) {
    on_data(data, segment_start);
}

void mqtt_stream::on_data(std::span<const std::byte> data, bool segment_start) {
    if (in_sync_) decode_in_sync(data);
    else resync(data, segment_start);
}

void mqtt_stream::decode_in_sync(std::span<const std::byte> data) {
    while (!data.empty()) {
        if (skip_ != 0) {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, data.size()));
            skip_ -= n;
            data = data.subspan(n);
            continue;
        }
        if (!partial_.empty()) {
            data = data.subspan(fill_partial(data));
            if (!in_sync_) {
                skipped_ += data.size();
                return;
            }
            continue;
        }
        const lenient_header h = read_header(data);
        if (h.status == lenient_header::state::need_more) {
            partial_.assign(data.begin(), data.end());
            return;
        }
        if (h.status == lenient_header::state::bad_length) {
            const auto shown = std::min<std::size_t>(data.size(), 5);
            handler_->on_malformed(data.first(shown), {codec::errc::malformed_variable_byte_integer, 1}, nullptr);
            in_sync_ = false;
            skipped_ = data.size() - shown;
            return;
        }
        const std::size_t size = h.header.packet_size();
        if (size > max_packet_size_) {
            const auto shown = std::min(size, data.size());
            handler_->on_malformed(data.first(shown), {codec::errc::packet_too_large, 1}, &h.header);
            skip_ = size - shown;
            data = data.subspan(shown);
            continue;
        }
        if (data.size() < size) {  // the packet continues in a later segment
            partial_.assign(data.begin(), data.end());
            return;
        }
        const auto raw = data.first(size);
        auto r = decode_packet(raw, *version_, dir_, max_packet_size_);
        if (r) handler_->on_packet(raw, h.header, r->packet);
        else handler_->on_malformed(raw, r.error(), &h.header);
        data = data.subspan(size);
    }
}

std::size_t mqtt_stream::fill_partial(std::span<const std::byte> data) {
    std::size_t used = 0;
    lenient_header h = read_header(partial_);
    while (h.status == lenient_header::state::need_more && used < data.size()) {
        partial_.push_back(data[used++]);
        h = read_header(partial_);
    }
    if (h.status == lenient_header::state::need_more) return used;
    if (h.status == lenient_header::state::bad_length) {
        handler_->on_malformed(partial_, {codec::errc::malformed_variable_byte_integer, 1}, nullptr);
        partial_.clear();
        in_sync_ = false;
        skipped_ = 0;
        return used;
    }
    const std::size_t size = h.header.packet_size();
    if (size > max_packet_size_) {
        handler_->on_malformed(partial_, {codec::errc::packet_too_large, 1}, &h.header);
        skip_ = size - partial_.size();
        partial_.clear();
        return used;
    }
    const std::size_t take = std::min(size - partial_.size(), data.size() - used);
    partial_.insert(partial_.end(), data.begin() + static_cast<std::ptrdiff_t>(used),
                    data.begin() + static_cast<std::ptrdiff_t>(used + take));
    used += take;
    if (partial_.size() < size) return used;
    auto r = decode_packet(partial_, *version_, dir_, max_packet_size_);
    if (r) handler_->on_packet(partial_, h.header, r->packet);
    else handler_->on_malformed(partial_, r.error(), &h.header);
    partial_.clear();
    return used;
}

void mqtt_stream::on_gap(std::uint64_t length) {
    if (in_sync_) {
        if (skip_ != 0) {
            if (length <= skip_) {
                skip_ -= length;
                handler_->on_gap(length, true);
                return;
            }
            skip_ = 0;
        } else if (!partial_.empty()) {
            const lenient_header h = read_header(partial_);
            if (h.status == lenient_header::state::ok) {
                const std::size_t remaining = h.header.packet_size() - partial_.size();
                handler_->on_truncated(partial_, h.header);
                partial_.clear();
                if (length <= remaining) {  // the packet's end is known: the next one starts right after it
                    skip_ = remaining - length;
                    handler_->on_gap(length, true);
                    return;
                }
            }
            partial_.clear();
        }
        in_sync_ = false;
        skipped_ = 0;
    }
    skipped_ += candidate_.size();
    candidate_.clear();
    handler_->on_gap(length, false);
}

mqtt_stream::candidate_state mqtt_stream::check_candidate() const {
    std::span<const std::byte> rest(candidate_);
    while (!rest.empty()) {
        auto r = decode_packet(rest, *version_, dir_, max_packet_size_);
        if (r) {
            if (!plausible(codec::type_of(r->packet))) return candidate_state::rejected;
            rest = rest.subspan(r->consumed);
            continue;
        }
        if (r.error().code != codec::errc::incomplete) return candidate_state::rejected;
        // Incomplete: keep waiting only for a well-formed fixed header of a plausible packet type.
        auto h = codec::decode_fixed_header(rest);
        if (!h) return h.error().code == codec::errc::incomplete ? candidate_state::pending : candidate_state::rejected;
        if (!plausible(h->type) || h->packet_size() > max_candidate_bytes) return candidate_state::rejected;
        return candidate_state::pending;
    }
    return candidate_state::accepted;
}

void mqtt_stream::resync(std::span<const std::byte> data, bool segment_start) {
    if (!candidate_.empty()) {
        candidate_.insert(candidate_.end(), data.begin(), data.end());
        const candidate_state s = check_candidate();
        if (s == candidate_state::pending) return;
        if (s == candidate_state::rejected) {
            skipped_ += candidate_.size() - data.size();
            candidate_.clear();
        }
    }
    if (candidate_.empty()) {
        if (!segment_start) {
            skipped_ += data.size();
            return;
        }
        candidate_.assign(data.begin(), data.end());
        const candidate_state s = check_candidate();
        if (s == candidate_state::pending) return;
        if (s == candidate_state::rejected) {
            skipped_ += candidate_.size();
            candidate_.clear();
            return;
        }
    }
    // Accepted: whole valid packets ending exactly at a segment end.
    std::vector<std::byte> packets = std::move(candidate_);
    candidate_.clear();
    handler_->on_resync(skipped_);
    skipped_ = 0;
    in_sync_ = true;
    decode_in_sync(packets);
}

void mqtt_stream::finish() {
    if (!partial_.empty()) {
        const lenient_header h = read_header(partial_);
        if (h.status == lenient_header::state::ok) handler_->on_truncated(partial_, h.header);
        else handler_->on_malformed(partial_, {codec::errc::incomplete, static_cast<std::uint32_t>(partial_.size())},
                                    nullptr);
        partial_.clear();
    }
    candidate_.clear();
    skip_ = 0;
}

}  // namespace mqtt::dump
