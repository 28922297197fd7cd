#pragma once
// guarded_buffer: a copy of some bytes that ends exactly where an inaccessible (PROT_NONE) page begins, so reading
// one byte past the end faults at once instead of reading garbage (after picohttpparser's test harness). Used to
// prove that decoding a prefix never over-reads.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <span>
#include <stdexcept>

namespace mqtt::test {

class guarded_buffer {
public:
    explicit guarded_buffer(std::span<const std::byte> data) : size_(data.size()) {
        const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        usable_ = (size_ + page - 1) / page * page;
        mapped_ = usable_ + page;
        void* p = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::runtime_error("guarded_buffer: mmap failed");
        base_ = static_cast<std::byte*>(p);
        if (::mprotect(base_ + usable_, page, PROT_NONE) != 0) {
            ::munmap(base_, mapped_);
            throw std::runtime_error("guarded_buffer: mprotect failed");
        }
        data_ = base_ + usable_ - size_;
        if (size_ != 0) std::memcpy(data_, data.data(), size_);
    }
    guarded_buffer(const guarded_buffer&) = delete;
    guarded_buffer& operator=(const guarded_buffer&) = delete;
    ~guarded_buffer() { ::munmap(base_, mapped_); }

    // The bytes; the byte after the last one is in the guard page.
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }
    [[nodiscard]] std::span<std::byte> mutable_bytes() noexcept { return {data_, size_}; }
    // The last `n` bytes' worth of room: a prefix of length n that still ends at the guard page.
    [[nodiscard]] std::span<const std::byte> tail(std::size_t n) const noexcept { return {data_ + size_ - n, n}; }

private:
    std::size_t size_;
    std::size_t usable_ = 0;
    std::size_t mapped_ = 0;
    std::byte* base_ = nullptr;
    std::byte* data_ = nullptr;
};

// A strict prefix copied so that its end touches the guard page.
class guarded_prefix {
public:
    guarded_prefix(std::span<const std::byte> data, std::size_t n) : buffer_(data.first(n)) {}
    [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return buffer_.bytes(); }

private:
    guarded_buffer buffer_;
};

}  // namespace mqtt::test
