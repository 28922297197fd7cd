// Text and JSON Lines rendering of dissector events.
#include <mqtt/dump/output.hpp>

#include <cstring>
#include <iterator>
#include <variant>

#include <mqtt/codec/format.hpp>
#include <mqtt/codec/utf8.hpp>
#include <mqtt/dump/hexdump.hpp>
#include <mqtt/dump/sha256.hpp>

namespace mqtt::dump {
namespace {

using out_t = fmt::memory_buffer;

// Short strings and single characters, several per field: appended without a call.
inline void put(out_t& o, std::string_view s) { codec::fmt_detail::append(o, s); }
inline void put(out_t& o, char c) { codec::fmt_detail::append(o, c); }

// "." and `value` on exactly `digits` digits, zero-padded (value < 10^digits): "{:0N}" without a format string.
void put_fraction(out_t& o, std::uint64_t value, int digits) {
    if (value >= (digits == 9 ? 1'000'000'000u : 1'000'000u)) {  // a corrupt timestamp: as "{:0N}" would print it
        fmt::format_to(fmt::appender(o), ".{:0{}}", value, digits);
        return;
    }
    char text[10] = {'.', '0', '0', '0', '0', '0', '0', '0', '0', '0'};
    for (int i = digits; i > 0 && value > 0; --i, value /= 10) text[i] = static_cast<char>('0' + value % 10);
    put(o, std::string_view(text, static_cast<std::size_t>(digits) + 1));
}

// Decimal integers without parsing a format string.
template <class Int>
void put_int(out_t& o, Int v) {
    const fmt::format_int text(v);
    put(o, std::string_view(text.data(), text.size()));
}

std::uint8_t byte_at(std::span<const std::byte> raw, std::size_t i) noexcept {
    return i < raw.size() ? std::to_integer<std::uint8_t>(raw[i]) : 0;
}

const std::string& sender(const event& e) {
    return e.dir == direction::client_to_server ? e.conn->client_text : e.conn->server_text;
}
const std::string& receiver(const event& e) {
    return e.dir == direction::client_to_server ? e.conn->server_text : e.conn->client_text;
}
std::string_view dir_name(direction d) { return d == direction::client_to_server ? "c2s" : "s2c"; }

// The properties of any packet, plus the will properties of a CONNECT (Wireshark lists both, in wire order).
template <class F>
void for_each_property(const codec::packet_view& p, F&& f) {
    std::visit(
        [&](const auto& v) {
            if constexpr (requires { v.properties; }) {
                for (const codec::property& prop : v.properties) f(prop);
            }
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, codec::connect_view>) {
                if (v.will) {
                    for (const codec::property& prop : v.will->properties) f(prop);
                }
            }
        },
        p);
}

void append_json_bytes_or_text(out_t& o, std::string_view key_text, std::string_view key_hex,
                               std::span<const std::byte> bytes, std::size_t max) {
    const auto shown = bytes.first(std::min(bytes.size(), max));
    if (is_printable_text(shown)) {
        put(o, ",\"");
        put(o, key_text);
        put(o, "\":");
        append_json_string(o, std::string_view(reinterpret_cast<const char*>(shown.data()), shown.size()));
    } else {
        put(o, ",\"");
        put(o, key_hex);
        put(o, "\":\"");
        append_hex(o, shown, shown.size());
        put(o, '"');
    }
    if (shown.size() < bytes.size()) put(o, ",\"payload_truncated\":true");
}

void append_property_json(out_t& o, const codec::property& p) {
    fmt::format_to(fmt::appender(o), "{{\"id\":\"0x{:02x}\",\"name\":", static_cast<unsigned>(p.id));
    append_json_string(o, codec::name(p.id));
    switch (codec::type_of(p.id)) {
    case codec::property_type::byte:
    case codec::property_type::two_byte_integer:
    case codec::property_type::four_byte_integer:
    case codec::property_type::variable_byte_integer:
        fmt::format_to(fmt::appender(o), ",\"value\":{}", p.integer);
        break;
    case codec::property_type::utf8_string:
        put(o, ",\"value\":");
        append_json_string(o, p.text);
        break;
    case codec::property_type::binary_data:
        put(o, ",\"value_hex\":\"");
        append_hex(o, p.binary, p.binary.size());
        put(o, '"');
        break;
    case codec::property_type::utf8_string_pair:
        put(o, ",\"key\":");
        append_json_string(o, p.text);
        put(o, ",\"value\":");
        append_json_string(o, p.value);
        break;
    case codec::property_type::invalid: break;
    }
    put(o, '}');
}

void append_string_array(out_t& o, std::string_view key, const auto& list, auto&& get) {
    fmt::format_to(fmt::appender(o), ",\"{}\":[", key);
    bool first = true;
    for (const auto& item : list) {
        if (!first) put(o, ',');
        first = false;
        append_json_string(o, get(item));
    }
    put(o, ']');
}

void append_reason_codes(out_t& o, const codec::reason_code_list& codes) {
    put(o, ",\"reason_codes\":[");
    bool first = true;
    for (codec::reason_code c : codes) {
        if (!first) put(o, ',');
        first = false;
        fmt::format_to(fmt::appender(o), "{}", static_cast<unsigned>(c));
    }
    put(o, ']');
}

void append_header_json(out_t& o, const event& e) {
    if (e.header == nullptr) return;
    const auto t = static_cast<unsigned>(e.header->type);
    const auto first = static_cast<unsigned>((t << 4) | e.header->flags);
    static constexpr char hex[] = "0123456789abcdef";
    put(o, ",\"type\":");
    put_int(o, t);
    put(o, ",\"type_name\":\"");
    put(o, codec::name(e.header->type));
    put(o, "\",\"hdrflags\":\"0x");
    put(o, hex[(first >> 4) & 0x0F]);
    put(o, hex[first & 0x0F]);
    put(o, "\",\"len\":");
    put_int(o, e.header->remaining_length);
}

void append_packet_json(out_t& o, const event& e, const output_options& opt) {
    const auto& raw = e.raw;
    const std::size_t body = e.header->header_size;
    const auto rl = e.header->remaining_length;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            auto it = fmt::appender(o);
            if constexpr (std::is_same_v<T, codec::connect_view>) {
                const std::size_t name_len = (std::size_t{byte_at(raw, body)} << 8) | byte_at(raw, body + 1);
                const std::size_t level_at = body + 2 + name_len;
                put(o, ",\"protoname\":");
                append_json_string(o, std::string_view(reinterpret_cast<const char*>(raw.data()) + body + 2,
                                                       std::min(name_len, raw.size() - body - 2)));
                fmt::format_to(it, ",\"ver\":{},\"conflags\":\"0x{:02x}\",\"keepalive\":{},\"clean_start\":{}",
                               byte_at(raw, level_at), byte_at(raw, level_at + 1), v.keep_alive,
                               v.clean_start ? 1 : 0);
                put(o, ",\"clientid\":");
                append_json_string(o, v.client_id);
                if (v.username) {
                    put(o, ",\"username\":");
                    append_json_string(o, *v.username);
                }
                if (v.password) fmt::format_to(it, ",\"password_len\":{}", v.password->size());
                if (v.will) {
                    put(o, ",\"willtopic\":");
                    append_json_string(o, v.will->topic);
                    fmt::format_to(it, ",\"will_qos\":{},\"will_retain\":{},\"will_payload_len\":{}",
                                   static_cast<unsigned>(v.will->qos), v.will->retain ? 1 : 0, v.will->payload.size());
                }
            } else if constexpr (std::is_same_v<T, codec::connack_view>) {
                // The byte on the wire: a 3.1.1 return code or a 5.0 reason code (Wireshark's conack.val).
                fmt::format_to(it, ",\"session_present\":{},\"connack_code\":{}", v.session_present ? 1 : 0,
                               byte_at(raw, body + 1));
            } else if constexpr (std::is_same_v<T, codec::publish_view>) {
                put(o, v.dup ? ",\"dup\":1,\"qos\":" : ",\"dup\":0,\"qos\":");
                put_int(o, static_cast<unsigned>(v.qos));
                put(o, v.retain ? ",\"retain\":1" : ",\"retain\":0");
                if (v.qos != codec::qos::at_most_once) {
                    put(o, ",\"msgid\":");
                    put_int(o, v.packet_id);
                }
                if (!e.alias_unknown) {
                    put(o, ",\"topic\":");
                    append_json_string(o, e.topic);
                }
                put(o, ",\"topic_len\":");
                put_int(o, v.topic.size());
                if (e.topic_alias) fmt::format_to(it, ",\"topic_alias\":{}", *e.topic_alias);
                if (e.alias_unknown) put(o, ",\"alias_unknown\":true");
                put(o, ",\"payload_len\":");
                put_int(o, v.payload.size());
                put(o, ",\"payload_sha256_12\":\"");
                append_sha256_hex(o, v.payload, 12);
                put(o, '"');
                append_json_bytes_or_text(o, "payload", "payload_hex", v.payload, opt.max_payload);
            } else if constexpr (requires { T::type; }) {  // PUBACK, PUBREC, PUBREL, PUBCOMP
                put(o, ",\"msgid\":");
                put_int(o, v.packet_id);
                if (rl > 2) fmt::format_to(it, ",\"reason_code\":{}", static_cast<unsigned>(v.reason));
            } else if constexpr (std::is_same_v<T, codec::subscribe_view>) {
                fmt::format_to(it, ",\"msgid\":{}", v.packet_id);
                append_string_array(o, "topics", v.subscriptions,
                                    [](const codec::subscription& s) { return s.topic_filter; });
                put(o, ",\"sub_options\":[");
                bool first = true;
                for (const codec::subscription& s : v.subscriptions) {
                    if (!first) put(o, ',');
                    first = false;
                    const unsigned b = static_cast<unsigned>(s.options.max_qos) | (s.options.no_local ? 4u : 0u) |
                                       (s.options.retain_as_published ? 8u : 0u) |
                                       (unsigned{s.options.retain_handling} << 4);
                    fmt::format_to(it, "{}", b);
                }
                put(o, ']');
            } else if constexpr (std::is_same_v<T, codec::suback_view>) {
                fmt::format_to(it, ",\"msgid\":{}", v.packet_id);
                append_reason_codes(o, v.reason_codes);
            } else if constexpr (std::is_same_v<T, codec::unsubscribe_view>) {
                fmt::format_to(it, ",\"msgid\":{}", v.packet_id);
                append_string_array(o, "topics", v.topic_filters, [](std::string_view s) { return s; });
            } else if constexpr (std::is_same_v<T, codec::unsuback_view>) {
                fmt::format_to(it, ",\"msgid\":{}", v.packet_id);
                if (!v.reason_codes.empty()) append_reason_codes(o, v.reason_codes);
            } else if constexpr (std::is_same_v<T, codec::disconnect_view> || std::is_same_v<T, codec::auth_view>) {
                if (rl > 0) fmt::format_to(it, ",\"reason_code\":{}", static_cast<unsigned>(v.reason));
            }
        },
        *e.packet);
    bool any = false;
    for_each_property(*e.packet, [&](const codec::property& p) {
        put(o, any ? ",\"" : ",\"property_ids\":[\"");
        any = true;
        fmt::format_to(fmt::appender(o), "0x{:02x}\"", static_cast<unsigned>(p.id));
    });
    if (any) {
        put(o, ']');
        put(o, ",\"properties\":[");
        bool first = true;
        for_each_property(*e.packet, [&](const codec::property& p) {
            if (!first) put(o, ',');
            first = false;
            append_property_json(o, p);
        });
        put(o, ']');
    }
    if (!e.protocol_error.empty()) {
        put(o, ",\"protocol_error\":");
        append_json_string(o, e.protocol_error);
    }
}

