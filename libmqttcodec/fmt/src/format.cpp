// One-line renderings of packets and their parts (see format.hpp for the layout and the options).
#include <mqtt/codec/format.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <variant>

#include <fmt/format.h>

namespace mqtt::codec {
namespace fmt_detail {
namespace {

constexpr std::string_view ellipsis = "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS

// out_it is fmt::appender: append to its buffer in one go rather than one push_back per character.
inline out_it put(out_it out, std::string_view s) {
    append(fmt::detail::get_container(out), s);
    return out;
}

inline out_it put(out_it out, char c) {
    append(fmt::detail::get_container(out), c);
    return out;
}

// Decimal integers without parsing a format string.
template <class Int>
out_it put_int(out_it out, Int v) {
    const fmt::format_int text(v);
    return put(out, std::string_view(text.data(), text.size()));
}

constexpr char hex_lower[] = "0123456789abcdef";
constexpr char hex_upper[] = "0123456789ABCDEF";

// Two hex digits.
out_it put_hex2(out_it out, unsigned b, const char* digits) {
    const char s[2] = {digits[(b >> 4) & 0x0F], digits[b & 0x0F]};
    return put(out, std::string_view(s, 2));
}

out_it put_flag(out_it out, std::string_view key, bool value) {
    out = put(out, key);
    return put(out, value ? "=1" : "=0");
}

enum class utf8_status : std::uint8_t { ok, truncated, invalid };

// Length of the UTF-8 sequence starting at p[0] (a byte >= 0x80): well-formed, no overlong form, no surrogate,
// at most U+10FFFF (RFC 3629). `truncated` when the sequence is valid so far but runs past `avail` bytes.
utf8_status utf8_sequence(const unsigned char* p, std::size_t avail, std::size_t& len) noexcept {
    const unsigned char b0 = p[0];
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return utf8_status::invalid;
    }
    for (std::size_t i = 1; i < len; ++i) {
        if (i >= avail) return utf8_status::truncated;
        const unsigned char b = p[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return utf8_status::invalid;
    }
    return utf8_status::ok;
}

// Quoted, one line: \" \\ \n \r \t, other control characters and ill-formed UTF-8 bytes as \xHH.
out_it put_quoted(out_it out, std::string_view s) {
    out = put(out, '"');
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    for (std::size_t i = 0; i < n;) {
        // Copy a run of plain printable ASCII at once.
        std::size_t j = i;
        while (j < n && p[j] >= 0x20 && p[j] < 0x7F && p[j] != '"' && p[j] != '\\') ++j;
        if (j != i) {
            out = put(out, s.substr(i, j - i));
            i = j;
            if (i == n) break;
        }
        const unsigned char c = p[i];
        if (c >= 0x80) {
            std::size_t len = 0;
            if (utf8_sequence(p + i, n - i, len) == utf8_status::ok) {
                out = put(out, s.substr(i, len));
                i += len;
            } else {
                out = put(out, "\\x");
                out = put_hex2(out, c, hex_lower);
                ++i;
            }
            continue;
        }
        switch (c) {
        case '"': out = put(out, "\\\""); break;
        case '\\': out = put(out, "\\\\"); break;
        case '\n': out = put(out, "\\n"); break;
        case '\r': out = put(out, "\\r"); break;
        case '\t': out = put(out, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7F) {
                out = put(out, "\\x");
                out = put_hex2(out, c, hex_lower);
            } else {
                out = put(out, static_cast<char>(c));
            }
        }
        ++i;
    }
    return put(out, '"');
}

// How many of the first `window` bytes print as text: all of them when they are printable UTF-8 (tab, CR and LF
// allowed), a few less when the window cuts a character in half, or npos when the bytes are binary.
std::size_t text_prefix(std::span<const std::byte> bytes, std::size_t window) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    for (std::size_t i = 0; i < window;) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return std::string_view::npos;
            ++i;
            continue;
        }
        std::size_t len = 0;
        const utf8_status st = utf8_sequence(p + i, bytes.size() - i, len);
        if (st != utf8_status::ok) return std::string_view::npos;
        if (i + len > window) return i;  // the window ends inside this character: stop before it
        i += len;
    }
    return window;
}

