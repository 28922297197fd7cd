#include <mqtt/load/histogram.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace mqtt::load {

namespace {
constexpr std::uint64_t linear_limit = 2 * histogram::sub_buckets;  // values below are their own bucket
}

std::size_t histogram::bucket_count() noexcept {
    // The largest exponent is 63 - precision_bits; its buckets end at index (e + 2) * sub_buckets.
    return static_cast<std::size_t>((64 - precision_bits + 1) * sub_buckets);
}

std::size_t histogram::index_of(std::uint64_t value) noexcept {
    if (value < linear_limit) return static_cast<std::size_t>(value);
    // value = mantissa * 2^e with mantissa in [sub_buckets, 2 * sub_buckets).
    const unsigned msb = 63U - static_cast<unsigned>(std::countl_zero(value));
    const unsigned e = msb - precision_bits;
    const std::uint64_t mantissa = value >> e;
    return static_cast<std::size_t>(e * sub_buckets + mantissa);
}

std::uint64_t histogram::lowest_equivalent(std::size_t index) noexcept {
    const auto i = static_cast<std::uint64_t>(index);
    if (i < linear_limit) return i;
    const std::uint64_t e = i / sub_buckets - 1;
    const std::uint64_t mantissa = i - e * sub_buckets;
    return mantissa << e;
}

std::uint64_t histogram::highest_equivalent(std::size_t index) noexcept {
    const auto i = static_cast<std::uint64_t>(index);
    if (i < linear_limit) return i;
    const std::uint64_t e = i / sub_buckets - 1;
    return lowest_equivalent(index) + ((std::uint64_t{1} << e) - 1);
}

histogram::histogram() : counts_(bucket_count(), 0) {}

void histogram::record(std::uint64_t value, std::uint64_t times) noexcept {
    if (times == 0) return;
    counts_[index_of(value)] += times;
    if (count_ == 0 || value < min_) min_ = value;
    max_ = std::max(max_, value);
    count_ += times;
    sum_ += static_cast<long double>(value) * static_cast<long double>(times);
}

void histogram::merge(const histogram& other) noexcept {
    if (other.count_ == 0) return;
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    if (count_ == 0 || other.min_ < min_) min_ = other.min_;
    max_ = std::max(max_, other.max_);
    count_ += other.count_;
    sum_ += other.sum_;
}

void histogram::reset() noexcept {
    std::fill(counts_.begin(), counts_.end(), 0);
    count_ = min_ = max_ = 0;
    sum_ = 0;
}

double histogram::mean() const noexcept {
    return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t histogram::percentile(double p) const noexcept {
    if (count_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::clamp(highest_equivalent(i), min_, max_);
    }
    return max_;
}

}  // namespace mqtt::load
