// The usage example of docs/codec.md, compiled and run so the document cannot rot. Keep the two in step.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <string>
#include <vector>

// --- docs/codec.md example begins ---
#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>
#include <mqtt/codec/format.hpp>  // optional: mqtt::codec_fmt, for logging

namespace codec = mqtt::codec;

// Encodes a v5 PUBLISH into `out` (sized exactly), then decodes every packet found in `out`.
std::vector<std::string> round_trip(std::vector<std::byte>& out) {
    const std::string text = "21.5";
    const std::array props{codec::property::number(codec::property_id::message_expiry_interval, 60)};
    codec::publish_view pub;
    pub.topic = "sensors/t1";
    pub.payload = codec::bytes_view(reinterpret_cast<const std::byte*>(text.data()), text.size());
    pub.qos = codec::qos::at_least_once;
    pub.packet_id = 1;
    pub.properties = codec::properties_view(std::span<const codec::property>(props));

    out.resize(codec::encoded_size(pub, codec::protocol_version::v5));
    if (auto n = codec::encode(pub, codec::protocol_version::v5, out); !n) return {codec::to_string(n.error())};

    std::vector<std::string> log;
    std::span<const std::byte> rx = out;  // bytes received so far
    const codec::decode_options opt{codec::protocol_version::v5, 1024 * 1024};
    while (!rx.empty()) {
        auto r = codec::decode(rx, opt);
        if (!r && r.error().code == codec::errc::incomplete) break;  // wait for more bytes
        if (!r) {                                                   // e.g. DISCONNECT with this reason, then close
            log.push_back(fmt::format("error: {}", r.error()));
            break;
        }
        log.push_back(fmt::format("{}", r->packet));  // views borrow `rx`: use them before it changes
        rx = rx.subspan(r->consumed);
    }
    return log;
}
// --- docs/codec.md example ends ---

TEST(CodecUsageExample, EncodesThenDecodes) {
    std::vector<std::byte> buffer;
    const auto log = round_trip(buffer);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0], R"(PUBLISH qos=1 id=1 retain=0 dup=0 topic="sensors/t1" payload=4B "21.5" )"
                      R"(props={Message Expiry Interval=60})");
    // A truncated buffer is "incomplete", not an error.
    buffer.pop_back();
    const auto r = codec::decode(buffer, codec::decode_options{codec::protocol_version::v5});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, codec::errc::incomplete);
}
