#include "io_worker.hpp"

#include <malloc.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <variant>

#include <mqtt/codec/decode.hpp>

namespace mqttd {

namespace codec = mqtt::codec;
namespace broker = mqtt::broker;
namespace tools = mqtt::tools;

namespace {
// Below this much room left in the read arena, a socket is read into its own rx instead: skipping it until the
// next iteration would starve the sockets epoll reports last (level-triggered fds keep their order).
constexpr std::size_t min_read = 4096;
// One recv() takes at most this share of the arena, so that at least this many busy sockets are read from it.
constexpr std::size_t arena_shares = 8;
// Bounds the step 2 / step 3 repetitions of one iteration; what is left waits for the next one.
constexpr int max_rounds = 16;
}  // namespace

io_worker::io_worker(unsigned index, engine_gate& gate, tools::event_loop& loop, logger& log, const settings& s)
    : index_(index), gate_(gate), loop_(loop), log_(log), max_packet_size_(s.engine.max_packet_size),
      limits_(gate.limits()), arena_(std::make_unique_for_overwrite<std::byte[]>(s.read_buffer_size)),
      arena_size_(s.read_buffer_size) {
    loop_.set_iteration_hook([this] { end_of_iteration(); });
}

io_worker::~io_worker() {
    loop_.set_iteration_hook({});
    if (tick_timer_ != 0) loop_.cancel_timer(tick_timer_);
    engine_gate::access a(gate_, index_);
    gate_.for_each_of(index_, [this](connection& c) {
        if (c.fd) loop_.remove(c.fd.get());
    });
}

void io_worker::hand_over(std::unique_ptr<connection> c) {
    {
        std::lock_guard lock(arrivals_mutex_);
        arrivals_.push_back(std::move(c));
    }
    loop_.wake();
}

void io_worker::adopt_new_connections() {
    std::vector<std::unique_ptr<connection>> fresh;
    {
        std::lock_guard lock(arrivals_mutex_);
        fresh.swap(arrivals_);
    }
    for (auto& c : fresh) {
        connection* raw = c.get();
        loop_.add(raw->fd.get(), EPOLLIN, [this, raw](std::uint32_t ev) { on_socket_event(*raw, ev); });
        log_.log(log_level::debug, "connection {} accepted from {} on {} (I/O thread {})", raw->id, raw->address,
                 *raw->listener, index_);
        inbound_.push_back({inbound::kind::connect, raw});
        newcomers_.push_back(std::move(c));
    }
}

// ---- step 1: reading and decoding, without the lock ------------------------------------------------------------

void io_worker::on_socket_event(connection& c, std::uint32_t ev) {
    gate_.busy(index_);
    if (c.st == connection::state::dead) return;
    if ((ev & EPOLLOUT) != 0) flush(c);
    if (c.st == connection::state::dead) return;
    if ((ev & EPOLLIN) != 0 && c.reading && c.st == connection::state::open) {
        on_readable(c);
    } else if ((ev & (EPOLLERR | EPOLLHUP)) != 0 && (ev & (EPOLLIN | EPOLLOUT)) == 0) {
        lost(c, "socket error");
    }
}

void io_worker::on_readable(connection& c) {
    const std::size_t chunk = std::max(min_read, arena_size_ / arena_shares);
    const bool into_arena = arena_size_ - arena_used_ >= min_read;
    const auto room = into_arena ? std::span<std::byte>(arena_.get() + arena_used_, arena_size_ - arena_used_)
                                 : c.rx.writable(chunk);
    const ssize_t n = ::recv(c.fd.get(), room.data(), std::min(room.size(), chunk), 0);
    if (n == 0) return lost(c, "closed by the client");
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        return lost(c, std::strerror(errno));
    }
    const std::span<const std::byte> fresh(room.data(), static_cast<std::size_t>(n));
    if (!into_arena) {
        c.rx.commit(fresh.size());
        rx_consumed_.emplace_back(&c, decode_packets(c, c.rx.readable()));
        return;
    }
    arena_used_ += fresh.size();
    if (c.rx.empty()) {
        // The common case: decode straight from the arena; keep only a trailing partial packet.
        const std::size_t used = decode_packets(c, fresh);
        if (used < fresh.size() && c.reading) c.rx.append(fresh.subspan(used));
    } else {
        c.rx.append(fresh);
        rx_consumed_.emplace_back(&c, decode_packets(c, c.rx.readable()));
    }
}

