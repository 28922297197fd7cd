#include <mqttd/server.hpp>

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <unordered_map>
#include <variant>

#include <fmt/core.h>

#include <mqtt/codec/decode.hpp>
#include <mqtt/tools/byte_buffer.hpp>
#include <mqtt/tools/socket.hpp>
#include <mqtt/tools/unique_fd.hpp>
#include <mqttd/access_control.hpp>

#include "store/sqlite_store.hpp"

namespace mqttd {

namespace codec = mqtt::codec;
namespace broker = mqtt::broker;
namespace tools = mqtt::tools;
using broker::connection_id;

namespace {

std::string format_address(const sockaddr_storage& addr) {
    char host[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET6) {
        sockaddr_in6 a{};
        std::memcpy(&a, &addr, sizeof a);
        ::inet_ntop(AF_INET6, &a.sin6_addr, host, sizeof host);
        return fmt::format("[{}]:{}", host, ntohs(a.sin6_port));
    }
    sockaddr_in a{};
    std::memcpy(&a, &addr, sizeof a);
    ::inet_ntop(AF_INET, &a.sin_addr, host, sizeof host);
    return fmt::format("{}:{}", host, ntohs(a.sin_port));
}

std::string describe(codec::reason_code r) {
    return fmt::format("{} (0x{:02X})", codec::name(r), static_cast<unsigned>(r));
}

bool is_transient_accept_error(int e) { return e == EINTR || e == ECONNABORTED || e == EPROTO; }
bool is_resource_accept_error(int e) { return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM; }

}  // namespace

struct connection {
    enum class state : unsigned char {
        open,     // reading and writing
        closing,  // the engine closed it: flush the output, then close the socket
        dead,     // socket closed; the object goes at the end of the iteration
    };

    connection_id id = 0;
    tools::unique_fd fd;
    std::string address;
    const std::string* listener = nullptr;
    std::string client_id;            // known after CONNACK, for log lines
    tools::byte_buffer rx;            // only a partial packet: whole packets decode from the shared read buffer
    tools::byte_buffer tx;            // output collected during this iteration (and what the socket did not take)
    codec::protocol_version version = codec::protocol_version::unknown;
    state st = state::open;
    bool engine_knows = true;         // false once the engine closed it or was told it is gone
    bool reading = true;              // false after a decode error: nothing more is read
    bool dirty = false;               // in server::impl::dirty_
    bool want_write = false;          // EPOLLOUT registered: the socket's send buffer was full
    bool dropping = false;            // dropping QoS 0 (logged once per episode)
    std::uint64_t dropped = 0;
};

struct server::impl final : broker::transport, broker::event_log {
    struct listener_socket {
        tools::unique_fd fd;
        std::string name;  // "127.0.0.1:1883", the peer_info listener
        bool paused = false;
    };

    impl(const settings& s, tools::event_loop& loop, logger& log)
        : settings_(s), loop_(loop), log_(log), access_(s.access, log),
          store_(store::open_store(s, log)),  // durability (issue 8)
          engine_(s.engine, *this, broker::engine_hooks{&access_, &access_, this, store_.get()}),
          read_buffer_(std::make_unique_for_overwrite<std::byte[]>(s.read_buffer_size)) {
        if (store_) store_->restore_into(engine_, broker::clock::now());  // durability: before any client
        open_listeners();
        loop_.set_iteration_hook([this] { end_of_iteration(); });
        touched_ = true;
    }

    ~impl() {
        loop_.set_iteration_hook({});
        if (tick_timer_ != 0) loop_.cancel_timer(tick_timer_);
        for (auto& l : listeners_) loop_.remove(l.fd.get());
        for (auto& [id, c] : conns_)
            if (c->fd) loop_.remove(c->fd.get());
    }

    // ---- listeners -------------------------------------------------------------------------------------------

