#pragma once
// Topic names, topic filters and matching (section 4.7).
#include <cstddef>
#include <optional>
#include <string_view>

namespace mqtt::codec {

// A topic name a PUBLISH may carry: at least one byte, no '+' or '#' (MQTT-3.3.2-2, MQTT-4.7.3-1).
// The UTF-8 rules are checked separately (validate_utf8).
[[nodiscard]] bool is_valid_topic_name(std::string_view name) noexcept;

// A topic filter: at least one byte; '#' only as the whole last level (MQTT-4.7.1-2); '+' only as a whole level
// (MQTT-4.7.1-3). A shared subscription "$share/{ShareName}/{filter}" needs a non-empty ShareName without
// wildcards and a valid filter after it (MQTT-4.8.2-1, MQTT-4.8.2-2).
[[nodiscard]] bool is_valid_topic_filter(std::string_view filter) noexcept;

struct shared_subscription {
    std::string_view share_name;
    std::string_view topic_filter;
};
// Splits "$share/group/filter"; nothing for an ordinary filter. Assumes is_valid_topic_filter().
[[nodiscard]] std::optional<shared_subscription> parse_shared_subscription(std::string_view filter) noexcept;

// Whether `name` matches `filter` (both valid; `filter` not a $share form). Wildcards at the first level never
// match names starting with '$' (MQTT-4.7.2-1).
[[nodiscard]] bool topic_matches(std::string_view filter, std::string_view name) noexcept;

// Iterates the '/'-separated levels of a topic; an empty topic has one empty level, "a/" has "a" and "".
class topic_levels {
public:
    explicit topic_levels(std::string_view topic) noexcept : topic_(topic) {}
    class iterator {
    public:
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        iterator(std::string_view topic, std::size_t pos) noexcept : topic_(topic), pos_(pos) { find_end(); }
        std::string_view operator*() const noexcept { return topic_.substr(pos_, end_ - pos_); }
        iterator& operator++() noexcept {
            pos_ = end_ == topic_.size() ? std::string_view::npos : end_ + 1;
            find_end();
            return *this;
        }
        iterator operator++(int) noexcept { auto copy = *this; ++*this; return copy; }
        bool operator==(const iterator& o) const noexcept { return pos_ == o.pos_; }

    private:
        void find_end() noexcept {
            if (pos_ == std::string_view::npos) return;
            end_ = topic_.find('/', pos_);
            if (end_ == std::string_view::npos) end_ = topic_.size();
        }
        std::string_view topic_;
        std::size_t pos_ = std::string_view::npos;
        std::size_t end_ = 0;
    };
    [[nodiscard]] iterator begin() const noexcept { return {topic_, 0}; }
    [[nodiscard]] iterator end() const noexcept { return {topic_, std::string_view::npos}; }

private:
    std::string_view topic_;
};

}  // namespace mqtt::codec
