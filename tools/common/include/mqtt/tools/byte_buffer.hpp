#pragma once
// A growable byte queue: append at the back, consume from the front, compacting lazily.
// Receive buffers (read into writable(), commit(n)) and send buffers (append(), then readable()/consume()).
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>

namespace mqtt::tools {

class byte_buffer {
public:
    [[nodiscard]] std::span<const std::byte> readable() const noexcept { return {data_.get() + begin_, end_ - begin_}; }
    [[nodiscard]] std::size_t size() const noexcept { return end_ - begin_; }
    [[nodiscard]] bool empty() const noexcept { return begin_ == end_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

    void consume(std::size_t n) noexcept {
        begin_ += std::min(n, size());
        if (begin_ == end_) begin_ = end_ = 0;
    }
    // Room for at least `n` more bytes at the back (moves data to the front or grows).
    std::span<std::byte> writable(std::size_t n) {
        if (capacity_ - end_ < n) make_room(n);
        return {data_.get() + end_, capacity_ - end_};
    }
    void commit(std::size_t n) noexcept { end_ += n; }
    void append(std::span<const std::byte> bytes) {
        auto out = writable(bytes.size());
        if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
        commit(bytes.size());
    }
    // Gives memory back when the buffer is empty and larger than `keep` (idle connections stay small).
    void shrink_if_empty(std::size_t keep) {
        if (empty() && capacity_ > keep) {
            data_.reset();
            capacity_ = 0;
        }
    }

private:
    void make_room(std::size_t n) {
        const std::size_t used = size();
        if (begin_ > 0 && capacity_ - used >= n) {
            std::memmove(data_.get(), data_.get() + begin_, used);
        } else {
            const std::size_t cap = std::max({capacity_ * 2, used + n, std::size_t{256}});
            auto bigger = std::make_unique_for_overwrite<std::byte[]>(cap);
            if (used > 0) std::memcpy(bigger.get(), data_.get() + begin_, used);
            data_ = std::move(bigger);
            capacity_ = cap;
        }
        begin_ = 0;
        end_ = used;
    }
    std::unique_ptr<std::byte[]> data_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

}  // namespace mqtt::tools
