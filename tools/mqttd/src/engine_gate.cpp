#include "engine_gate.hpp"

#include <bit>
#include <cassert>
#include <utility>

#include <fmt/core.h>

namespace mqttd {

namespace broker = mqtt::broker;
namespace codec = mqtt::codec;

namespace {
std::string describe(codec::reason_code r) {
    return fmt::format("{} (0x{:02X})", codec::name(r), static_cast<unsigned>(r));
}
}  // namespace

engine_gate::engine_gate(const settings& s, logger& log, unsigned workers, wake_fn wake)
    : log_(log), wake_(std::move(wake)), access_(s.access, log),
      store_(store::open_store(s, log)),  // durability (issue 8)
      engine_(s.engine, *this, broker::engine_hooks{&access_, &access_, this, store_.get()}),
      outboxes_(workers), produced_(workers), idle_(std::make_unique<std::atomic<bool>[]>(workers)),
      limits_{s.output_soft_limit, s.output_hard_limit, s.max_connect_packet_size, s.close_linger} {
    assert(workers >= 1 && workers <= max_threads);
    for (unsigned k = 0; k < workers; ++k) idle_[k].store(true, std::memory_order_relaxed);  // asleep until busy()
    if (store_) store_->restore_into(engine_, broker::clock::now());  // durability: before any client
}

engine_gate::access::access(engine_gate& g, unsigned worker) : gate_(g), lock_(g.mutex_) { g.current_ = worker; }

engine_gate::access::~access() {
    auto wake = std::exchange(gate_.to_wake_, 0);
    lock_.unlock();
    // The eventfd writes happen after the unlock: a woken worker should find the lock free.
    while (wake != 0) {
        const auto k = static_cast<unsigned>(std::countr_zero(wake));
        wake &= wake - 1;
        gate_.wake_(k);
    }
}

void engine_gate::adopt(std::unique_ptr<connection> c) {
    const auto id = c->id;
    registry_.emplace(id, std::move(c));
}

bool engine_gate::forget(broker::connection_id id) {
    const auto it = registry_.find(id);
    if (it == registry_.end()) return true;
    if (it->second->lent) {
        it->second->free_after_lend = true;
        return false;
    }
    registry_.erase(it);
    const auto left = open_.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if (left == 0 && shutting_down_ && current_ != 0) to_wake_ |= 1;
    return true;
}

connection* engine_gate::find(broker::connection_id id) {
    const auto it = registry_.find(id);
    return it == registry_.end() ? nullptr : it->second.get();
}

void engine_gate::queue(connection& c) {
    if (c.in_outbox) return;
    c.in_outbox = true;
    if (c.owner == current_) outboxes_[current_].push_back(c.id);
    else produced_[current_].push_back(c.id);  // decided at the current worker's hand_over
}

void engine_gate::to_owner(connection& c) {
    auto& box = outboxes_[c.owner];
    // A busy owner hands over again after this lock is released; one that was woken for a non-empty outbox too.
    if (box.empty() && c.owner != current_ && idle(c.owner)) to_wake_ |= std::uint64_t{1} << c.owner;
    box.push_back(c.id);
}

// Another worker may write to the socket only when the owner has nothing of its own in flight for it (no unsent
// bytes, nothing waiting in the outbox), so the bytes keep their order.
bool engine_gate::lendable(const connection& c) noexcept {
    return !c.lent && c.engine_knows && !c.closed_by_engine && !c.pending.empty() &&
           c.unsent.load(std::memory_order_acquire) == 0;
}

void engine_gate::give_back(connection& c, mqtt::tools::byte_buffer rest) {
    c.lent = false;
    if (!rest.empty()) {
        rest.append(c.pending.readable());
        c.pending = std::move(rest);
    }
    if ((!c.pending.empty() || c.closed_by_engine || c.free_after_lend) && !c.in_outbox) {
        c.in_outbox = true;
        to_owner(c);
    }
}

void engine_gate::close_all() {
    for (auto& [id, c] : registry_) {
        if (!c->engine_knows) continue;
        c->engine_knows = false;
        c->closed_by_engine = true;
        queue(*c);
    }
}

broker::time_point engine_gate::tick(broker::time_point now) {
    const auto deadline = engine_.on_tick(now);
    if (deadline < armed_ && current_ != 0) to_wake_ |= 1;
    return deadline;
}

// ---- the engine's transport ----------------------------------------------------------------------------------

void engine_gate::send(broker::connection_id id, std::span<const std::byte> packet, broker::delivery how) {
    connection* c = find(id);
    if (c == nullptr || !c->engine_knows) return;
    const std::size_t queued = c->unsent.load(std::memory_order_relaxed) + c->pending.size();
    if (how == broker::delivery::droppable && queued + packet.size() > limits_.output_soft_limit) {
        counters.dropped_qos0.fetch_add(1, std::memory_order_relaxed);
        if (!c->dropping) {
            c->dropping = true;
            log_.log(log_level::warning, "client {} ({}) is slow: dropping QoS 0 messages ({} bytes queued)",
                     display_id(*c), c->address, queued);
        }
        return;
    }
    c->pending.append(packet);
    queue(*c);
}

void engine_gate::close(broker::connection_id id, codec::reason_code why) {
    connection* c = find(id);
    if (c == nullptr || !c->engine_knows) return;
    c->engine_knows = false;
    c->closed_by_engine = true;
    log_.log(log_level::debug, "connection {} ({}) closed by the broker: {}", id, c->address, describe(why));
    queue(*c);
}

// ---- the engine's event log ----------------------------------------------------------------------------------

void engine_gate::client_connected(broker::connection_id id, std::string_view client_id, codec::protocol_version v,
                                   bool session_present) {
    connection* c = find(id);
    if (c == nullptr) return;
    // The engine reports a CONNECT while handling that connection's own packet, i.e. on its owner's thread.
    assert(c->owner == current_);
    c->client_id = std::string(client_id);
    if (log_.connection_messages())
        log_.log(log_level::notice, "New client connected from {} as {} (MQTT {}, session {})", c->address,
                 client_id, v == codec::protocol_version::v5 ? "5.0" : "3.1.1", session_present ? "resumed" : "new");
}

void engine_gate::client_disconnected(broker::connection_id id, std::string_view client_id,
                                      codec::reason_code reason) {
    if (!log_.connection_messages()) return;
    const connection* c = find(id);
    log_.log(log_level::notice, "Client {} ({}) disconnected: {}", client_id, c ? c->address : "?",
             describe(reason));
}

void engine_gate::connect_refused(broker::connection_id id, std::string_view client_id, codec::reason_code reason) {
    if (!log_.connection_messages()) return;
    const connection* c = find(id);
    log_.log(log_level::notice, "Client {} ({}) refused: {}", client_id, c ? c->address : "?", describe(reason));
}

void engine_gate::protocol_error(broker::connection_id id, std::string_view client_id, codec::reason_code reason,
                                 std::string_view what) {
    const connection* c = find(id);
    log_.log(log_level::information, "Client {} ({}): {}: {}", client_id, c ? c->address : "?", describe(reason),
             what);
}

}  // namespace mqttd
