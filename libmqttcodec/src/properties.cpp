#include <array>

#include <mqtt/codec/topic.hpp>

#include "properties_codec.hpp"

namespace mqtt::codec {

namespace {
using ctx = property_context;
constexpr std::uint16_t bit(ctx c) noexcept { return static_cast<std::uint16_t>(1u << static_cast<unsigned>(c)); }

struct property_rule {
    property_type type = property_type::invalid;
    std::uint16_t allowed = 0;  // bit per property_context
};

// Section 2.2.2.2, Table 2-4: identifier -> value type and the packets that may carry it.
constexpr std::array<property_rule, 0x2B> make_rules() noexcept {
    std::array<property_rule, 0x2B> r{};
    using t = property_type;
    const std::uint16_t publish_will = bit(ctx::publish) | bit(ctx::will);
    const std::uint16_t acks = bit(ctx::puback) | bit(ctx::pubrec) | bit(ctx::pubrel) | bit(ctx::pubcomp);
    r[0x01] = {t::byte, publish_will};
    r[0x02] = {t::four_byte_integer, publish_will};
    r[0x03] = {t::utf8_string, publish_will};
    r[0x08] = {t::utf8_string, publish_will};
    r[0x09] = {t::binary_data, publish_will};
    r[0x0B] = {t::variable_byte_integer, static_cast<std::uint16_t>(bit(ctx::publish) | bit(ctx::subscribe))};
    r[0x11] = {t::four_byte_integer,
               static_cast<std::uint16_t>(bit(ctx::connect) | bit(ctx::connack) | bit(ctx::disconnect))};
    r[0x12] = {t::utf8_string, bit(ctx::connack)};
    r[0x13] = {t::two_byte_integer, bit(ctx::connack)};
    r[0x15] = {t::utf8_string, static_cast<std::uint16_t>(bit(ctx::connect) | bit(ctx::connack) | bit(ctx::auth))};
    r[0x16] = {t::binary_data, static_cast<std::uint16_t>(bit(ctx::connect) | bit(ctx::connack) | bit(ctx::auth))};
    r[0x17] = {t::byte, bit(ctx::connect)};
    r[0x18] = {t::four_byte_integer, bit(ctx::will)};
    r[0x19] = {t::byte, bit(ctx::connect)};
    r[0x1A] = {t::utf8_string, bit(ctx::connack)};
    r[0x1C] = {t::utf8_string, static_cast<std::uint16_t>(bit(ctx::connack) | bit(ctx::disconnect))};
    r[0x1F] = {t::utf8_string, static_cast<std::uint16_t>(bit(ctx::connack) | acks | bit(ctx::suback) |
                                                          bit(ctx::unsuback) | bit(ctx::disconnect) | bit(ctx::auth))};
    r[0x21] = {t::two_byte_integer, static_cast<std::uint16_t>(bit(ctx::connect) | bit(ctx::connack))};
    r[0x22] = {t::two_byte_integer, static_cast<std::uint16_t>(bit(ctx::connect) | bit(ctx::connack))};
    r[0x23] = {t::two_byte_integer, bit(ctx::publish)};
    r[0x24] = {t::byte, bit(ctx::connack)};
    r[0x25] = {t::byte, bit(ctx::connack)};
    r[0x26] = {t::utf8_string_pair, 0x3FFF};  // every packet that has properties
    r[0x27] = {t::four_byte_integer, static_cast<std::uint16_t>(bit(ctx::connect) | bit(ctx::connack))};
    r[0x28] = {t::byte, bit(ctx::connack)};
    r[0x29] = {t::byte, bit(ctx::connack)};
    r[0x2A] = {t::byte, bit(ctx::connack)};
    return r;
}
constexpr auto rules = make_rules();

// Values section 3 calls a Protocol Error (0x82) even though they are well-formed on the wire.
bool value_valid(property_id id, std::uint32_t v) noexcept {
    switch (id) {
    case property_id::payload_format_indicator:
    case property_id::request_problem_information:
    case property_id::request_response_information:
    case property_id::maximum_qos:
    case property_id::retain_available:
    case property_id::wildcard_subscription_available:
    case property_id::subscription_identifier_available:
    case property_id::shared_subscription_available: return v <= 1;
    case property_id::receive_maximum:           // MQTT-3.1.2 / 3.2.2: 0 is a protocol error
    case property_id::maximum_packet_size:
    case property_id::topic_alias:               // MQTT-3.3.2-8 (v5)
    case property_id::subscription_identifier:   // 1 .. 268,435,455
        return v != 0;
    default: return true;
    }
}
}  // namespace

property_type type_of(property_id id) noexcept {
    const auto i = static_cast<std::size_t>(id);
    return i < rules.size() ? rules[i].type : property_type::invalid;
}

bool is_allowed(property_id id, property_context where) noexcept {
    const auto i = static_cast<std::size_t>(id);
    return i < rules.size() && (rules[i].allowed & bit(where)) != 0;
}

namespace detail {

property property_traits::read(const std::byte*& p) noexcept {
    property out;
    out.id = static_cast<property_id>(*p++);
    auto take_bytes = [&p]() {
        const std::size_t n = load_u16(p);
        std::span<const std::byte> b{p + 2, n};
        p += 2 + n;
        return b;
    };
    switch (type_of(out.id)) {
    case property_type::byte: out.integer = std::to_integer<std::uint32_t>(*p++); break;
    case property_type::two_byte_integer: out.integer = load_u16(p); p += 2; break;
    case property_type::four_byte_integer: out.integer = load_u32(p); p += 4; break;
    case property_type::variable_byte_integer: {
        auto v = decode_variable_byte_integer({p, 4});  // validated by read_properties
        out.integer = v->value;
        p += v->size;
        break;
    }
    case property_type::utf8_string: out.text = as_chars(take_bytes()); break;
    case property_type::binary_data: out.binary = take_bytes(); break;
    case property_type::utf8_string_pair:
        out.text = as_chars(take_bytes());
        out.value = as_chars(take_bytes());
        break;
    case property_type::invalid: break;  // unreachable for validated input
    }
    return out;
}

result<properties_view> read_properties(reader& in, property_context where) noexcept {
    MQTT_TRY(length, in.variable_byte_integer());
    const std::size_t start = in.offset();
    MQTT_TRY(bytes, in.bytes(length));
    reader r(bytes, start);
    std::uint64_t seen = 0;
    bool has_auth_method = false, has_auth_data = false;
    while (!r.at_end()) {
        const std::size_t at = r.offset();
        MQTT_TRY(raw_id, r.variable_byte_integer());
        const auto id = static_cast<property_id>(raw_id);
        const property_type type = raw_id < rules.size() ? type_of(id) : property_type::invalid;
        if (type == property_type::invalid) return r.fail_at(errc::malformed_property, at);
        if (!is_allowed(id, where)) return r.fail_at(errc::property_not_allowed, at);
        const std::uint64_t mask = std::uint64_t{1} << raw_id;
        // User Property may repeat anywhere; Subscription Identifier may repeat in a PUBLISH (section 3.3.2.3.8).
        const bool may_repeat = id == property_id::user_property ||
                                (id == property_id::subscription_identifier && where == property_context::publish);
        if ((seen & mask) != 0 && !may_repeat) return r.fail_at(errc::duplicate_property, at);
        seen |= mask;
        std::uint32_t number = 0;
        switch (type) {
        case property_type::byte: { MQTT_TRY(v, r.u8()); number = v; break; }
        case property_type::two_byte_integer: { MQTT_TRY(v, r.u16()); number = v; break; }
        case property_type::four_byte_integer: { MQTT_TRY(v, r.u32()); number = v; break; }
        case property_type::variable_byte_integer: { MQTT_TRY(v, r.variable_byte_integer()); number = v; break; }
        case property_type::utf8_string: {
            MQTT_TRY(s, r.utf8_string());
            // MQTT-3.3.2-14 (v5): a Response Topic is a topic name, without wildcards.
            if (id == property_id::response_topic && !is_valid_topic_name(s))
                return r.fail_at(errc::invalid_property_value, at);
            break;
        }
        case property_type::binary_data: { MQTT_TRY(b, r.binary()); (void)b; break; }
        case property_type::utf8_string_pair: {  // MQTT-1.5.7-1 (v5): both halves are UTF-8 strings
            MQTT_TRY(k, r.utf8_string());
            MQTT_TRY(v, r.utf8_string());
            (void)k;
            (void)v;
            break;
        }
        case property_type::invalid: break;
        }
        if (!value_valid(id, number)) return r.fail_at(errc::invalid_property_value, at);
        has_auth_method |= id == property_id::authentication_method;
        has_auth_data |= id == property_id::authentication_data;
    }
    if (has_auth_data && !has_auth_method) return in.fail_at(errc::missing_authentication_method, start);
    return properties_view{properties_view::from_wire(bytes)};
}

std::size_t properties_field_size(const properties_view& p) noexcept {
    const std::size_t n = p.wire_size();
    return variable_byte_integer_size(static_cast<std::uint32_t>(n)) + n;
}

void write_properties(writer& out, const properties_view& p) noexcept {
    out.variable_byte_integer(static_cast<std::uint32_t>(p.wire_size()));
    if (p.is_wire()) {
        out.raw(p.wire());
        return;
    }
    for (const property& prop : p) {
        out.u8(static_cast<std::uint8_t>(prop.id));
        switch (type_of(prop.id)) {
        case property_type::byte: out.u8(static_cast<std::uint8_t>(prop.integer)); break;
        case property_type::two_byte_integer: out.u16(static_cast<std::uint16_t>(prop.integer)); break;
        case property_type::four_byte_integer: out.u32(prop.integer); break;
        case property_type::variable_byte_integer: out.variable_byte_integer(prop.integer); break;
        case property_type::utf8_string: out.utf8_string(prop.text); break;
        case property_type::binary_data: out.binary(prop.binary); break;
        case property_type::utf8_string_pair:
            out.utf8_string(prop.text);
            out.utf8_string(prop.value);
            break;
        case property_type::invalid: break;
        }
    }
}

bool has_oversized_field(const properties_view& p) noexcept {
    if (p.is_wire()) return false;
    for (const property& prop : p)
        if (prop.text.size() > 0xFFFF || prop.value.size() > 0xFFFF || prop.binary.size() > 0xFFFF) return true;
    return false;
}

}  // namespace detail

std::size_t encoded_size(const property& p) noexcept {
    switch (type_of(p.id)) {
    case property_type::byte: return 2;
    case property_type::two_byte_integer: return 3;
    case property_type::four_byte_integer: return 5;
    case property_type::variable_byte_integer: return 1 + variable_byte_integer_size(p.integer);
    case property_type::utf8_string: return 1 + detail::prefixed_size(p.text.size());
    case property_type::binary_data: return 1 + detail::prefixed_size(p.binary.size());
    case property_type::utf8_string_pair:
        return 1 + detail::prefixed_size(p.text.size()) + detail::prefixed_size(p.value.size());
    case property_type::invalid: return 0;
    }
    return 0;
}

std::size_t properties_view::wire_size() const noexcept {
    if (is_wire()) return wire().size();
    std::size_t n = 0;
    for (const property& p : items()) n += encoded_size(p);
    return n;
}

}  // namespace mqtt::codec
