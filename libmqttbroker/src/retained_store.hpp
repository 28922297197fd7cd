#pragma once
// retained_store: the last retained message per topic name (MQTT-3.3.1-5 v5), in a trie by level so that a new
// subscription's filter walks only the matching branches. Expired messages are dropped lazily when met.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "message.hpp"

namespace mqtt::broker::detail {

class retained_store {
public:
    // Stores `m` as the retained message of its topic, replacing any; an empty payload deletes instead
    // (MQTT-3.3.1-6/7 v5, MQTT-3.3.1-10/11 v3.1.1). `limit` (0 = none) caps the number of topics: a new topic
    // beyond it is not stored. Returns false when it was not stored for that reason.
    bool store(const message_ptr& m, std::size_t limit);
    // Appends the retained messages whose topic matches `filter` (not a $share form), skipping and dropping
    // expired ones.
    void match(std::string_view filter, time_point now, std::vector<message_ptr>& out);
    [[nodiscard]] std::size_t size() const noexcept { return count_; }

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    struct node {
        std::unordered_map<std::string, std::unique_ptr<node>, string_hash, std::equal_to<>> children;
        message_ptr msg;
    };
    bool erase_in(node& n, std::string_view rest);
    void match_in(node& n, std::string_view rest, bool at_end, bool at_root, time_point now,
                  std::vector<message_ptr>& out);
    void collect(node& n, bool at_root, time_point now, std::vector<message_ptr>& out);
    void take(node& n, time_point now, std::vector<message_ptr>& out);

    node root_;
    std::size_t count_ = 0;
};

}  // namespace mqtt::broker::detail
