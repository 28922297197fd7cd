#pragma once
// subscription_trie: topic filters by level, FlashMQ style. Each node has literal children plus separate '+' and
// '#' slots, so matching one topic name costs O(levels x wildcard branches), not O(subscriptions). Filters whose
// first level starts with '$' live under a separate root: a topic name starting with '$' is looked up there only,
// which is how leading wildcards never match '$' topics (MQTT-4.7.2-1).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <mqtt/codec/packets.hpp>

namespace mqtt::broker::detail {

struct session;

struct subscriber {
    session* owner = nullptr;
    codec::subscribe_options options;
    std::uint32_t subscription_id = 0;  // 0 = none
};

// Members of one $share/{name}/{filter}; one of them receives each message, round-robin.
struct shared_group {
    std::string name;
    std::vector<subscriber> members;
    std::size_t next = 0;
};

class subscription_trie {
public:
    subscription_trie();
    ~subscription_trie();
    subscription_trie(const subscription_trie&) = delete;
    subscription_trie& operator=(const subscription_trie&) = delete;

    // Adds or replaces `s.owner`'s subscription to `filter` (in group `share` when given).
    void insert(std::string_view filter, std::optional<std::string_view> share, const subscriber& s);
    // Removes it; false when there was none.
    bool erase(std::string_view filter, std::optional<std::string_view> share, const session* owner);

    // Appends every ordinary subscription matching `topic_name`, and every shared group with a matching filter.
    // Pointers are valid until the next insert or erase.
    void match(std::string_view topic_name, std::vector<const subscriber*>& subscribers,
               std::vector<shared_group*>& groups);

    [[nodiscard]] std::size_t size() const noexcept { return count_; }

private:
    struct node;
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    struct node {
        std::unordered_map<std::string, std::unique_ptr<node>, string_hash, std::equal_to<>> children;
        std::unique_ptr<node> plus;
        std::unique_ptr<node> hash;
        std::vector<subscriber> subscribers;
        std::vector<shared_group> groups;
        [[nodiscard]] bool empty() const noexcept {
            return children.empty() && !plus && !hash && subscribers.empty() && groups.empty();
        }
    };
    node& root_for(std::string_view filter) noexcept { return !filter.empty() && filter[0] == '$' ? dollar_root_ : root_; }
    static bool erase_in(node& n, std::string_view rest, std::optional<std::string_view> share, const session* owner);
    static void match_in(node& n, std::string_view rest, bool at_end, std::vector<const subscriber*>& subscribers,
                         std::vector<shared_group*>& groups);

    node root_;
    node dollar_root_;
    std::size_t count_ = 0;
};

}  // namespace mqtt::broker::detail
