#pragma once
// The broker engine behind one mutex, shared by mqttd's I/O workers.
//
// The engine is not thread-safe and calls transport::send/close re-entrantly, so every engine call happens while
// one worker holds an engine_gate::access. What the engine sends is appended to the target connection's `pending`
// buffer. hand_over() is the one place where that output becomes socket output (docs/architecture.md, "Threading"):
// the owner of the socket takes it; or, when the owner is idle and the socket has nothing else queued, the worker
// whose engine calls produced it writes it itself (the output is "lent" to it), which saves waking the owner.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <mqtt/broker/engine.hpp>
#include <mqttd/access_control.hpp>
#include <mqttd/logger.hpp>
#include <mqttd/settings.hpp>

#include "connection.hpp"
#include "store/sqlite_store.hpp"

namespace mqttd {

// What SIGHUP may change while running; every worker copies it at each hand-over.
struct live_limits {
    std::size_t output_soft_limit;
    std::size_t output_hard_limit;
    std::uint32_t max_connect_packet_size;
    std::chrono::milliseconds close_linger;
};

struct server_counters {
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> refused_max_connections{0};
    std::atomic<std::uint64_t> decode_errors{0};
    std::atomic<std::uint64_t> dropped_qos0{0};
    std::atomic<std::uint64_t> output_overflows{0};
};

class engine_gate final : public mqtt::broker::transport, public mqtt::broker::event_log {
public:
    using wake_fn = std::function<void(unsigned worker)>;

    // `wake(k)` must make worker k's loop run an iteration soon; it is called without the lock.
    engine_gate(const settings& s, logger& log, unsigned workers, wake_fn wake);

    // The lock, for one worker. On release it wakes the other workers that were handed output meanwhile.
    class access {
    public:
        access(engine_gate& g, unsigned worker);
        ~access();
        access(const access&) = delete;
        access& operator=(const access&) = delete;
        [[nodiscard]] mqtt::broker::engine& engine() noexcept { return gate_.engine_; }
        [[nodiscard]] mqttd::access_control& access_control() noexcept { return gate_.access_; }

    private:
        engine_gate& gate_;
        std::unique_lock<std::mutex> lock_;
    };

    // ---- with an access held ----
    void adopt(std::unique_ptr<connection> c);
    // Frees a dead connection (and closes its socket); false while it is lent, try again later. The last one
    // during shutdown wakes worker 0, which reports that all are closed.
    [[nodiscard]] bool forget(mqtt::broker::connection_id id);
    [[nodiscard]] connection* find(mqtt::broker::connection_id id);
    // The engine output of everything `worker` did since its last call goes to the sockets from here:
    // - take(c) for each connection of `worker` that was sent output or closed (unless it is lent right now);
    // - lend(c) for each connection of another worker that this worker's engine calls sent output to, when the
    //   socket has nothing else queued and its owner is idle: the caller writes c.pending itself, then calls
    //   give_back();
    // - anything else goes to its owner's outbox, and the owner is woken if it is idle.
    // Persistence (issue 8) commits its batch here, first: nothing of this batch reaches a socket before that.
    template <class Take, class Lend>
    void hand_over(unsigned worker, Take&& take, Lend&& lend) {
        // Durability: what this output acknowledges is committed first (group commit); throws on failure, and
        // nothing of it is written then.
        if (store_) store_->commit();
        auto& box = outboxes_[worker];
        for (const auto id : box) {
            if (connection* c = find(id)) {
                c->in_outbox = false;
                if (!c->lent) take(*c);  // else give_back() queues it again
            }
        }
        box.clear();
        auto& made = produced_[worker];
        for (const auto id : made) {
            connection* c = find(id);
            if (c == nullptr) continue;
            if (lendable(*c) && idle(c->owner)) {
                c->in_outbox = false;
                c->lent = true;
                lend(*c);
            } else {
                to_owner(*c);
            }
        }
        made.clear();
    }
    // The end of a lend: `rest` is what the socket did not take; it goes back in front of any newer output.
    void give_back(connection& c, mqtt::tools::byte_buffer rest);
    // Called at the end of each hand-over of `worker`: until it calls busy(), it may be asleep in epoll_wait.
    void done_for_now(unsigned worker) noexcept { idle_[worker].store(true, std::memory_order_relaxed); }
    // Calls fn(c) for every connection owned by `worker`.
    template <class Fn>
    void for_each_of(unsigned worker, Fn&& fn) {
        for (auto& [id, c] : registry_)
            if (c->owner == worker) fn(*c);
    }
    // Shutdown: every connection the engine did not close is closed now (its output is still flushed).
    void close_all();
    // on_tick (cheap when nothing is due, so every hand-over calls it). Returns the next deadline. Worker 0 keeps
    // the timer for it and is woken when another worker brings the deadline before the one that timer is armed at.
    mqtt::broker::time_point tick(mqtt::broker::time_point now);
    void timer_armed_at(mqtt::broker::time_point t) noexcept { armed_ = t; }
    [[nodiscard]] live_limits limits() const noexcept { return limits_; }
    void set_limits(const live_limits& l) noexcept { limits_ = l; }
    [[nodiscard]] bool shutting_down() const noexcept { return shutting_down_; }
    void begin_shutdown() noexcept { shutting_down_ = true; }

