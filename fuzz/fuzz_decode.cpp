// fuzz_decode: decode() over a stream of packets, as a connection would see them. The first input byte picks the
// decode options (fuzz_common.hpp: options_from_byte); the rest is the byte stream. After a CONNECT the stream
// continues in that CONNECT's version. Checks: no crash or out-of-bounds read (every view is read), consumed
// equals the fixed header's packet size and respects max_packet_size, the packet type matches the header, and an
// error's offset lies inside the input and maps to an error reason code.
#include <cstddef>
#include <cstdint>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/fixed_header.hpp>

#include "fuzz_common.hpp"

namespace {
volatile std::uint32_t sink;  // keeps touch() from being optimised away
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mqtt;
    fuzz::input in(fuzz::as_bytes(data, size));
    codec::decode_options options = fuzz::options_from_byte(in.u8());
    fuzz::bytes_view stream = in.rest();
    for (int packets = 0; packets < 64; ++packets) {
        const auto r = codec::decode(stream, options);
        if (!r) {
            const codec::error e = r.error();
            MQTT_FUZZ_CHECK(e.offset <= stream.size(), "error offset beyond the input");
            MQTT_FUZZ_CHECK(!codec::name(e.code).empty(), "errc without a name");
            if (e.code == codec::errc::incomplete) {
                // Incomplete means a strict prefix: a header that decodes says the packet is longer.
                const auto h = codec::decode_fixed_header(stream);
                MQTT_FUZZ_CHECK(!h || h->packet_size() > stream.size(), "incomplete, yet the packet is all here");
            } else {
                MQTT_FUZZ_CHECK(e.code != codec::errc::buffer_too_small && e.code != codec::errc::field_too_long,
                                "an encode-only error from decode()");
                MQTT_FUZZ_CHECK(codec::is_error(codec::to_reason_code(e.code)), "decode error maps to a success code");
            }
            break;
        }
        const auto h = codec::decode_fixed_header(stream);
        MQTT_FUZZ_CHECK(h.has_value(), "decode() succeeded but the fixed header does not decode");
        MQTT_FUZZ_CHECK(r->consumed == h->packet_size(), "consumed != header size + remaining length");
        MQTT_FUZZ_CHECK(r->consumed <= stream.size(), "consumed more than the input");
        MQTT_FUZZ_CHECK(r->consumed <= options.max_packet_size, "a packet above max_packet_size decoded");
        MQTT_FUZZ_CHECK(codec::type_of(r->packet) == h->type, "packet type differs from the fixed header's");
        MQTT_FUZZ_CHECK(options.version != codec::protocol_version::unknown ||
                            codec::type_of(r->packet) == codec::packet_type::connect,
                        "a packet other than CONNECT decoded before the version is known");
        MQTT_FUZZ_CHECK(!codec::name(codec::type_of(r->packet)).empty(), "packet type without a name");
        sink = fuzz::touch(r->packet);
        fuzz::follow_connect(r->packet, options);
        stream = stream.subspan(r->consumed);
        if (stream.empty()) break;
    }
    return 0;
}
