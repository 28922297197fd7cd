#include <mqtt/dump/sha256.hpp>

#include <algorithm>
#include <memory>

#include <openssl/evp.h>

#include <mqtt/codec/format.hpp>

namespace mqtt::dump {
namespace {

// EVP_Digest(..., EVP_sha256(), ...) looks the algorithm up and allocates a context on every call (OpenSSL 3):
// that costed more than hashing a short payload. Fetch once and reuse one context per thread.
struct digest_state {
    std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md{EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

}  // namespace

std::array<unsigned char, 32> sha256(std::span<const std::byte> data) noexcept {
    std::array<unsigned char, 32> digest{};
    unsigned int size = 0;
    thread_local digest_state state;
    if (state.md && state.ctx && EVP_DigestInit_ex(state.ctx.get(), state.md.get(), nullptr) == 1 &&
        EVP_DigestUpdate(state.ctx.get(), data.data(), data.size()) == 1 &&
        EVP_DigestFinal_ex(state.ctx.get(), digest.data(), &size) == 1)
        return digest;
    EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr);
    return digest;
}

void append_sha256_hex(fmt::memory_buffer& out, std::span<const std::byte> data, std::size_t digits) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto digest = sha256(data);
    char text[64];
    const std::size_t n = std::min<std::size_t>((digits + 1) / 2, digest.size());  // only the bytes shown
    for (std::size_t i = 0; i < n; ++i) {
        text[2 * i] = hex[digest[i] >> 4];
        text[2 * i + 1] = hex[digest[i] & 0x0F];
    }
    codec::fmt_detail::append(out, std::string_view(text, std::min<std::size_t>(digits, sizeof text)));
}

std::string sha256_hex(std::span<const std::byte> data, std::size_t digits) {
    fmt::memory_buffer buf;
    append_sha256_hex(buf, data, digits);
    return fmt::to_string(buf);
}

}  // namespace mqtt::dump
