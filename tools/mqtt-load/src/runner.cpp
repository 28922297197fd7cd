#include <mqtt/load/runner.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "client.hpp"
#include "run_state.hpp"

namespace mqtt::load {

namespace {

constexpr std::uint64_t ns_per_s = 1'000'000'000;
constexpr std::uint64_t drain_quiet_ns = ns_per_s;  // draining ends after this long without a delivery or ack

std::uint64_t seconds_to_ns(double s) { return static_cast<std::uint64_t>(s * 1e9); }
double ns_to_seconds(std::uint64_t ns) { return static_cast<double>(ns) / 1e9; }

struct cpu_sample {
    double user = 0, system = 0;
};
cpu_sample cpu_now() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return {sec(ru.ru_utime), sec(ru.ru_stime)};
}

std::string si(double v) {
    if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
    if (v >= 1e4) return fmt::format("{:.1f}k", v / 1e3);
    return fmt::format("{:.0f}", v);
}
std::string ms(std::uint64_t ns) { return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6); }

// Raises the soft descriptor limit to the hard one; returns the limit now in force.
std::uint64_t raise_fd_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
        ::getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur;
}

}  // namespace

struct runner::impl {
    impl(options o, progress_sink p) : opts(std::move(o)), progress(std::move(p)), rs(opts) {}

    options opts;
    progress_sink progress;
    run_state rs;
    plan pl;
    std::vector<std::unique_ptr<client>> clients;
    std::vector<client*> publishers;
    std::size_t next_start = 0;

    std::uint64_t start_ns = 0, connect_done_ns = 0, publish_deadline_ns = 0, drain_start_ns = 0, hold_end_ns = 0;
    std::uint64_t publish_end_ns = 0, measure_end_ns = 0;
    cpu_sample cpu_at_publish{}, cpu_at_end{};
    run_report report;

    // Progress-line state.
    std::uint64_t last_line_ns = 0, line_sent = 0, line_received = 0;
    cpu_sample line_cpu{};

    [[nodiscard]] bool is_storm() const noexcept { return opts.scenario == scenario_kind::storm; }

    void start_due_connections(std::uint64_t now) {
        if (next_start >= clients.size()) return;
        std::size_t target = clients.size();
        if (opts.connect_rate > 0) {
            const auto due = static_cast<std::size_t>(ns_to_seconds(now - start_ns) * opts.connect_rate) + 1;
            target = std::min(target, due);
        }
        target = std::min(target, next_start + 2000);  // keep the loop responsive while connecting thousands
        while (next_start < target) clients[next_start++]->start();
    }

    void begin_closing(std::uint64_t now) {
        if (measure_end_ns == 0) {
            measure_end_ns = now;
            cpu_at_end = cpu_now();
        }
        rs.phase = phase::closing;
    }

    void abort_run(std::uint64_t now, std::string reason) {
        report.aborted = true;
        report.abort_reason = std::move(reason);
        begin_closing(now);
    }

    void advance(std::uint64_t now, bool stop) {
        switch (rs.phase) {
            case phase::connecting: {
                const bool all_settled =
                    next_start == clients.size() && rs.ready + rs.failed == static_cast<std::uint32_t>(clients.size());
                if (stop) {
                    abort_run(now, "interrupted while connecting");
                    return;
                }
                if (!all_settled && now - start_ns < seconds_to_ns(opts.connect_timeout) + 2 * ns_per_s) return;
                for (auto& c : clients)  // stragglers the per-client timeout has not caught
                    if (c->alive() && c->current() != client::state::ready)
                        c->fail(fmt::format("not connected within {} s", opts.connect_timeout));
                connect_done_ns = now;
                if (is_storm()) {
                    if (rs.ready == 0) return abort_run(now, "no connection succeeded");
                    hold_end_ns = now + seconds_to_ns(opts.duration);
                    rs.phase = phase::publishing;
                    cpu_at_publish = cpu_now();
                    rs.publish_start_ns = now;
                    return;
                }
                std::uint32_t failed_needed = 0;
                for (auto& c : clients)
                    if (!c->alive() && c->plan().kind != client_plan::role::idle) ++failed_needed;
                if (failed_needed > 0)
                    return abort_run(now, fmt::format("{} of {} publishers/subscribers could not connect or "
                                                      "subscribe; not publishing",
                                                      failed_needed, pl.publisher_count + pl.subscriber_count));
                rs.phase = phase::publishing;
                rs.publish_start_ns = now;
                rs.last_progress_ns = now;
                cpu_at_publish = cpu_now();
                line_cpu = cpu_at_publish;
                last_line_ns = now;
                line_sent = line_received = 0;
                rs.interval_latency.reset();
                if (opts.count == 0) publish_deadline_ns = now + seconds_to_ns(opts.duration);
                for (auto* p : publishers) {
                    p->queued_pump = true;
                    rs.pumps.push_back(p);
                }
                return;
            }
            case phase::publishing: {
                if (is_storm()) {
                    if (stop || now >= hold_end_ns || rs.ready == 0) begin_closing(now);
                    return;
                }
                const bool time_up = publish_deadline_ns != 0 && now >= publish_deadline_ns;
                if (stop || time_up || rs.publishers_done == publishers.size()) {
                    rs.phase = phase::draining;
                    drain_start_ns = now;
                    publish_end_ns = rs.last_send_ns != 0 ? rs.last_send_ns : now;
                    if (stop) report.abort_reason = "interrupted: publishing ended early";
                }
                return;
            }
            case phase::draining: {
                const bool complete = rs.inflight == 0 && rs.unique >= rs.expected;
                const bool quiet = now - std::max(rs.last_progress_ns, drain_start_ns) > drain_quiet_ns;
                const bool timeout = now - drain_start_ns > seconds_to_ns(opts.drain_timeout);
                if (complete || quiet || timeout || stop) begin_closing(now);
                return;
            }
            case phase::closing:
                for (auto& c : clients) c->disconnect();
                rs.phase = phase::done;
                return;
            case phase::done: return;
        }
    }

