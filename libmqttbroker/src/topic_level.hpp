#pragma once
// Walking a topic one level at a time, shared by the subscription trie and the retained store.
#include <string_view>

namespace mqtt::broker::detail {

// Splits the first level off `rest`: returns it and leaves the remainder in `rest`; `last` says no '/' followed.
inline std::string_view next_level(std::string_view& rest, bool& last) noexcept {
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) {
        const auto level = rest;
        rest = {};
        last = true;
        return level;
    }
    const auto level = rest.substr(0, slash);
    rest.remove_prefix(slash + 1);
    last = false;
    return level;
}

}  // namespace mqtt::broker::detail