    void open_listeners() {
        std::vector<listener_settings> wanted = settings_.listeners;
        if (wanted.empty()) {
            wanted.push_back({{"127.0.0.1", 1883}, "default"});
            wanted.push_back({{"::1", 1883}, "default"});
        }
        for (const auto& l : wanted) {
            // No address: every interface, IPv4 and IPv6 (the v6 socket is IPV6_V6ONLY, see listen_tcp).
            std::vector<std::string> hosts;
            if (l.where.host.empty()) hosts = {"0.0.0.0", "::"};
            else hosts = {l.where.host};
            for (const auto& host : hosts) {
                const bool optional_v6 = host.find(':') != std::string::npos &&
                                         (l.origin == "default" || l.origin == "-p" || l.where.host.empty());
                tools::unique_fd fd;
                try {
                    fd = tools::listen_tcp({host, l.where.port});
                } catch (const std::system_error& e) {
                    if (!optional_v6) throw std::system_error(e.code(), fmt::format("listener ({})", l.origin) +
                                                                            ": " + e.what());
                    log_.log(log_level::warning, "IPv6 listener on [{}]:{} not opened: {}", host, l.where.port,
                             e.what());
                    continue;
                }
                const auto port = tools::local_port(fd.get());
                bound_.push_back({host, port});
                listener_socket ls;
                ls.name = host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                                              : fmt::format("{}:{}", host, port);
                ls.fd = std::move(fd);
                listeners_.push_back(std::move(ls));
            }
        }
        if (listeners_.empty()) throw std::system_error(EADDRNOTAVAIL, std::generic_category(), "no listener opened");
        for (auto& l : listeners_) {
            loop_.add(l.fd.get(), EPOLLIN, [this, p = &l](std::uint32_t) { on_accept(*p); });
            log_.log(log_level::notice, "listening on {}", l.name);
        }
    }

    void on_accept(listener_socket& l) {
        const auto now = broker::clock::now();
        for (int i = 0; i < 256; ++i) {  // bounded: other sockets get their turn
            sockaddr_storage addr{};
            socklen_t len = sizeof addr;
            const int fd = ::accept4(l.fd.get(), reinterpret_cast<sockaddr*>(&addr), &len,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                const int e = errno;
                if (e == EAGAIN || e == EWOULDBLOCK) return;
                if (is_transient_accept_error(e)) continue;
                if (is_resource_accept_error(e)) {
                    // Level-triggered: without a pause the loop would spin on the pending connection.
                    log_.log(log_level::warning, "accept on {}: {}; pausing this listener for 100 ms", l.name,
                             std::strerror(e));
                    pause_listener(l);
                    return;
                }
                log_.log(log_level::error, "accept on {}: {}", l.name, std::strerror(e));
                return;
            }
            tools::unique_fd sock(fd);
            if (settings_.max_connections >= 0 &&
                static_cast<std::int64_t>(conns_.size()) >= settings_.max_connections) {
                ++stats_.refused_max_connections;
                log_.log(log_level::warning, "connection from {} refused: max_connections ({}) reached",
                         format_address(addr), settings_.max_connections);
                continue;  // closed by unique_fd
            }
            tools::set_nodelay(sock.get());
            auto c = std::make_unique<connection>();
            c->id = next_id_++;
            c->fd = std::move(sock);
            c->address = format_address(addr);
            c->listener = &l.name;
            connection* raw = c.get();
            loop_.add(raw->fd.get(), EPOLLIN, [this, raw](std::uint32_t ev) { on_socket_event(*raw, ev); });
            conns_.emplace(raw->id, std::move(c));
            ++stats_.accepted;
            log_.log(log_level::debug, "connection {} accepted from {} on {}", raw->id, raw->address, l.name);
            const broker::peer_info peer{raw->address, l.name, {}};
            engine_.on_connect(raw->id, peer, now);
            touched_ = true;
        }
    }

    void pause_listener(listener_socket& l) {
        if (l.paused) return;
        l.paused = true;
        loop_.modify(l.fd.get(), 0);
        loop_.add_timer(tools::event_loop::clock::now() + std::chrono::milliseconds(100),
                        [this, p = &l, alive = std::weak_ptr<int>(alive_)] {
            if (alive.expired() || !p->fd) return;
            p->paused = false;
            loop_.modify(p->fd.get(), EPOLLIN);
        });
    }

    void close_listeners() {
        for (auto& l : listeners_) {
            if (!l.fd) continue;
            loop_.remove(l.fd.get());
            l.fd.reset();
        }
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    void on_socket_event(connection& c, std::uint32_t ev) {
        if (c.st == connection::state::dead) return;
        // Durability: output may include acknowledgements not committed yet; it goes after the commit.
        if ((ev & EPOLLOUT) != 0) {
            if (store_) mark_dirty(c);
            else flush(c);
        }
        if (c.st == connection::state::dead) return;
        if ((ev & EPOLLIN) != 0 && c.reading && c.st == connection::state::open) {
            on_readable(c);
        } else if ((ev & (EPOLLERR | EPOLLHUP)) != 0 && (ev & (EPOLLIN | EPOLLOUT)) == 0) {
            lost(c, "socket error");
        }
    }

    void on_readable(connection& c) {
        const ssize_t n = ::recv(c.fd.get(), read_buffer_.get(), settings_.read_buffer_size, 0);
        if (n == 0) return lost(c, "closed by the client");
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
            return lost(c, std::strerror(errno));
        }
        const std::span<const std::byte> fresh(read_buffer_.get(), static_cast<std::size_t>(n));
        const auto now = broker::clock::now();
        if (c.rx.empty()) {
            // The common case: decode straight from the shared buffer; keep only a trailing partial packet.
            const std::size_t used = decode_packets(c, fresh, now);
            if (used < fresh.size() && c.st == connection::state::open && c.reading) c.rx.append(fresh.subspan(used));
        } else {
            c.rx.append(fresh);
            const std::size_t used = decode_packets(c, c.rx.readable(), now);
            c.rx.consume(used);
            if (c.st != connection::state::open || !c.reading) c.rx.consume(c.rx.size());
        }
        if (c.rx.empty()) c.rx.shrink_if_empty(0);
    }

