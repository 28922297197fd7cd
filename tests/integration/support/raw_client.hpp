#pragma once
// A plain TCP client for malformed and adversarial input: hand-built MQTT 3.1.1 packets, bounded reads.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mqtt/tools/unique_fd.hpp>

namespace mqttd_test {

using bytes = std::vector<std::uint8_t>;

bytes connect_v311(std::string_view client_id, std::uint16_t keep_alive = 60, bool clean = true);
bytes subscribe_v311(std::uint16_t packet_id, std::string_view filter, std::uint8_t qos);
bytes publish_v311(std::string_view topic, std::string_view payload, std::uint8_t qos = 0,
                   std::uint16_t packet_id = 0);
void append_remaining_length(bytes& out, std::uint32_t n);

struct raw_packet {
    std::uint8_t first_byte = 0;  // type << 4 | flags
    bytes body;                   // after the fixed header
    [[nodiscard]] std::uint8_t type() const { return static_cast<std::uint8_t>(first_byte >> 4); }
};

class raw_client {
public:
    // Connects to 127.0.0.1:port (blocking connect, then non-blocking I/O with poll deadlines).
    explicit raw_client(std::uint16_t port, int receive_buffer = 0);
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

    // Sends everything (bounded: false when the deadline passes or the socket fails).
    bool send(const bytes& b, std::chrono::milliseconds limit = std::chrono::seconds(5));
    // One whole packet, or nullopt on timeout or close.
    std::optional<raw_packet> read_packet(std::chrono::milliseconds limit = std::chrono::seconds(5));
    // True when the server closes the connection within `limit` (data received meanwhile is discarded).
    bool wait_closed(std::chrono::milliseconds limit);
    // CONNECT + expect CONNACK accepted.
    bool handshake(std::string_view client_id);

private:
    bool fill(std::size_t n, std::chrono::steady_clock::time_point deadline);
    mqtt::tools::unique_fd fd_;
    bytes in_;
};

}  // namespace mqttd_test
