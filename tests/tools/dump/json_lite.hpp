#pragma once
// A small JSON reader for the tests: enough for mqtt-dump's JSON Lines (objects, arrays, strings, numbers, bools).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtt::dump::test {

struct json_value {
    enum class kind : std::uint8_t { null, boolean, number, string, array, object } type = kind::null;
    bool boolean = false;
    std::string text;  // string, or a number's literal text
    std::vector<json_value> items;
    std::map<std::string, json_value> members;

    [[nodiscard]] bool has(const std::string& key) const { return members.count(key) != 0; }
    [[nodiscard]] const json_value* get(const std::string& key) const {
        auto it = members.find(key);
        return it == members.end() ? nullptr : &it->second;
    }
    // Scalars as text (numbers as written, bools 1/0); arrays joined with '|' like the .tshark.tsv columns.
    [[nodiscard]] std::string str() const {
        switch (type) {
        case kind::null: return "";
        case kind::boolean: return boolean ? "1" : "0";
        case kind::number:
        case kind::string: return text;
        case kind::array: {
            std::string out;
            for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "|" : "") + items[i].str();
            return out;
        }
        case kind::object: return "{...}";
        }
        return "";
    }
    [[nodiscard]] std::string str(const std::string& key) const {
        const json_value* v = get(key);
        return v ? v->str() : "";
    }
};

// Nothing on a syntax error.
std::optional<json_value> parse_json(std::string_view text);

}  // namespace mqtt::dump::test
