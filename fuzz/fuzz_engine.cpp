// fuzz_engine: the broker engine driven by several simulated clients, against a recording transport.
//
// The input is a script of operations (docs/fuzzing.md). Byte 0 picks engine limits; then each operation is an
// opcode byte followed by its arguments: raw bytes for a client's connection, or a few bytes that build a valid
// (or nearly valid) CONNECT, SUBSCRIBE, PUBLISH, acknowledgement, UNSUBSCRIBE, PINGREQ or DISCONNECT, plus time
// steps (on_tick), network drops (on_disconnect) and reconnections. Every client's bytes go through decode() in
// the connection's negotiated version, as mqttd's transport does, and decode errors reach on_decode_error().
//
// Invariants checked (beyond "no crash, no sanitizer report, no leak"):
//  - the engine sends only to connections that are open (accepted, not closed by it, not dropped by the network);
//  - every packet it sends decodes, alone, in the client's protocol version;
//  - every close names a known reason code, only for an open connection, once; a decode error always ends in
//    a close with an error reason code; after shutdown() every connection is closed;
//  - no PUBLISH reaches a client that never subscribed to a filter matching its topic (the model keeps, per
//    client identifier, every filter that client ever subscribed to, so it never reports a legitimate delivery;
//    topic aliases the engine assigns are resolved);
//  - a Topic Alias the engine uses without a topic was set before on that connection.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <mqtt/broker/engine.hpp>
#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>

#include "fuzz_common.hpp"
#include "reference.hpp"

namespace {
using namespace mqtt;
using broker::connection_id;
using broker::time_point;
using codec::protocol_version;

constexpr std::size_t slot_count = 4;
constexpr int max_operations = 256;

struct connection_model {
    bool open = false;                // accepted and neither closed by the engine nor dropped by us
    protocol_version version = protocol_version::unknown;  // from the CONNECT this client sent
    std::string client_key;           // which subscription set deliveries are checked against
    std::uint32_t maximum_packet_size = 0;  // the client's Maximum Packet Size (v5 CONNECT), 0 = no limit
    std::uint32_t topic_alias_maximum = 0;  // the client's Topic Alias Maximum (v5 CONNECT), 0 = no aliases
    std::map<std::uint16_t, std::string> aliases;  // server -> client topic aliases
};

struct world;

class checking_transport final : public broker::transport {
public:
    explicit checking_transport(world& w) : w_(w) {}
    void send(connection_id id, std::span<const std::byte> packet, broker::delivery how) override;
    void close(connection_id id, codec::reason_code why) override;

private:
    world& w_;
};

struct world {
    std::map<connection_id, connection_model> connections;
    std::map<std::string, std::set<std::string>> subscribed;  // client key -> every filter it ever subscribed
    std::uint64_t sends = 0, publishes_checked = 0;
};

void checking_transport::send(connection_id id, std::span<const std::byte> packet, broker::delivery) {
    auto it = w_.connections.find(id);
    MQTT_FUZZ_CHECK(it != w_.connections.end(), "send() to a connection that was never opened");
    connection_model& c = it->second;
    MQTT_FUZZ_CHECK(c.open, "send() to a connection that is closed or dropped");
    ++w_.sends;
    // What the client would decode: its own version (CONNACK of a refused, unknown version: 3.1.1 layout).
    codec::decode_options o;
    o.version = c.version == protocol_version::unknown ? protocol_version::v311 : c.version;
    auto d = codec::decode(packet, o);
    if (!d && c.version == protocol_version::unknown) {
        o.version = protocol_version::v5;
        d = codec::decode(packet, o);
    }
    MQTT_FUZZ_CHECK(d.has_value(), std::string("the engine sent a packet the client cannot decode: ") +
                                       std::string(d ? "" : codec::name(d.error().code)) + ": " + fuzz::hex(packet));
    MQTT_FUZZ_CHECK(d->consumed == packet.size(), "send() carries more or less than one packet");
    // MQTT-3.1.2-24 (v5): nothing larger than the client's Maximum Packet Size.
    MQTT_FUZZ_CHECK(c.maximum_packet_size == 0 || packet.size() <= c.maximum_packet_size,
                    "a packet above the client's Maximum Packet Size");
    const auto* p = std::get_if<codec::publish_view>(&d->packet);
    if (p == nullptr) return;
    std::string topic(p->topic);
    if (const auto alias = p->properties.find(codec::property_id::topic_alias)) {
        const auto a = static_cast<std::uint16_t>(alias->integer);
        // MQTT-3.3.2-9/10 (v5): an alias between 1 and the client's Topic Alias Maximum.
        MQTT_FUZZ_CHECK(a >= 1 && a <= c.topic_alias_maximum, "a topic alias above the client's maximum");
        if (topic.empty()) {
            const auto known = c.aliases.find(a);
            MQTT_FUZZ_CHECK(known != c.aliases.end(), "PUBLISH by a topic alias the engine never set");
            topic = known->second;
        } else {
            c.aliases[a] = topic;
        }
    }
    const auto subs = w_.subscribed.find(c.client_key);
    bool matched = false;
    if (subs != w_.subscribed.end()) {
        for (const std::string& f : subs->second) {
            const auto shared = fuzz::ref::parse_shared(f);
            if (fuzz::ref::matches(shared ? shared->filter : std::string_view(f), topic)) {
                matched = true;
                break;
            }
        }
    }
    ++w_.publishes_checked;
    MQTT_FUZZ_CHECK(matched, "PUBLISH \"" + topic + "\" delivered to client \"" + c.client_key +
                                 "\", which never subscribed to a matching filter");
}

void checking_transport::close(connection_id id, codec::reason_code why) {
    auto it = w_.connections.find(id);
    MQTT_FUZZ_CHECK(it != w_.connections.end(), "close() of a connection that was never opened");
    MQTT_FUZZ_CHECK(it->second.open, "close() of a connection already closed or dropped");
    MQTT_FUZZ_CHECK(codec::name(why) != "Unknown reason code", "close() without a valid reason code");
    it->second.open = false;
}

// One client position: its current connection and the bytes it has sent that the engine has not decoded yet.
struct slot {
    connection_id id = 0;
    std::vector<std::byte> rx;
};

class driver {
public:
    driver(const broker::config& cfg, fuzz::input& in) : transport_(w_), engine_(cfg, transport_), in_(in) {
        max_packet_size_ = cfg.max_packet_size;
        for (auto& s : slots_) open(s);
    }