    void tick(std::uint64_t now) {
        for (auto& c : clients) c->tick(now);
        if (!progress || opts.quiet) return;
        const cpu_sample cpu = cpu_now();
        const double wall = ns_to_seconds(now - last_line_ns);
        const double cpu_share = wall > 0 ? (cpu.user + cpu.system - line_cpu.user - line_cpu.system) / wall : 0;
        std::uint64_t errors = 0;
        for (const auto& [k, e] : rs.errors) errors += e.count;
        const double t = ns_to_seconds(now - start_ns);
        std::string line;
        if (rs.phase == phase::connecting) {
            line = fmt::format("[{:6.1f}s] connecting: {}/{} ready, {} failed, cpu {:.0f}%", t, rs.ready,
                               clients.size(), rs.failed, cpu_share * 100);
        } else if (is_storm()) {
            line = fmt::format("[{:6.1f}s] holding {}/{} connections, {} failed, cpu {:.0f}%", t, rs.ready,
                               clients.size(), rs.failed, cpu_share * 100);
        } else {
            const double sent_rate = static_cast<double>(rs.sent - line_sent) / wall;
            const double recv_rate = static_cast<double>(rs.received - line_received) / wall;
            line = fmt::format(
                "[{:6.1f}s] {:5} sent {}/s recv {}/s inflight {} p50 {} p99 {} conns {}/{} errors {} cpu {:.0f}%{}", t,
                rs.phase == phase::draining ? "drain" : "pub", si(sent_rate), si(recv_rate), rs.inflight,
                ms(rs.interval_latency.percentile(50)), ms(rs.interval_latency.percentile(99)), rs.ready,
                clients.size(), errors, cpu_share * 100, cpu_share > 0.9 ? " (mqtt-load is CPU-bound)" : "");
        }
        line_sent = rs.sent;
        line_received = rs.received;
        line_cpu = cpu;
        last_line_ns = now;
        rs.interval_latency.reset();
        progress(line);
    }

