#include <cstdint>
#include <cstring>

#include <mqtt/codec/utf8.hpp>

namespace mqtt::codec {

// Well-formed UTF-8 per RFC 3629 Table 3-7 (no overlong forms, no surrogates, nothing above U+10FFFF), plus the
// MQTT ban on U+0000. ASCII runs take the fast path, eight bytes at a time.
std::optional<error> validate_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());  // NOLINT
    const std::size_t n = s.size();
    std::size_t i = 0;
    auto bad = [](errc c, std::size_t at) { return error{c, static_cast<std::uint32_t>(at)}; };
    while (i < n) {
        if (n - i >= 8) {
            // Eight bytes at once: no high bit set and no zero byte means eight characters U+0001..U+007F.
            std::uint64_t w = 0;
            std::memcpy(&w, p + i, 8);
            constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
            if (((w | (w - ones)) & highs) == 0) {
                i += 8;
                continue;
            }
        }
        const unsigned char c = p[i];
        if (c >= 0x01 && c < 0x80) {
            ++i;
            continue;
        }
        if (c == 0) return bad(errc::utf8_contains_null, i);
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if (c == 0xED) { len = 3; hi = 0x9F; }  // U+D800..U+DFFF are surrogates
        else if (c >= 0xE1 && c <= 0xEF) len = 3;
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }
        else return bad(errc::invalid_utf8, i);
        if (i + len > n) return bad(errc::invalid_utf8, i);
        if (p[i + 1] < lo || p[i + 1] > hi) return bad(errc::invalid_utf8, i + 1);
        for (std::size_t k = 2; k < len; ++k)
            if ((p[i + k] & 0xC0) != 0x80) return bad(errc::invalid_utf8, i + k);
        i += len;
    }
    return std::nullopt;
}

}  // namespace mqtt::codec
