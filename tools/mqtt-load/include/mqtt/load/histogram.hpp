#pragma once
// A log-linear ("HDR-style") histogram of non-negative integers, e.g. latencies in nanoseconds.
//
// Values below 2 * sub_buckets are counted exactly. Above that, each power-of-two range [2^m, 2^(m+1)) is split
// into `sub_buckets` equal buckets, so a bucket is never wider than 1/sub_buckets of its lower bound: a reported
// percentile is within a relative error of 2^-precision_bits of a value that was actually recorded at that rank.
// Fixed memory (about 59 KiB at 7 bits), O(1) record, no allocation after construction.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mqtt::load {

class histogram {
public:
    static constexpr unsigned precision_bits = 7;  // 128 sub-buckets: <= 0.79 % relative bucket width
    static constexpr std::uint64_t sub_buckets = std::uint64_t{1} << precision_bits;

    histogram();

    void record(std::uint64_t value) noexcept { record(value, 1); }
    void record(std::uint64_t value, std::uint64_t times) noexcept;
    void merge(const histogram& other) noexcept;
    void reset() noexcept;

    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
    [[nodiscard]] std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
    [[nodiscard]] std::uint64_t max() const noexcept { return max_; }
    [[nodiscard]] double mean() const noexcept;
    // The value at percentile `p` (0..100]: the highest value equivalent to the bucket holding the sample of rank
    // ceil(p/100 * count), clamped to [min, max]. 0 when empty.
    [[nodiscard]] std::uint64_t percentile(double p) const noexcept;

    // Bucket geometry, public for tests and for merging by index.
    [[nodiscard]] static std::size_t index_of(std::uint64_t value) noexcept;
    [[nodiscard]] static std::uint64_t lowest_equivalent(std::size_t index) noexcept;
    [[nodiscard]] static std::uint64_t highest_equivalent(std::size_t index) noexcept;
    [[nodiscard]] static std::size_t bucket_count() noexcept;

private:
    std::vector<std::uint64_t> counts_;
    std::uint64_t count_ = 0;
    std::uint64_t min_ = 0;
    std::uint64_t max_ = 0;
    long double sum_ = 0;
};

}  // namespace mqtt::load