    run_report run(const std::atomic<bool>& stop_requested) {
        pl = make_plan(opts, static_cast<std::uint64_t>(::getpid()));
        rs.fanout = pl.fanout;
        const std::uint64_t fd_limit = raise_fd_limit();
        start_ns = now_ns();
        rs.now = start_ns;
        last_line_ns = start_ns;
        line_cpu = cpu_now();
        if (pl.clients.size() + 16 > fd_limit) {
            report.errors.push_back({fmt::format("{} connections need more file descriptors than the limit ({}); "
                                                 "raise it with ulimit -n",
                                                 pl.clients.size(), fd_limit),
                                     1, {}});
            abort_run(start_ns, "file descriptor limit");
            return finish();
        }
        clients.reserve(pl.clients.size());
        for (const auto& cp : pl.clients) {
            clients.push_back(std::make_unique<client>(rs, cp, opts.brokers[cp.broker]));
            if (cp.kind == client_plan::role::publisher) publishers.push_back(clients.back().get());
        }

        std::uint64_t next_tick = start_ns + ns_per_s;
        while (rs.phase != phase::done) {
            std::uint64_t now = now_ns();
            rs.now = now;
            if (rs.phase == phase::connecting) start_due_connections(now);
            advance(now, stop_requested.load(std::memory_order_relaxed));
            if (rs.phase == phase::done) break;

            std::chrono::milliseconds wait(100);
            if (!rs.pumps.empty() || rs.phase == phase::closing) wait = std::chrono::milliseconds(0);
            else if (rs.phase == phase::publishing && opts.rate > 0) wait = std::chrono::milliseconds(1);
            else if (rs.phase == phase::connecting && next_start < clients.size()) wait = std::chrono::milliseconds(1);
            else if (rs.phase == phase::draining) wait = std::chrono::milliseconds(10);
            rs.loop.run_once(wait);

            now = now_ns();
            rs.now = now;
            if (rs.phase == phase::publishing && !is_storm()) {
                if (opts.rate > 0)
                    for (auto* p : publishers)
                        if (!p->queued_pump) p->pump(now);
                std::vector<client*> pumps;
                pumps.swap(rs.pumps);
                for (auto* c : pumps) {
                    c->queued_pump = false;
                    if (c->pump(now) && !c->queued_pump) {
                        c->queued_pump = true;
                        rs.pumps.push_back(c);
                    }
                }
            } else {
                for (auto* c : rs.pumps) c->queued_pump = false;
                rs.pumps.clear();
            }
            std::vector<client*> dirty;
            dirty.swap(rs.dirty);
            for (auto* c : dirty) {
                c->queued_dirty = false;
                c->flush();
            }
            if (now >= next_tick) {
                tick(now);
                next_tick = now + ns_per_s;
            }
        }
        return finish();
    }

    run_report finish() {
        const std::uint64_t end = measure_end_ns != 0 ? measure_end_ns : now_ns();
        run_report& r = report;
        r.scenario = std::string(name(opts.scenario));
        r.protocol = opts.version == codec::protocol_version::v5 ? "5.0" : "3.1.1";
        r.qos = static_cast<unsigned>(opts.qos);
        r.payload_size = opts.payload_size;
        r.offered_rate = opts.rate;
        for (const auto& b : opts.brokers) r.brokers.push_back(fmt::format("{}:{}", b.host, b.port));
        r.publishers = pl.publisher_count;
        r.subscribers = pl.subscriber_count;
        r.idle = static_cast<std::uint32_t>(pl.clients.size()) - pl.publisher_count - pl.subscriber_count;
        r.clients_planned = static_cast<std::uint32_t>(pl.clients.size());
        r.clients_connected = rs.connected;
        r.clients_failed = rs.failed;
        r.connect_seconds = connect_done_ns > start_ns ? ns_to_seconds(connect_done_ns - start_ns) : 0;
        r.connect_latency = summarize(rs.connect_latency);
        r.sent = rs.sent;
        r.acked = rs.acked;
        r.expected = rs.expected;
        r.received = rs.received;
        r.unique = rs.unique;
        r.lost = rs.expected > rs.unique ? rs.expected - rs.unique : 0;
        r.duplicated = rs.duplicated;
        r.out_of_order = rs.out_of_order;
        r.foreign = rs.foreign;
        r.publish_failures = rs.publish_failures;
        if (rs.publish_start_ns != 0 && !is_storm()) {
            if (publish_end_ns == 0) publish_end_ns = rs.last_send_ns != 0 ? rs.last_send_ns : end;
            r.publish_seconds = ns_to_seconds(publish_end_ns > rs.publish_start_ns ? publish_end_ns - rs.publish_start_ns : 0);
            r.receive_seconds = ns_to_seconds(rs.last_receive_ns > rs.publish_start_ns ? rs.last_receive_ns - rs.publish_start_ns : 0);
            if (r.publish_seconds > 0) r.send_rate = static_cast<double>(r.sent) / r.publish_seconds;
            if (r.receive_seconds > 0) r.receive_rate = static_cast<double>(r.received) / r.receive_seconds;
        }
        r.latency = summarize(rs.latency);
        if (rs.publish_start_ns != 0 && end > rs.publish_start_ns) {
            r.cpu_user_seconds = cpu_at_end.user - cpu_at_publish.user;
            r.cpu_system_seconds = cpu_at_end.system - cpu_at_publish.system;
            r.cpu_share = (r.cpu_user_seconds + r.cpu_system_seconds) / ns_to_seconds(end - rs.publish_start_ns);
        }
        for (auto& [k, e] : rs.errors) r.errors.push_back(e);
        std::sort(r.errors.begin(), r.errors.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
        return r;
    }
};

runner::runner(options o, progress_sink progress) : impl_(std::make_unique<impl>(std::move(o), std::move(progress))) {}
runner::~runner() = default;

run_report runner::run() { return impl_->run(stop_requested_); }

}  // namespace mqtt::load
