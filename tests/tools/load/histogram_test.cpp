// Histogram maths: bucket geometry, the relative error bound, and percentiles of known distributions.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <mqtt/load/histogram.hpp>

using mqtt::load::histogram;

TEST(Histogram, EmptyReportsZeros) {
    histogram h;
    EXPECT_EQ(h.count(), 0U);
    EXPECT_EQ(h.percentile(50), 0U);
    EXPECT_EQ(h.min(), 0U);
    EXPECT_EQ(h.max(), 0U);
    EXPECT_EQ(h.mean(), 0.0);
}

TEST(Histogram, SmallValuesAreExact) {
    for (std::uint64_t v = 0; v < 2 * histogram::sub_buckets; ++v) {
        const auto i = histogram::index_of(v);
        EXPECT_EQ(histogram::lowest_equivalent(i), v);
        EXPECT_EQ(histogram::highest_equivalent(i), v);
    }
}

TEST(Histogram, BucketsAreContiguousAndMonotonic) {
    // Every bucket starts right after the previous one ends, up to the last bucket (which ends at 2^64 - 1).
    for (std::size_t i = 1; i < histogram::bucket_count(); ++i)
        ASSERT_EQ(histogram::lowest_equivalent(i), histogram::highest_equivalent(i - 1) + 1) << "bucket " << i;
    EXPECT_EQ(histogram::highest_equivalent(histogram::bucket_count() - 1), UINT64_MAX);
    EXPECT_EQ(histogram::index_of(UINT64_MAX), histogram::bucket_count() - 1);
}

TEST(Histogram, RelativeBucketWidthIsBounded) {
    std::mt19937_64 rng(42);
    const double bound = 1.0 / static_cast<double>(histogram::sub_buckets);
    for (int n = 0; n < 200000; ++n) {
        const unsigned shift = static_cast<unsigned>(rng() % 64);
        const std::uint64_t v = rng() >> shift;
        const auto i = histogram::index_of(v);
        const auto lo = histogram::lowest_equivalent(i);
        const auto hi = histogram::highest_equivalent(i);
        ASSERT_LE(lo, v);
        ASSERT_GE(hi, v);
        if (lo > 0) {
            ASSERT_LE(static_cast<double>(hi - lo) / static_cast<double>(lo), bound) << v;
        }
    }
}

TEST(Histogram, UniformDistributionPercentiles) {
    histogram h;
    for (std::uint64_t v = 1; v <= 1'000'000; ++v) h.record(v);
    EXPECT_EQ(h.count(), 1'000'000U);
    EXPECT_EQ(h.min(), 1U);
    EXPECT_EQ(h.max(), 1'000'000U);
    EXPECT_NEAR(h.mean(), 500'000.5, 1e-6);
    const double tolerance = 1.0 / static_cast<double>(histogram::sub_buckets);
    for (double p : {10.0, 50.0, 90.0, 99.0, 99.9}) {
        const double exact = p / 100.0 * 1'000'000;
        const auto got = static_cast<double>(h.percentile(p));
        EXPECT_GE(got, exact) << "p" << p;  // the highest equivalent value of the bucket holding that rank
        EXPECT_LE((got - exact) / exact, tolerance) << "p" << p;
    }
    EXPECT_EQ(h.percentile(100), 1'000'000U);
}

TEST(Histogram, ExponentialDistributionPercentiles) {
    // Latency-like: exponential with mean 100 us (in ns); compare with the analytic quantile -ln(1-q) * mean.
    histogram h;
    std::mt19937_64 rng(7);
    std::exponential_distribution<double> dist(1.0 / 100'000.0);
    for (int n = 0; n < 1'000'000; ++n) h.record(static_cast<std::uint64_t>(dist(rng)));
    for (double p : {50.0, 90.0, 99.0}) {
        const double exact = -std::log(1 - p / 100.0) * 100'000.0;
        EXPECT_NEAR(static_cast<double>(h.percentile(p)), exact, exact * 0.02) << "p" << p;  // sampling + bucket
    }
    EXPECT_NEAR(h.mean(), 100'000.0, 1'000.0);
}

TEST(Histogram, BimodalPercentilesLandInTheRightMode) {
    histogram h;
    h.record(1'000, 990);         // 99 % at 1 us
    h.record(50'000'000, 10);     // 1 % at 50 ms
    EXPECT_LE(h.percentile(50), 1'000U + 1'000U / histogram::sub_buckets);
    EXPECT_LE(h.percentile(99), 1'000U + 1'000U / histogram::sub_buckets);
    EXPECT_GE(h.percentile(99.9), 50'000'000U);
    EXPECT_EQ(h.max(), 50'000'000U);
}

TEST(Histogram, MergeAndReset) {
    histogram a, b;
    for (std::uint64_t v = 1; v <= 1000; ++v) a.record(v);
    for (std::uint64_t v = 1001; v <= 2000; ++v) b.record(v);
    a.merge(b);
    EXPECT_EQ(a.count(), 2000U);
    EXPECT_EQ(a.min(), 1U);
    EXPECT_EQ(a.max(), 2000U);
    EXPECT_NEAR(static_cast<double>(a.percentile(50)), 1000.0, 1000.0 / histogram::sub_buckets);
    a.reset();
    EXPECT_EQ(a.count(), 0U);
    EXPECT_EQ(a.percentile(99), 0U);
}