    void run() {
        for (int op = 0; op < max_operations && !in_.empty(); ++op) step();
        engine_.shutdown(now_);
        for (const auto& [id, c] : w_.connections)
            MQTT_FUZZ_CHECK(!c.open, "a connection is still open after shutdown()");
    }
    [[nodiscard]] const world& seen() const noexcept { return w_; }

private:
    void open(slot& s) {
        s.id = next_id_++;
        s.rx.clear();
        connection_model m;
        m.open = true;
        m.client_key = "#" + std::to_string(s.id);
        w_.connections[s.id] = m;
        engine_.on_connect(s.id, broker::peer_info{"127.0.0.1:1", "fuzz", {}}, now_);
    }
    connection_model& model(const slot& s) { return w_.connections[s.id]; }
    slot& pick() { return slots_[in_.u8() % slot_count]; }
    // Structured operations reopen a closed slot first, so scripts get somewhere.
    slot& pick_open() {
        slot& s = pick();
        if (!model(s).open) open(s);
        return s;
    }

    // Topic names and filters from a small vocabulary, so that names and filters meet.
    std::string topic(bool filter) {
        static constexpr std::array<std::string_view, 8> levels = {"a", "b", "c", "$x", "+", "#", "", "a"};
        const std::uint8_t b = in_.u8();
        std::string t = filter && (b & 0x80u) != 0 ? "$share/g/" : "";
        const unsigned n = 1u + (b & 3u);
        for (unsigned i = 0; i < n; ++i) {
            if (i != 0) t += '/';
            std::string_view l = levels[in_.u8() % levels.size()];
            // A topic name normally has no wildcards: keep one only when bit 6 asks for an invalid name.
            if (!filter && (l == "+" || l == "#") && (b & 0x40u) == 0) l = "w";
            t += l;
        }
        return t;
    }

    void push(slot& s, const codec::packet_view& p) {
        protocol_version v = model(s).version;
        if (const auto* c = std::get_if<codec::connect_view>(&p)) v = c->version;
        if (v == protocol_version::unknown) v = protocol_version::v311;
        const std::size_t n = codec::encoded_size(p, v);
        if (n > 1'000'000) return;
        std::vector<std::byte> buf(n);
        if (!codec::encode(p, v, buf)) return;
        s.rx.insert(s.rx.end(), buf.begin(), buf.end());
        deliver(s);
    }

    // The transport's decode loop for one connection.
    void deliver(slot& s) {
        while (model(s).open && !s.rx.empty()) {
            codec::decode_options o;
            o.version = engine_.version_of(s.id);
            o.max_packet_size = max_packet_size_;
            const auto r = codec::decode(s.rx, o);
            if (!r && r.error().code == codec::errc::incomplete) return;
            if (!r) {
                engine_.on_decode_error(s.id, r.error(), now_);
                MQTT_FUZZ_CHECK(!model(s).open, std::string("connection still open after a decode error: ") +
                                                     std::string(codec::name(r.error().code)));
                s.rx.clear();
                return;
            }
            note(s, r->packet);
            engine_.on_packet(s.id, r->packet, now_);  // views into s.rx: erase only afterwards
            s.rx.erase(s.rx.begin(), s.rx.begin() + static_cast<std::ptrdiff_t>(r->consumed));
        }
        if (!model(s).open) s.rx.clear();
    }