std::string_view event_name(event_kind k) {
    switch (k) {
    case event_kind::packet: return "packet";
    case event_kind::malformed: return "malformed";
    case event_kind::truncated: return "truncated";
    case event_kind::gap: return "gap";
    case event_kind::resync: return "resync";
    case event_kind::open: return "open";
    case event_kind::close: return "close";
    case event_kind::tls: return "tls";
    }
    return "?";
}

// The topic of a PUBLISH whose end fell into a gap, when the captured prefix reaches that far.
std::optional<std::string_view> truncated_topic(const event& e) {
    if (e.header->type != codec::packet_type::publish) return std::nullopt;
    const std::size_t at = e.header->header_size;
    if (e.raw.size() < at + 2) return std::nullopt;
    const std::size_t n = (std::size_t{byte_at(e.raw, at)} << 8) | byte_at(e.raw, at + 1);
    if (e.raw.size() < at + 2 + n) return std::nullopt;
    std::string_view t(reinterpret_cast<const char*>(e.raw.data()) + at + 2, n);
    if (codec::validate_utf8(t)) return std::nullopt;
    return t;
}

}  // namespace

void buffered_writer::flush() {
    if (buf_.size() != 0) std::fwrite(buf_.data(), 1, buf_.size(), out_);
    buf_.clear();
    if (flush_each_) std::fflush(out_);
}

