#pragma once
// Test helpers: run mqtt-dump in-process into a string, parse its JSON Lines, read the .tshark.tsv references.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <mqtt/dump/app.hpp>

#include "json_lite.hpp"

namespace mqtt::dump::test {

inline const std::string captures_dir = MQTT_CAPTURES_DIR;

// Runs `config` with stdout captured; returns what mqtt-dump printed. `exit_code` receives run()'s result.
inline std::string run_to_string(const dump_config& config, int* exit_code = nullptr) {
    char* data = nullptr;
    std::size_t size = 0;
    std::FILE* out = open_memstream(&data, &size);
    const int rc = run(config, out, stderr);
    std::fclose(out);
    std::string text(data, size);
    std::free(data);
    if (exit_code) *exit_code = rc;
    return text;
}

inline std::vector<json_value> parse_lines(const std::string& text) {
    std::vector<json_value> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        auto v = parse_json(line);
        if (!v) throw std::runtime_error("not JSON: " + line);
        out.push_back(std::move(*v));
    }
    return out;
}

inline std::vector<json_value> dump_json(const std::string& capture, std::vector<std::uint16_t> ports = {}) {
    dump_config config;
    config.file = captures_dir + "/" + capture;
    config.json = true;
    config.dissect.mqtt_ports.insert(config.dissect.mqtt_ports.end(), ports.begin(), ports.end());
    return parse_lines(run_to_string(config));
}

using tsv_row = std::map<std::string, std::string>;

inline std::vector<tsv_row> read_tsv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<tsv_row> rows;
    std::string line;
    std::vector<std::string> columns;
    auto split = [](const std::string& s) {
        std::vector<std::string> out;
        std::size_t start = 0;
        for (;;) {
            const std::size_t tab = s.find('\t', start);
            out.push_back(s.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        return out;
    };
    while (std::getline(in, line)) {
        if (columns.empty()) {
            columns = split(line);
            continue;
        }
        const auto cells = split(line);
        tsv_row row;
        for (std::size_t i = 0; i < columns.size(); ++i) row[columns[i]] = i < cells.size() ? cells[i] : "";
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace mqtt::dump::test
