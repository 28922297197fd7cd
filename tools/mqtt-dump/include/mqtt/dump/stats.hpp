#pragma once
// --stats: packets and bytes per packet type, per topic (PUBLISH), per client; malformed packets and gaps.
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>

#include <mqtt/dump/dissector.hpp>

namespace mqtt::dump {

class stats_collector final : public event_sink {
public:
    struct counter {
        std::uint64_t packets = 0;
        std::uint64_t bytes = 0;  // whole MQTT packets, fixed header included
    };
    struct topic_counter {
        std::uint64_t packets = 0;
        std::uint64_t bytes = 0;
        std::uint64_t payload_bytes = 0;
    };
    struct client_counter {
        std::string name;  // client identifier, or the client endpoint when no CONNECT was seen
        counter sent;      // client -> server
        counter received;  // server -> client
    };

    void on_event(const event& e) override;
    // Prints the tables (or one JSON object with `json`), with the capture counters.
    void print(std::FILE* out, const capture_counters& capture, bool json) const;

    [[nodiscard]] const std::array<counter, 16>& per_type() const noexcept { return per_type_; }
    [[nodiscard]] std::uint64_t malformed() const noexcept { return malformed_; }

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    // The counters of the previous PUBLISH topic and connection: a run of packets with the same topic or on the
    // same connection (the common case) skips the hash lookups.
    topic_counter& topic(std::string_view name);
    client_counter& connection(std::uint64_t id);

    std::array<counter, 16> per_type_{};
    std::unordered_map<std::string, topic_counter, string_hash, std::equal_to<>> per_topic_;
    std::unordered_map<std::uint64_t, client_counter> per_connection_;
    std::string_view last_topic_name_;  // a key of per_topic_
    topic_counter* last_topic_ = nullptr;
    std::uint64_t last_connection_id_ = 0;
    client_counter* last_connection_ = nullptr;
    std::uint64_t malformed_ = 0;
    std::uint64_t malformed_bytes_ = 0;
    std::uint64_t truncated_ = 0;
    std::uint64_t gaps_ = 0;
    std::uint64_t gap_bytes_ = 0;
    std::uint64_t tls_connections_ = 0;
};

}  // namespace mqtt::dump
