#include <algorithm>
#include <cstring>

#include <mqtt/codec/topic.hpp>

namespace mqtt::codec {

namespace {
constexpr std::string_view share_prefix = "$share/";

bool is_valid_plain_filter(std::string_view filter) noexcept {
    if (filter.empty()) return false;  // MQTT-4.7.3-1
    for (std::size_t i = 0; i < filter.size(); ++i) {
        const char c = filter[i];
        if (c != '+' && c != '#') continue;  // only wildcards pay for the level checks
        const bool level_start = i == 0 || filter[i - 1] == '/';
        const bool level_end = i + 1 == filter.size() || filter[i + 1] == '/';
        if (c == '+' && !(level_start && level_end)) return false;               // MQTT-4.7.1-3
        if (c == '#' && !(level_start && i + 1 == filter.size())) return false;  // MQTT-4.7.1-2
    }
    return true;
}
}  // namespace

bool is_valid_topic_name(std::string_view name) noexcept {
    // Two memchr scans: find_first_of("+#") runs one memchr per character in libstdc++.
    return !name.empty() && std::memchr(name.data(), '+', name.size()) == nullptr &&
           std::memchr(name.data(), '#', name.size()) == nullptr;
}

bool is_valid_topic_filter(std::string_view filter) noexcept {
    if (filter.starts_with(share_prefix)) {
        const auto rest = filter.substr(share_prefix.size());
        const auto slash = rest.find('/');
        if (slash == std::string_view::npos || slash == 0) return false;  // MQTT-4.8.2-1: ShareName non-empty
        const auto share_name = rest.substr(0, slash);
        if (share_name.find_first_of("+#") != std::string_view::npos) return false;  // MQTT-4.8.2-2
        return is_valid_plain_filter(rest.substr(slash + 1));
    }
    return is_valid_plain_filter(filter);
}

std::optional<shared_subscription> parse_shared_subscription(std::string_view filter) noexcept {
    if (!filter.starts_with(share_prefix)) return std::nullopt;
    const auto rest = filter.substr(share_prefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    return shared_subscription{rest.substr(0, slash), rest.substr(slash + 1)};
}

bool topic_matches(std::string_view filter, std::string_view name) noexcept {
    // MQTT-4.7.2-1: '#' or '+' as the first level never matches a topic beginning with '$'.
    if (!name.empty() && name.front() == '$' && !filter.empty() && (filter.front() == '+' || filter.front() == '#'))
        return false;
    std::size_t f = 0, n = 0;
    while (f < filter.size()) {
        if (filter[f] == '#') return true;  // matches the parent level and everything below (MQTT-4.7.1-2)
        const auto f_end = std::min(filter.find('/', f), filter.size());
        if (n > name.size()) return false;  // name has no more levels
        const auto n_end = std::min(name.find('/', n), name.size());
        if (!(f_end - f == 1 && filter[f] == '+') && filter.substr(f, f_end - f) != name.substr(n, n_end - n))
            return false;
        f = f_end + 1;
        n = n_end + 1;
        if (f > filter.size()) return n > name.size();  // filter done: name must be done too
    }
    // The filter ended with '/': its last level is empty and matches only an empty last level of the name
    // ("a/" matches "a/", not "a" or "a/b"). An empty filter (invalid) matches nothing.
    return !filter.empty() && n == name.size();
}

}  // namespace mqtt::codec