void append_json_string(fmt::memory_buffer& o, std::string_view s) {
    put(o, '"');
    std::size_t i = 0;
    while (i < s.size()) {
        // Copy runs of plain characters at once.
        std::size_t j = i;
        while (j < s.size()) {
            const auto c = static_cast<unsigned char>(s[j]);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
            ++j;
        }
        put(o, s.substr(i, j - i));
        i = j;
        if (i == s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Validate one UTF-8 sequence; copy it, or replace a bad byte by U+FFFD.
            std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (len > 1 && i + len <= s.size() && !codec::validate_utf8(s.substr(i, len))) {
                o.append(s.substr(i, len));
                i += len;
            } else {
                o.append(std::string_view("\xEF\xBF\xBD"));
                ++i;
            }
            continue;
        }
        switch (c) {
        case '"': put(o, "\\\""); break;
        case '\\': put(o, "\\\\"); break;
        case '\n': put(o, "\\n"); break;
        case '\r': put(o, "\\r"); break;
        case '\t': put(o, "\\t"); break;
        default: fmt::format_to(fmt::appender(o), "\\u{:04x}", static_cast<unsigned>(c)); break;
        }
        ++i;
    }
    put(o, '"');
}

void json_writer::on_event(const event& e) {
    auto& o = out_.buffer();
    auto it = fmt::appender(o);
    put(o, "{\"event\":\"");
    put(o, event_name(e.kind));
    put(o, "\",\"frame\":");
    put_int(o, e.frame->number);
    put(o, ",\"ts\":\"");
    put_int(o, e.frame->seconds);
    put_fraction(o, e.frame->nanoseconds, 9);
    put(o, '"');
    // The same for every event of a connection and direction.
    put(o, prefixes_.get(e, [&](fmt::memory_buffer& b) {
        fmt::format_to(fmt::appender(b), ",\"conn\":{},\"dir\":\"{}\",\"src\":", e.conn->id, dir_name(e.dir));
        append_json_string(b, sender(e));
        put(b, ",\"dst\":");
        append_json_string(b, receiver(e));
        const endpoint& s = e.dir == direction::client_to_server ? e.conn->client : e.conn->server;
        const endpoint& d = e.dir == direction::client_to_server ? e.conn->server : e.conn->client;
        fmt::format_to(fmt::appender(b), ",\"src_port\":{},\"dst_port\":{}", s.port, d.port);
    }));
    switch (e.kind) {
    case event_kind::packet:
        put(o, ",\"idx\":");
        put_int(o, e.index_in_frame);
        append_header_json(o, e);
        append_packet_json(o, e, options_);
        break;
    case event_kind::malformed:
        fmt::format_to(it, ",\"idx\":{},\"malformed\":true,\"error\":\"{}\",\"offset\":{}", e.index_in_frame,
                       codec::name(e.error.code), e.error.offset);
        append_header_json(o, e);
        put(o, ",\"bytes_hex\":\"");
        append_hex(o, e.raw, 64);
        put(o, '"');
        break;
    case event_kind::truncated:
        fmt::format_to(it, ",\"idx\":{}", e.index_in_frame);
        append_header_json(o, e);
        fmt::format_to(it, ",\"captured\":{}", e.raw.size());
        if (auto t = truncated_topic(e)) {
            put(o, ",\"topic\":");
            append_json_string(o, *t);
        }
        break;
    case event_kind::gap: fmt::format_to(it, ",\"bytes\":{},\"in_sync\":{}", e.length, e.in_sync); break;
    case event_kind::resync: fmt::format_to(it, ",\"skipped\":{}", e.length); break;
    case event_kind::close: fmt::format_to(it, ",\"rst\":{}", e.is_rst); break;
    case event_kind::open:
    case event_kind::tls: break;
    }
    put(o, "}\n");
    out_.end_record();
}

