// Payload stamp: byte layout (golden), round trip, and rejection of foreign payloads.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include <mqtt/load/stamp.hpp>

using namespace mqtt::load;

namespace {
std::vector<std::byte> bytes(std::initializer_list<unsigned> list) {
    std::vector<std::byte> out;
    for (unsigned b : list) out.push_back(static_cast<std::byte>(b));
    return out;
}
}  // namespace

TEST(Stamp, GoldenLayout) {
    std::array<std::byte, 32> buf{};
    write_stamp(buf, stamp{0x01020304, 0x1112131415161718ULL, 0x2122232425262728ULL});
    const auto expected = bytes({
        0x4d, 0x51, 0x4c, 0x44,                          // magic "MQLD"
        0x04, 0x03, 0x02, 0x01,                          // publisher_id, little-endian
        0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,  // sequence
        0x28, 0x27, 0x26, 0x25, 0x24, 0x23, 0x22, 0x21,  // sent_ns
    });
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), buf.begin()));
    EXPECT_EQ(buf[24], std::byte{0});  // nothing written past the stamp
}

TEST(Stamp, RoundTrip) {
    std::vector<std::byte> payload(100, std::byte{'x'});
    const stamp s{7, 123456789012345ULL, 987654321098765ULL};
    write_stamp(payload, s);
    const auto back = read_stamp(payload);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, s);
    EXPECT_TRUE(read_stamp(std::span<const std::byte>(payload).first(stamp_size)).has_value());
}

TEST(Stamp, RejectsShortOrForeignPayloads) {
    std::vector<std::byte> payload(stamp_size, std::byte{0});
    write_stamp(payload, stamp{1, 2, 3});
    EXPECT_FALSE(read_stamp(std::span<const std::byte>(payload).first(stamp_size - 1)).has_value());
    payload[0] = std::byte{'X'};
    EXPECT_FALSE(read_stamp(payload).has_value());
    EXPECT_FALSE(read_stamp({}).has_value());
}
