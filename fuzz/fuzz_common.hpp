#pragma once
// Shared helpers of the fuzz targets: a failing check that aborts (so libFuzzer and the replayer report it), a
// tiny input splitter, the "first byte picks the decode options" convention, and a field-by-field comparison of
// two packet views used by the differential targets.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>
#include <mqtt/codec/packets.hpp>
#include <mqtt/codec/properties.hpp>
#include <mqtt/codec/result.hpp>

// A property every input must satisfy; on failure print where and why, then abort (a libFuzzer "crash").
#define MQTT_FUZZ_CHECK(cond, what)                                                                    \
    do {                                                                                               \
        if (!(cond)) ::mqtt::fuzz::check_failed(__FILE__, __LINE__, #cond, (what));                    \
    } while (false)

namespace mqtt::fuzz {

using codec::bytes_view;

[[noreturn]] inline void check_failed(const char* file, int line, const char* cond, std::string_view what) {
    std::fprintf(stderr, "\n==fuzz check failed== %s:%d: %s\n  %.*s\n", file, line, cond,
                 static_cast<int>(what.size()), what.data());
    std::abort();
}

inline bytes_view as_bytes(const std::uint8_t* data, std::size_t size) noexcept {
    return {reinterpret_cast<const std::byte*>(data), size};  // NOLINT: the fuzz input viewed as bytes
}

inline std::string hex(bytes_view b, std::size_t limit = 64) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < b.size() && i < limit; ++i) {
        const auto v = std::to_integer<unsigned>(b[i]);
        s += digits[v >> 4];
        s += digits[v & 0xFu];
        s += ' ';
    }
    if (b.size() > limit) s += "...";
    return s;
}

// Consumes the fuzz input from the front.
class input {
public:
    explicit input(bytes_view all) noexcept : rest_(all) {}
    [[nodiscard]] bool empty() const noexcept { return rest_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return rest_.size(); }
    std::uint8_t u8() noexcept {
        if (rest_.empty()) return 0;
        const auto v = std::to_integer<std::uint8_t>(rest_[0]);
        rest_ = rest_.subspan(1);
        return v;
    }
    std::uint16_t u16() noexcept { return static_cast<std::uint16_t>((unsigned{u8()} << 8) | u8()); }
    std::uint32_t u32() noexcept { return (std::uint32_t{u16()} << 16) | u16(); }
    bytes_view take(std::size_t n) noexcept {
        n = std::min(n, rest_.size());
        auto b = rest_.first(n);
        rest_ = rest_.subspan(n);
        return b;
    }
    bytes_view rest() noexcept { return take(rest_.size()); }

private:
    bytes_view rest_;
};

// The first byte of fuzz_decode/fuzz_roundtrip/fuzz_stream inputs (docs/fuzzing.md):
// bits 0-1: 0 unknown (CONNECT first), 1 v3.1.1, 2 and 3 v5; bits 2-3: max_packet_size 0 = default,
// 1 = 64, 2 = 2 + (bits 4-7), 3 = 4096.
inline codec::decode_options options_from_byte(std::uint8_t b) noexcept {
    codec::decode_options o;
    switch (b & 0x03u) {
    case 0: o.version = codec::protocol_version::unknown; break;
    case 1: o.version = codec::protocol_version::v311; break;
    default: o.version = codec::protocol_version::v5; break;
    }
    switch ((b >> 2) & 0x03u) {
    case 1: o.max_packet_size = 64; break;
    case 2: o.max_packet_size = 2u + (b >> 4); break;
    case 3: o.max_packet_size = 4096; break;
    default: break;
    }
    return o;
}

// After a CONNECT the connection speaks the CONNECT's version (what a transport does).
inline void follow_connect(const codec::packet_view& p, codec::decode_options& o) noexcept {
    if (const auto* c = std::get_if<codec::connect_view>(&p)) o.version = c->version;
}

