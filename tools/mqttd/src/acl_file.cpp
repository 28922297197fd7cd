#include <mqttd/acl_file.hpp>

#include <optional>

#include <fmt/core.h>

#include <mqtt/codec/topic.hpp>
#include <mqttd/config_file.hpp>
#include <mqttd/text_file.hpp>

namespace mqttd {

namespace codec = mqtt::codec;

namespace {

std::optional<acl_access> parse_access(std::string_view word) {
    if (word == "read") return acl_access::read;
    if (word == "write") return acl_access::write;
    if (word == "readwrite") return acl_access::readwrite;
    if (word == "deny") return acl_access::deny;
    return std::nullopt;
}

bool grants(acl_access have, acl_access wanted) {
    return (static_cast<unsigned>(have) & static_cast<unsigned>(wanted)) != 0;
}

// %u and %c replaced. Nothing when the pattern needs a value the client lacks, or a value that would change the
// filter's levels or add wildcards (a user named "a/#" must not widen "%u/#").
std::optional<std::string> substitute(std::string_view pattern, std::string_view user, std::string_view client_id) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '%' && i + 1 < pattern.size() && (pattern[i + 1] == 'u' || pattern[i + 1] == 'c')) {
            const auto value = pattern[i + 1] == 'u' ? user : client_id;
            if (value.empty() || value.find_first_of("/+#") != std::string_view::npos) return std::nullopt;
            out += value;
            ++i;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

}  // namespace

bool filter_covers(std::string_view outer, std::string_view inner) noexcept {
    // MQTT-4.7.2-1: a wildcard first level never matches '$' topics, so it cannot cover a filter that names one.
    const bool inner_dollar = !inner.empty() && inner.front() == '$';
    codec::topic_levels outer_levels(outer);
    codec::topic_levels inner_levels(inner);
    auto o = outer_levels.begin();
    auto i = inner_levels.begin();
    bool first = true;
    for (; o != outer_levels.end(); ++o, ++i, first = false) {
        if (*o == "#") return !(first && inner_dollar);
        if (i == inner_levels.end()) return false;
        if (*o == "+") {
            if (*i == "#" || (first && inner_dollar)) return false;
        } else if (*o != *i) {
            return false;
        }
    }
    return i == inner_levels.end();
}

acl_file acl_file::load(const std::string& path) { return parse(read_text_file(path, "ACL file"), path); }

acl_file acl_file::parse(std::string_view text, std::string_view origin) {
    acl_file acl;
    std::vector<acl_rule>* current = &acl.anonymous_;
    for_each_content_line(text, [&](std::size_t line_no, std::string_view line) {
        const auto fail = [&](std::string_view what) {
            throw config_error(fmt::format("{}:{}: {}", origin, line_no, what));
        };
        const auto words = split_words(line);
        const auto keyword = words.front();
        auto rest = trim(line.substr(keyword.size()));
        if (keyword == "user") {
            if (rest.empty()) fail("user: expected a user name");
            current = &acl.users_[std::string(rest)];
            return;
        }
        if (keyword != "topic" && keyword != "pattern")
            fail(fmt::format("unknown keyword '{}' (expected topic, pattern or user)", keyword));
        acl_rule rule{acl_access::readwrite, {}};
        if (words.size() > 2) {
            if (const auto access = parse_access(words[1])) {
                rule.access = *access;
                rest = trim(rest.substr(words[1].size()));
            }
        }
        if (rest.empty()) fail(fmt::format("{}: expected a topic filter", keyword));
        // Patterns are checked after substitution; "%u" and "%c" are valid filter text before it.
        if (!codec::is_valid_topic_filter(rest) || codec::parse_shared_subscription(rest))
            fail(fmt::format("{}: '{}' is not a valid topic filter", keyword, rest));
        rule.filter = std::string(rest);
        (keyword == "pattern" ? acl.patterns_ : *current).push_back(std::move(rule));
    });
    return acl;
}

template <typename Match>
bool acl_file::decide(std::string_view user, std::string_view client_id, acl_access wanted, Match&& match) const {
    const std::vector<acl_rule>* own = &anonymous_;
    if (!user.empty()) {
        const auto it = users_.find(user);
        own = it == users_.end() ? nullptr : &it->second;
    }
    bool granted = false;
    const auto consider = [&](acl_access access, std::string_view filter) {
        if (access == acl_access::deny) return match(filter);  // a deny that applies ends the search
        if (!granted && grants(access, wanted) && match(filter)) granted = true;
        return false;
    };
    if (own != nullptr)
        for (const auto& r : *own)
            if (consider(r.access, r.filter)) return false;
    for (const auto& r : patterns_) {
        const auto filter = substitute(r.filter, user, client_id);
        if (filter && consider(r.access, *filter)) return false;
    }
    return granted;
}

bool acl_file::can_write(std::string_view user, std::string_view client_id, std::string_view topic) const {
    return decide(user, client_id, acl_access::write,
                  [&](std::string_view filter) { return codec::topic_matches(filter, topic); });
}

bool acl_file::can_read(std::string_view user, std::string_view client_id, std::string_view topic) const {
    return decide(user, client_id, acl_access::read,
                  [&](std::string_view filter) { return codec::topic_matches(filter, topic); });
}

bool acl_file::can_subscribe(std::string_view user, std::string_view client_id, std::string_view filter) const {
    // A grant must cover the whole subscription; a deny refuses it only when it covers the whole subscription
    // too (a narrower deny is enforced per message by can_read).
    return decide(user, client_id, acl_access::read,
                  [&](std::string_view rule) { return filter_covers(rule, filter); });
}

}  // namespace mqttd
