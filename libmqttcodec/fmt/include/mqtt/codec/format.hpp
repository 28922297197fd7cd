#pragma once
// fmt formatters for the codec's vocabulary and packet views: one line per packet, in the spirit of tshark's
// summary column, for logs, mqtt-dump and test failure messages.
//
//   PUBLISH qos=1 id=7 retain=0 dup=0 topic="a/b" payload=5B "hello" props={Topic Alias=3}
//
// Format spec for packets, views and properties: `{}` (defaults), `{:v}` (verbose), `{:32}` (show at most 32
// payload bytes), `{:v256}`; or pass options at run time with `with_options(p, opts)` or `to_string(p, opts)`.
// Payloads and binary properties print as escaped text when the shown bytes are printable UTF-8, else as hex;
// past the limit they end with `…(N bytes)`, N being the bytes not shown.
//
// Kept out of mqtt::codec so the codec itself does not depend on fmt.
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include <mqtt/codec/packets.hpp>
#include <mqtt/codec/properties.hpp>
#include <mqtt/codec/result.hpp>
#include <mqtt/codec/types.hpp>

namespace mqtt::codec {

struct packet_format_options {
    std::size_t max_payload = 64;  // payload / binary bytes shown; 0 prints only the size ("5B")
    // Verbose also prints what the default leaves out: Success reason codes on PUBACK..PUBCOMP, DISCONNECT and
    // AUTH, default subscription options, and the CONNECT password (otherwise only its size).
    bool verbose = false;
};

// A packet (or any view/property) paired with run-time options, for fmt::format("{}", with_options(p, o)).
template <class T>
struct formatted {
    const T& value;
    packet_format_options options;
};
template <class T>
[[nodiscard]] formatted<T> with_options(const T& value, const packet_format_options& options) noexcept {
    return {value, options};
}

[[nodiscard]] std::string to_string(const packet_view& p, const packet_format_options& options = {});
[[nodiscard]] std::string to_string(const error& e);

namespace fmt_detail {
using out_it = fmt::format_context::iterator;

// Appends to an fmt buffer (fmt::memory_buffer, or the one behind an fmt::appender) without a call: output is
// built from many pieces of a few bytes, and fmt's buffer::append and push_back are out of line, as is the
// memcpy a variable length needs. Up to 16 bytes are copied with fixed-size moves.
inline void append(fmt::detail::buffer<char>& b, std::string_view s) {
    const std::size_t n = b.size();
    const std::size_t k = s.size();
    if (k > 16 || b.capacity() - n < 16) {
        b.append(s.data(), s.data() + k);
        return;
    }
    char* d = b.data() + n;
    const char* p = s.data();
    if (k >= 8) {  // two overlapping 8-byte moves
        std::memcpy(d, p, 8);
        std::memcpy(d + k - 8, p + k - 8, 8);
    } else if (k >= 4) {
        std::memcpy(d, p, 4);
        std::memcpy(d + k - 4, p + k - 4, 4);
    } else if (k > 0) {
        d[0] = p[0];
        d[k / 2] = p[k / 2];
        d[k - 1] = p[k - 1];
    }
    b.try_resize(n + k);
}
inline void append(fmt::detail::buffer<char>& b, char c) {
    const std::size_t n = b.size();
    if (n == b.capacity()) {
        b.push_back(c);
        return;
    }
    b.data()[n] = c;
    b.try_resize(n + 1);
}

// Parses `[v][digits]` into options; anything else is a format error (a compile error with checked strings).
struct options_parser {
    packet_format_options options;
    constexpr fmt::format_parse_context::iterator parse(fmt::format_parse_context& ctx) {
        auto it = ctx.begin();
        const auto end = ctx.end();
        if (it != end && *it == 'v') {
            options.verbose = true;
            ++it;
        }
        if (it != end && *it >= '0' && *it <= '9') {
            std::size_t n = 0;
            while (it != end && *it >= '0' && *it <= '9') {
                n = n * 10 + static_cast<std::size_t>(*it - '0');
                ++it;
            }
            options.max_payload = n;
        }
        if (it != end && *it != '}') ctx.on_error("invalid format spec for an MQTT packet: use [v][max_payload]");
        return it;
    }
};

// Specs without options (enums, errors): only `{}`.
struct empty_parser {
    constexpr fmt::format_parse_context::iterator parse(fmt::format_parse_context& ctx) {
        auto it = ctx.begin();
        if (it != ctx.end() && *it != '}') ctx.on_error("this MQTT type takes no format spec");
        return it;
    }
};

out_it write(out_it out, const connect_view& p, const packet_format_options& o);
out_it write(out_it out, const connack_view& p, const packet_format_options& o);
out_it write(out_it out, const publish_view& p, const packet_format_options& o);
out_it write_pub_response(out_it out, packet_type type, std::uint16_t packet_id, reason_code reason,
                          const properties_view& properties, const packet_format_options& o);
template <packet_type Type>
out_it write(out_it out, const pub_response_view<Type>& p, const packet_format_options& o) {
    return write_pub_response(out, Type, p.packet_id, p.reason, p.properties, o);
}
out_it write(out_it out, const subscribe_view& p, const packet_format_options& o);
out_it write(out_it out, const suback_view& p, const packet_format_options& o);
out_it write(out_it out, const unsubscribe_view& p, const packet_format_options& o);
out_it write(out_it out, const unsuback_view& p, const packet_format_options& o);
out_it write(out_it out, const pingreq_view& p, const packet_format_options& o);
out_it write(out_it out, const pingresp_view& p, const packet_format_options& o);
out_it write(out_it out, const disconnect_view& p, const packet_format_options& o);
out_it write(out_it out, const auth_view& p, const packet_format_options& o);
out_it write(out_it out, const packet_view& p, const packet_format_options& o);
out_it write(out_it out, const property& p, const packet_format_options& o);
out_it write(out_it out, const properties_view& p, const packet_format_options& o);
out_it write(out_it out, const subscription& s, const packet_format_options& o);
out_it write(out_it out, const subscribe_options& s, const packet_format_options& o);
out_it write(out_it out, const error& e);
out_it write(out_it out, reason_code c);

// Any type with a write(out, value, options) overload above.
template <class T>
struct view_formatter : options_parser {
    out_it format(const T& value, fmt::format_context& ctx) const { return write(ctx.out(), value, options); }
};
}  // namespace fmt_detail

}  // namespace mqtt::codec