    // What the model learns from a packet the client sends.
    void note(slot& s, const codec::packet_view& p) {
        connection_model& m = model(s);
        if (const auto* c = std::get_if<codec::connect_view>(&p)) {
            if (m.version != protocol_version::unknown) return;  // a second CONNECT only closes the connection
            m.version = c->version;
            if (!c->client_id.empty()) m.client_key = std::string(c->client_id);
            if (const auto mps = c->properties.find(codec::property_id::maximum_packet_size))
                m.maximum_packet_size = mps->integer;
            if (const auto tam = c->properties.find(codec::property_id::topic_alias_maximum))
                m.topic_alias_maximum = tam->integer;
        } else if (const auto* sub = std::get_if<codec::subscribe_view>(&p)) {
            for (const auto& f : sub->subscriptions) w_.subscribed[m.client_key].emplace(f.topic_filter);
        }
    }

    void step() {
        switch (in_.u8() % 11) {
        case 0: {  // raw bytes from a client
            slot& s = pick_open();
            const auto b = in_.take(in_.u8());
            s.rx.insert(s.rx.end(), b.begin(), b.end());
            deliver(s);
            break;
        }
        case 1: connect(pick_open()); break;
        case 2: subscribe(pick_open()); break;
        case 3: publish(pick_open()); break;
        case 4: acknowledge(pick_open()); break;
        case 5: {
            slot& s = pick_open();
            const std::string f = topic(true);
            const std::array<std::string_view, 1> filters{f};
            codec::unsubscribe_view u;
            u.packet_id = static_cast<std::uint16_t>(in_.u8() + 1u);
            u.topic_filters = std::span<const std::string_view>(filters);
            push(s, u);
            break;
        }
        case 6: push(pick_open(), codec::pingreq_view{}); break;
        case 7: {
            slot& s = pick_open();
            codec::disconnect_view d;
            const std::uint8_t b = in_.u8();
            d.reason = (b & 1u) != 0 ? codec::reason_code::disconnect_with_will_message : codec::reason_code::success;
            push(s, d);
            break;
        }
        case 8: {  // time passes
            const std::uint8_t b = in_.u8();
            now_ += (b & 0x80u) != 0 ? std::chrono::seconds(b & 0x7Fu) * 60 : std::chrono::milliseconds(250) * b;
            (void)engine_.on_tick(now_);
            break;
        }
        case 9: {  // the network drops a connection
            slot& s = pick();
            if (model(s).open) {
                model(s).open = false;
                engine_.on_disconnect(s.id, now_);
            }
            break;
        }
        case 10: {  // a new connection in this slot (the old one dropped, if still open)
            slot& s = pick();
            if (model(s).open) {
                model(s).open = false;
                engine_.on_disconnect(s.id, now_);
            }
            open(s);
            break;
        }
        default: break;
        }
    }

    void connect(slot& s) {
        const std::uint8_t flags = in_.u8();
        const std::uint8_t extra = in_.u8();
        codec::connect_view c;
        c.version = (flags & 1u) != 0 ? protocol_version::v5 : protocol_version::v311;
        c.clean_start = (flags & 2u) != 0;
        c.keep_alive = static_cast<std::uint16_t>(extra & 0x0Fu);
        static constexpr std::array<std::string_view, 4> ids = {"c0", "c1", "c2", ""};
        c.client_id = ids[(extra >> 4) & 3u];
        std::vector<codec::property> props;
        if (c.version == protocol_version::v5) {
            if ((extra & 0x40u) != 0) props.push_back(codec::property::number(codec::property_id::session_expiry_interval, 3600));
            if ((extra & 0x80u) != 0) {
                props.push_back(codec::property::number(codec::property_id::receive_maximum, 1));
                props.push_back(codec::property::number(codec::property_id::topic_alias_maximum, 2));
                props.push_back(codec::property::number(codec::property_id::maximum_packet_size, 64));
            }
            c.properties = std::span<const codec::property>(props);
        }
        std::string will_topic;
        if ((flags & 4u) != 0) {
            will_topic = topic(false);
            codec::will_view w;
            w.topic = will_topic;
            w.qos = static_cast<codec::qos>(((flags >> 4) & 3u) % 3u);
            w.retain = (flags & 0x40u) != 0;
            c.will = w;
        }
        if ((flags & 8u) != 0) c.username = "user";
        push(s, c);
    }