void text_writer::set_time_origin(std::int64_t seconds, std::uint32_t nanoseconds) noexcept {
    have_origin_ = true;
    origin_s_ = seconds;
    origin_ns_ = nanoseconds;
}

void text_writer::on_event(const event& e) {
    if (!options_.verbose && (e.kind == event_kind::open || e.kind == event_kind::close)) return;
    auto& o = out_.buffer();
    auto it = fmt::appender(o);
    if (!have_origin_) set_time_origin(e.frame->seconds, e.frame->nanoseconds);
    // "<seconds>.<microseconds, 6 digits>": written by hand, this runs once per line.
    std::int64_t s = e.frame->seconds;
    std::int64_t us = e.frame->nanoseconds / 1000;
    if (!options_.absolute_time) {
        s -= origin_s_;
        std::int64_t ns = std::int64_t{e.frame->nanoseconds} - origin_ns_;
        if (ns < 0) {
            ns += 1'000'000'000;
            --s;
        }
        us = ns / 1000;
    }
    put_int(o, s);
    put_fraction(o, static_cast<std::uint64_t>(us), 6);
    // " #<conn> <src> -> <dst> <dir> ": the same for every packet of a connection and direction.
    put(o, prefixes_.get(e, [&](fmt::memory_buffer& b) {
        fmt::format_to(fmt::appender(b), " #{} {} -> {} {} ", e.conn->id, sender(e), receiver(e), dir_name(e.dir));
    }));
    const codec::packet_format_options fo{options_.max_payload, options_.verbose};
    switch (e.kind) {
    case event_kind::packet:
        codec::fmt_detail::write(it, *e.packet, fo);
        if (e.topic_alias && e.topic.data() != nullptr &&
            std::get<codec::publish_view>(*e.packet).topic.empty())
            fmt::format_to(it, " [alias {} = \"{}\"]", *e.topic_alias, e.topic);
        if (e.alias_unknown) fmt::format_to(it, " [alias {} never set on this connection]", *e.topic_alias);
        if (!e.protocol_error.empty()) fmt::format_to(it, " [protocol error: {}]", e.protocol_error);
        if (options_.verbose)
            fmt::format_to(it, " (flags=0x{:x} remaining_length={})", e.header->flags, e.header->remaining_length);
        break;
    case event_kind::malformed:
        put(o, "MALFORMED ");
        if (e.header != nullptr)
            fmt::format_to(it, "{} (0x{:02x}, remaining_length={}) ", codec::name(e.header->type),
                           (static_cast<unsigned>(e.header->type) << 4) | e.header->flags, e.header->remaining_length);
        fmt::format_to(it, "{} at offset {}: ", codec::name(e.error.code), e.error.offset);
        append_hex(o, e.raw, 32, " ");
        if (e.raw.size() > 32) put(o, " ...");
        break;
    case event_kind::truncated:
        fmt::format_to(it, "TRUNCATED {} remaining_length={}: {} of {} bytes captured", codec::name(e.header->type),
                       e.header->remaining_length, e.raw.size(), e.header->packet_size());
        if (auto t = truncated_topic(e)) fmt::format_to(it, " topic=\"{}\"", *t);
        break;
    case event_kind::gap:
        fmt::format_to(it, "GAP {} bytes not captured{}", e.length,
                       e.in_sync ? " (inside one packet: boundary kept)" : " (packet boundary lost: resynchronising)");
        break;
    case event_kind::resync: fmt::format_to(it, "RESYNC packet boundary found, {} bytes skipped", e.length); break;
    case event_kind::open: put(o, "OPEN"); break;
    case event_kind::close: put(o, e.is_rst ? "CLOSE (RST)" : "CLOSE (FIN)"); break;
    case event_kind::tls: put(o, "TLS: encrypted, not decoded"); break;
    }
    put(o, '\n');
    if (options_.verbose && e.kind == event_kind::malformed) append_hexdump(o, e.raw, "    ");
    out_.end_record();
}

}  // namespace mqtt::dump
