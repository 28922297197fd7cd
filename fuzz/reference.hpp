#pragma once
// Reference implementations for the differential fuzz targets, written from the spec text rather than from the
// codec: simple and slow on purpose (split into levels, decode code points one by one).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mqtt::fuzz::ref {

enum class utf8_result { ok, invalid, contains_null };
struct utf8_verdict {
    utf8_result result = utf8_result::ok;
    std::size_t sequence_start = 0;  // first byte of the offending character
};

// RFC 3629 section 3 (decode the code point, then reject overlong forms, surrogates and values above U+10FFFF),
// plus MQTT-1.5.4-2 (v5) / MQTT-1.5.3-2 (v3.1.1): U+0000 is not allowed.
inline utf8_verdict utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0, min = 0;
        if (lead < 0x80) { len = 1; cp = lead; }
        else if ((lead & 0xE0u) == 0xC0u) { len = 2; cp = lead & 0x1Fu; min = 0x80; }
        else if ((lead & 0xF0u) == 0xE0u) { len = 3; cp = lead & 0x0Fu; min = 0x800; }
        else if ((lead & 0xF8u) == 0xF0u) { len = 4; cp = lead & 0x07u; min = 0x10000; }
        else return {utf8_result::invalid, i};
        if (i + len > s.size()) return {utf8_result::invalid, i};
        for (std::size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0u) != 0x80u) return {utf8_result::invalid, i};
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return {utf8_result::invalid, i};
        if (cp == 0) return {utf8_result::contains_null, i};
        i += len;
    }
    return {};
}

inline std::vector<std::string_view> levels(std::string_view topic) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= topic.size(); ++i) {
        if (i == topic.size() || topic[i] == '/') {
            out.push_back(topic.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

// MQTT-4.7.3-1: at least one character; MQTT-3.3.2-2: no wildcard characters in a topic name.
inline bool topic_name_valid(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name)
        if (c == '+' || c == '#') return false;
    return true;
}

// Section 4.7.1: '#' alone as the last level (MQTT-4.7.1-2), '+' alone in its level (MQTT-4.7.1-3).
inline bool plain_filter_valid(std::string_view filter) {
    if (filter.empty()) return false;
    const auto ls = levels(filter);
    for (std::size_t i = 0; i < ls.size(); ++i) {
        const auto l = ls[i];
        if (l.find('#') != std::string_view::npos && (l != "#" || i + 1 != ls.size())) return false;
        if (l.find('+') != std::string_view::npos && l != "+") return false;
    }
    return true;
}

struct shared {
    std::string_view share_name;
    std::string_view filter;
};
// Section 4.8.2: "$share/" ShareName "/" filter; nothing when the filter does not start with "$share/" or has no
// second '/'.
inline std::optional<shared> parse_shared(std::string_view filter) {
    constexpr std::string_view prefix = "$share/";
    if (filter.substr(0, prefix.size()) != prefix) return std::nullopt;
    const auto rest = filter.substr(prefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    return shared{rest.substr(0, slash), rest.substr(slash + 1)};
}

// A plain filter, or a shared one whose ShareName is non-empty without '+', '#' (or '/', by construction) and whose
// filter is valid (MQTT-4.8.2-1, MQTT-4.8.2-2).
inline bool topic_filter_valid(std::string_view filter) {
    constexpr std::string_view prefix = "$share/";
    if (filter.substr(0, prefix.size()) == prefix) {
        const auto s = parse_shared(filter);
        if (!s || s->share_name.empty()) return false;
        for (char c : s->share_name)
            if (c == '+' || c == '#') return false;
        return plain_filter_valid(s->filter);
    }
    return plain_filter_valid(filter);
}

// Section 4.7: level-by-level; '+' matches one level, '#' the parent level and any number below; a filter starting
// with a wildcard does not match a name starting with '$' (MQTT-4.7.2-1).
inline bool matches(std::string_view filter, std::string_view name) {
    if (!name.empty() && name[0] == '$' && !filter.empty() && (filter[0] == '+' || filter[0] == '#')) return false;
    const auto f = levels(filter), n = levels(name);
    std::size_t i = 0;
    for (; i < f.size(); ++i) {
        if (f[i] == "#") return true;
        if (i >= n.size()) return false;
        if (f[i] != "+" && f[i] != n[i]) return false;
    }
    return i == n.size();
}

}  // namespace mqtt::fuzz::ref