// "5B \"hello\"", "3B 0x00ff10", "1024B \"abc…\"…(960 bytes)"; just "5B" when max == 0.
out_it put_bytes(out_it out, std::span<const std::byte> bytes, std::size_t max) {
    out = put_int(out, bytes.size());
    out = put(out, 'B');
    std::size_t window = std::min(bytes.size(), max);
    if (window == 0) return out;
    out = put(out, ' ');
    const std::size_t text = text_prefix(bytes, window);
    if (text != std::string_view::npos && text > 0) {
        window = text;
        out = put_quoted(out, std::string_view(reinterpret_cast<const char*>(bytes.data()), window));
    } else {
        out = put(out, "0x");
        for (std::size_t i = 0; i < window; ++i) out = put_hex2(out, std::to_integer<unsigned>(bytes[i]), hex_lower);
    }
    if (window < bytes.size()) {
        out = put(out, ellipsis);
        out = put(out, '(');
        out = put_int(out, bytes.size() - window);
        out = put(out, " bytes)");
    }
    return out;
}

out_it put_properties(out_it out, const properties_view& props, const packet_format_options& o) {
    if (props.empty()) return out;
    out = put(out, " props=");
    return write(out, props, o);
}

out_it put_reason(out_it out, reason_code c) {
    out = put(out, " reason=");
    return write(out, c);
}

// Reason codes left out by default when they say Success (3.1.1 packets have none).
out_it put_optional_reason(out_it out, reason_code c, const packet_format_options& o) {
    if (c == reason_code::success && !o.verbose) return out;
    return put_reason(out, c);
}

out_it put_codes(out_it out, const reason_code_list& codes) {
    out = put(out, " codes=[");
    bool first = true;
    for (reason_code c : codes) {
        if (!first) out = put(out, ", ");
        first = false;
        out = write(out, c);
    }
    return put(out, ']');
}

}  // namespace

out_it write(out_it out, reason_code c) {
    out = put(out, "0x");
    out = put_hex2(out, static_cast<unsigned>(c), hex_upper);
    out = put(out, ' ');
    return put(out, name(c));
}

out_it write(out_it out, const error& e) {
    const auto n = name(e.code);
    out = fmt::format_to(out, "{} at offset {} (", fmt::string_view(n.data(), n.size()), e.offset);
    out = write(out, to_reason_code(e.code));
    return put(out, ')');
}

out_it write(out_it out, const property& p, const packet_format_options& o) {
    const property_type t = type_of(p.id);
    if (t == property_type::invalid) return fmt::format_to(out, "Unknown property 0x{:02X}", static_cast<unsigned>(p.id));
    out = put(out, name(p.id));
    out = put(out, '=');
    switch (t) {
    case property_type::byte:
    case property_type::two_byte_integer:
    case property_type::four_byte_integer:
    case property_type::variable_byte_integer: return put_int(out, p.integer);
    case property_type::utf8_string: return put_quoted(out, p.text);
    case property_type::binary_data: return put_bytes(out, p.binary, o.max_payload);
    case property_type::utf8_string_pair:
        out = put(out, '(');
        out = put_quoted(out, p.text);
        out = put(out, ',');
        out = put_quoted(out, p.value);
        return put(out, ')');
    case property_type::invalid: break;
    }
    return out;
}

out_it write(out_it out, const properties_view& props, const packet_format_options& o) {
    out = put(out, '{');
    bool first = true;
    for (const property& p : props) {
        if (!first) out = put(out, ", ");
        first = false;
        out = write(out, p, o);
    }
    return put(out, '}');
}

out_it write(out_it out, const subscribe_options& s, const packet_format_options& o) {
    out = fmt::format_to(out, "qos={}", static_cast<unsigned>(s.max_qos));
    if (o.verbose || s.no_local) out = put_flag(out, " no_local", s.no_local);
    if (o.verbose || s.retain_as_published) out = put_flag(out, " retain_as_published", s.retain_as_published);
    if (o.verbose || s.retain_handling != 0) out = fmt::format_to(out, " retain_handling={}", s.retain_handling);
    return out;
}

out_it write(out_it out, const subscription& s, const packet_format_options& o) {
    out = put_quoted(out, s.topic_filter);
    out = put(out, ' ');
    return write(out, s.options, o);
}

out_it write(out_it out, const connect_view& p, const packet_format_options& o) {
    out = put(out, "CONNECT version=");
    out = put(out, name(p.version));
    out = put(out, " client_id=");
    out = put_quoted(out, p.client_id);
    out = put_flag(out, " clean_start", p.clean_start);
    out = put(out, " keep_alive=");
    out = put_int(out, p.keep_alive);
    if (p.will) {
        out = put(out, " will={topic=");
        out = put_quoted(out, p.will->topic);
        out = fmt::format_to(out, " qos={}", static_cast<unsigned>(p.will->qos));
        out = put_flag(out, " retain", p.will->retain);
        out = put(out, " payload=");
        out = put_bytes(out, p.will->payload, o.max_payload);
        out = put_properties(out, p.will->properties, o);
        out = put(out, '}');
    }
    if (p.username) {
        out = put(out, " username=");
        out = put_quoted(out, *p.username);
    }
    if (p.password) {
        out = put(out, " password=");
        // Secrets stay out of logs unless asked for.
        out = o.verbose ? put_bytes(out, *p.password, o.max_payload) : fmt::format_to(out, "{}B", p.password->size());
    }
    return put_properties(out, p.properties, o);
}

