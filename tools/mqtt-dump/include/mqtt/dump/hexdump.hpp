#pragma once
// Hex helpers for mqtt-dump (tools/common has no hexdump yet; move it there when it gets one).
#include <cstddef>
#include <span>
#include <string_view>

#include <fmt/format.h>

namespace mqtt::dump {

// "30 0a 00 03": at most `max_bytes` bytes, separated by `separator` (empty for "300a0003").
void append_hex(fmt::memory_buffer& out, std::span<const std::byte> bytes, std::size_t max_bytes,
                std::string_view separator = "");

// Classic 16-bytes-per-line dump with offsets and an ASCII column; every line starts with `indent`.
void append_hexdump(fmt::memory_buffer& out, std::span<const std::byte> bytes, std::string_view indent);

// Printable as text: valid UTF-8 (U+0000 excluded) and no control characters other than tab, CR, LF.
[[nodiscard]] bool is_printable_text(std::span<const std::byte> bytes) noexcept;

}  // namespace mqtt::dump