// Decodes every whole packet of `in` into inbound_ (views into `in`); returns the bytes consumed.
std::size_t io_worker::decode_packets(connection& c, std::span<const std::byte> in) {
    std::size_t used = 0;
    while (c.reading && used < in.size()) {
        codec::decode_options opt;
        opt.version = c.version;
        opt.max_packet_size = c.version == codec::protocol_version::unknown
                                  ? std::min(limits_.max_connect_packet_size, max_packet_size_)
                                  : max_packet_size_;
        auto r = codec::decode(in.subspan(used), opt);
        if (!r) {
            if (r.error().code == codec::errc::incomplete) break;
            gate_.counters.decode_errors.fetch_add(1, std::memory_order_relaxed);
            log_.log(log_level::information, "client {} ({}): undecodable input: {} at byte {}", display_id(c),
                     c.address, codec::name(r.error().code), r.error().offset);
            c.reading = false;
            update_interest(c);
            inbound_.push_back({inbound::kind::decode_error, &c, {}, r.error()});
            break;
        }
        // The version is taken from CONNECT as it is decoded, so a pipelined CONNECT + SUBSCRIBE decodes right.
        if (const auto* connect = std::get_if<codec::connect_view>(&r->packet)) c.version = connect->version;
        inbound_.push_back({inbound::kind::packet, &c, r->packet});
        used += r->consumed;
    }
    return used;
}

// ---- step 2: the engine, with the lock -------------------------------------------------------------------------

void io_worker::end_of_iteration() {
    adopt_new_connections();
    std::size_t waiting = 0;  // dead connections still lent to another worker: its give_back() wakes this one
    for (int round = 0; round < max_rounds; ++round) {
        {
            engine_gate::access a(gate_, index_);
            pass_to_engine(a);
        }
        waiting = dead_.size();
        // Step 3.
        for (connection* c : flushing_) flush(*c);
        flushing_.clear();
        for (auto& [c, out] : lent_) write_lent(*c, out);
        if (inbound_.empty() && dead_.size() == waiting && lent_.empty()) break;  // a failed write adds to both
    }
    if (!inbound_.empty() || dead_.size() > waiting || !lent_.empty()) loop_.wake();  // more, without sleeping
    if (index_ == 0) worker0_housekeeping();
}

void io_worker::pass_to_engine(engine_gate::access& a) {
    auto& engine = a.engine();
    const auto now = broker::clock::now();
    limits_ = gate_.limits();
    for (auto& [c, rest] : lent_) gate_.give_back(*c, std::move(rest));
    lent_.clear();
    for (auto& c : newcomers_) gate_.adopt(std::move(c));
    newcomers_.clear();
    for (const auto& in : inbound_) {
        connection& c = *in.c;
        switch (in.what) {
        case inbound::kind::connect:
            if (gate_.shutting_down()) {
                c.engine_knows = false;
                kill(c);
                break;
            }
            engine.on_connect(c.id, broker::peer_info{c.address, *c.listener, {}}, now);
            break;
        case inbound::kind::packet:
            if (c.engine_knows) engine.on_packet(c.id, in.packet, now);  // skipped once the engine closed it
            break;
        case inbound::kind::decode_error:
            if (!c.engine_knows) break;
            engine.on_decode_error(c.id, in.error, now);
            // The engine answers with DISCONNECT/CONNACK and close(); if it did not, the connection is useless.
            if (c.engine_knows) {
                c.engine_knows = false;
                engine.on_disconnect(c.id, now);
                kill(c);
            }
            break;
        case inbound::kind::lost:
            if (c.engine_knows) {
                c.engine_knows = false;
                engine.on_disconnect(c.id, now);  // publishes the will
            }
            break;
        }
    }
    inbound_.clear();
    // The decoded views are gone: free what they pointed into.
    for (auto [c, used] : rx_consumed_) {
        c->rx.consume(c->reading && c->st == connection::state::open ? used : c->rx.size());
        if (c->rx.empty()) c->rx.shrink_if_empty(0);
    }
    rx_consumed_.clear();
    arena_used_ = 0;
    const auto deadline = gate_.tick(now);
    if (index_ == 0) rearm_tick_timer(deadline);
    gate_.hand_over(index_, [this](connection& c) { take_output(c); },
                    [this](connection& c) { lent_.emplace_back(&c, std::exchange(c.pending, {})); });
    std::erase_if(dead_, [this](broker::connection_id id) { return gate_.forget(id); });  // lent ones wait
    gate_.done_for_now(index_);
}

