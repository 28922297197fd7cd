// fuzz_roundtrip: differential decode -> encode -> decode. For every packet the input decodes to (first byte: the
// decode options, as in fuzz_decode), encoded_size() must equal the bytes encode() writes, encode() into one byte
// less must fail with buffer_too_small, encoding twice must give identical bytes, the encoding must decode to the
// same fields, and since encode() writes the shortest form it is never longer than the input packet, and when it
// is just as long it is the same bytes (byte-for-byte round trip).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>

#include "fuzz_common.hpp"

namespace {
using namespace mqtt;

void round_trip(const codec::decoded& first, fuzz::bytes_view wire, const codec::decode_options& options) {
    // CONNECT carries its own version; everything else is encoded in the connection's version.
    codec::protocol_version v = options.version;
    if (const auto* c = std::get_if<codec::connect_view>(&first.packet)) v = c->version;

    const std::size_t size = codec::encoded_size(first.packet, v);
    MQTT_FUZZ_CHECK(size >= 2, "encoded_size below the smallest packet");
    // Exactly-sized heap buffers: AddressSanitizer catches a write past encoded_size().
    auto a = std::make_unique<std::byte[]>(size);
    auto b = std::make_unique<std::byte[]>(size);
    const auto wrote = codec::encode(first.packet, v, {a.get(), size});
    MQTT_FUZZ_CHECK(wrote.has_value(), "encode() of a decoded packet fails");
    MQTT_FUZZ_CHECK(*wrote == size, "encode() wrote a different count than encoded_size()");
    const auto again = codec::encode(first.packet, v, {b.get(), size});
    MQTT_FUZZ_CHECK(again && *again == size, "second encode() differs in size");
    MQTT_FUZZ_CHECK(fuzz::same_bytes({a.get(), size}, {b.get(), size}), "encoding twice gives different bytes");
    const auto small = codec::encode(first.packet, v, {b.get(), size - 1});
    MQTT_FUZZ_CHECK(!small && small.error().code == codec::errc::buffer_too_small, "one byte short must fail");

    const fuzz::bytes_view encoded{a.get(), size};
    const fuzz::bytes_view original = wire.first(first.consumed);
    MQTT_FUZZ_CHECK(size <= first.consumed, "encoding is longer than the (shortest-form-checked) input");
    if (size == first.consumed)
        MQTT_FUZZ_CHECK(fuzz::same_bytes(encoded, original),
                        "same length, different bytes:\n  in:  " + fuzz::hex(original) + "\n  out: " + fuzz::hex(encoded));

    codec::decode_options o2 = options;
    o2.max_packet_size = codec::decode_options{}.max_packet_size;
    const auto second = codec::decode(encoded, o2);
    MQTT_FUZZ_CHECK(second.has_value(), std::string("re-decoding the encoding fails: ") +
                                            std::string(second ? "" : codec::name(second.error().code)) +
                                            "\n  in:  " + fuzz::hex(original) + "\n  out: " + fuzz::hex(encoded));
    MQTT_FUZZ_CHECK(second->consumed == size, "re-decoding consumed a different size");
    const std::string diff = fuzz::packet_diff(first.packet, second->packet);
    MQTT_FUZZ_CHECK(diff.empty(), "decode -> encode -> decode differs in " + diff + "\n  in:  " +
                                      fuzz::hex(original) + "\n  out: " + fuzz::hex(encoded));

    // The second encoding is byte-identical to the first (encoding is a function of the fields).
    const auto third = codec::encode(second->packet, v, {b.get(), size});
    MQTT_FUZZ_CHECK(third && *third == size && fuzz::same_bytes(encoded, {b.get(), size}),
                    "encode(decode(encode(p))) != encode(p)");

    if (const auto* p = std::get_if<codec::publish_view>(&first.packet)) {
        // encode_publish_header() is encode() without the payload.
        const std::size_t hs = codec::encoded_publish_header_size(*p, v);
        MQTT_FUZZ_CHECK(hs + p->payload.size() == size, "publish header size + payload != packet size");
        auto h = std::make_unique<std::byte[]>(hs);
        const auto hw = codec::encode_publish_header(*p, v, {h.get(), hs});
        MQTT_FUZZ_CHECK(hw && *hw == hs, "encode_publish_header() size");
        MQTT_FUZZ_CHECK(fuzz::same_bytes({h.get(), hs}, encoded.first(hs)), "publish header differs from encode()");
        const auto ps = codec::encoded_size(*p, v);
        MQTT_FUZZ_CHECK(ps == size, "encoded_size(publish_view) != encoded_size(packet_view)");
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(fuzz::as_bytes(data, size));
    codec::decode_options options = fuzz::options_from_byte(in.u8());
    fuzz::bytes_view stream = in.rest();
    for (int packets = 0; packets < 64 && !stream.empty(); ++packets) {
        const auto r = codec::decode(stream, options);
        if (!r) break;
        round_trip(*r, stream, options);
        fuzz::follow_connect(r->packet, options);
        stream = stream.subspan(r->consumed);
    }
    return 0;
}