out_it write(out_it out, const connack_view& p, const packet_format_options& o) {
    out = put_flag(out, "CONNACK session_present", p.session_present);
    out = put_reason(out, p.reason);
    return put_properties(out, p.properties, o);
}

out_it write(out_it out, const publish_view& p, const packet_format_options& o) {
    out = put(out, "PUBLISH qos=");
    out = put_int(out, static_cast<unsigned>(p.qos));
    if (p.qos != qos::at_most_once || p.packet_id != 0) {
        out = put(out, " id=");
        out = put_int(out, p.packet_id);
    }
    out = put_flag(out, " retain", p.retain);
    out = put_flag(out, " dup", p.dup);
    out = put(out, " topic=");
    out = put_quoted(out, p.topic);
    out = put(out, " payload=");
    out = put_bytes(out, p.payload, o.max_payload);
    return put_properties(out, p.properties, o);
}

out_it write_pub_response(out_it out, packet_type type, std::uint16_t packet_id, reason_code reason,
                          const properties_view& properties, const packet_format_options& o) {
    out = put(out, name(type));
    out = put(out, " id=");
    out = put_int(out, packet_id);
    out = put_optional_reason(out, reason, o);
    return put_properties(out, properties, o);
}

out_it write(out_it out, const subscribe_view& p, const packet_format_options& o) {
    out = put(out, "SUBSCRIBE id=");
    out = put_int(out, p.packet_id);
    out = put(out, " filters=[");
    bool first = true;
    for (const subscription& s : p.subscriptions) {
        if (!first) out = put(out, ", ");
        first = false;
        out = write(out, s, o);
    }
    out = put(out, ']');
    return put_properties(out, p.properties, o);
}

out_it write(out_it out, const suback_view& p, const packet_format_options& o) {
    out = put(out, "SUBACK id=");
    out = put_int(out, p.packet_id);
    out = put_codes(out, p.reason_codes);
    return put_properties(out, p.properties, o);
}

out_it write(out_it out, const unsubscribe_view& p, const packet_format_options& o) {
    out = put(out, "UNSUBSCRIBE id=");
    out = put_int(out, p.packet_id);
    out = put(out, " filters=[");
    bool first = true;
    for (std::string_view f : p.topic_filters) {
        if (!first) out = put(out, ", ");
        first = false;
        out = put_quoted(out, f);
    }
    out = put(out, ']');
    return put_properties(out, p.properties, o);
}

out_it write(out_it out, const unsuback_view& p, const packet_format_options& o) {
    out = put(out, "UNSUBACK id=");
    out = put_int(out, p.packet_id);
    if (!p.reason_codes.empty()) out = put_codes(out, p.reason_codes);  // 3.1.1 UNSUBACK has none
    return put_properties(out, p.properties, o);
}

out_it write(out_it out, const pingreq_view&, const packet_format_options&) { return put(out, "PINGREQ"); }
out_it write(out_it out, const pingresp_view&, const packet_format_options&) { return put(out, "PINGRESP"); }

out_it write(out_it out, const disconnect_view& p, const packet_format_options& o) {
    out = put(out, "DISCONNECT");
    out = put_optional_reason(out, p.reason, o);
    return put_properties(out, p.properties, o);
}

out_it write(out_it out, const auth_view& p, const packet_format_options& o) {
    out = put(out, "AUTH");
    out = put_optional_reason(out, p.reason, o);
    return put_properties(out, p.properties, o);
}

out_it write(out_it out, const packet_view& p, const packet_format_options& o) {
    return std::visit([&](const auto& v) { return write(out, v, o); }, p);
}

}  // namespace fmt_detail

std::string to_string(const packet_view& p, const packet_format_options& options) {
    fmt::memory_buffer buf;
    fmt_detail::write(fmt::appender(buf), p, options);
    return fmt::to_string(buf);
}

std::string to_string(const error& e) {
    fmt::memory_buffer buf;
    fmt_detail::write(fmt::appender(buf), e);
    return fmt::to_string(buf);
}

}  // namespace mqtt::codec
