#include <gtest/gtest.h>

#include <mqtt/tools/byte_buffer.hpp>

#include <string_view>
#include <vector>

namespace {

std::span<const std::byte> bytes(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }
std::string_view text(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

TEST(ByteBuffer, AppendConsumeKeepsOrder) {
    mqtt::tools::byte_buffer b;
    EXPECT_TRUE(b.empty());
    b.append(bytes("hello "));
    b.append(bytes("world"));
    EXPECT_EQ(text(b.readable()), "hello world");
    b.consume(6);
    EXPECT_EQ(text(b.readable()), "world");
    b.consume(100);  // more than held: empties, no error
    EXPECT_TRUE(b.empty());
}

TEST(ByteBuffer, GrowsPastCapacityAndCompacts) {
    mqtt::tools::byte_buffer b;
    std::string big(10'000, 'x');
    b.append(bytes(big));
    EXPECT_GE(b.capacity(), big.size());
    b.consume(9'990);
    b.append(bytes("0123456789"));
    EXPECT_EQ(b.size(), 20U);
    EXPECT_EQ(text(b.readable()).substr(10), "0123456789");
}

TEST(ByteBuffer, WritableCommitReadsInPlace) {
    mqtt::tools::byte_buffer b;
    auto w = b.writable(4);
    ASSERT_GE(w.size(), 4U);
    std::memcpy(w.data(), "abcd", 4);
    b.commit(4);
    EXPECT_EQ(text(b.readable()), "abcd");
}

TEST(ByteBuffer, ShrinkIfEmptyReleasesMemoryOnlyWhenEmpty) {
    mqtt::tools::byte_buffer b;
    b.append(bytes(std::string(4096, 'y')));
    b.shrink_if_empty(0);
    EXPECT_GT(b.capacity(), 0U);  // not empty: kept
    b.consume(b.size());
    b.shrink_if_empty(8192);
    EXPECT_GT(b.capacity(), 0U);  // below `keep`: kept
    b.shrink_if_empty(0);
    EXPECT_EQ(b.capacity(), 0U);
    b.append(bytes("again"));  // usable after shrinking
    EXPECT_EQ(text(b.readable()), "again");
}

}  // namespace
