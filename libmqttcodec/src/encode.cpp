// encode(): size the body, check the caller's buffer, write fixed header then body.
#include <mqtt/codec/encode.hpp>

#include "packet_codec.hpp"

namespace mqtt::codec {

namespace {
template <class View>
constexpr packet_type type_of_view() noexcept {
    return static_cast<packet_type>(packet_view(std::in_place_type<View>).index() + 1);
}

template <class View>
std::uint8_t first_byte(const View& p) noexcept {
    constexpr packet_type t = type_of_view<View>();
    std::uint8_t flags = 0;
    if constexpr (std::is_same_v<View, publish_view>) flags = detail::flags(p);
    else if constexpr (t == packet_type::pubrel || t == packet_type::subscribe || t == packet_type::unsubscribe)
        flags = 0b0010;  // MQTT-2.2.2-1 (v3.1.1), MQTT-2.1.3-1 (v5)
    return static_cast<std::uint8_t>((static_cast<unsigned>(t) << 4) | flags);
}

std::size_t packet_size(std::size_t body) noexcept {
    return 1 + variable_byte_integer_size(static_cast<std::uint32_t>(body)) + body;
}

// Writes the fixed header and whatever `write_body` writes; the body is `size` bytes.
template <class View, class WriteBody>
result<std::size_t> encode_with(const View& p, const detail::body_size& size, std::span<std::byte> out,
                                WriteBody write_body) noexcept {
    if (size.too_long) return fail(errc::field_too_long);
    if (size.n > max_variable_byte_integer) return fail(errc::packet_too_large);
    const std::size_t total = packet_size(size.n);
    if (out.size() < total) return fail(errc::buffer_too_small, out.size());
    detail::writer w(out.data());
    w.u8(first_byte(p));
    w.variable_byte_integer(static_cast<std::uint32_t>(size.n));
    write_body(w);
    return w.written();
}

template <class View>
result<std::size_t> encode_one(const View& p, protocol_version v, std::span<std::byte> out) noexcept {
    return encode_with(p, detail::measure(p, v), out, [&](detail::writer& w) { detail::write(w, p, v); });
}
}  // namespace

std::size_t encoded_size(const packet_view& p, protocol_version version) noexcept {
    return std::visit([&](const auto& view) { return packet_size(detail::measure(view, version).n); }, p);
}

std::size_t encoded_size(const publish_view& p, protocol_version version) noexcept {
    return packet_size(detail::measure(p, version).n);
}

result<std::size_t> encode(const packet_view& p, protocol_version version, std::span<std::byte> out) noexcept {
    return std::visit([&](const auto& view) { return encode_one(view, version, out); }, p);
}

result<std::size_t> encode(const publish_view& p, protocol_version version, std::span<std::byte> out) noexcept {
    return encode_one(p, version, out);
}

std::size_t encoded_publish_header_size(const publish_view& p, protocol_version version) noexcept {
    const std::size_t body = detail::measure(p, version).n;
    return packet_size(body) - p.payload.size();
}

result<std::size_t> encode_publish_header(const publish_view& p, protocol_version version,
                                          std::span<std::byte> out) noexcept {
    detail::body_size header = detail::measure_publish_header(p, version);
    detail::body_size whole = header;
    whole.fixed(p.payload.size());
    // The remaining length covers the payload, but only the header bytes are written here.
    if (whole.too_long) return fail(errc::field_too_long);
    if (whole.n > max_variable_byte_integer) return fail(errc::packet_too_large);
    const std::size_t size = packet_size(whole.n) - p.payload.size();
    if (out.size() < size) return fail(errc::buffer_too_small, out.size());
    detail::writer w(out.data());
    w.u8(first_byte(p));
    w.variable_byte_integer(static_cast<std::uint32_t>(whole.n));
    detail::write_header(w, p, version);
    return w.written();
}

}  // namespace mqtt::codec
