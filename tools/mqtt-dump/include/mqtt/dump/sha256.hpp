#pragma once
// SHA-256 (OpenSSL libcrypto) for the payload fingerprint mqtt-dump prints next to each payload.
#include <array>
#include <cstddef>
#include <span>
#include <string>

#include <fmt/format.h>

namespace mqtt::dump {

[[nodiscard]] std::array<unsigned char, 32> sha256(std::span<const std::byte> data) noexcept;
// The first `digits` lowercase hex digits of the digest (12, as the captures' .tshark.tsv use).
[[nodiscard]] std::string sha256_hex(std::span<const std::byte> data, std::size_t digits = 64);
// The same, appended to `out` without a temporary string.
void append_sha256_hex(fmt::memory_buffer& out, std::span<const std::byte> data, std::size_t digits = 64);

}  // namespace mqtt::dump
