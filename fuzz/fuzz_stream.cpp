// fuzz_stream: a streaming decoder fed in random chunk sizes must see exactly what a one-shot decode of the whole
// input sees: the same packets (field by field, same sizes) and the same final error. While a packet is still
// arriving decode() may only say `incomplete` (it never reports an error that more bytes would undo, and never an
// error the one-shot decode does not report). Each attempt decodes from an exactly-sized heap copy of what has
// arrived, so a read past the received bytes is caught by AddressSanitizer.
// Input: byte 0 = decode options (fuzz_common.hpp), byte 1 = chunking mode, bytes 2..9 = RNG seed, rest = stream.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <mqtt/codec/decode.hpp>

#include "fuzz_common.hpp"

namespace {
using namespace mqtt;

struct step {
    codec::packet_view packet;
    std::size_t offset;  // where the packet starts in the stream
    std::size_t consumed;
};
struct outcome {
    std::vector<step> packets;
    bool failed = false;  // ended with an error other than incomplete
    codec::error error{codec::errc::incomplete, 0};
};

constexpr std::size_t max_packets = 256;

outcome one_shot(fuzz::bytes_view stream, codec::decode_options options) {
    outcome out;
    std::size_t at = 0;
    while (out.packets.size() < max_packets) {
        const auto r = codec::decode(stream.subspan(at), options);
        if (!r) {
            out.failed = r.error().code != codec::errc::incomplete;
            out.error = r.error();
            break;
        }
        out.packets.push_back({r->packet, at, r->consumed});
        fuzz::follow_connect(r->packet, options);
        at += r->consumed;
    }
    return out;
}

std::uint64_t next(std::uint64_t& s) noexcept {  // xorshift64*
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1DULL;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(fuzz::as_bytes(data, size));
    const codec::decode_options start = fuzz::options_from_byte(in.u8());
    const std::uint8_t mode = in.u8();
    std::uint64_t seed = (std::uint64_t{in.u32()} << 32) | in.u32() | 1u;
    const fuzz::bytes_view stream = in.rest();

    const outcome whole = one_shot(stream, start);

    // Chunk sizes: 1..max_chunk bytes at a time, max_chunk from the mode byte (1 = byte by byte).
    static constexpr std::size_t limits[] = {1, 2, 3, 7, 16, 64, 300, 4096};
    const std::size_t max_chunk = limits[mode & 7u];

    codec::decode_options options = start;
    std::size_t received = 0;  // bytes of the stream that have "arrived"
    std::size_t at = 0;        // start of the next undecoded packet
    std::size_t index = 0;     // packets decoded so far
    bool stopped = false;
    while (!stopped && received < stream.size()) {
        received += std::min<std::size_t>(stream.size() - received, 1 + next(seed) % max_chunk);
        for (;;) {
            if (index == whole.packets.size() && index == max_packets) {
                stopped = true;
                break;
            }
            const std::size_t have = received - at;
            auto buffer = std::make_unique<std::byte[]>(have == 0 ? 1 : have);
            if (have != 0) std::memcpy(buffer.get(), stream.data() + at, have);
            const auto r = codec::decode({buffer.get(), have}, options);
            if (!r && r.error().code == codec::errc::incomplete) {
                // Only a strict prefix of the one-shot result may be incomplete.
                MQTT_FUZZ_CHECK(index < whole.packets.size() ? received - at < whole.packets[index].consumed
                                                             : !whole.failed || received < stream.size() ||
                                                                   whole.error.code == codec::errc::incomplete,
                                "streaming says incomplete where the whole input decodes");
                break;
            }
            if (!r) {
                MQTT_FUZZ_CHECK(index == whole.packets.size() && whole.failed,
                                std::string("streaming fails (") + std::string(codec::name(r.error().code)) +
                                    ") where the one-shot decode does not, at offset " + std::to_string(at));
                MQTT_FUZZ_CHECK(r.error().code == whole.error.code, "different error streaming and one-shot");
                MQTT_FUZZ_CHECK(r.error().offset == whole.error.offset, "different error offset");
                stopped = true;
                break;
            }
            MQTT_FUZZ_CHECK(index < whole.packets.size(), "streaming decodes a packet the one-shot decode did not");
            const step& want = whole.packets[index];
            MQTT_FUZZ_CHECK(want.offset == at && want.consumed == r->consumed, "packet boundaries differ");
            const std::string diff = fuzz::packet_diff(want.packet, r->packet);
            MQTT_FUZZ_CHECK(diff.empty(), "streaming and one-shot packets differ in " + diff);
            fuzz::follow_connect(r->packet, options);
            at += r->consumed;
            ++index;
        }
    }
    if (!stopped) {
        // Everything arrived: the stream ends where the one-shot decode ended.
        MQTT_FUZZ_CHECK(index == whole.packets.size(), "streaming decoded a different number of packets");
        MQTT_FUZZ_CHECK(!whole.failed || stream.empty(), "one-shot decode failed, streaming never did");
    }
    return 0;
}
