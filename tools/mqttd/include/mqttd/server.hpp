#pragma once
// mqttd's network side: listeners, connections and their buffers around one broker engine, on `settings::threads`
// I/O threads (the caller's loop is the first; the server starts the others).
//
// Per loop iteration, on each thread: readable sockets are read into the thread's read arena and decoded; then,
// holding the engine's lock once, the packets go to the engine and the output it produced for this thread's
// connections is taken; then every connection with output gets one write(). The engine's on_tick deadline is
// kept in a single timer on the caller's loop. Threading: every method of `server` runs on the caller's loop
// thread (see docs/architecture.md).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <mqtt/broker/engine.hpp>
#include <mqtt/tools/event_loop.hpp>
#include <mqttd/logger.hpp>
#include <mqttd/settings.hpp>

namespace mqttd {

struct bound_listener {
    std::string address;  // as configured: "127.0.0.1", "::", ...
    std::uint16_t port;   // the port actually bound (differs from the configured one for port 0)
};

struct server_stats {
    std::uint64_t connections = 0;           // sockets open now (including ones still closing)
    std::uint64_t accepted = 0;              // total
    std::uint64_t refused_max_connections = 0;
    std::uint64_t decode_errors = 0;
    std::uint64_t dropped_qos0 = 0;          // droppable messages not queued: output above output_soft_limit
    std::uint64_t output_overflows = 0;      // connections closed: output above output_hard_limit
    std::uint64_t bytes_buffered_in = 0;     // partial packets held now, all connections
    std::uint64_t bytes_buffered_out = 0;    // unsent output held now, all connections
    std::uint64_t buffer_capacity = 0;       // allocated for both, all connections (idle ones hold none)
};

class server {
public:
    // Opens every listener of `s` (the defaults when it has none) and registers them with `loop`.
    // Throws std::system_error when a listener cannot be opened.
    server(const settings& s, mqtt::tools::event_loop& loop, logger& log);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    [[nodiscard]] const std::vector<bound_listener>& listeners() const noexcept;

    // Graceful shutdown: stop accepting, engine.shutdown() (DISCONNECT 0x8B to v5 clients, wills as for a lost
    // network), flush, close. `done` runs on the loop when every connection is closed or close_linger passed.
    void shutdown(std::function<void()> done);
    // SIGHUP: applies what can change while running (connection and output limits). Returns what it did.
    std::string reload(const settings& s);

    [[nodiscard]] server_stats stats() const;
    [[nodiscard]] mqtt::broker::statistics engine_stats() const;  // a snapshot, taken under the engine's lock

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace mqttd