    // Decodes and hands over every whole packet of `in`; returns the bytes consumed.
    std::size_t decode_packets(connection& c, std::span<const std::byte> in, broker::time_point now) {
        std::size_t used = 0;
        while (c.st == connection::state::open && c.reading && used < in.size()) {
            codec::decode_options opt;
            opt.version = c.version;
            opt.max_packet_size = c.version == codec::protocol_version::unknown
                                      ? std::min(settings_.max_connect_packet_size, settings_.engine.max_packet_size)
                                      : settings_.engine.max_packet_size;
            auto r = codec::decode(in.subspan(used), opt);
            if (!r) {
                if (r.error().code == codec::errc::incomplete) break;
                decode_failed(c, r.error(), now);
                break;
            }
            if (const auto* connect = std::get_if<codec::connect_view>(&r->packet)) c.version = connect->version;
            touched_ = true;
            engine_.on_packet(c.id, r->packet, now);
            used += r->consumed;
        }
        return used;
    }

    void decode_failed(connection& c, const codec::error& e, broker::time_point now) {
        ++stats_.decode_errors;
        log_.log(log_level::information, "client {} ({}): undecodable input: {} at byte {}", display_id(c),
                 c.address, codec::name(e.code), e.offset);
        c.reading = false;
        update_interest(c);
        touched_ = true;
        engine_.on_decode_error(c.id, e, now);
        // The engine answers with DISCONNECT/CONNACK and close(); if it did not, the connection is useless anyway.
        if (c.engine_knows && c.st == connection::state::open) pending_lost_.push_back(c.id);
    }

    // ---- the engine's transport ------------------------------------------------------------------------------

    void send(connection_id id, std::span<const std::byte> packet, broker::delivery how) override {
        connection* c = find(id);
        if (c == nullptr || c->st != connection::state::open) return;
        if (how == broker::delivery::droppable && c->tx.size() + packet.size() > settings_.output_soft_limit) {
            ++c->dropped;
            ++stats_.dropped_qos0;
            if (!c->dropping) {
                c->dropping = true;
                log_.log(log_level::warning, "client {} ({}) is slow: dropping QoS 0 messages ({} bytes queued)",
                         display_id(*c), c->address, c->tx.size());
            }
            return;
        }
        c->tx.append(packet);
        mark_dirty(*c);
    }

    void close(connection_id id, codec::reason_code why) override {
        connection* c = find(id);
        if (c == nullptr || c->st == connection::state::dead) return;
        c->engine_knows = false;
        log_.log(log_level::debug, "connection {} ({}) closed by the broker: {}", id, c->address, describe(why));
        if (c->st == connection::state::open) {
            c->st = connection::state::closing;
            c->reading = false;
            update_interest(*c);
        }
        mark_dirty(*c);
    }

    // ---- the engine's event log ------------------------------------------------------------------------------

    void client_connected(connection_id id, std::string_view client_id, codec::protocol_version v,
                          bool session_present) override {
        connection* c = find(id);
        if (c == nullptr) return;
        c->client_id = std::string(client_id);
        if (log_.connection_messages())
            log_.log(log_level::notice, "New client connected from {} as {} (MQTT {}, session {})", c->address,
                     client_id, v == codec::protocol_version::v5 ? "5.0" : "3.1.1",
                     session_present ? "resumed" : "new");
    }
    void client_disconnected(connection_id id, std::string_view client_id, codec::reason_code reason) override {
        if (!log_.connection_messages()) return;
        const connection* c = find(id);
        log_.log(log_level::notice, "Client {} ({}) disconnected: {}", client_id, c ? c->address : "?",
                 describe(reason));
    }
    void connect_refused(connection_id id, std::string_view client_id, codec::reason_code reason) override {
        if (!log_.connection_messages()) return;
        const connection* c = find(id);
        log_.log(log_level::notice, "Client {} ({}) refused: {}", client_id, c ? c->address : "?", describe(reason));
    }
    void protocol_error(connection_id id, std::string_view client_id, codec::reason_code reason,
                        std::string_view what) override {
        const connection* c = find(id);
        log_.log(log_level::information, "Client {} ({}): {}: {}", client_id, c ? c->address : "?",
                 describe(reason), what);
    }

