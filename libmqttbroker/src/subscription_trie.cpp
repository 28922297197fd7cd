#include "subscription_trie.hpp"
#include "topic_level.hpp"

#include <algorithm>

namespace mqtt::broker::detail {

subscription_trie::subscription_trie() = default;
subscription_trie::~subscription_trie() = default;

void subscription_trie::insert(std::string_view filter, std::optional<std::string_view> share, const subscriber& s) {
    node* n = &root_for(filter);
    std::string_view rest = filter;
    bool last = false;
    while (!last) {
        const auto level = next_level(rest, last);
        std::unique_ptr<node>* slot = nullptr;
        if (level == "+") {
            slot = &n->plus;
        } else if (level == "#") {
            slot = &n->hash;
        } else {
            auto it = n->children.find(level);
            if (it == n->children.end()) it = n->children.emplace(std::string(level), nullptr).first;
            slot = &it->second;
        }
        if (!*slot) *slot = std::make_unique<node>();
        n = slot->get();
    }
    if (share) {
        auto g = std::find_if(n->groups.begin(), n->groups.end(), [&](const shared_group& x) { return x.name == *share; });
        if (g == n->groups.end()) {
            n->groups.push_back(shared_group{std::string(*share), {}, 0});
            g = n->groups.end() - 1;
        }
        for (auto& m : g->members)
            if (m.owner == s.owner) { m = s; return; }
        g->members.push_back(s);
        ++count_;
        return;
    }
    for (auto& existing : n->subscribers)
        if (existing.owner == s.owner) { existing = s; return; }  // MQTT-3.8.4-3: replace
    n->subscribers.push_back(s);
    ++count_;
}

bool subscription_trie::erase(std::string_view filter, std::optional<std::string_view> share, const session* owner) {
    const bool erased = erase_in(root_for(filter), filter, share, owner);
    if (erased) --count_;
    return erased;
}

// Recursive so that nodes left empty are pruned on the way back up.
bool subscription_trie::erase_in(node& n, std::string_view rest, std::optional<std::string_view> share,
                                 const session* owner) {
    bool last = false;
    const auto level = next_level(rest, last);
    std::unique_ptr<node>* slot = nullptr;
    if (level == "+") {
        slot = &n.plus;
    } else if (level == "#") {
        slot = &n.hash;
    } else {
        auto it = n.children.find(level);
        if (it == n.children.end()) return false;
        slot = &it->second;
    }
    if (!*slot) return false;
    node& child = **slot;
    bool erased = false;
    if (!last) {
        erased = erase_in(child, rest, share, owner);
    } else if (share) {
        auto g = std::find_if(child.groups.begin(), child.groups.end(),
                              [&](const shared_group& x) { return x.name == *share; });
        if (g != child.groups.end()) {
            auto m = std::find_if(g->members.begin(), g->members.end(), [&](const subscriber& x) { return x.owner == owner; });
            if (m != g->members.end()) {
                g->members.erase(m);
                erased = true;
                if (g->members.empty()) child.groups.erase(g);
                else if (g->next >= g->members.size()) g->next = 0;
            }
        }
    } else {
        auto s = std::find_if(child.subscribers.begin(), child.subscribers.end(),
                              [&](const subscriber& x) { return x.owner == owner; });
        if (s != child.subscribers.end()) {
            child.subscribers.erase(s);
            erased = true;
        }
    }
    if (erased && child.empty()) {
        if (level == "+") n.plus.reset();
        else if (level == "#") n.hash.reset();
        else n.children.erase(n.children.find(level));
    }
    return erased;
}

void subscription_trie::match(std::string_view topic_name, std::vector<const subscriber*>& subscribers,
                              std::vector<shared_group*>& groups) {
    node& root = !topic_name.empty() && topic_name[0] == '$' ? dollar_root_ : root_;
    match_in(root, topic_name, false, subscribers, groups);
}

void subscription_trie::match_in(node& n, std::string_view rest, bool at_end,
                                 std::vector<const subscriber*>& subscribers, std::vector<shared_group*>& groups) {
    // '#' matches the remaining levels, including none: "a/#" matches "a" (section 4.7.1.2).
    if (n.hash) {
        for (const auto& s : n.hash->subscribers) subscribers.push_back(&s);
        for (auto& g : n.hash->groups) groups.push_back(&g);
    }
    if (at_end) {
        for (const auto& s : n.subscribers) subscribers.push_back(&s);
        for (auto& g : n.groups) groups.push_back(&g);
        return;
    }
    bool last = false;
    const auto level = next_level(rest, last);
    if (auto it = n.children.find(level); it != n.children.end()) match_in(*it->second, rest, last, subscribers, groups);
    if (n.plus) match_in(*n.plus, rest, last, subscribers, groups);
}

}  // namespace mqtt::broker::detail
