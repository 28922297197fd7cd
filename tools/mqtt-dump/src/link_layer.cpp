// Link layer -> IPv4/IPv6 -> TCP. Every read is bounds-checked against the captured length.
#include <mqtt/dump/link_layer.hpp>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace mqtt::dump {
namespace {

constexpr int dlt_null = 0;
constexpr int dlt_en10mb = 1;
constexpr int dlt_raw = 12;
constexpr int dlt_raw_openbsd = 14;
constexpr int linktype_raw = 101;
constexpr int dlt_loop = 108;
constexpr int dlt_linux_sll = 113;
constexpr int dlt_ipv4 = 228;
constexpr int dlt_ipv6 = 229;
constexpr int dlt_linux_sll2 = 276;

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86DD;
constexpr std::uint16_t ethertype_vlan = 0x8100;
constexpr std::uint16_t ethertype_qinq = 0x88A8;

std::uint8_t u8(std::span<const std::byte> b, std::size_t at) noexcept { return std::to_integer<std::uint8_t>(b[at]); }
std::uint16_t be16(std::span<const std::byte> b, std::size_t at) noexcept {
    return static_cast<std::uint16_t>((u8(b, at) << 8) | u8(b, at + 1));
}
std::uint32_t be32(std::span<const std::byte> b, std::size_t at) noexcept {
    return (std::uint32_t{be16(b, at)} << 16) | be16(b, at + 2);
}

frame_status parse_tcp(std::span<const std::byte> seg, std::size_t ip_payload_length, tcp_segment& out) noexcept {
    if (seg.size() < 20) return frame_status::truncated;
    out.src.port = be16(seg, 0);
    out.dst.port = be16(seg, 2);
    out.seq = be32(seg, 4);
    out.ack = be32(seg, 8);
    const std::size_t header = std::size_t{static_cast<std::uint8_t>(u8(seg, 12) >> 4)} * 4;
    out.flags = u8(seg, 13);
    if (header < 20 || ip_payload_length < header) return frame_status::truncated;
    if (seg.size() < header) return frame_status::truncated;
    out.payload_length = static_cast<std::uint32_t>(ip_payload_length - header);
    const std::size_t captured = std::min(seg.size(), ip_payload_length) - header;
    out.payload = seg.subspan(header, captured);
    return frame_status::tcp;
}

frame_status parse_ipv4(std::span<const std::byte> ip, tcp_segment& out) noexcept {
    if (ip.size() < 20) return frame_status::truncated;
    if ((u8(ip, 0) >> 4) != 4) return frame_status::not_tcp;
    const std::size_t header = std::size_t{static_cast<std::uint8_t>(u8(ip, 0) & 0x0F)} * 4;
    const std::size_t total = be16(ip, 2);
    if (header < 20 || ip.size() < header) return frame_status::truncated;
    // TSO captures may show total length 0; then the frame length is all we have.
    const std::size_t length = total == 0 ? ip.size() : total;
    if (length < header) return frame_status::truncated;
    if (u8(ip, 9) != 6) return frame_status::not_tcp;
    const std::uint16_t fragment = be16(ip, 6);
    if ((fragment & 0x1FFF) != 0 || (fragment & 0x2000) != 0) return frame_status::ip_fragment;
    out.src = endpoint{};
    out.dst = endpoint{};
    std::memcpy(out.src.address.data(), ip.data() + 12, 4);
    std::memcpy(out.dst.address.data(), ip.data() + 16, 4);
    // Ethernet pads short frames: the IP total length, not the frame length, bounds the segment.
    return parse_tcp(ip.subspan(header, std::min(ip.size(), length) - header), length - header, out);
}

frame_status parse_ipv6(std::span<const std::byte> ip, tcp_segment& out) noexcept {
    if (ip.size() < 40) return frame_status::truncated;
    if ((u8(ip, 0) >> 4) != 6) return frame_status::not_tcp;
    std::size_t payload_length = be16(ip, 4);
    std::uint8_t next = u8(ip, 6);
    out.src = endpoint{};
    out.dst = endpoint{};
    out.src.is_v6 = out.dst.is_v6 = true;
    std::memcpy(out.src.address.data(), ip.data() + 8, 16);
    std::memcpy(out.dst.address.data(), ip.data() + 24, 16);
    std::size_t at = 40;
    if (payload_length == 0) payload_length = ip.size() - 40;  // jumbogram or TSO: trust the frame
    std::size_t end = 40 + payload_length;
    // Extension headers: hop-by-hop (0), routing (43), fragment (44), destination options (60).
    for (int i = 0; i < 8 && next != 6; ++i) {
        if (ip.size() < at + 8) return frame_status::truncated;
        if (next == 44) {
            if ((be16(ip, at + 2) & 0xFFF9) != 0) return frame_status::ip_fragment;
            next = u8(ip, at);
            at += 8;
        } else if (next == 0 || next == 43 || next == 60) {
            const std::size_t len = (std::size_t{u8(ip, at + 1)} + 1) * 8;
            next = u8(ip, at);
            at += len;
        } else {
            return frame_status::not_tcp;
        }
    }
    if (next != 6 || at > end) return frame_status::not_tcp;
    if (ip.size() < at) return frame_status::truncated;
    return parse_tcp(ip.subspan(at, std::min(ip.size(), end) - at), end - at, out);
}

frame_status parse_ip(std::span<const std::byte> ip, tcp_segment& out) noexcept {
    if (ip.empty()) return frame_status::truncated;
    switch (u8(ip, 0) >> 4) {
    case 4: return parse_ipv4(ip, out);
    case 6: return parse_ipv6(ip, out);
    default: return frame_status::not_tcp;
    }
}

frame_status parse_ethertype(std::uint16_t type, std::span<const std::byte> rest, tcp_segment& out) noexcept {
    if (type == ethertype_ipv4) return parse_ipv4(rest, out);
    if (type == ethertype_ipv6) return parse_ipv6(rest, out);
    return frame_status::not_tcp;
}

}  // namespace