template <>
struct fmt::formatter<mqtt::codec::connect_view> : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::connect_view> {};
template <>
struct fmt::formatter<mqtt::codec::connack_view> : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::connack_view> {};
template <>
struct fmt::formatter<mqtt::codec::publish_view> : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::publish_view> {};
template <mqtt::codec::packet_type Type>
struct fmt::formatter<mqtt::codec::pub_response_view<Type>>
    : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::pub_response_view<Type>> {};
template <>
struct fmt::formatter<mqtt::codec::subscribe_view>
    : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::subscribe_view> {};
template <>
struct fmt::formatter<mqtt::codec::suback_view> : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::suback_view> {};
template <>
struct fmt::formatter<mqtt::codec::unsubscribe_view>
    : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::unsubscribe_view> {};
template <>
struct fmt::formatter<mqtt::codec::unsuback_view>
    : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::unsuback_view> {};
template <>
struct fmt::formatter<mqtt::codec::pingreq_view> : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::pingreq_view> {};
template <>
struct fmt::formatter<mqtt::codec::pingresp_view>
    : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::pingresp_view> {};
template <>
struct fmt::formatter<mqtt::codec::disconnect_view>
    : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::disconnect_view> {};
template <>
struct fmt::formatter<mqtt::codec::auth_view> : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::auth_view> {};
template <>
struct fmt::formatter<mqtt::codec::packet_view> : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::packet_view> {};
template <>
struct fmt::formatter<mqtt::codec::property> : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::property> {};
template <>
struct fmt::formatter<mqtt::codec::properties_view>
    : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::properties_view> {};
template <>
struct fmt::formatter<mqtt::codec::subscription> : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::subscription> {};
template <>
struct fmt::formatter<mqtt::codec::subscribe_options>
    : mqtt::codec::fmt_detail::view_formatter<mqtt::codec::subscribe_options> {};

template <class T>
struct fmt::formatter<mqtt::codec::formatted<T>> : mqtt::codec::fmt_detail::empty_parser {
    mqtt::codec::fmt_detail::out_it format(const mqtt::codec::formatted<T>& f, fmt::format_context& ctx) const {
        return mqtt::codec::fmt_detail::write(ctx.out(), f.value, f.options);
    }
};

// "malformed property at offset 12 (0x81 Malformed Packet)"
template <>
struct fmt::formatter<mqtt::codec::error> : mqtt::codec::fmt_detail::empty_parser {
    mqtt::codec::fmt_detail::out_it format(const mqtt::codec::error& e, fmt::format_context& ctx) const {
        return mqtt::codec::fmt_detail::write(ctx.out(), e);
    }
};
// "0x87 Not authorized"
template <>
struct fmt::formatter<mqtt::codec::reason_code> : mqtt::codec::fmt_detail::empty_parser {
    mqtt::codec::fmt_detail::out_it format(mqtt::codec::reason_code c, fmt::format_context& ctx) const {
        return mqtt::codec::fmt_detail::write(ctx.out(), c);
    }
};
// Name-only enums: errc ("invalid QoS"), packet_type ("PUBLISH"), protocol_version ("5.0"); qos prints its number.
template <>
struct fmt::formatter<mqtt::codec::errc> : fmt::formatter<fmt::string_view> {
    mqtt::codec::fmt_detail::out_it format(mqtt::codec::errc e, fmt::format_context& ctx) const {
        const auto n = mqtt::codec::name(e);
        return fmt::formatter<fmt::string_view>::format(fmt::string_view(n.data(), n.size()), ctx);
    }
};
template <>
struct fmt::formatter<mqtt::codec::packet_type> : fmt::formatter<fmt::string_view> {
    mqtt::codec::fmt_detail::out_it format(mqtt::codec::packet_type t, fmt::format_context& ctx) const {
        const auto n = mqtt::codec::name(t);
        return fmt::formatter<fmt::string_view>::format(fmt::string_view(n.data(), n.size()), ctx);
    }
};
template <>
struct fmt::formatter<mqtt::codec::protocol_version> : fmt::formatter<fmt::string_view> {
    mqtt::codec::fmt_detail::out_it format(mqtt::codec::protocol_version v, fmt::format_context& ctx) const {
        const auto n = mqtt::codec::name(v);
        return fmt::formatter<fmt::string_view>::format(fmt::string_view(n.data(), n.size()), ctx);
    }
};
template <>
struct fmt::formatter<mqtt::codec::qos> : fmt::formatter<unsigned> {
    mqtt::codec::fmt_detail::out_it format(mqtt::codec::qos q, fmt::format_context& ctx) const {
        return fmt::formatter<unsigned>::format(static_cast<unsigned>(q), ctx);
    }
};
