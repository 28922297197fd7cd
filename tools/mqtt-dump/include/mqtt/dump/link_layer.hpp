#pragma once
// Link, IP and TCP headers of one captured frame -> the TCP segment inside it. Pure functions, no state.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace mqtt::dump {

// One captured frame's place in the capture.
struct frame_info {
    std::uint64_t number = 0;  // 1-based, as Wireshark counts
    std::int64_t seconds = 0;
    std::uint32_t nanoseconds = 0;
};

struct endpoint {
    std::array<std::uint8_t, 16> address{};  // IPv4 in the first 4 bytes
    bool is_v6 = false;
    std::uint16_t port = 0;
    friend bool operator==(const endpoint&, const endpoint&) = default;
};

// "127.0.0.1:1883" or "[::1]:1883".
[[nodiscard]] std::string to_string(const endpoint& e);

namespace tcp_flags {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t ack = 0x10;
}  // namespace tcp_flags

struct tcp_segment {
    endpoint src;
    endpoint dst;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;
    std::span<const std::byte> payload;  // the captured part of the payload (borrows from the frame)
    std::uint32_t payload_length = 0;    // what the IP header says; larger than payload.size() under a snaplen
};

enum class frame_status : std::uint8_t { tcp, not_tcp, truncated, unsupported_link_type, ip_fragment };

// The pcap link types understood: DLT_NULL (0), DLT_EN10MB (1, with 802.1Q/802.1ad tags), DLT_RAW (12, 14, and
// LINKTYPE_RAW 101), DLT_LOOP (108), DLT_LINUX_SLL (113), DLT_LINUX_SLL2 (276), DLT_IPV4 (228), DLT_IPV6 (229).
[[nodiscard]] bool is_supported_link_type(int link_type) noexcept;

// Parses `frame` (as captured: possibly cut by the snaplen). On frame_status::tcp, `out` borrows from `frame`.
[[nodiscard]] frame_status parse_frame(int link_type, std::span<const std::byte> frame, tcp_segment& out) noexcept;

}  // namespace mqtt::dump