// With the lock: the engine's output for `c` becomes the socket's.
void io_worker::take_output(connection& c) {
    if (c.st == connection::state::dead) {
        c.pending = {};
        return;
    }
    if (!c.pending.empty()) {
        if (c.tx.empty()) {
            std::swap(c.tx, c.pending);  // no copy in the common case
            c.dropping = false;          // it caught up: the next drop starts a new episode
        } else {
            c.tx.append(c.pending.readable());
            c.pending.consume(c.pending.size());
        }
        c.pending.shrink_if_empty(0);
        c.unsent.store(c.tx.size(), std::memory_order_relaxed);
    }
    if (c.closed_by_engine && c.st == connection::state::open) {
        c.st = connection::state::closing;
        c.reading = false;
        update_interest(c);
    }
    flushing_.push_back(&c);
}

void io_worker::rearm_tick_timer(broker::time_point deadline) {
    if (deadline == armed_ && tick_timer_ != 0) return;
    if (tick_timer_ != 0) loop_.cancel_timer(tick_timer_);
    tick_timer_ = 0;
    armed_ = deadline;
    gate_.timer_armed_at(deadline);
    if (deadline == broker::time_point::max()) return;
    // Firing only wakes the loop: every iteration ends with on_tick (end_of_iteration).
    tick_timer_ = loop_.add_timer(deadline, [this] { tick_timer_ = 0; });
}

// ---- step 3: writing, without the lock -------------------------------------------------------------------------

// One write per connection per iteration: everything handed over since the last one.
void io_worker::flush(connection& c) {
    if (c.st == connection::state::dead) return;
    while (!c.tx.empty()) {
        const auto out = c.tx.readable();
        const ssize_t n = ::send(c.fd.get(), out.data(), out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            c.tx.consume(static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) < out.size()) break;  // the kernel's buffer is full: EPOLLOUT
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n < 0 && errno == EINTR) continue;
        const char* why = n < 0 ? std::strerror(errno) : "write failed";
        if (c.st == connection::state::closing) kill(c);
        else lost(c, why);
        return;
    }
    c.unsent.store(c.tx.size(), std::memory_order_release);  // 0: other workers may write to it (lendable())
    if (c.tx.size() > limits_.output_hard_limit && c.st == connection::state::open) {
        // What the client did not take after this iteration's write: it is not keeping up with required output.
        gate_.counters.output_overflows.fetch_add(1, std::memory_order_relaxed);
        log_.log(log_level::warning, "client {} ({}) disconnected: {} bytes of output not taken (output_hard_limit {})",
                 display_id(c), c.address, c.tx.size(), limits_.output_hard_limit);
        lost(c, "output overflow");
        return;
    }
    if (c.tx.empty()) {
        c.tx.shrink_if_empty(0);  // idle connections hold no buffer memory
        if (c.st == connection::state::closing) {
            ::shutdown(c.fd.get(), SHUT_WR);
            kill(c);
            return;
        }
    }
    const bool want = !c.tx.empty();
    if (want != c.want_write) {
        c.want_write = want;
        update_interest(c);
        if (want && c.st == connection::state::closing) arm_linger(c);
    }
}

