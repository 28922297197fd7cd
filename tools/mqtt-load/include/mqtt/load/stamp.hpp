#pragma once
// The stamp mqtt-load writes at the front of every payload: who sent it, its sequence number, and when.
//
// 24 bytes, little-endian: magic "MQLD" (u32) | publisher_id (u32) | sequence (u64) | sent_ns (u64).
// sent_ns is CLOCK_MONOTONIC (steady_clock) in nanoseconds: comparable between processes on one machine only.
#include <bit>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <cstdint>
#include <optional>
#include <span>

namespace mqtt::load {

struct stamp {
    std::uint32_t publisher_id = 0;
    std::uint64_t sequence = 0;
    std::uint64_t sent_ns = 0;
    friend bool operator==(const stamp&, const stamp&) = default;
};

inline constexpr std::size_t stamp_size = 24;
inline constexpr std::uint32_t stamp_magic = 0x444c514dU;  // "MQLD" read as little-endian bytes

namespace detail {
template <class T>
constexpr void put_le(std::byte* out, T v) noexcept {
    if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
        std::memcpy(out, &v, sizeof v);  // one store instead of a byte loop
        return;
    }
    for (std::size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<std::byte>((v >> (8 * i)) & 0xffU);
}
template <class T>
constexpr T get_le(const std::byte* in) noexcept {
    T v = 0;
    if (!std::is_constant_evaluated() && std::endian::native == std::endian::little) {
        std::memcpy(&v, in, sizeof v);
        return v;
    }
    for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>(v | (static_cast<T>(in[i]) << (8 * i)));
    return v;
}
}  // namespace detail

// Writes the stamp into the first stamp_size bytes of `out` (which must be at least that long).
constexpr void write_stamp(std::span<std::byte> out, const stamp& s) noexcept {
    detail::put_le<std::uint32_t>(out.data(), stamp_magic);
    detail::put_le<std::uint32_t>(out.data() + 4, s.publisher_id);
    detail::put_le<std::uint64_t>(out.data() + 8, s.sequence);
    detail::put_le<std::uint64_t>(out.data() + 16, s.sent_ns);
}

// The stamp at the front of `payload`; nothing if the payload is too short or not from mqtt-load.
[[nodiscard]] constexpr std::optional<stamp> read_stamp(std::span<const std::byte> payload) noexcept {
    if (payload.size() < stamp_size || detail::get_le<std::uint32_t>(payload.data()) != stamp_magic)
        return std::nullopt;
    return stamp{detail::get_le<std::uint32_t>(payload.data() + 4), detail::get_le<std::uint64_t>(payload.data() + 8),
                 detail::get_le<std::uint64_t>(payload.data() + 16)};
}

}  // namespace mqtt::load
