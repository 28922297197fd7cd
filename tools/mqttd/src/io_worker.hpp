#pragma once
// One of mqttd's I/O threads: the sockets it owns, on its own event loop.
//
// An iteration has three steps. (1) Without the lock: recv() every readable socket into the worker's read arena
// and decode whole packets there (views into the arena, or into a connection's rx for a packet that arrived in
// pieces). (2) Holding the engine gate: hand every decoded packet, new connection and lost socket to the engine,
// call on_tick, and take the output the engine produced for this worker's connections (engine_gate::hand_over).
// (3) Without the lock: one send() per connection with output, including other workers' connections whose output
// was lent to this one (engine_gate::hand_over). Steps 2 and 3 repeat (bounded) while step 3 produced new events
// (a failed write) or lent output must be given back. Step 2 runs as event_loop's iteration hook, after every handler of the
// iteration, so the lock is taken once per iteration rather than once per socket.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <mqtt/codec/packets.hpp>
#include <mqtt/codec/result.hpp>
#include <mqtt/tools/event_loop.hpp>
#include <mqttd/logger.hpp>
#include <mqttd/server.hpp>
#include <mqttd/settings.hpp>

#include "connection.hpp"
#include "engine_gate.hpp"

namespace mqttd {

class io_worker {
public:
    // Worker 0 runs on the server's loop and also keeps the engine's tick timer.
    io_worker(unsigned index, engine_gate& gate, mqtt::tools::event_loop& loop, logger& log, const settings& s);
    ~io_worker();
    io_worker(const io_worker&) = delete;
    io_worker& operator=(const io_worker&) = delete;

    [[nodiscard]] mqtt::tools::event_loop& loop() noexcept { return loop_; }

    // Thread-safe: a socket accepted on worker 0's listeners, to be owned by this worker from now on.
    void hand_over(std::unique_ptr<connection> c);

    // ---- on this worker's thread ----
    // Closes every socket now (shutdown after close_linger).
    void kill_all();
    // Adds the buffer figures of this worker's connections.
    void add_buffer_stats(server_stats& s);
    // Worker 0: `done` runs once every connection of every worker is gone.
    void on_all_closed(std::function<void()> done) { all_closed_ = std::move(done); }

private:
    struct inbound {
        enum class kind : unsigned char { connect, packet, decode_error, lost };
        kind what;
        connection* c;
        mqtt::codec::packet_view packet{};
        mqtt::codec::error error{};
    };

    void adopt_new_connections();
    void on_socket_event(connection& c, std::uint32_t ev);
    void on_readable(connection& c);
    std::size_t decode_packets(connection& c, std::span<const std::byte> in);
    void end_of_iteration();
    void pass_to_engine(engine_gate::access& a);
    void take_output(connection& c);
    void lost(connection& c, std::string_view why);
    void kill(connection& c);
    void flush(connection& c);
    static void write_lent(connection& c, mqtt::tools::byte_buffer& out);
    void arm_linger(connection& c);
    void update_interest(connection& c);
    void rearm_tick_timer(mqtt::broker::time_point deadline);
    void worker0_housekeeping();

    const unsigned index_;
    engine_gate& gate_;
    mqtt::tools::event_loop& loop_;
    logger& log_;
    const std::uint32_t max_packet_size_;
    live_limits limits_;

    std::unique_ptr<std::byte[]> arena_;  // this iteration's received bytes; decoded views point into it
    std::size_t arena_size_;
    std::size_t arena_used_ = 0;
    std::vector<inbound> inbound_;
    std::vector<std::pair<connection*, std::size_t>> rx_consumed_;  // rx bytes decoded in step 1, freed after step 2
    std::vector<connection*> flushing_;
    std::vector<std::pair<connection*, mqtt::tools::byte_buffer>> lent_;  // other workers' sockets: output to write
    std::vector<mqtt::broker::connection_id> dead_;
    std::vector<std::unique_ptr<connection>> newcomers_;  // accepted, not yet known to the engine

    std::mutex arrivals_mutex_;
    std::vector<std::unique_ptr<connection>> arrivals_;  // from worker 0's accept

    // Worker 0 only.
    mqtt::broker::time_point armed_ = mqtt::broker::time_point::max();
    mqtt::tools::event_loop::timer_id tick_timer_ = 0;
    std::size_t peak_connections_ = 0;
    std::function<void()> all_closed_;

    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // timers outliving the worker check it first
};

}  // namespace mqttd
