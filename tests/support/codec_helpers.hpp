#pragma once
// Decode/encode helpers shared by the codec tests (and usable by broker tests): golden-vector checks, error checks,
// encoding into a vector.
#include <gtest/gtest.h>

#include <cstddef>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>
#include <mqtt/codec/result.hpp>

#include "support/bytes.hpp"
#include "support/hex.hpp"
#include "support/packet_compare.hpp"

namespace mqtt::codec {
// gtest prints these in assertion messages.
inline void PrintTo(errc e, std::ostream* os) { *os << "errc::" << name(e); }
inline void PrintTo(reason_code c, std::ostream* os) {
    *os << "0x" << std::hex << static_cast<unsigned>(c) << std::dec << " (" << name(c) << ")";
}
inline void PrintTo(protocol_version v, std::ostream* os) { *os << name(v); }
inline void PrintTo(const error& e, std::ostream* os) { *os << "{errc::" << name(e.code) << " at " << e.offset << "}"; }
}  // namespace mqtt::codec

namespace mqtt::test {

using codec::protocol_version;

[[nodiscard]] inline codec::decode_options options_for(protocol_version v) {
    codec::decode_options o;
    o.version = v;
    return o;
}

// Encodes `p` into a vector of exactly encoded_size() bytes; an empty vector (and a test failure) on error.
[[nodiscard]] inline std::vector<std::byte> encode_to_vector(const codec::packet_view& p, protocol_version v) {
    std::vector<std::byte> out(codec::encoded_size(p, v));
    auto r = codec::encode(p, v, out);
    if (!r) {
        ADD_FAILURE() << "encode failed: errc::" << codec::name(r.error().code);
        return {};
    }
    EXPECT_EQ(*r, out.size()) << "encode() wrote a different count than encoded_size()";
    return out;
}

// A whole packet from its first byte and body: the remaining length is computed (shortest form).
[[nodiscard]] inline std::vector<std::byte> packet(std::uint8_t first_byte, std::span<const std::byte> body) {
    std::vector<std::byte> out{static_cast<std::byte>(first_byte)};
    auto n = body.size();
    do {
        auto digit = static_cast<std::uint8_t>(n & 0x7Fu);
        n >>= 7;
        if (n > 0) digit = static_cast<std::uint8_t>(digit | 0x80u);
        out.push_back(static_cast<std::byte>(digit));
    } while (n > 0);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}
[[nodiscard]] inline std::vector<std::byte> packet(std::uint8_t first_byte, std::string_view body_hex) {
    return packet(first_byte, hex(body_hex));
}

// A decoded packet together with the bytes its views borrow from (moving a vector keeps its buffer in place).
struct decoded_packet {
    std::vector<std::byte> bytes;
    codec::packet_view packet;
    std::size_t consumed = 0;

    template <class View>
    [[nodiscard]] const View& as() const {
        if (const auto* v = std::get_if<View>(&packet)) return *v;
        throw std::runtime_error("decoded packet has type " + std::to_string(packet.index() + 1));
    }
};

// Golden check: `x` decodes in full under `v`, and encode(decode(x)) == x byte for byte.
[[nodiscard]] inline decoded_packet decode_golden(std::string_view hex_text, protocol_version v) {
    decoded_packet d;
    d.bytes = hex(hex_text);
    auto r = codec::decode(d.bytes, options_for(v));
    if (!r) throw std::runtime_error("golden vector failed to decode: errc::" + std::string(name(r.error().code)) +
                                     " at offset " + std::to_string(r.error().offset));
    d.packet = r->packet;
    d.consumed = r->consumed;
    EXPECT_EQ(d.consumed, d.bytes.size()) << "decode() did not consume the whole golden vector";
    const auto again = encode_to_vector(d.packet, v);
    EXPECT_EQ(to_hex(again), to_hex(d.bytes)) << "encode(decode(x)) != x";
    return d;
}

// Non-canonical but valid input: decodes to the same fields as `canonical`, and re-encodes to `canonical`.
inline void expect_decodes_to_canonical(std::string_view noncanonical_hex, std::string_view canonical_hex,
                                        protocol_version v) {
    const auto in = hex(noncanonical_hex);
    auto r = codec::decode(in, options_for(v));
    ASSERT_TRUE(r.has_value()) << "decode failed: errc::" << codec::name(r.error().code);
    EXPECT_EQ(r->consumed, in.size());
    const auto canonical = decode_golden(canonical_hex, v);
    EXPECT_TRUE(packets_equal(r->packet, canonical.packet));
    EXPECT_EQ(to_hex(encode_to_vector(r->packet, v)), to_hex(canonical.bytes));
}

// The decode error for `bytes` under `v`, or a failure when it decodes.
[[nodiscard]] inline ::testing::AssertionResult decode_fails(std::span<const std::byte> bytes, protocol_version v,
                                                             codec::errc code, std::uint32_t offset,
                                                             codec::reason_code reason) {
    auto r = codec::decode(bytes, options_for(v));
    if (r) return ::testing::AssertionFailure() << "decoded, expected errc::" << codec::name(code);
    const codec::error e = r.error();
    if (e.code != code || e.offset != offset)
        return ::testing::AssertionFailure() << "got errc::" << codec::name(e.code) << " at " << e.offset
                                             << ", expected errc::" << codec::name(code) << " at " << offset;
    if (codec::to_reason_code(e.code) != reason)
        return ::testing::AssertionFailure()
               << "to_reason_code(errc::" << codec::name(code) << ") is 0x" << std::hex
               << static_cast<unsigned>(codec::to_reason_code(e.code)) << ", expected 0x"
               << static_cast<unsigned>(reason);
    return ::testing::AssertionSuccess();
}
[[nodiscard]] inline ::testing::AssertionResult decode_fails(std::string_view hex_text, protocol_version v,
                                                             codec::errc code, std::uint32_t offset,
                                                             codec::reason_code reason) {
    return decode_fails(hex(hex_text), v, code, offset, reason);
}

// Sweeps all 256 values of the reason-code byte body[code_index] of a short packet (2-byte fixed header): the
// values `allowed` accepts decode and re-encode to the same bytes; every other one is refused with
// invalid_reason_code at that byte (Malformed Packet).
template <class Allowed>
void expect_only_reason_codes(std::uint8_t first_byte, std::vector<std::byte> body, std::size_t code_index,
                              protocol_version v, Allowed allowed) {
    for (unsigned code = 0; code < 256; ++code) {
        SCOPED_TRACE(code);
        body[code_index] = static_cast<std::byte>(code);
        const auto bytes = packet(first_byte, body);
        if (allowed(code)) {
            auto r = codec::decode(bytes, options_for(v));
            ASSERT_TRUE(r.has_value());
            EXPECT_EQ(to_hex(encode_to_vector(r->packet, v)), to_hex(bytes));
        } else {
            EXPECT_TRUE(decode_fails(bytes, v, codec::errc::invalid_reason_code,
                                     static_cast<std::uint32_t>(2 + code_index), codec::reason_code::malformed_packet));
        }
    }
}

// For TEST_P over both versions.
inline std::string version_name(const ::testing::TestParamInfo<protocol_version>& info) {
    return info.param == protocol_version::v5 ? "V5" : "V311";
}

}  // namespace mqtt::test
