// fuzz_properties: MQTT 5.0 property lists. The input is the property bytes of a v5 packet in a chosen context
// (byte 0: context, 0..13 = property_context order; bit 0x80 with PUBLISH: an empty topic, so a Topic Alias is
// required); this target wraps them in an otherwise valid packet, with the Property Length computed, and decodes
// it. Checks: the codec accepts exactly what a reference validator written from Table 2-4 and section 3 accepts;
// a decoded list is a view of exactly the input bytes; and re-encoding the packet from a caller-built list of the
// iterated properties gives the original packet byte for byte (the writer of caller-built properties against the
// wire copy).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>
#include <mqtt/codec/topic.hpp>
#include <mqtt/codec/varint.hpp>

#include "fuzz_common.hpp"
#include "reference.hpp"

namespace {
using namespace mqtt;
using codec::property_context;

constexpr std::size_t context_count = 14;

// Table 2-4 as written in the spec: identifier, type letter, the packets where it may appear.
// Types: b byte, 2 two-byte, 4 four-byte, v variable byte integer, s UTF-8 string, d binary data, p string pair.
struct ref_rule {
    std::uint8_t id;
    char type;
    std::uint16_t where;  // bit per property_context
};
constexpr std::uint16_t in_(std::initializer_list<property_context> cs) {
    std::uint16_t m = 0;
    for (auto c : cs) m = static_cast<std::uint16_t>(m | (1u << static_cast<unsigned>(c)));
    return m;
}
using pc = property_context;
const std::array<ref_rule, 27> table = {{
    {0x01, 'b', in_({pc::publish, pc::will})},                      // Payload Format Indicator
    {0x02, '4', in_({pc::publish, pc::will})},                      // Message Expiry Interval
    {0x03, 's', in_({pc::publish, pc::will})},                      // Content Type
    {0x08, 's', in_({pc::publish, pc::will})},                      // Response Topic
    {0x09, 'd', in_({pc::publish, pc::will})},                      // Correlation Data
    {0x0B, 'v', in_({pc::publish, pc::subscribe})},                 // Subscription Identifier
    {0x11, '4', in_({pc::connect, pc::connack, pc::disconnect})},   // Session Expiry Interval
    {0x12, 's', in_({pc::connack})},                                // Assigned Client Identifier
    {0x13, '2', in_({pc::connack})},                                // Server Keep Alive
    {0x15, 's', in_({pc::connect, pc::connack, pc::auth})},         // Authentication Method
    {0x16, 'd', in_({pc::connect, pc::connack, pc::auth})},         // Authentication Data
    {0x17, 'b', in_({pc::connect})},                                // Request Problem Information
    {0x18, '4', in_({pc::will})},                                   // Will Delay Interval
    {0x19, 'b', in_({pc::connect})},                                // Request Response Information
    {0x1A, 's', in_({pc::connack})},                                // Response Information
    {0x1C, 's', in_({pc::connack, pc::disconnect})},                // Server Reference
    {0x1F, 's', in_({pc::connack, pc::puback, pc::pubrec, pc::pubrel, pc::pubcomp, pc::suback, pc::unsuback,
                     pc::disconnect, pc::auth})},                   // Reason String
    {0x21, '2', in_({pc::connect, pc::connack})},                   // Receive Maximum
    {0x22, '2', in_({pc::connect, pc::connack})},                   // Topic Alias Maximum
    {0x23, '2', in_({pc::publish})},                                // Topic Alias
    {0x24, 'b', in_({pc::connack})},                                // Maximum QoS
    {0x25, 'b', in_({pc::connack})},                                // Retain Available
    {0x26, 'p', 0x3FFF},                                            // User Property: every packet with properties
    {0x27, '4', in_({pc::connect, pc::connack})},                   // Maximum Packet Size
    {0x28, 'b', in_({pc::connack})},                                // Wildcard Subscription Available
    {0x29, 'b', in_({pc::connack})},                                // Subscription Identifier Available
    {0x2A, 'b', in_({pc::connack})},                                // Shared Subscription Available
}};

const ref_rule* rule_for(std::uint8_t id) {
    for (const auto& r : table)
        if (r.id == id) return &r;
    return nullptr;
}

// Reference: whether a property list (the bytes after Property Length) is acceptable in `where`.
struct ref_reader {
    fuzz::bytes_view b;
    std::size_t pos = 0;
    bool take(std::size_t n) {
        if (b.size() - pos < n) return false;
        pos += n;
        return true;
    }
    std::uint32_t be(std::size_t at, std::size_t n) const {
        std::uint32_t v = 0;
        for (std::size_t i = 0; i < n; ++i) v = (v << 8) | std::to_integer<std::uint32_t>(b[at + i]);
        return v;
    }
    bool string(std::string_view& out) {
        if (!take(2)) return false;
        const std::size_t n = be(pos - 2, 2);
        if (!take(n)) return false;
        out = {reinterpret_cast<const char*>(b.data() + pos - n), n};  // NOLINT
        return true;
    }
};

bool reference_accepts(fuzz::bytes_view bytes, property_context where, bool empty_topic) {
    ref_reader r{bytes};
    std::array<int, 256> count{};
    bool has_alias = false;
    while (r.pos < bytes.size()) {
        const auto id = std::to_integer<std::uint8_t>(bytes[r.pos]);
        r.pos += 1;
        // Identifiers are Variable Byte Integers, but every defined one is a single byte below 0x80; a longer
        // (non-shortest) encoding is malformed.
        const ref_rule* rule = rule_for(id);
        if (rule == nullptr) return false;
        if ((rule->where & (1u << static_cast<unsigned>(where))) == 0) return false;
        // Section 3: including any property more than once is a protocol error, except User Property, and
        // Subscription Identifier in PUBLISH (one per matching subscription).
        const bool repeatable = id == 0x26 || (id == 0x0B && where == pc::publish);
        if (++count[id] > 1 && !repeatable) return false;
        std::uint32_t value = 0;
        switch (rule->type) {
        case 'b': if (!r.take(1)) return false; value = r.be(r.pos - 1, 1); break;
        case '2': if (!r.take(2)) return false; value = r.be(r.pos - 2, 2); break;
        case '4': if (!r.take(4)) return false; value = r.be(r.pos - 4, 4); break;
        case 'v': {
            std::uint32_t mult = 1;
            std::size_t n = 0;
            for (;; ++n) {
                if (n == 4 || r.pos >= bytes.size()) return false;
                const auto d = std::to_integer<std::uint32_t>(bytes[r.pos++]);
                value += (d & 127u) * mult;
                mult *= 128;
                if ((d & 128u) == 0) {
                    if (n > 0 && d == 0) return false;  // MQTT-1.5.5-1: shortest form
                    break;
                }
            }
            break;
        }
        case 's': {
            std::string_view s;
            if (!r.string(s) || fuzz::ref::utf8(s).result != fuzz::ref::utf8_result::ok) return false;
            if (id == 0x08 && !fuzz::ref::topic_name_valid(s)) return false;  // MQTT-3.3.2-14: a topic name
            break;
        }
        case 'd': {
            if (!r.take(2)) return false;
            if (!r.take(r.be(r.pos - 2, 2))) return false;
            break;
        }
        case 'p': {
            std::string_view k, v;
            if (!r.string(k) || !r.string(v)) return false;
            if (fuzz::ref::utf8(k).result != fuzz::ref::utf8_result::ok ||
                fuzz::ref::utf8(v).result != fuzz::ref::utf8_result::ok)
                return false;
            break;
        }
        default: return false;
        }
        switch (id) {
        case 0x01: case 0x17: case 0x19: case 0x24: case 0x25: case 0x28: case 0x29: case 0x2A:
            if (value > 1) return false;  // "a Protocol Error to have a value other than 0 or 1"
            break;
        case 0x21: case 0x27: case 0x23: case 0x0B:
            if (value == 0) return false;  // Receive Maximum, Maximum Packet Size, Topic Alias, Subscription Id
            break;
        default: break;
        }
        has_alias |= id == 0x23;
    }
    // Authentication Data without Authentication Method is a protocol error (sections 3.1.2.11.10, 3.2.2.3.18).
    if (count[0x16] > 0 && count[0x15] == 0) return false;
    // MQTT-3.3.2-12 (v5): an empty topic name needs a Topic Alias.
    if (empty_topic && !has_alias) return false;
    return true;
}

void put_varint(std::vector<std::byte>& out, std::uint32_t v) {
    std::array<std::byte, 4> buf{};
    const std::size_t n = codec::write_variable_byte_integer(v, buf.data());
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
}
void put(std::vector<std::byte>& out, std::initializer_list<unsigned> bytes) {
    for (unsigned b : bytes) out.push_back(static_cast<std::byte>(b));
}

// The packet with Property Length + `props` in the `where` slot. Everything else is fixed and valid.
std::vector<std::byte> build(property_context where, fuzz::bytes_view props, bool empty_topic) {
    std::vector<std::byte> body;
    auto properties = [&] {
        put_varint(body, static_cast<std::uint32_t>(props.size()));
        body.insert(body.end(), props.begin(), props.end());
    };
    unsigned first = 0;
    switch (where) {
    case pc::connect:
    case pc::will:
        first = 0x10;
        put(body, {0, 4, 'M', 'Q', 'T', 'T', 5, where == pc::will ? 0x06u : 0x02u, 0, 60});
        if (where == pc::connect) properties();
        else put(body, {0});
        put(body, {0, 1, 'c'});
        if (where == pc::will) {
            properties();
            put(body, {0, 1, 't', 0, 1, 'p'});
        }
        break;
    case pc::connack: first = 0x20; put(body, {0, 0}); properties(); break;
    case pc::publish:
        first = 0x30;
        if (empty_topic) put(body, {0, 0});
        else put(body, {0, 1, 'a'});
        properties();
        put(body, {'x'});
        break;
    case pc::puback: first = 0x40; put(body, {0, 1, 0}); properties(); break;
    case pc::pubrec: first = 0x50; put(body, {0, 1, 0}); properties(); break;
    case pc::pubrel: first = 0x62; put(body, {0, 1, 0}); properties(); break;
    case pc::pubcomp: first = 0x70; put(body, {0, 1, 0}); properties(); break;
    case pc::subscribe: first = 0x82; put(body, {0, 1}); properties(); put(body, {0, 1, 'a', 0}); break;
    case pc::suback: first = 0x90; put(body, {0, 1}); properties(); put(body, {0}); break;
    case pc::unsubscribe: first = 0xA2; put(body, {0, 1}); properties(); put(body, {0, 1, 'a'}); break;
    case pc::unsuback: first = 0xB0; put(body, {0, 1}); properties(); put(body, {0}); break;
    case pc::disconnect: first = 0xE0; put(body, {0}); properties(); break;
    case pc::auth: first = 0xF0; put(body, {0}); properties(); break;
    }
    std::vector<std::byte> packet;
    put(packet, {first});
    put_varint(packet, static_cast<std::uint32_t>(body.size()));
    packet.insert(packet.end(), body.begin(), body.end());
    return packet;
}

// The decoded properties of the `where` slot, and a way to replace them.
codec::properties_view* slot(codec::packet_view& p, property_context where) {
    return std::visit(
        [&](auto& v) -> codec::properties_view* {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, codec::connect_view>) {
                if (where == pc::will) return v.will ? &v.will->properties : nullptr;
                return &v.properties;
            } else if constexpr (requires { v.properties; }) {
                return &v.properties;
            } else {
                return nullptr;
            }
        },
        p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(fuzz::as_bytes(data, size));
    const std::uint8_t selector = in.u8();
    const auto where = static_cast<property_context>((selector & 0x7Fu) % context_count);
    const bool empty_topic = where == pc::publish && (selector & 0x80u) != 0;
    const fuzz::bytes_view props = in.rest();
    if (props.size() > 100'000) return 0;

    const std::vector<std::byte> packet = build(where, props, empty_topic);
    codec::decode_options options;
    options.version = codec::protocol_version::v5;
    const auto r = codec::decode(packet, options);
    const bool want = reference_accepts(props, where, empty_topic);
    if (!r) {
        const codec::errc e = r.error().code;
        MQTT_FUZZ_CHECK(!want, std::string("codec rejects what the reference accepts: ") +
                                   std::string(codec::name(e)) + " in context " +
                                   std::to_string(static_cast<int>(where)) + ": " + fuzz::hex(props));
        MQTT_FUZZ_CHECK(e != codec::errc::incomplete, "a complete packet is incomplete");
        return 0;
    }
    MQTT_FUZZ_CHECK(want, "codec accepts what the reference rejects, context " +
                              std::to_string(static_cast<int>(where)) + ": " + fuzz::hex(props));
    MQTT_FUZZ_CHECK(r->consumed == packet.size(), "consumed");

    codec::packet_view decoded = r->packet;
    codec::properties_view* list = slot(decoded, where);
    MQTT_FUZZ_CHECK(list != nullptr, "decoded packet has no property list in the chosen slot");
    MQTT_FUZZ_CHECK(list->is_wire() && fuzz::same_bytes(list->wire(), props), "properties are not the input bytes");
    MQTT_FUZZ_CHECK(list->wire().empty() || list->wire().data() >= packet.data(), "properties view outside packet");

    // Re-encode from a caller-built copy of the iterated properties: must give the same packet.
    std::vector<codec::property> copy;
    for (const codec::property& p : *list) {
        MQTT_FUZZ_CHECK(codec::is_allowed(p.id, where), "iterated a property not allowed here");
        const auto first = list->find(p.id);
        MQTT_FUZZ_CHECK(first.has_value(), "find() misses an iterated identifier");
        copy.push_back(p);
    }
    *list = codec::properties_view(std::span<const codec::property>(copy));
    MQTT_FUZZ_CHECK(list->wire_size() == props.size(), "caller-built list has a different wire_size()");
    const std::size_t n = codec::encoded_size(decoded, codec::protocol_version::v5);
    // An empty list after a Success reason code is left out entirely (shortest form): nothing to compare.
    const bool shortened = props.empty() && (where == pc::puback || where == pc::pubrec || where == pc::pubrel ||
                                             where == pc::pubcomp || where == pc::disconnect || where == pc::auth);
    if (shortened) {
        MQTT_FUZZ_CHECK(n < packet.size(), "an empty Success list is not left out");
        return 0;
    }
    MQTT_FUZZ_CHECK(n == packet.size(), "encoded_size of the caller-built packet differs");
    std::vector<std::byte> out(n);
    const auto wrote = codec::encode(decoded, codec::protocol_version::v5, out);
    MQTT_FUZZ_CHECK(wrote && *wrote == n, "encode of the caller-built packet");
    MQTT_FUZZ_CHECK(out == packet, "caller-built properties encode differently:\n  in:  " + fuzz::hex(packet) +
                                       "\n  out: " + fuzz::hex(out));
    return 0;
}
