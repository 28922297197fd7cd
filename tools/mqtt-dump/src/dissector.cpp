// Connection table and per-side glue between TCP reassembly, MQTT framing and the event sink.
#include <mqtt/dump/dissector.hpp>

#include <algorithm>
#include <cstring>
#include <variant>

#include <mqtt/codec/topic.hpp>
#include <mqtt/codec/varint.hpp>

namespace mqtt::dump {
namespace {

enum class verdict : std::uint8_t { yes, no, need_more };

// Heuristic detection (--port not given for this port): the stream starts with a CONNECT fixed header and the
// protocol name "MQTT" (3.1.1, 5.0) or "MQIsdp" (3.1). The rest is left to the codec, so that a CONNECT it
// rejects (for example protocol level 7) is still shown, as malformed.
verdict looks_like_connect(std::span<const std::byte> in) noexcept {
    if (in.empty()) return verdict::need_more;
    if (std::to_integer<std::uint8_t>(in[0]) != 0x10) return verdict::no;
    auto length = codec::decode_variable_byte_integer(in.subspan(1));
    if (!length) return length.error().code == codec::errc::incomplete ? verdict::need_more : verdict::no;
    if (length->value < 10) return verdict::no;
    const auto body = in.subspan(1 + length->size);
    static constexpr std::string_view names[] = {std::string_view("\0\4MQTT", 6), std::string_view("\0\6MQIsdp", 8)};
    bool need_more = false;
    for (std::string_view name : names) {
        const std::size_t n = std::min(name.size(), body.size());
        if (std::memcmp(body.data(), name.data(), n) != 0) continue;
        if (n == name.size()) return verdict::yes;
        need_more = true;
    }
    return need_more ? verdict::need_more : verdict::no;
}

constexpr std::size_t max_pending_bytes = 64 * 1024;

bool contains(const std::vector<std::uint16_t>& ports, std::uint16_t p) noexcept {
    return std::find(ports.begin(), ports.end(), p) != ports.end();
}

}  // namespace

struct side_state final : byte_sink, packet_handler {
    dissector* owner = nullptr;
    dissector::connection* conn = nullptr;
    int side = 0;
    tcp_reassembler reassembler;
    std::optional<mqtt_stream> stream;
    bool saw_syn = false;
    std::uint32_t syn_isn = 0;
    bool saw_fin = false;
    bool data_seen = false;
    std::vector<std::byte> pending;  // heuristic detection: bytes until the connection is classified
    bool pending_gap = false;
    std::uint64_t last_frame = 0;
    std::uint32_t next_index = 0;
    std::unordered_map<std::uint16_t, std::string> aliases;  // topic aliases this side set up

    [[nodiscard]] direction dir() const noexcept;
    std::uint32_t index_in_frame() noexcept {
        if (owner->current_frame_.number != last_frame) {
            last_frame = owner->current_frame_.number;
            next_index = 0;
        }
        return next_index++;
    }
    event make(event_kind kind) noexcept;
    void emit(const event& e);

