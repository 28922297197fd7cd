#pragma once
// Salted, slow password hashes in Mosquitto 2's password-file format, so files made by mosquitto_passwd work
// unchanged: "$7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512>". The older "$6$" form (one SHA-512 over
// password and salt) is a fast hash and is refused, as are plain-text passwords.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mqttd {

struct password_hash {
    std::uint32_t iterations = 0;
    std::vector<unsigned char> salt;
    std::vector<unsigned char> digest;  // PBKDF2-HMAC-SHA512 of the password, 64 bytes
};

// What mqttd-passwd writes unless told otherwise. Every CONNECT with a password pays this many HMAC rounds on
// the engine's thread (about 10 ms here; docs/security.md), so it trades brute-force cost against connect rate.
inline constexpr std::uint32_t default_password_iterations = 20'000;
inline constexpr std::size_t password_salt_size = 12;  // as mosquitto_passwd

struct password_hash_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A fresh random salt from OpenSSL's CSPRNG. Throws password_hash_error if the CSPRNG fails.
[[nodiscard]] password_hash make_password_hash(std::string_view password,
                                               std::uint32_t iterations = default_password_iterations);
// Constant-time comparison of the derived key.
[[nodiscard]] bool verify_password(const password_hash& h, std::string_view password);

[[nodiscard]] std::string format_password_hash(const password_hash& h);
// Throws password_hash_error saying what is wrong (fast hash, plain text, bad base64, ...).
[[nodiscard]] password_hash parse_password_hash(std::string_view text);

}  // namespace mqttd
