#pragma once
// One client socket in mqttd. Its fields are split by who may touch them: the I/O worker that owns the socket
// (no lock), and anyone holding the engine gate's lock (docs/architecture.md, "Threading").
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <mqtt/broker/clock.hpp>
#include <mqtt/codec/types.hpp>
#include <mqtt/tools/byte_buffer.hpp>
#include <mqtt/tools/unique_fd.hpp>

namespace mqttd {

struct connection {
    enum class state : unsigned char {
        open,     // reading and writing
        closing,  // the engine closed it: flush the output, then close the socket
        dead,     // socket shut down; the object (and the descriptor) go at the owner's next hand-over
    };

    connection(mqtt::broker::connection_id i, std::string addr, const std::string* via, unsigned worker)
        : id(i), address(std::move(addr)), listener(via), owner(worker) {}

    // Fixed at accept.
    const mqtt::broker::connection_id id;
    const std::string address;
    const std::string* const listener;
    const unsigned owner;                 // index of the io_worker that owns the socket

    // The owner's thread only; `fd` itself stays valid until the object is freed (a lent write may use it).
    mqtt::tools::unique_fd fd;
    mqtt::tools::byte_buffer rx;          // only a partial packet: whole packets decode from the worker's read arena
    mqtt::tools::byte_buffer tx;          // output handed over by the engine that the socket has not taken yet
    mqtt::codec::protocol_version version = mqtt::codec::protocol_version::unknown;
    state st = state::open;
    bool reading = true;                  // false after a decode error or the engine's close: nothing more is read
    bool want_write = false;              // EPOLLOUT registered: the socket's send buffer was full
    // Written by the owner only (the engine reports the CONNECT during the owner's own on_packet), so the owner
    // reads it without the lock.
    std::string client_id;

    // Under the engine gate's lock.
    mqtt::tools::byte_buffer pending;     // engine output not yet handed to the owner
    bool engine_knows = true;             // false once the engine closed it or was told it is gone
    bool closed_by_engine = false;        // the engine called close(): the owner flushes, then closes
    bool in_outbox = false;               // queued for a hand-over (the owner's outbox or a producer's list)
    bool lent = false;                    // another worker is writing output to the socket (engine_gate::hand_over)
    bool free_after_lend = false;         // the owner wants to free it: give_back() wakes the owner
    bool dropping = false;                // dropping QoS 0 (logged once per episode)

    // Written by the owner after each hand-over and write, read under the lock by the QoS 0 drop decision.
    std::atomic<std::size_t> unsent{0};
};

// For log lines: the client id once the CONNECT was accepted. Readable by the owner, or with the gate's lock.
inline std::string_view display_id(const connection& c) {
    return c.client_id.empty() ? std::string_view("(no client id yet)") : std::string_view(c.client_id);
}

}  // namespace mqttd
