// fuzz_fixed_header: decode_fixed_header() and the Variable Byte Integer codec against reference decoders written
// from the spec (sections 1.5.5 and 2.1), plus encode -> decode of the integer.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <mqtt/codec/fixed_header.hpp>
#include <mqtt/codec/varint.hpp>

#include "fuzz_common.hpp"

namespace {
using namespace mqtt;

struct ref_varint {
    bool incomplete = false;
    bool malformed = false;
    std::uint32_t value = 0;
    std::size_t size = 0;
};

// Section 1.5.5: up to four bytes, 7 bits each, low group first; more than four is malformed. MQTT-1.5.5-1 (v5):
// the shortest encoding only, i.e. a multi-byte integer whose last byte is zero is malformed.
ref_varint reference_varint(fuzz::bytes_view in) {
    ref_varint r;
    std::uint32_t multiplier = 1;
    for (std::size_t i = 0;; ++i) {
        if (i == 4) {
            r.malformed = true;
            return r;
        }
        if (i >= in.size()) {
            r.incomplete = true;
            return r;
        }
        const auto b = std::to_integer<std::uint32_t>(in[i]);
        r.value += (b & 127u) * multiplier;
        multiplier *= 128u;
        if ((b & 128u) == 0) {
            r.size = i + 1;
            if (r.size > 1 && b == 0) r.malformed = true;
            return r;
        }
    }
}

// Table 2-2 (v5) / 2.2 (v3.1.1): flags 0010 for PUBREL, SUBSCRIBE, UNSUBSCRIBE; anything for PUBLISH; 0000 else.
bool reference_flags_ok(unsigned type, unsigned flags) {
    if (type == 3) return true;
    if (type == 6 || type == 8 || type == 10) return flags == 2;
    return flags == 0;
}

void check_varint(fuzz::bytes_view in) {
    const auto got = codec::decode_variable_byte_integer(in);
    const ref_varint want = reference_varint(in);
    if (want.incomplete) {
        MQTT_FUZZ_CHECK(!got && got.error().code == codec::errc::incomplete, "varint: expected incomplete");
        return;
    }
    if (want.malformed) {
        MQTT_FUZZ_CHECK(!got && got.error().code == codec::errc::malformed_variable_byte_integer,
                        "varint: expected malformed");
        return;
    }
    MQTT_FUZZ_CHECK(got.has_value(), "varint: reference accepts, codec rejects");
    MQTT_FUZZ_CHECK(got->value == want.value && got->size == want.size, "varint: value or size differs");
    MQTT_FUZZ_CHECK(got->value <= codec::max_variable_byte_integer, "varint: value above the maximum");
    MQTT_FUZZ_CHECK(codec::variable_byte_integer_size(got->value) == got->size, "varint: size not shortest");
    // Shortest form only, so writing the value back gives the same bytes.
    std::array<std::byte, 4> out{};
    const std::size_t n = codec::write_variable_byte_integer(got->value, out.data());
    MQTT_FUZZ_CHECK(fuzz::same_bytes({out.data(), n}, in.first(got->size)), "varint: re-encoding differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = fuzz::as_bytes(data, size);

    // The fixed header.
    const auto got = codec::decode_fixed_header(in);
    if (in.empty()) {
        MQTT_FUZZ_CHECK(!got && got.error().code == codec::errc::incomplete, "empty input must be incomplete");
    } else {
        const unsigned first = data[0];
        const unsigned type = first >> 4, flags = first & 0xFu;
        const ref_varint length = reference_varint(in.subspan(1));
        std::optional<codec::errc> want;
        if (type == 0) want = codec::errc::reserved_packet_type;
        else if (!reference_flags_ok(type, flags)) want = codec::errc::invalid_fixed_header_flags;
        else if (length.incomplete) want = codec::errc::incomplete;
        else if (length.malformed) want = codec::errc::malformed_variable_byte_integer;
        if (want) {
            MQTT_FUZZ_CHECK(!got, "fixed header: reference rejects, codec accepts");
            MQTT_FUZZ_CHECK(got.error().code == *want, "fixed header: different error");
            MQTT_FUZZ_CHECK(got.error().offset <= size, "fixed header: error offset beyond the input");
        } else {
            MQTT_FUZZ_CHECK(got.has_value(), "fixed header: reference accepts, codec rejects");
            MQTT_FUZZ_CHECK(static_cast<unsigned>(got->type) == type && got->flags == flags, "type or flags");
            MQTT_FUZZ_CHECK(got->remaining_length == length.value, "remaining length");
            MQTT_FUZZ_CHECK(got->header_size == 1 + length.size, "header size");
            MQTT_FUZZ_CHECK(got->packet_size() == got->header_size + std::size_t{length.value}, "packet size");
        }
    }

    // The Variable Byte Integer alone, at the start of the input.
    check_varint(in);

    // Encode -> decode for any value up to the maximum, taken from the first four bytes.
    fuzz::input rest(in);
    const std::uint32_t value = rest.u32() % (codec::max_variable_byte_integer + 1);
    std::array<std::byte, 4> out{};
    const std::size_t n = codec::write_variable_byte_integer(value, out.data());
    MQTT_FUZZ_CHECK(n == codec::variable_byte_integer_size(value), "write_variable_byte_integer size");
    const auto back = codec::decode_variable_byte_integer({out.data(), n});
    MQTT_FUZZ_CHECK(back && back->value == value && back->size == n, "varint encode -> decode");
    return 0;
}
