#include <mqttd/server.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <future>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fmt/core.h>

#include <mqtt/tools/socket.hpp>
#include <mqtt/tools/unique_fd.hpp>

#include "connection.hpp"
#include "engine_gate.hpp"
#include "io_worker.hpp"

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

bool is_transient_accept_error(int e) { return e == EINTR || e == ECONNABORTED || e == EPROTO; }
bool is_resource_accept_error(int e) { return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM; }

}  // namespace

struct server::impl {
    struct listener_socket {
        tools::unique_fd fd;
        std::string name;  // "127.0.0.1:1883", the peer_info listener
        bool paused = false;
    };

    impl(const settings& s, tools::event_loop& loop, logger& log)
        : settings_(s), loop_(loop), log_(log),
          gate_(s, log, s.threads, [this](unsigned k) { workers_[k]->loop().wake(); }) {
        workers_.push_back(std::make_unique<io_worker>(0, gate_, loop_, log_, s));
        for (unsigned k = 1; k < s.threads; ++k) {
            own_loops_.push_back(std::make_unique<tools::event_loop>());
            workers_.push_back(std::make_unique<io_worker>(k, gate_, *own_loops_.back(), log_, s));
        }
        open_listeners();
        // These loops never need to wake up by themselves: work arrives as socket events, posted tasks or wakes
        // from the engine gate, and engine deadlines are worker 0's timer.
        for (auto& l : own_loops_)
            threads_.emplace_back([l = l.get(), &log] {
                try {
                    l->run(std::chrono::minutes(1));
                } catch (const std::exception& e) {
                    // A failed durability commit on this thread: as on the main thread, nothing unacknowledged
                    // was written; stop the process (main's handler is on another thread).
                    log.log(log_level::error, "stopping: {}", e.what());
                    std::_Exit(1);
                }
            });
        if (s.threads > 1) log_.log(log_level::notice, "{} I/O threads", s.threads);
    }

    ~impl() {
        for (auto& l : own_loops_) l->stop();
        for (auto& t : threads_) t.join();
        for (auto& l : listeners_)
            if (l.fd) loop_.remove(l.fd.get());
        workers_.clear();  // before gate_, which owns the connections
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

    // Listeners are on worker 0's loop; accepted sockets go round-robin to the workers.
    void on_accept(listener_socket& l) {
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
                static_cast<std::int64_t>(gate_.open_connections()) >= settings_.max_connections) {
                gate_.counters.refused_max_connections.fetch_add(1, std::memory_order_relaxed);
                log_.log(log_level::warning, "connection from {} refused: max_connections ({}) reached",
                         format_address(addr), settings_.max_connections);
                continue;  // closed by unique_fd
            }
            tools::set_nodelay(sock.get());
            const auto owner = static_cast<unsigned>(next_id_ % workers_.size());
            auto c = std::make_unique<connection>(next_id_++, format_address(addr), &l.name, owner);
            c->fd = std::move(sock);
            gate_.count_accepted();
            gate_.counters.accepted.fetch_add(1, std::memory_order_relaxed);
            workers_[owner]->hand_over(std::move(c));
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

    // Runs fn() on worker k's thread and waits for it (bounded: the worker only ever waits for the gate).
    template <class Fn>
    void run_on(unsigned k, Fn fn) {
        if (k == 0) return fn();
        auto task = std::make_shared<std::packaged_task<void()>>(std::move(fn));
        auto done = task->get_future();
        workers_[k]->loop().post([task] { (*task)(); });
        if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
            throw std::runtime_error(fmt::format("I/O thread {} did not answer within 10 s", k));
        done.get();
    }

    settings settings_;
    tools::event_loop& loop_;
    logger& log_;
    engine_gate gate_;
    std::vector<std::unique_ptr<tools::event_loop>> own_loops_;  // workers 1..N-1
    std::vector<std::unique_ptr<io_worker>> workers_;            // worker 0 runs on loop_
    std::vector<std::thread> threads_;
    std::vector<listener_socket> listeners_;
    std::vector<bound_listener> bound_;
    connection_id next_id_ = 1;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // timers outliving the server check it first
};

server::server(const settings& s, tools::event_loop& loop, logger& log)
    : impl_(std::make_unique<impl>(s, loop, log)) {}

server::~server() = default;

const std::vector<bound_listener>& server::listeners() const noexcept { return impl_->bound_; }

void server::shutdown(std::function<void()> done) {
    auto& i = *impl_;
    i.close_listeners();
    {
        engine_gate::access a(i.gate_, 0);
        i.gate_.begin_shutdown();
        a.engine().shutdown(broker::clock::now());
        // Whatever the engine did not close (it should close all) is closed too; what does not flush in time goes
        // after close_linger.
        i.gate_.close_all();
    }
    i.workers_[0]->on_all_closed(std::move(done));
    i.loop_.add_timer(tools::event_loop::clock::now() + i.settings_.close_linger,
                      [&i, alive = std::weak_ptr<int>(i.alive_)] {
        if (alive.expired()) return;
        for (auto& w : i.workers_) {
            if (&w->loop() == &i.loop_) w->kill_all();
            else w->loop().post([p = w.get()] { p->kill_all(); });
        }
    });
    i.loop_.wake();  // make sure an iteration ends soon, even with nothing to flush
}

std::string server::reload(const settings& s) {
    std::string access;
    {
        engine_gate::access a(impl_->gate_, 0);
        access = a.access_control().reload(s.access);  // first: on a bad file nothing changes
    }
    auto& cur = impl_->settings_;
    cur.max_connections = s.max_connections;
    cur.output_soft_limit = s.output_soft_limit;
    cur.output_hard_limit = s.output_hard_limit;
    cur.max_connect_packet_size = s.max_connect_packet_size;
    cur.close_linger = s.close_linger;
    {
        engine_gate::access a(impl_->gate_, 0);
        impl_->gate_.set_limits({cur.output_soft_limit, cur.output_hard_limit, cur.max_connect_packet_size,
                                 cur.close_linger});
    }
    return fmt::format("applied {}; max_connections={}, output_soft_limit={}, output_hard_limit={}, "
                       "max_connect_packet_size={}; listeners, threads and engine options (max_packet_size, "
                       "queues, timeouts, ...) need a restart",
                       access, cur.max_connections, cur.output_soft_limit, cur.output_hard_limit,
                       cur.max_connect_packet_size);
}

server_stats server::stats() const {
    auto& i = *impl_;
    server_stats s;
    s.connections = i.gate_.open_connections();
    s.accepted = i.gate_.counters.accepted.load(std::memory_order_relaxed);
    s.refused_max_connections = i.gate_.counters.refused_max_connections.load(std::memory_order_relaxed);
    s.decode_errors = i.gate_.counters.decode_errors.load(std::memory_order_relaxed);
    s.dropped_qos0 = i.gate_.counters.dropped_qos0.load(std::memory_order_relaxed);
    s.output_overflows = i.gate_.counters.output_overflows.load(std::memory_order_relaxed);
    for (unsigned k = 0; k < i.workers_.size(); ++k) {
        server_stats part;
        i.run_on(k, [&i, k, &part] { i.workers_[k]->add_buffer_stats(part); });
        s.bytes_buffered_in += part.bytes_buffered_in;
        s.bytes_buffered_out += part.bytes_buffered_out;
        s.buffer_capacity += part.buffer_capacity;
    }
    return s;
}

mqtt::broker::statistics server::engine_stats() const {
    engine_gate::access a(impl_->gate_, 0);
    return a.engine().stats();
}

}  // namespace mqttd
