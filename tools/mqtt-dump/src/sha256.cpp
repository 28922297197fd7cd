#include <mqtt/dump/sha256.hpp>

#include <algorithm>

#include <openssl/evp.h>

namespace mqtt::dump {

std::array<unsigned char, 32> sha256(std::span<const std::byte> data) noexcept {
    std::array<unsigned char, 32> digest{};
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr);
    return digest;
}

std::string sha256_hex(std::span<const std::byte> data, std::size_t digits) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto digest = sha256(data);
    std::string out;
    for (unsigned char b : digest) {
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 0x0F]);
    }
    out.resize(std::min<std::size_t>(digits, out.size()));
    return out;
}

}  // namespace mqtt::dump