inline bool same_bytes(bytes_view a, bytes_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Field-by-field comparison. Returns an empty string when equal, else the first difference.
class comparer {
public:
    std::string diff;

    void field(bool equal, const char* name) {
        if (!equal && diff.empty()) diff = name;
    }
    void text(std::string_view a, std::string_view b, const char* name) { field(a == b, name); }
    void binary(bytes_view a, bytes_view b, const char* name) { field(same_bytes(a, b), name); }

    void properties(const codec::properties_view& a, const codec::properties_view& b, const char* name) {
        auto ia = a.begin(), ib = b.begin();
        for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
            field(ia->id == ib->id, name);
            field(ia->integer == ib->integer, name);
            text(ia->text, ib->text, name);
            text(ia->value, ib->value, name);
            binary(ia->binary, ib->binary, name);
        }
        field(ia == a.end() && ib == b.end(), name);
    }
    template <class List>
    void list(const List& a, const List& b, const char* name) {
        auto ia = a.begin(), ib = b.begin();
        for (; ia != a.end() && ib != b.end(); ++ia, ++ib) element(*ia, *ib, name);
        field(ia == a.end() && ib == b.end(), name);
    }

    void packet(const codec::packet_view& a, const codec::packet_view& b) {
        field(a.index() == b.index(), "packet type");
        if (a.index() != b.index()) return;
        std::visit([&](const auto& va) { view(va, std::get<std::decay_t<decltype(va)>>(b)); }, a);
    }

private:
    void element(const codec::subscription& a, const codec::subscription& b, const char* name) {
        text(a.topic_filter, b.topic_filter, name);
        field(a.options == b.options, name);
    }
    void element(std::string_view a, std::string_view b, const char* name) { text(a, b, name); }
    void element(codec::reason_code a, codec::reason_code b, const char* name) { field(a == b, name); }

    void view(const codec::connect_view& a, const codec::connect_view& b) {
        field(a.version == b.version, "connect.version");
        field(a.clean_start == b.clean_start, "connect.clean_start");
        field(a.keep_alive == b.keep_alive, "connect.keep_alive");
        properties(a.properties, b.properties, "connect.properties");
        text(a.client_id, b.client_id, "connect.client_id");
        field(a.will.has_value() == b.will.has_value(), "connect.will");
        if (a.will && b.will) {
            text(a.will->topic, b.will->topic, "will.topic");
            binary(a.will->payload, b.will->payload, "will.payload");
            field(a.will->qos == b.will->qos, "will.qos");
            field(a.will->retain == b.will->retain, "will.retain");
            properties(a.will->properties, b.will->properties, "will.properties");
        }
        field(a.username.has_value() == b.username.has_value(), "connect.username");
        if (a.username && b.username) text(*a.username, *b.username, "connect.username");
        field(a.password.has_value() == b.password.has_value(), "connect.password");
        if (a.password && b.password) binary(*a.password, *b.password, "connect.password");
    }
    void view(const codec::connack_view& a, const codec::connack_view& b) {
        field(a.session_present == b.session_present, "connack.session_present");
        field(a.reason == b.reason, "connack.reason");
        properties(a.properties, b.properties, "connack.properties");
    }
    void view(const codec::publish_view& a, const codec::publish_view& b) {
        text(a.topic, b.topic, "publish.topic");
        binary(a.payload, b.payload, "publish.payload");
        field(a.packet_id == b.packet_id, "publish.packet_id");
        field(a.qos == b.qos, "publish.qos");
        field(a.retain == b.retain, "publish.retain");
        field(a.dup == b.dup, "publish.dup");
        properties(a.properties, b.properties, "publish.properties");
    }
    template <codec::packet_type T>
    void view(const codec::pub_response_view<T>& a, const codec::pub_response_view<T>& b) {
        field(a.packet_id == b.packet_id, "pub_response.packet_id");
        field(a.reason == b.reason, "pub_response.reason");
        properties(a.properties, b.properties, "pub_response.properties");
    }
    void view(const codec::subscribe_view& a, const codec::subscribe_view& b) {
        field(a.packet_id == b.packet_id, "subscribe.packet_id");
        properties(a.properties, b.properties, "subscribe.properties");
        list(a.subscriptions, b.subscriptions, "subscribe.subscriptions");
    }
    void view(const codec::suback_view& a, const codec::suback_view& b) {
        field(a.packet_id == b.packet_id, "suback.packet_id");
        properties(a.properties, b.properties, "suback.properties");
        list(a.reason_codes, b.reason_codes, "suback.reason_codes");
    }
    void view(const codec::unsubscribe_view& a, const codec::unsubscribe_view& b) {
        field(a.packet_id == b.packet_id, "unsubscribe.packet_id");
        properties(a.properties, b.properties, "unsubscribe.properties");
        list(a.topic_filters, b.topic_filters, "unsubscribe.topic_filters");
    }
    void view(const codec::unsuback_view& a, const codec::unsuback_view& b) {
        field(a.packet_id == b.packet_id, "unsuback.packet_id");
        properties(a.properties, b.properties, "unsuback.properties");
        list(a.reason_codes, b.reason_codes, "unsuback.reason_codes");
    }
    void view(const codec::pingreq_view&, const codec::pingreq_view&) {}
    void view(const codec::pingresp_view&, const codec::pingresp_view&) {}
    void view(const codec::disconnect_view& a, const codec::disconnect_view& b) {
        field(a.reason == b.reason, "disconnect.reason");
        properties(a.properties, b.properties, "disconnect.properties");
    }
    void view(const codec::auth_view& a, const codec::auth_view& b) {
        field(a.reason == b.reason, "auth.reason");
        properties(a.properties, b.properties, "auth.properties");
    }
};