// Another worker's socket, while the gate lends it to this one: write what fits. The rest, and any failure, go back
// to the owner with give_back(), which handles them as its own (EPOLLOUT, or a lost connection).
void io_worker::write_lent(connection& c, tools::byte_buffer& out) {
    while (!out.empty()) {
        const auto bytes = out.readable();
        const ssize_t n = ::send(c.fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) out.consume(static_cast<std::size_t>(n));
        else if (n < 0 && errno == EINTR) continue;
        else break;
    }
}

void io_worker::arm_linger(connection& c) {
    loop_.add_timer(tools::event_loop::clock::now() + limits_.close_linger,
                    [this, id = c.id, alive = std::weak_ptr<int>(alive_)] {
        if (alive.expired()) return;
        engine_gate::access a(gate_, index_);
        if (connection* x = gate_.find(id); x != nullptr && x->st == connection::state::closing) {
            log_.log(log_level::debug, "connection {} ({}) did not take its last output in time", id, x->address);
            kill(*x);
        }
    });
}

void io_worker::update_interest(connection& c) {
    if (c.st == connection::state::dead) return;
    std::uint32_t ev = 0;
    if (c.reading && c.st == connection::state::open) ev |= EPOLLIN;
    if (c.want_write) ev |= EPOLLOUT;
    loop_.modify(c.fd.get(), ev);
}

// ---- closing ---------------------------------------------------------------------------------------------------

// The socket is gone or useless: close it now; the engine hears of it (wills, session state) in step 2.
void io_worker::lost(connection& c, std::string_view why) {
    if (c.st == connection::state::dead) return;
    log_.log(log_level::debug, "connection {} ({}) lost: {}", c.id, c.address, why);
    if (c.st == connection::state::open && c.client_id.empty() && log_.connection_messages())
        log_.log(log_level::information, "connection from {} ended before CONNECT completed: {}", c.address, why);
    kill(c);
    inbound_.push_back({inbound::kind::lost, &c});
}

// Shuts the socket down; the descriptor is closed with the object in step 2, after every inbound event that refers
// to it and any lent write that uses it.
void io_worker::kill(connection& c) {
    if (c.st == connection::state::dead) return;
    c.st = connection::state::dead;
    loop_.remove(c.fd.get());
    ::shutdown(c.fd.get(), SHUT_RDWR);
    c.rx = {};
    c.tx = {};
    c.unsent.store(0, std::memory_order_relaxed);
    dead_.push_back(c.id);
}

void io_worker::kill_all() {
    engine_gate::access a(gate_, index_);
    gate_.for_each_of(index_, [this](connection& c) { kill(c); });
}

void io_worker::add_buffer_stats(server_stats& s) {
    engine_gate::access a(gate_, index_);
    gate_.for_each_of(index_, [&s](const connection& c) {
        s.bytes_buffered_in += c.rx.size();
        s.bytes_buffered_out += c.tx.size() + c.pending.size();
        s.buffer_capacity += c.rx.capacity() + c.tx.capacity() + c.pending.capacity();
    });
}

void io_worker::worker0_housekeeping() {
    const auto open = gate_.open_connections();
    // After a mass disconnect, give the freed memory back to the system (glibc keeps it otherwise): the RSS of a
    // broker that once held 10k clients then follows the clients it has now.
    peak_connections_ = std::max(peak_connections_, open);
    if (peak_connections_ >= 1024 && open < peak_connections_ / 4) {
        ::malloc_trim(0);
        peak_connections_ = open;
    }
    if (all_closed_ && open == 0) std::exchange(all_closed_, {})();
}

}  // namespace mqttd
