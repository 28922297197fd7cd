#pragma once
// One MQTT client connection of a run: a non-blocking state machine over the codec.
//   tcp_connecting -> awaiting_connack -> (subscribing) -> ready -> closed | failed
// Publishers pipeline PUBLISH packets (QoS 1/2 within an inflight window); subscribers check stamps and ack.
// Writes are batched: packets are appended to tx_ and the runner flushes dirty clients once per loop iteration.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/packets.hpp>
#include <mqtt/load/options.hpp>
#include <mqtt/tools/byte_buffer.hpp>
#include <mqtt/tools/socket.hpp>
#include <mqtt/tools/unique_fd.hpp>

#include "run_state.hpp"

namespace mqtt::load {

class client {
public:
    enum class state : std::uint8_t { not_started, tcp_connecting, awaiting_connack, subscribing, ready, closed, failed };

    client(run_state& rs, const client_plan& plan, const tools::endpoint& broker);
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    void start();
    // Publishers: send what the rate, quota and window allow (bounded per call). True if it could send more now.
    bool pump(std::uint64_t now);
    // Writes tx_ to the socket; on EAGAIN waits for EPOLLOUT.
    void flush();
    // Once a second: keep-alive PINGREQ, and timeouts.
    void tick(std::uint64_t now);
    // Sends DISCONNECT (best effort) and closes.
    void disconnect();
    void fail(const std::string& message);

    [[nodiscard]] state current() const noexcept { return state_; }
    [[nodiscard]] bool alive() const noexcept { return state_ != state::closed && state_ != state::failed; }
    [[nodiscard]] const client_plan& plan() const noexcept { return plan_; }
    [[nodiscard]] bool is_publisher() const noexcept { return plan_.kind == client_plan::role::publisher; }
    [[nodiscard]] bool publishing_done() const noexcept { return done_; }
    [[nodiscard]] std::uint32_t inflight() const noexcept { return inflight_; }
    [[nodiscard]] std::uint64_t sent() const noexcept { return sent_; }

    bool queued_dirty = false;  // on run_state::dirty
    bool queued_pump = false;   // on run_state::pumps

private:
    struct stream {  // what one subscriber has seen of one publisher
        std::uint64_t next = 0;                                    // next sequence number in order
        std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps;  // [from, to) skipped, may still arrive
    };

    void on_io(std::uint32_t events);
    void on_connected();
    void read_all();
    void handle(const codec::packet_view& p, std::uint64_t now);
    void on_connack(const codec::connack_view& c, std::uint64_t now);
    void on_suback(const codec::suback_view& s);
    void on_publish(const codec::publish_view& p, std::uint64_t now);
    void on_ack(std::uint16_t packet_id, codec::packet_type type, codec::reason_code reason);
    void send(const codec::packet_view& p);
    void emit_publish(std::uint64_t now);
    void mark_dirty();
    void mark_pump();
    void close_socket();
    void become_ready(std::uint64_t now);
    void finish_publishing();
    [[nodiscard]] std::string where() const;
    [[nodiscard]] const char* when() const noexcept;

    run_state& rs_;
    const client_plan& plan_;
    tools::endpoint broker_;
    tools::unique_fd fd_;
    state state_ = state::not_started;
    tools::byte_buffer rx_;
    tools::byte_buffer tx_;
    codec::decode_options decode_options_;
    bool want_write_ = false;
    std::uint64_t started_ns_ = 0, last_tx_ns_ = 0, last_rx_ns_ = 0, ping_sent_ns_ = 0;
    std::uint16_t keep_alive_ = 0;

    // Publisher.
    std::vector<std::byte> payload_;           // template: stamp space + filler
    std::vector<std::uint8_t> id_state_;       // per packet id: 0 free, 1 awaiting PUBACK/PUBREC, 2 awaiting PUBCOMP
    std::uint16_t next_id_ = 1;
    std::uint32_t window_ = 0;
    std::uint32_t inflight_ = 0;
    std::uint64_t sent_ = 0;
    bool done_ = false;

    // Subscriber.
    std::unordered_map<std::uint32_t, stream> streams_;
    std::uint32_t cached_publisher_ = UINT32_MAX;
    stream* cached_stream_ = nullptr;
};

}  // namespace mqtt::load
