#pragma once
// TCP socket helpers shared by mqttd, mqtt-load and tests. They throw std::system_error (tools' edges may throw).
#include <cstdint>
#include <string>
#include <string_view>

#include <mqtt/tools/unique_fd.hpp>

namespace mqtt::tools {

struct endpoint {
    std::string host;  // "127.0.0.1", "::1", "localhost", "0.0.0.0", "::"
    std::uint16_t port = 0;
};

// Parses "host:port", "[v6]:port" or "port" (host then defaults to `default_host`).
[[nodiscard]] endpoint parse_endpoint(std::string_view text, std::string_view default_host = "127.0.0.1");

// A non-blocking listening socket (SO_REUSEADDR; IPV6_V6ONLY for "::" so v4 and v6 listeners can coexist).
// Port 0 picks a free port: ask local_port() which.
[[nodiscard]] unique_fd listen_tcp(const endpoint& where, int backlog = 4096);
// A connected socket (blocking connect, then made non-blocking when asked). TCP_NODELAY is set.
[[nodiscard]] unique_fd connect_tcp(const endpoint& where, bool nonblocking = true);
// Starts a non-blocking connect; completion is signalled by EPOLLOUT (check connect_error()).
[[nodiscard]] unique_fd start_connect_tcp(const endpoint& where);
[[nodiscard]] int connect_error(int fd) noexcept;

void set_nonblocking(int fd);
void set_nodelay(int fd) noexcept;
[[nodiscard]] std::uint16_t local_port(int fd);
// "127.0.0.1:50000" or "[::1]:50000" of the peer; empty when unknown.
[[nodiscard]] std::string peer_address(int fd);

}  // namespace mqtt::tools
