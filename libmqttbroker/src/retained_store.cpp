#include "retained_store.hpp"
#include "topic_level.hpp"

namespace mqtt::broker::detail {

namespace {
bool is_dollar(std::string_view level) noexcept { return !level.empty() && level[0] == '$'; }
}  // namespace

bool retained_store::store(const message_ptr& m, std::size_t limit) {
    if (m->payload.empty()) {
        if (erase_in(root_, m->topic)) --count_;
        return true;
    }
    node* n = &root_;
    std::string_view rest = m->topic;
    bool last = false;
    while (!last) {
        const auto level = next_level(rest, last);
        auto it = n->children.find(level);
        if (it == n->children.end()) it = n->children.emplace(std::string(level), std::make_unique<node>()).first;
        n = it->second.get();
    }
    if (!n->msg) {
        if (limit != 0 && count_ >= limit) {
            erase_in(root_, m->topic);  // prunes the empty branch just made
            return false;
        }
        ++count_;
    }
    n->msg = m;
    return true;
}

// Removes the message at `rest` (if any) and prunes empty nodes; true when a message was removed.
bool retained_store::erase_in(node& n, std::string_view rest) {
    bool last = false;
    const auto level = next_level(rest, last);
    auto it = n.children.find(level);
    if (it == n.children.end()) return false;
    node& child = *it->second;
    bool erased = false;
    if (last) {
        erased = child.msg != nullptr;
        child.msg.reset();
    } else {
        erased = erase_in(child, rest);
    }
    if (!child.msg && child.children.empty()) n.children.erase(it);
    return erased;
}

void retained_store::match(std::string_view filter, time_point now, std::vector<message_ptr>& out) {
    match_in(root_, filter, false, true, now, out);
}

void retained_store::take(node& n, time_point now, std::vector<message_ptr>& out) {
    if (!n.msg) return;
    if (expired(*n.msg, now)) {  // MQTT-3.3.2-5 (v5): an expired retained message is not delivered
        n.msg.reset();
        --count_;
        return;
    }
    out.push_back(n.msg);
}

void retained_store::match_in(node& n, std::string_view rest, bool at_end, bool at_root, time_point now,
                              std::vector<message_ptr>& out) {
    if (at_end) {
        take(n, now, out);
        return;
    }
    bool last = false;
    const auto level = next_level(rest, last);
    if (level == "#") {
        if (!at_root) take(n, now, out);  // "a/#" also matches "a"
        collect(n, at_root, now, out);
        return;
    }
    if (level == "+") {
        for (auto& [name, child] : n.children) {
            if (at_root && is_dollar(name)) continue;  // MQTT-4.7.2-1
            match_in(*child, rest, last, false, now, out);
        }
        return;
    }
    if (auto it = n.children.find(level); it != n.children.end()) match_in(*it->second, rest, last, false, now, out);
}

void retained_store::collect(node& n, bool at_root, time_point now, std::vector<message_ptr>& out) {
    for (auto& [name, child] : n.children) {
        if (at_root && is_dollar(name)) continue;  // MQTT-4.7.2-1
        take(*child, now, out);
        collect(*child, false, now, out);
    }
}

}  // namespace mqtt::broker::detail
