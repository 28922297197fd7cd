#pragma once
// list_view<Traits>: a sequence that is either a span of already-validated wire bytes (what decode() returns) or
// a span of values the caller built (what a sender passes to encode()). Iterating wire bytes has no error path
// because decode() validated them once.
#include <cstddef>
#include <iterator>
#include <span>

namespace mqtt::codec {

// Traits: `using value_type`, `static value_type read(const std::byte*& p) noexcept` (advances p).
template <class Traits>
class list_view {
public:
    using value_type = typename Traits::value_type;

    constexpr list_view() noexcept = default;
    constexpr list_view(std::span<const value_type> items) noexcept : items_(items) {}  // NOLINT: implicit by design
    [[nodiscard]] static constexpr list_view from_wire(std::span<const std::byte> validated) noexcept {
        list_view v;
        v.wire_ = validated;
        v.is_wire_ = true;
        return v;
    }

    class iterator {
    public:
        using value_type = typename Traits::value_type;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;
        iterator() = default;
        const value_type& operator*() const noexcept { return current_; }
        const value_type* operator->() const noexcept { return &current_; }
        iterator& operator++() noexcept {
            if (is_wire_) wire_ = next_wire_;
            else ++item_;
            load();
            return *this;
        }
        iterator operator++(int) noexcept { auto copy = *this; ++*this; return copy; }
        bool operator==(const iterator& o) const noexcept { return is_wire_ ? wire_ == o.wire_ : item_ == o.item_; }

    private:
        friend class list_view;
        void load() noexcept {
            if (is_wire_) {
                if (wire_ == wire_end_) return;
                next_wire_ = wire_;
                current_ = Traits::read(next_wire_);
            } else if (item_ != item_end_) {
                current_ = *item_;
            }
        }
        const std::byte* wire_ = nullptr;
        const std::byte* wire_end_ = nullptr;
        const std::byte* next_wire_ = nullptr;
        const value_type* item_ = nullptr;
        const value_type* item_end_ = nullptr;
        bool is_wire_ = false;
        value_type current_{};
    };

    [[nodiscard]] iterator begin() const noexcept { return make_iterator(false); }
    [[nodiscard]] iterator end() const noexcept { return make_iterator(true); }
    [[nodiscard]] bool empty() const noexcept { return is_wire_ ? wire_.empty() : items_.empty(); }
    // Counts by walking the wire bytes when wire-backed: O(n).
    [[nodiscard]] std::size_t size() const noexcept {
        if (!is_wire_) return items_.size();
        std::size_t n = 0;
        for (auto it = begin(); it != end(); ++it) ++n;
        return n;
    }
    [[nodiscard]] bool is_wire() const noexcept { return is_wire_; }
    [[nodiscard]] std::span<const std::byte> wire() const noexcept { return wire_; }
    [[nodiscard]] std::span<const value_type> items() const noexcept { return items_; }

private:
    iterator make_iterator(bool at_end) const noexcept {
        iterator it;
        it.is_wire_ = is_wire_;
        it.wire_end_ = wire_.data() + wire_.size();
        it.wire_ = at_end ? it.wire_end_ : wire_.data();
        it.item_end_ = items_.data() + items_.size();
        it.item_ = at_end ? it.item_end_ : items_.data();
        if (!at_end) it.load();
        return it;
    }
    std::span<const std::byte> wire_;
    std::span<const value_type> items_;
    bool is_wire_ = false;
};

}  // namespace mqtt::codec