    void subscribe(slot& s) {
        const std::uint8_t b = in_.u8();
        std::vector<std::string> filters;
        const unsigned n = 1u + (b & 1u);
        for (unsigned i = 0; i < n; ++i) filters.push_back(topic(true));
        std::vector<codec::subscription> subs;
        for (const auto& f : filters) {
            const std::uint8_t o = in_.u8();
            codec::subscribe_options opt;
            opt.max_qos = static_cast<codec::qos>((o & 3u) % 3u);
            opt.no_local = (o & 4u) != 0;
            opt.retain_as_published = (o & 8u) != 0;
            opt.retain_handling = static_cast<std::uint8_t>(((o >> 4) & 3u) % 3u);
            subs.push_back({f, opt});
        }
        codec::subscribe_view v;
        v.packet_id = static_cast<std::uint16_t>(in_.u8() + 1u);
        v.subscriptions = std::span<const codec::subscription>(subs);
        std::vector<codec::property> props;
        if ((b & 2u) != 0) props.push_back(codec::property::number(codec::property_id::subscription_identifier, 5));
        v.properties = std::span<const codec::property>(props);
        push(s, v);
    }

    void publish(slot& s) {
        const std::uint8_t b = in_.u8();
        const std::string t = topic(false);
        codec::publish_view p;
        p.topic = t;
        p.qos = static_cast<codec::qos>((b & 3u) % 3u);
        p.retain = (b & 4u) != 0;
        p.dup = (b & 8u) != 0 && p.qos != codec::qos::at_most_once;
        if (p.qos != codec::qos::at_most_once) p.packet_id = static_cast<std::uint16_t>(in_.u8() % 4u + 1u);
        const auto payload = in_.take((b >> 4) & 3u);  // retained messages with empty payloads clear
        p.payload = payload;
        std::vector<codec::property> props;
        if ((b & 0x40u) != 0) {
            props.push_back(codec::property::number(codec::property_id::topic_alias, 1u + (b >> 7)));
            if ((b & 0x80u) != 0) p.topic = {};  // by alias only (valid once the alias is set)
        }
        p.properties = std::span<const codec::property>(props);
        push(s, p);
    }

    void acknowledge(slot& s) {
        const std::uint8_t b = in_.u8();
        const auto id = static_cast<std::uint16_t>(in_.u8() % 4u + 1u);
        switch (b & 3u) {
        case 0: push(s, codec::puback_view{id, codec::reason_code::success, {}}); break;
        case 1: push(s, codec::pubrec_view{id, codec::reason_code::success, {}}); break;
        case 2: push(s, codec::pubrel_view{id, codec::reason_code::success, {}}); break;
        default: push(s, codec::pubcomp_view{id, codec::reason_code::success, {}}); break;
        }
    }

    world w_;
    checking_transport transport_;
    broker::engine engine_;
    fuzz::input& in_;
    std::array<slot, slot_count> slots_{};
    time_point now_{std::chrono::hours(1)};
    connection_id next_id_ = 1;
    std::uint32_t max_packet_size_ = 0;
};

broker::config config_from(std::uint8_t b) {
    broker::config c;
    if ((b & 0x01u) != 0) {
        c.receive_maximum = 2;
        c.max_inflight_messages = 2;
        c.max_queued_messages = 3;
    }
    if ((b & 0x02u) != 0) c.topic_alias_maximum = 2;
    if ((b & 0x04u) != 0) c.maximum_qos = codec::qos::at_least_once;
    if ((b & 0x08u) != 0) c.retain_available = false;
    if ((b & 0x10u) != 0) {
        c.wildcard_subscription_available = false;
        c.shared_subscription_available = false;
        c.subscription_identifier_available = false;
    }
    if ((b & 0x20u) != 0) c.allow_zero_length_client_id = false;
    if ((b & 0x40u) != 0) c.max_packet_size = 128;
    if ((b & 0x80u) != 0) c.max_session_expiry_interval = 60;
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(fuzz::as_bytes(data, size));
    const broker::config cfg = config_from(in.u8());
    driver d(cfg, in);
    d.run();
    // MQTT_FUZZ_VERBOSE=1 (replaying a corpus): how much each script exercised.
    static const bool verbose = std::getenv("MQTT_FUZZ_VERBOSE") != nullptr;
    if (verbose)
        std::fprintf(stderr, "fuzz_engine: %zu connections, %llu packets sent, %llu PUBLISH deliveries checked\n",
                     d.seen().connections.size(), static_cast<unsigned long long>(d.seen().sends),
                     static_cast<unsigned long long>(d.seen().publishes_checked));
    return 0;
}