    // ---- writing and the end of each iteration ---------------------------------------------------------------

    void mark_dirty(connection& c) {
        if (c.dirty) return;
        c.dirty = true;
        dirty_.push_back(c.id);
    }

    // The socket is gone or useless: tell the engine (wills, session state) and close it.
    void lost(connection& c, std::string_view why) {
        if (c.st == connection::state::dead) return;
        log_.log(log_level::debug, "connection {} ({}) lost: {}", c.id, c.address, why);
        if (c.engine_knows) {
            c.engine_knows = false;
            touched_ = true;
            if (c.client_id.empty() && log_.connection_messages())
                log_.log(log_level::information, "connection from {} ended before CONNECT completed: {}",
                         c.address, why);
            c.st = connection::state::closing;  // nothing the engine sends now can be delivered
            engine_.on_disconnect(c.id, broker::clock::now());
        }
        kill(c);
    }

    void kill(connection& c) {
        if (c.st == connection::state::dead) return;
        c.st = connection::state::dead;
        loop_.remove(c.fd.get());
        c.fd.reset();
        c.rx = {};
        c.tx = {};
        dead_.push_back(c.id);
    }

    // One write per connection per iteration: everything the engine produced for it since the last flush.
    void flush(connection& c) {
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
        if (c.tx.size() > settings_.output_hard_limit && c.st == connection::state::open) {
            // What the client did not take after this iteration's write: it is not keeping up with required output.
            ++stats_.output_overflows;
            log_.log(log_level::warning,
                     "client {} ({}) disconnected: {} bytes of output not taken (output_hard_limit {})",
                     display_id(c), c.address, c.tx.size(), settings_.output_hard_limit);
            lost(c, "output overflow");
            return;
        }
        if (c.tx.empty()) {
            c.dropping = false;
            c.tx.shrink_if_empty(0);  // idle connections hold no buffer memory
            if (c.st == connection::state::closing && !c.engine_knows) {
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

    void arm_linger(connection& c) {
        loop_.add_timer(tools::event_loop::clock::now() + settings_.close_linger,
                        [this, id = c.id, alive = std::weak_ptr<int>(alive_)] {
            if (alive.expired()) return;
            if (connection* x = find(id); x != nullptr && x->st == connection::state::closing) {
                log_.log(log_level::debug, "connection {} ({}) did not take its last output in time", id,
                         x->address);
                kill(*x);
            }
        });
    }

    void update_interest(connection& c) {
        if (c.st == connection::state::dead) return;
        std::uint32_t ev = 0;
        if (c.reading && c.st == connection::state::open) ev |= EPOLLIN;
        if (c.want_write) ev |= EPOLLOUT;
        loop_.modify(c.fd.get(), ev);
    }

    void end_of_iteration() {
        const auto now = broker::clock::now();
        for (int round = 0; round < 16; ++round) {
            while (!pending_lost_.empty()) {
                auto ids = std::exchange(pending_lost_, {});
                for (const auto id : ids)
                    if (connection* c = find(id)) lost(*c, "undecodable input");
            }
            if (touched_ || now >= deadline_) {
                touched_ = false;
                rearm(engine_.on_tick(now));
            }
            if (dirty_.empty() && pending_lost_.empty() && !touched_) break;
            // Durability: what this output acknowledges is committed first (group commit); throws on failure.
            if (store_) store_->commit();
            std::swap(dirty_, flushing_);
            for (const auto id : flushing_) {
                if (connection* c = find(id)) {
                    c->dirty = false;
                    flush(*c);
                }
            }
            flushing_.clear();
        }
        if (!dirty_.empty() || !pending_lost_.empty()) loop_.post([] {});  // more next iteration, without sleeping
        for (const auto id : dead_) conns_.erase(id);
        dead_.clear();
        // After a mass disconnect, give the freed memory back to the system (glibc keeps it otherwise): the
        // RSS of a broker that once held 10k clients then follows the clients it has now.
        peak_connections_ = std::max(peak_connections_, conns_.size());
        if (peak_connections_ >= 1024 && conns_.size() < peak_connections_ / 4) {
            ::malloc_trim(0);
            peak_connections_ = conns_.size();
        }
        if (shutdown_done_ && conns_.empty()) std::exchange(shutdown_done_, {})();
    }

    void rearm(broker::time_point deadline) {
        if (deadline == deadline_ && tick_timer_ != 0) return;
        if (tick_timer_ != 0) loop_.cancel_timer(tick_timer_);
        tick_timer_ = 0;
        deadline_ = deadline;
        if (deadline == broker::time_point::max()) return;
        tick_timer_ = loop_.add_timer(deadline, [this] {
            tick_timer_ = 0;
            touched_ = true;  // on_tick runs in end_of_iteration, where its output is flushed
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    connection* find(connection_id id) {
        const auto it = conns_.find(id);
        return it == conns_.end() ? nullptr : it->second.get();
    }
    const connection* find(connection_id id) const {
        const auto it = conns_.find(id);
        return it == conns_.end() ? nullptr : it->second.get();
    }
    static std::string_view display_id(const connection& c) {
        return c.client_id.empty() ? std::string_view("(no client id yet)") : std::string_view(c.client_id);
    }

    settings settings_;
    tools::event_loop& loop_;
    logger& log_;
    access_control access_;                       // before engine_, which holds pointers to it
    std::unique_ptr<store::sqlite_store> store_;  // durability (issue 8): null without persistence
    broker::engine engine_;
    std::unique_ptr<std::byte[]> read_buffer_;
    std::vector<listener_socket> listeners_;
    std::vector<bound_listener> bound_;
    std::unordered_map<connection_id, std::unique_ptr<connection>> conns_;
    std::vector<connection_id> dirty_, flushing_, dead_, pending_lost_;
    connection_id next_id_ = 1;
    std::size_t peak_connections_ = 0;
    bool touched_ = false;
    broker::time_point deadline_ = broker::time_point::max();
    tools::event_loop::timer_id tick_timer_ = 0;
    std::function<void()> shutdown_done_;
    server_stats stats_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // timers outliving the server check it first
};

server::server(const settings& s, tools::event_loop& loop, logger& log)
    : impl_(std::make_unique<impl>(s, loop, log)) {}

server::~server() = default;

const std::vector<bound_listener>& server::listeners() const noexcept { return impl_->bound_; }

void server::shutdown(std::function<void()> done) {
    auto& i = *impl_;
    i.close_listeners();
    i.shutdown_done_ = std::move(done);
    i.touched_ = true;
    i.engine_.shutdown(broker::clock::now());
    // Whatever the engine did not close (it should close all), and whatever does not flush in time, goes now.
    for (auto& [id, c] : i.conns_) {
        if (c->st == connection::state::open) {
            c->engine_knows = false;
            c->st = connection::state::closing;
            c->reading = false;
            i.update_interest(*c);
            i.mark_dirty(*c);
        }
    }
    i.loop_.add_timer(tools::event_loop::clock::now() + i.settings_.close_linger,
                      [&i, alive = std::weak_ptr<int>(i.alive_)] {
        if (alive.expired()) return;
        for (auto& [id, c] : i.conns_) i.kill(*c);
    });
    i.loop_.post([] {});  // make sure an iteration ends soon, even with nothing to flush
}

std::string server::reload(const settings& s) {
    const std::string access = impl_->access_.reload(s.access);  // first: on a bad file nothing changes
    auto& cur = impl_->settings_;
    cur.max_connections = s.max_connections;
    cur.output_soft_limit = s.output_soft_limit;
    cur.output_hard_limit = s.output_hard_limit;
    cur.max_connect_packet_size = s.max_connect_packet_size;
    cur.close_linger = s.close_linger;
    return fmt::format("applied {}; max_connections={}, output_soft_limit={}, output_hard_limit={}, "
                       "max_connect_packet_size={}; listeners and engine options (max_packet_size, queues, "
                       "timeouts, ...) need a restart",
                       access, cur.max_connections, cur.output_soft_limit, cur.output_hard_limit,
                       cur.max_connect_packet_size);
}

server_stats server::stats() const {
    server_stats s = impl_->stats_;
    s.connections = impl_->conns_.size();
    for (const auto& [id, c] : impl_->conns_) {
        s.bytes_buffered_in += c->rx.size();
        s.bytes_buffered_out += c->tx.size();
        s.buffer_capacity += c->rx.capacity() + c->tx.capacity();
    }
    return s;
}

const mqtt::broker::statistics& server::engine_stats() const noexcept { return impl_->engine_.stats(); }

}  // namespace mqttd
