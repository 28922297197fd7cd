#pragma once
// Everything mqttd can be configured with: the command line and the configuration file (docs/configuration.md)
// both fill one `settings`.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <mqtt/broker/config.hpp>
#include <mqtt/tools/socket.hpp>

namespace mqttd {

// Mosquitto's log types, as bits: `log_type` lines enable them one by one.
enum class log_level : unsigned {
    error = 1U << 0,
    warning = 1U << 1,
    notice = 1U << 2,        // connects and disconnects, start-up and shutdown
    information = 1U << 3,
    debug = 1U << 4,
};
inline constexpr unsigned log_all = 0x1F;
inline constexpr unsigned log_default = 0x0F;  // error, warning, notice, information (as Mosquitto)

inline constexpr unsigned max_threads = 64;  // I/O threads (the engine gate wakes them through a 64-bit mask)

enum class log_destination : unsigned char { stderr_stream, stdout_stream, file, none };

struct log_settings {
    unsigned types = log_default;
    log_destination destination = log_destination::stderr_stream;
    std::string file;                 // for log_destination::file
    bool timestamps = true;
    bool connection_messages = true;  // one line per connect and disconnect
};

struct access_settings {
    std::string password_file;            // empty: no passwords; allow_anonymous decides for every client
    std::string acl_file;                 // empty: every topic allowed, except publishing to $SYS
    std::optional<bool> allow_anonymous;  // unset: true without a password file, false with one
};

struct listener_settings {
    mqtt::tools::endpoint where;      // host empty = every interface (IPv4 and IPv6)
    std::string origin;               // "mqttd.conf:3" or "default" or "-p": for messages
};

struct settings {
    std::vector<listener_settings> listeners;       // empty: 127.0.0.1:1883 and [::1]:1883
    mqtt::broker::config engine;                    // the engine's knobs (max_packet_size, queues, ...)
    access_settings access;                         // password file, ACL file, allow_anonymous
    std::int64_t max_connections = -1;             // -1: unlimited (bounded by RLIMIT_NOFILE)
    std::size_t output_soft_limit = 1U << 20;      // bytes queued for a client above which QoS 0 is dropped
    std::size_t output_hard_limit = 64U << 20;     // bytes queued above which the client is disconnected
    std::uint32_t max_connect_packet_size = 1U << 20;  // the first packet, before the client is known
    std::size_t read_buffer_size = 256U << 10;     // one buffer shared by every connection of a thread
    unsigned threads = 1;                           // I/O threads; 1 measured faster here (docs/benchmarks.md)
    std::chrono::milliseconds close_linger{5000};  // how long a closing connection may take to flush
    bool persistence = false;                       // sessions, retained and queued messages in a store
    std::string persistence_location;               // directory of the store; empty: the working directory
    std::string persistence_file = "mqttd.db";
    bool persistence_sync_batch = true;             // fsync each iteration's commit (false: persistence_sync none)
    std::uint64_t persistence_max_size = 0;         // bytes; 0 = unbounded
    bool persistence_reset = false;                 // move a damaged store aside and start empty
    log_settings log;
    std::string config_file;                        // where these came from, for SIGHUP
};

}  // namespace mqttd