bool is_supported_link_type(int t) noexcept {
    switch (t) {
    case dlt_null: case dlt_en10mb: case dlt_raw: case dlt_raw_openbsd: case linktype_raw: case dlt_loop:
    case dlt_linux_sll: case dlt_ipv4: case dlt_ipv6: case dlt_linux_sll2: return true;
    default: return false;
    }
}

frame_status parse_frame(int link_type, std::span<const std::byte> f, tcp_segment& out) noexcept {
    switch (link_type) {
    case dlt_en10mb: {
        if (f.size() < 14) return frame_status::truncated;
        std::size_t at = 12;
        std::uint16_t type = be16(f, at);
        while (type == ethertype_vlan || type == ethertype_qinq) {
            at += 4;
            if (f.size() < at + 2) return frame_status::truncated;
            type = be16(f, at);
        }
        return parse_ethertype(type, f.subspan(at + 2), out);
    }
    case dlt_linux_sll:  // 16 bytes; protocol type at offset 14
        if (f.size() < 16) return frame_status::truncated;
        return parse_ethertype(be16(f, 14), f.subspan(16), out);
    case dlt_linux_sll2:  // 20 bytes; protocol type at offset 0
        if (f.size() < 20) return frame_status::truncated;
        return parse_ethertype(be16(f, 0), f.subspan(20), out);
    case dlt_null:
    case dlt_loop: {
        // A 4-byte address family: host byte order for DLT_NULL, network order for DLT_LOOP. AF_INET is 2
        // everywhere; AF_INET6 is 10 (Linux), 24, 28 or 30 (BSDs, macOS). Look at the IP version nibble instead.
        if (f.size() < 4) return frame_status::truncated;
        return parse_ip(f.subspan(4), out);
    }
    case dlt_raw:
    case dlt_raw_openbsd:
    case linktype_raw:
    case dlt_ipv4:
    case dlt_ipv6: return parse_ip(f, out);
    default: return frame_status::unsupported_link_type;
    }
}

std::string to_string(const endpoint& e) {
    char text[INET6_ADDRSTRLEN] = {};
    if (e.is_v6) {
        inet_ntop(AF_INET6, e.address.data(), text, sizeof text);
        return "[" + std::string(text) + "]:" + std::to_string(e.port);
    }
    // By hand: inet_ntop and three temporary strings took 2,000 instructions, once per connection and side.
    std::string out;
    out.reserve(21);
    auto append = [&](unsigned v, char after) {
        const fmt::format_int digits(v);
        out.append(digits.data(), digits.size());
        if (after != 0) out.push_back(after);
    };
    for (std::size_t i = 0; i < 4; ++i) append(e.address[i], i < 3 ? '.' : ':');
    append(e.port, 0);
    return out;
}

}  // namespace mqtt::dump