inline std::string packet_diff(const codec::packet_view& a, const codec::packet_view& b) {
    comparer c;
    c.packet(a, b);
    return c.diff;
}

// Reads every byte every view of `p` points at (so AddressSanitizer checks the views stay inside the input)
// and returns a checksum the caller must use.
inline std::uint32_t touch(bytes_view b) noexcept {
    std::uint32_t sum = 0;
    for (std::byte x : b) sum = sum * 31u + std::to_integer<std::uint32_t>(x);
    return sum;
}
inline std::uint32_t touch(std::string_view s) noexcept {
    return touch(bytes_view{reinterpret_cast<const std::byte*>(s.data()), s.size()});  // NOLINT
}
inline std::uint32_t touch(const codec::properties_view& props) noexcept {
    std::uint32_t sum = 0;
    std::size_t wire = 0;
    for (const codec::property& p : props) {
        sum += static_cast<std::uint32_t>(p.id) + p.integer + touch(p.text) + touch(p.value) + touch(p.binary);
        MQTT_FUZZ_CHECK(codec::type_of(p.id) != codec::property_type::invalid, "decoded property has no type");
        wire += codec::encoded_size(p);
        // find() returns the first property with an identifier: it exists for every identifier iterated.
        MQTT_FUZZ_CHECK(props.find(p.id).has_value(), "find() misses an iterated property");
    }
    MQTT_FUZZ_CHECK(wire == props.wire_size(), "sum of encoded_size(property) != wire_size()");
    return sum;
}
inline std::uint32_t touch(const codec::packet_view& packet) noexcept {
    return std::visit(
        [](const auto& v) -> std::uint32_t {
            using V = std::decay_t<decltype(v)>;
            std::uint32_t sum = 0;
            if constexpr (std::is_same_v<V, codec::connect_view>) {
                sum += touch(v.properties) + touch(v.client_id);
                if (v.will) sum += touch(v.will->topic) + touch(v.will->payload) + touch(v.will->properties);
                if (v.username) sum += touch(*v.username);
                if (v.password) sum += touch(*v.password);
            } else if constexpr (std::is_same_v<V, codec::publish_view>) {
                sum += touch(v.topic) + touch(v.payload) + touch(v.properties) + v.packet_id;
            } else if constexpr (std::is_same_v<V, codec::subscribe_view>) {
                sum += touch(v.properties);
                std::size_t n = 0;
                for (const auto& s : v.subscriptions) {
                    sum += touch(s.topic_filter) + static_cast<std::uint32_t>(s.options.max_qos);
                    ++n;
                }
                MQTT_FUZZ_CHECK(n == v.subscriptions.size() && n > 0, "subscription list size");
            } else if constexpr (std::is_same_v<V, codec::unsubscribe_view>) {
                sum += touch(v.properties);
                for (std::string_view f : v.topic_filters) sum += touch(f);
                MQTT_FUZZ_CHECK(!v.topic_filters.empty(), "empty topic filter list decoded");
            } else if constexpr (std::is_same_v<V, codec::suback_view> || std::is_same_v<V, codec::unsuback_view>) {
                sum += touch(v.properties);
                for (codec::reason_code c : v.reason_codes) sum += static_cast<std::uint32_t>(c);
            } else if constexpr (requires { v.properties; }) {
                sum += touch(v.properties);
            }
            return sum;
        },
        packet);
}

}  // namespace mqtt::fuzz
