// Single-byte mutations of every golden vector: each either decodes or fails cleanly with an errc. Run under
// ASan+UBSan (build-codec-asan) this also shows no out-of-bounds access; the input always ends at a guard page.
// A mutated packet that decodes must round-trip: encode(decode(x)) decodes to the same fields (differential).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>

#include "codec/golden_vectors.hpp"
#include "support/codec_helpers.hpp"
#include "support/guarded_buffer.hpp"

namespace mqtt::test {
namespace {

using codec::errc;
using golden::all_golden_vectors;

struct outcome_counts {
    std::size_t decoded = 0;
    std::size_t failed = 0;
};

// Checks one (possibly mutated) input; returns false once a property is violated.
void check_input(std::span<const std::byte> in, protocol_version v, outcome_counts& counts) {
    auto r = codec::decode(in, options_for(v));
    if (!r) {
        const auto e = r.error();
        // Errors decode() can return: never the encoder's.
        EXPECT_NE(e.code, errc::buffer_too_small);
        EXPECT_NE(e.code, errc::field_too_long);
        EXPECT_LE(e.offset, in.size());
        // The name and the reason code exist for every error.
        EXPECT_FALSE(codec::name(e.code).empty());
        (void)codec::to_reason_code(e.code);
        ++counts.failed;
        return;
    }
    ++counts.decoded;
    ASSERT_LE(r->consumed, in.size());
    ASSERT_GE(r->consumed, 2u);
    // Differential: what decoded re-encodes (possibly in a shorter form) and decodes to the same fields.
    // CONNECT carries its own version, which may differ from the connection's after a mutation.
    const auto reencoded = encode_to_vector(r->packet, v);
    ASSERT_FALSE(reencoded.empty());
    EXPECT_LE(reencoded.size(), r->consumed);
    auto again = codec::decode(reencoded, options_for(v));
    ASSERT_TRUE(again.has_value()) << "re-encoded packet fails: errc::" << codec::name(again.error().code)
                                   << " bytes " << to_hex(reencoded);
    EXPECT_TRUE(packets_equal(r->packet, again->packet)) << to_hex(in.first(r->consumed));
}

// Every position of every golden vector set to all 256 byte values.
TEST(Mutation, EverySingleByteValueAtEveryPosition) {
    outcome_counts counts;
    for (const auto& g : all_golden_vectors) {
        SCOPED_TRACE(g.name);
        const auto original = hex(g.hex);
        guarded_buffer buffer(original);
        auto bytes = buffer.mutable_bytes();
        for (std::size_t pos = 0; pos < bytes.size(); ++pos) {
            for (unsigned value = 0; value < 256; ++value) {
                bytes[pos] = static_cast<std::byte>(value);
                check_input(buffer.bytes(), g.version, counts);
                if (pos == 0) check_input(buffer.bytes(), protocol_version::unknown, counts);  // CONNECT-only mode
                if (testing::Test::HasFatalFailure()) return;
            }
            bytes[pos] = original[pos];
        }
    }
    EXPECT_GT(counts.decoded, 1000u);
    EXPECT_GT(counts.failed, 10000u);
}

// Every golden vector truncated after a mutation: the same guarantees for mutated prefixes.
TEST(Mutation, MutatedPrefixes) {
    outcome_counts counts;
    std::mt19937 rng(0x5eed);
    for (const auto& g : all_golden_vectors) {
        SCOPED_TRACE(g.name);
        const auto original = hex(g.hex);
        for (int round = 0; round < 64; ++round) {
            auto mutated = original;
            std::uniform_int_distribution<std::size_t> pos(0, mutated.size() - 1);
            mutated[pos(rng)] = static_cast<std::byte>(rng() & 0xFFu);
            std::uniform_int_distribution<std::size_t> len(0, mutated.size());
            guarded_prefix prefix(mutated, len(rng));
            check_input(prefix.bytes(), g.version, counts);
            if (testing::Test::HasFatalFailure()) return;
        }
    }
    EXPECT_GT(counts.failed, 0u);
}

// Several random bytes changed at once, with a fixed seed.
TEST(Mutation, RandomMultiByteMutations) {
    outcome_counts counts;
    std::mt19937 rng(20240601);
    for (int round = 0; round < 20000; ++round) {
        const auto& g = all_golden_vectors[rng() % all_golden_vectors.size()];
        auto bytes = hex(g.hex);
        const auto edits = 2 + rng() % 4;
        for (unsigned i = 0; i < edits; ++i) bytes[rng() % bytes.size()] = static_cast<std::byte>(rng() & 0xFFu);
        guarded_buffer buffer(bytes);
        check_input(buffer.bytes(), g.version, counts);
        if (testing::Test::HasFatalFailure()) return;
    }
    EXPECT_GT(counts.failed, 0u);
    EXPECT_GT(counts.decoded, 0u);
}

}  // namespace
}  // namespace mqtt::test