    // ---- any thread ----
    // Called by `worker`, without the lock, whenever it starts handling events. A worker seen busy under the lock
    // will hand over again after that lock is released, so it needs no wake-up for what is queued for it.
    void busy(unsigned worker) noexcept { idle_[worker].store(false, std::memory_order_relaxed); }
    [[nodiscard]] std::size_t open_connections() const noexcept {
        return open_.load(std::memory_order_acquire);
    }
    void count_accepted() noexcept { open_.fetch_add(1, std::memory_order_relaxed); }
    server_counters counters;

    // ---- transport and event_log: called by the engine, so with an access held ----
    void send(mqtt::broker::connection_id id, std::span<const std::byte> packet,
              mqtt::broker::delivery how) override;
    void close(mqtt::broker::connection_id id, mqtt::codec::reason_code why) override;
    void client_connected(mqtt::broker::connection_id id, std::string_view client_id, mqtt::codec::protocol_version v,
                          bool session_present) override;
    void client_disconnected(mqtt::broker::connection_id id, std::string_view client_id,
                             mqtt::codec::reason_code reason) override;
    void connect_refused(mqtt::broker::connection_id id, std::string_view client_id,
                         mqtt::codec::reason_code reason) override;
    void protocol_error(mqtt::broker::connection_id id, std::string_view client_id, mqtt::codec::reason_code reason,
                        std::string_view what) override;

private:
    void queue(connection& c);
    void to_owner(connection& c);
    [[nodiscard]] static bool lendable(const connection& c) noexcept;
    [[nodiscard]] bool idle(unsigned worker) const noexcept { return idle_[worker].load(std::memory_order_relaxed); }

    std::mutex mutex_;
    logger& log_;
    wake_fn wake_;
    mqttd::access_control access_;                // before engine_, which holds pointers to it
    std::unique_ptr<store::sqlite_store> store_;  // durability (issue 8): null without persistence
    mqtt::broker::engine engine_;
    std::unordered_map<mqtt::broker::connection_id, std::unique_ptr<connection>> registry_;
    std::vector<std::vector<mqtt::broker::connection_id>> outboxes_;  // per worker: its connections to take
    std::vector<std::vector<mqtt::broker::connection_id>> produced_;  // per worker: others' connections it sent to
    std::unique_ptr<std::atomic<bool>[]> idle_;  // per worker: done_for_now() and no busy() since
    std::uint64_t to_wake_ = 0;  // workers to wake when the current access ends
    unsigned current_ = 0;       // the worker holding the access
    live_limits limits_;
    mqtt::broker::time_point armed_ = mqtt::broker::time_point::max();
    bool shutting_down_ = false;
    std::atomic<std::size_t> open_{0};  // accepted and not yet forgotten
};

}  // namespace mqttd