    void on_data(std::span<const std::byte> data, bool segment_start, const frame_info& frame) override;
    void on_gap(std::uint64_t length) override;
    void on_packet(std::span<const std::byte> raw, const codec::fixed_header& header,
                   const codec::packet_view& packet) override;
    void on_malformed(std::span<const std::byte> raw, const codec::error& error,
                      const codec::fixed_header* header) override;
    void on_truncated(std::span<const std::byte> prefix, const codec::fixed_header& header) override;
    void on_gap(std::uint64_t length, bool in_sync) override;
    void on_resync(std::uint64_t skipped) override;
};

struct dissector::connection {
    connection_info info;
    std::array<std::uint8_t, 36> key{};
    std::array<endpoint, 2> endpoints;  // side 0 sent the first segment seen
    int client_side = 0;
    bool client_known = false;  // from a SYN
    bool closed = false;
    bool tls_reported = false;
    std::array<side_state, 2> sides;
};

direction side_state::dir() const noexcept {
    return side == conn->client_side ? direction::client_to_server : direction::server_to_client;
}

event side_state::make(event_kind kind) noexcept {
    event e;
    e.kind = kind;
    e.frame = &owner->current_frame_;
    e.conn = &conn->info;
    e.dir = dir();
    return e;
}

void side_state::emit(const event& e) {
    const filter_options& f = owner->options_.filter;
    if (f.any()) {
        if (f.client_id && conn->info.client_id != *f.client_id) return;
        if (f.type_mask != 0) {
            if (e.header == nullptr) return;
            if ((f.type_mask & (1u << static_cast<unsigned>(e.header->type))) == 0) return;
        }
        if (!f.topic_filters.empty()) {
            if (e.packet == nullptr) return;
            auto matches_any = [&](std::string_view name) {
                return std::any_of(f.topic_filters.begin(), f.topic_filters.end(), [&](const std::string& filter) {
                    return filter == name || codec::topic_matches(filter, name);
                });
            };
            bool keep = false;
            if (std::holds_alternative<codec::publish_view>(*e.packet)) {
                keep = !e.alias_unknown && matches_any(e.topic);
            } else if (const auto* s = std::get_if<codec::subscribe_view>(e.packet)) {
                for (const auto& sub : s->subscriptions) keep = keep || matches_any(sub.topic_filter);
            } else if (const auto* u = std::get_if<codec::unsubscribe_view>(e.packet)) {
                for (std::string_view t : u->topic_filters) keep = keep || matches_any(t);
            }
            if (!keep) return;
        }
    }
    owner->sink_->on_event(e);
}

void side_state::on_data(std::span<const std::byte> data, bool segment_start, const frame_info& frame) {
    // Events name the frame that carried a packet's last byte, also when the segment waited for a missing one.
    const frame_info now = owner->current_frame_;
    owner->current_frame_ = frame;
    struct restore {
        frame_info& target;
        frame_info value;
        ~restore() { target = value; }
    } restore_frame{owner->current_frame_, now};
    switch (conn->info.protocol) {
    case app_protocol::mqtt:
        if (!data_seen) {
            data_seen = true;
            stream->set_synchronised(saw_syn);
        }
        stream->on_data(data, segment_start);
        break;
    case app_protocol::pending:
        if (pending_gap) break;
        pending.insert(pending.end(), data.begin(), data.end());
        owner->classify_pending(*conn);
        break;
    case app_protocol::tls:
        if (!conn->tls_reported) {
            conn->tls_reported = true;
            event e = make(event_kind::tls);
            e.length = data.size();
            emit(e);
        }
        break;
    case app_protocol::ignored: break;
    }
}

void side_state::on_gap(std::uint64_t length) {
    owner->counters_.gaps += 1;
    owner->counters_.gap_bytes += length;
    switch (conn->info.protocol) {
    case app_protocol::mqtt:
        if (!data_seen) {
            data_seen = true;
            stream->set_synchronised(false);
        }
        stream->on_gap(length);
        break;
    case app_protocol::pending:
        pending_gap = true;
        owner->classify_pending(*conn);
        break;
    default: break;
    }
}

void side_state::on_packet(std::span<const std::byte> raw, const codec::fixed_header& header,
                           const codec::packet_view& packet) {
    ++owner->counters_.packets;
    event e = make(event_kind::packet);
    e.index_in_frame = index_in_frame();
    e.raw = raw;
    e.header = &header;
    e.packet = &packet;
    if (const auto* p = std::get_if<codec::publish_view>(&packet)) {
        e.topic = p->topic;
        if (!p->properties.empty()) {
            if (auto alias = p->properties.find(codec::property_id::topic_alias)) {
                const auto a = static_cast<std::uint16_t>(alias->integer);
                e.topic_alias = a;
                if (!p->topic.empty()) {
                    aliases[a].assign(p->topic);
                } else if (auto it = aliases.find(a); it != aliases.end()) {
                    e.topic = it->second;
                } else {
                    e.alias_unknown = true;
                }
            }
        }
    } else if (const auto* c = std::get_if<codec::connect_view>(&packet); c && dir() == direction::client_to_server) {
        if (conn->info.connect_seen) {
            e.protocol_error = "second CONNECT on the connection (MQTT-3.1.0-2)";
        } else {
            conn->info.connect_seen = true;
            conn->info.version = c->version;
            conn->info.client_id.assign(c->client_id);
        }
    }
    emit(e);
}

void side_state::on_malformed(std::span<const std::byte> raw, const codec::error& error,
                              const codec::fixed_header* header) {
    ++owner->counters_.malformed;
    event e = make(event_kind::malformed);
    e.index_in_frame = index_in_frame();
    e.raw = raw;
    e.header = header;
    e.error = error;
    emit(e);
}

void side_state::on_truncated(std::span<const std::byte> prefix, const codec::fixed_header& header) {
    event e = make(event_kind::truncated);
    e.index_in_frame = index_in_frame();
    e.raw = prefix;
    e.header = &header;
    emit(e);
}

void side_state::on_gap(std::uint64_t length, bool in_sync) {
    event e = make(event_kind::gap);
    e.length = length;
    e.in_sync = in_sync;
    emit(e);
}

void side_state::on_resync(std::uint64_t skipped) {
    event e = make(event_kind::resync);
    e.length = skipped;
    emit(e);
}

// ---------------------------------------------------------------------------------------------------------------

std::size_t dissector::key_hash::operator()(const std::array<std::uint8_t, 36>& k) const noexcept {
    // Five 8-byte words (the last two overlap), multiplied and folded: FNV-1a's byte loop cost 5% of a dump.
    std::uint64_t h = 0;
    for (std::size_t at : {0u, 8u, 16u, 24u, 28u}) {
        std::uint64_t w = 0;
        std::memcpy(&w, k.data() + at, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    return static_cast<std::size_t>(h);
}

dissector::dissector(dissector_options options, event_sink& sink) : options_(std::move(options)), sink_(&sink) {}
dissector::~dissector() = default;

void dissector::on_frame(const frame_info& frame, int link_type, std::span<const std::byte> bytes) {
    current_frame_ = frame;
    ++counters_.frames;
    counters_.bytes += bytes.size();
    tcp_segment s;
    switch (parse_frame(link_type, bytes, s)) {
    case frame_status::tcp: on_segment(frame, s); break;
    case frame_status::truncated: ++counters_.truncated_frames; break;
    case frame_status::ip_fragment: ++counters_.ip_fragments; break;
    default: ++counters_.not_tcp; break;
    }
}

namespace {
std::array<std::uint8_t, 36> make_key(const endpoint& a, const endpoint& b) noexcept {
    std::array<std::uint8_t, 36> k{};
    auto put = [&](std::size_t at, const endpoint& e) {
        std::memcpy(k.data() + at, e.address.data(), 16);
        k[at + 16] = static_cast<std::uint8_t>(e.port >> 8);
        k[at + 17] = static_cast<std::uint8_t>(e.port & 0xFF);
    };
    put(0, a);
    put(18, b);
    if (std::memcmp(k.data(), k.data() + 18, 18) > 0) {
        put(0, b);
        put(18, a);
    }
    return k;
}
}  // namespace

dissector::connection& dissector::create(const std::array<std::uint8_t, 36>& key, const tcp_segment& s) {
    auto c = std::make_unique<connection>();
    c->info.id = next_id_++;
    c->key = key;
    c->endpoints = {s.src, s.dst};
    for (int i = 0; i < 2; ++i) {
        auto& side = c->sides[static_cast<std::size_t>(i)];
        side.owner = this;
        side.conn = c.get();
        side.side = i;
        side.reassembler = tcp_reassembler(options_.limits);
    }
    if ((s.flags & tcp_flags::syn) != 0) {
        c->client_known = true;
        c->client_side = (s.flags & tcp_flags::ack) != 0 ? 1 : 0;
    }
    ++counters_.connections;
    connection& ref = *c;
    last_ = c.get();
    table_[key] = std::move(c);
    classify_by_port(ref);
    return ref;
}

dissector::connection& dissector::find_or_create(const tcp_segment& s, int& side) {
    const auto key = make_key(s.src, s.dst);
    // Consecutive segments mostly belong to one connection (its two directions share the key): skip the hash.
    if (last_ == nullptr || last_->key != key) {
        auto it = table_.find(key);
        if (it == table_.end()) {
            side = 0;
            return create(key, s);
        }
        last_ = it->second.get();
    }
    connection& c = *last_;
    side = c.endpoints[0] == s.src ? 0 : 1;
    const bool new_syn = (s.flags & (tcp_flags::syn | tcp_flags::ack)) == tcp_flags::syn;
    const auto& st = c.sides[static_cast<std::size_t>(side)];
    if (new_syn && (c.closed || (st.saw_syn && st.syn_isn != s.seq))) {  // the 4-tuple is reused
        if (!c.closed) finish_connection(c);
        forget(key);
        side = 0;
        return create(key, s);
    }
    return c;
}

void dissector::forget(const std::array<std::uint8_t, 36>& key) {
    last_ = nullptr;
    table_.erase(key);
}

void dissector::classify_by_port(connection& c) {
    const endpoint& a = c.endpoints[0];
    const endpoint& b = c.endpoints[1];
    auto classify = [&](const std::vector<std::uint16_t>& ports) -> int {  // the client side, or -1
        if (c.client_known) {
            const endpoint& server = c.endpoints[static_cast<std::size_t>(1 - c.client_side)];
            return contains(ports, server.port) ? c.client_side : -1;
        }
        if (contains(ports, b.port)) return 0;
        if (contains(ports, a.port)) return 1;
        return -1;
    };
    if (int client = classify(options_.mqtt_ports); client >= 0) {
        become_mqtt(c, client);
    } else if (int tls_client = classify(options_.tls_ports); tls_client >= 0) {
        c.client_side = tls_client;
        c.info.protocol = app_protocol::tls;
        c.info.client = c.endpoints[static_cast<std::size_t>(tls_client)];
        c.info.server = c.endpoints[static_cast<std::size_t>(1 - tls_client)];
        c.info.client_text = to_string(c.info.client);
        c.info.server_text = to_string(c.info.server);
        event e = c.sides[static_cast<std::size_t>(tls_client)].make(event_kind::open);
        c.sides[static_cast<std::size_t>(tls_client)].emit(e);
    } else {
        c.info.protocol = options_.heuristics ? app_protocol::pending : app_protocol::ignored;
    }
}

void dissector::become_mqtt(connection& c, int client_side) {
    c.client_side = client_side;
    c.info.protocol = app_protocol::mqtt;
    c.info.client = c.endpoints[static_cast<std::size_t>(client_side)];
    c.info.server = c.endpoints[static_cast<std::size_t>(1 - client_side)];
    c.info.client_text = to_string(c.info.client);
    c.info.server_text = to_string(c.info.server);
    ++counters_.mqtt_connections;
    for (auto& side : c.sides) {
        side.stream.emplace(side.dir(), c.info.version, side, options_.max_packet_size);
    }
    auto& client = c.sides[static_cast<std::size_t>(client_side)];
    client.emit(client.make(event_kind::open));
    // Replay what arrived while the connection was being classified, client first.
    for (int i : {client_side, 1 - client_side}) {
        auto& side = c.sides[static_cast<std::size_t>(i)];
        std::vector<std::byte> bytes = std::move(side.pending);
        side.pending.clear();
        if (!bytes.empty()) side.on_data(bytes, true, current_frame_);
    }
}

void dissector::classify_pending(connection& c) {
    if (c.info.protocol != app_protocol::pending) return;
    verdict v[2]{};
    std::size_t total = 0;
    for (int i = 0; i < 2; ++i) {
        const auto& side = c.sides[static_cast<std::size_t>(i)];
        v[i] = side.pending_gap ? verdict::no : looks_like_connect(side.pending);
        if (v[i] == verdict::yes) {
            become_mqtt(c, i);
            return;
        }
        total += side.pending.size();
    }
    const bool client_said_no = c.client_known && v[c.client_side] == verdict::no;
    if (client_said_no || (v[0] == verdict::no && v[1] == verdict::no) || total > max_pending_bytes) {
        c.info.protocol = app_protocol::ignored;
        for (auto& side : c.sides) {
            side.pending.clear();
            side.pending.shrink_to_fit();
        }
    }
}

void dissector::on_segment(const frame_info& frame, const tcp_segment& s) {
    current_frame_ = frame;
    ++counters_.tcp_segments;
    int side_index = 0;
    connection& c = find_or_create(s, side_index);
    if (c.closed || c.info.protocol == app_protocol::ignored) return;
    auto& side = c.sides[static_cast<std::size_t>(side_index)];
    auto& peer = c.sides[static_cast<std::size_t>(1 - side_index)];
    const bool syn = (s.flags & tcp_flags::syn) != 0;
    const bool ack = (s.flags & tcp_flags::ack) != 0;
    const bool fin = (s.flags & tcp_flags::fin) != 0;
    const bool rst = (s.flags & tcp_flags::rst) != 0;
    if (syn) {
        if (!side.saw_syn) {
            side.saw_syn = true;
            side.syn_isn = s.seq;
        }
        side.reassembler.on_syn(s.seq);
    } else if (!rst || s.payload_length != 0) {
        side.reassembler.on_segment(s.seq, s.payload, s.payload_length, fin, frame, side);
    }
    if (ack && !rst) peer.reassembler.on_peer_ack(s.ack, peer);
    if (fin) side.saw_fin = true;
    if (rst) close(c, true);
    else if (side.saw_fin && peer.saw_fin) close(c, false);
}

void dissector::finish_connection(connection& c) {
    for (auto& side : c.sides) side.reassembler.flush(side);
    for (auto& side : c.sides) {
        if (side.stream) side.stream->finish();
        const auto& k = side.reassembler.counters();
        counters_.retransmitted_bytes += k.retransmitted_bytes;
        counters_.out_of_order_segments += k.out_of_order_segments;
    }
    c.closed = true;
}

void dissector::close(connection& c, bool rst) {
    if (c.closed) return;
    finish_connection(c);
    if (c.info.protocol == app_protocol::mqtt || c.info.protocol == app_protocol::tls) {
        auto& client = c.sides[static_cast<std::size_t>(c.client_side)];
        event e = client.make(event_kind::close);
        e.is_rst = rst;
        client.emit(e);
    }
    for (auto& side : c.sides) {
        side.pending = {};
        side.aliases = {};
        side.stream.reset();
        side.reassembler = tcp_reassembler(options_.limits);
    }
    closed_.push_back(c.key);
    if (closed_.size() > max_closed_kept) {
        auto it = table_.find(closed_.front());
        if (it != table_.end() && it->second->closed) forget(closed_.front());
        closed_.pop_front();
    }
}

void dissector::on_stream_bytes(const frame_info& frame, direction dir, codec::protocol_version version,
                                std::span<const std::byte> bytes) {
    current_frame_ = frame;
    if (!raw_) {
        raw_ = std::make_unique<connection>();
        raw_->info.version = version;
        raw_->info.protocol = app_protocol::mqtt;
        raw_->info.client_text = "-";
        raw_->info.server_text = "-";
        raw_->client_side = dir == direction::client_to_server ? 0 : 1;
        for (int i = 0; i < 2; ++i) {
            auto& side = raw_->sides[static_cast<std::size_t>(i)];
            side.owner = this;
            side.conn = raw_.get();
            side.side = i;
            side.saw_syn = true;  // a byte stream starts at a packet boundary
            side.stream.emplace(side.dir(), raw_->info.version, side, options_.max_packet_size);
        }
        ++counters_.mqtt_connections;
    }
    raw_->sides[0].on_data(bytes, true, frame);
}

void dissector::finish() {
    std::vector<connection*> open;  // in id order, so that the output is deterministic
    for (auto& [key, c] : table_)
        if (!c->closed) open.push_back(c.get());
    std::sort(open.begin(), open.end(), [](const connection* x, const connection* y) { return x->info.id < y->info.id; });
    for (connection* c : open) finish_connection(*c);
    if (raw_) {
        for (auto& side : raw_->sides) side.stream->finish();
    }
}

}  // namespace mqtt::dump
