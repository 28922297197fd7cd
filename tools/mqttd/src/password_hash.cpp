#include <mqttd/password_hash.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <limits>

#include <fmt/core.h>

namespace mqttd {

namespace {

constexpr std::size_t digest_size = 64;  // SHA-512
constexpr std::uint32_t max_iterations = 100'000'000;

std::vector<unsigned char> derive(std::string_view password, const std::vector<unsigned char>& salt,
                                  std::uint32_t iterations) {
    std::vector<unsigned char> out(digest_size);
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                          static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha512(),
                          static_cast<int>(out.size()), out.data()) != 1)
        throw password_hash_error("PBKDF2 failed (OpenSSL)");
    return out;
}

std::string base64(const std::vector<unsigned char>& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::vector<unsigned char> unbase64(std::string_view text, std::string_view what) {
    if (text.empty() || text.size() % 4 != 0) throw password_hash_error(fmt::format("{} is not base64", what));
    std::vector<unsigned char> out(text.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) throw password_hash_error(fmt::format("{} is not base64", what));
    // EVP_DecodeBlock counts the bytes '=' padding stands for; drop them.
    std::size_t size = static_cast<std::size_t>(n);
    for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) --size;
    out.resize(size);
    return out;
}

// Splits "a$b$c" at '$'.
std::vector<std::string_view> fields(std::string_view s) {
    std::vector<std::string_view> out;
    for (;;) {
        const auto d = s.find('$');
        out.push_back(s.substr(0, d));
        if (d == std::string_view::npos) return out;
        s.remove_prefix(d + 1);
    }
}

}  // namespace

password_hash make_password_hash(std::string_view password, std::uint32_t iterations) {
    if (iterations == 0 || iterations > max_iterations)
        throw password_hash_error(fmt::format("iterations must be 1 to {}", max_iterations));
    password_hash h;
    h.iterations = iterations;
    h.salt.resize(password_salt_size);
    if (RAND_bytes(h.salt.data(), static_cast<int>(h.salt.size())) != 1)
        throw password_hash_error("no random salt: OpenSSL's RAND_bytes failed");
    h.digest = derive(password, h.salt, iterations);
    return h;
}

bool verify_password(const password_hash& h, std::string_view password) {
    const auto d = derive(password, h.salt, h.iterations);
    return d.size() == h.digest.size() && CRYPTO_memcmp(d.data(), h.digest.data(), d.size()) == 0;
}

std::string format_password_hash(const password_hash& h) {
    return fmt::format("$7${}${}${}", h.iterations, base64(h.salt), base64(h.digest));
}

password_hash parse_password_hash(std::string_view text) {
    if (text.empty() || text.front() != '$')
        throw password_hash_error("not a hash (a plain-text password? hash it with mqttd-passwd)");
    const auto f = fields(text.substr(1));
    if (f[0] == "6")
        throw password_hash_error("'$6$' is a fast SHA-512 hash, refused: set the password again with mqttd-passwd");
    if (f[0] != "7") throw password_hash_error(fmt::format("unknown hash type '${}$'", f[0]));
    if (f.size() != 4) throw password_hash_error("expected $7$<iterations>$<salt>$<hash>");
    password_hash h;
    std::uint64_t iterations = 0;
    const auto [end, ec] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), iterations);
    if (ec != std::errc{} || end != f[1].data() + f[1].size() || iterations == 0 || iterations > max_iterations)
        throw password_hash_error(fmt::format("iterations '{}' is not a number from 1 to {}", f[1], max_iterations));
    h.iterations = static_cast<std::uint32_t>(iterations);
    h.salt = unbase64(f[2], "salt");
    h.digest = unbase64(f[3], "hash");
    if (h.salt.empty()) throw password_hash_error("empty salt");
    if (h.digest.size() != digest_size)
        throw password_hash_error(fmt::format("hash is {} bytes, PBKDF2-SHA512 gives {}", h.digest.size(), digest_size));
    return h;
}

}  // namespace mqttd
