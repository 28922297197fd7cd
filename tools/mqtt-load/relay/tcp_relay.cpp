// mqtt-load-relay: the physical limit for the side-by-side benchmark. It frames MQTT packets by their fixed header
// and forwards each PUBLISH byte for byte to the connections subscribed to its topic, answering only what a client
// needs to keep going (CONNACK, SUBACK, PUBACK/PUBREC/PUBCOMP, PINGRESP). No sessions, no queues beyond the socket
// buffers, no re-encoding: what any broker must at least do (read, frame, look up, write) and nothing else.
// Backpressure instead of loss, as a TCP relay has it: while a reader has more than 1 MiB queued, the connections
// that publish to it are not read (their bytes wait in the kernel, which in turn slows their writers).
// Not a broker: for measurements only. Usage: mqtt-load-relay PORT
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>
#include <mqtt/codec/fixed_header.hpp>
#include <mqtt/codec/topic.hpp>
#include <mqtt/tools/byte_buffer.hpp>
#include <mqtt/tools/event_loop.hpp>
#include <mqtt/tools/socket.hpp>

namespace {

using namespace mqtt;

template <class Ack>
Ack ack_for(std::uint16_t packet_id) {
    Ack a;
    a.packet_id = packet_id;
    return a;
}

constexpr std::size_t flush_now = 256U << 10;    // write a reader's queue as soon as it holds this much
constexpr std::size_t high_water = 1U << 20;     // a publisher is paused while one of its readers holds more
constexpr std::size_t low_water = 256U << 10;    // and resumed once that reader is below this

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct connection {
    tools::unique_fd fd;
    tools::byte_buffer rx, tx;
    codec::protocol_version version = codec::protocol_version::unknown;
    std::vector<std::string> filters;
    bool dirty = false;
    bool dead = false;
    bool paused = false;  // a reader of its publishes is too far behind: leave its bytes unread
};

class relay {
public:
    explicit relay(std::uint16_t port) : listener_(tools::listen_tcp({"127.0.0.1", port})) {
        loop_.add(listener_.get(), EPOLLIN, [this](std::uint32_t) { accept_all(); });
    }
    void run() {
        for (;;) {
            loop_.run_once(std::chrono::milliseconds(1000));
            std::vector<connection*> dirty;
            dirty.swap(dirty_);
            for (auto* c : dirty) {
                c->dirty = false;
                flush(*c);
            }
            if (resume_) resume();
            if (routes_stale_) {
                routes_.clear();
                routes_stale_ = false;
            }
            for (auto* c : dead_) conns_.erase(c->fd.get());
            dead_.clear();
        }
    }

private:
    void accept_all() {
        for (;;) {
            const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            tools::set_nodelay(fd);
            auto c = std::make_unique<connection>();
            c->fd.reset(fd);
            auto* raw = c.get();
            conns_[fd] = std::move(c);
            loop_.add(fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, [this, raw](std::uint32_t ev) { on_io(*raw, ev); });
        }
    }

    void on_io(connection& c, std::uint32_t ev) {
        if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_all(c);
        if (!c.dead && (ev & EPOLLOUT)) flush(c);
    }

    void resume() {
        resume_ = false;
        std::vector<connection*> paused;
        paused.swap(paused_);
        for (auto* c : paused) {
            if (c->dead) continue;
            c->paused = false;
            if (!process(*c)) close(*c);
            else if (!c->paused) read_all(*c);  // edge-triggered: nothing tells us again about bytes already there
        }
    }

    void read_all(connection& c) {
        for (;;) {
            if (c.paused || c.dead) return;
            auto buf = c.rx.writable(64 * 1024);
            const ssize_t n = ::read(c.fd.get(), buf.data(), buf.size());
            if (n > 0) {
                c.rx.commit(static_cast<std::size_t>(n));
                if (!process(c)) return close(c);
                if (static_cast<std::size_t>(n) < buf.size()) return;
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (errno == EAGAIN) return;
                continue;
            }
            return close(c);
        }
    }

    bool process(connection& c) {
        for (;;) {
            auto in = c.rx.readable();
            auto fh = codec::decode_fixed_header(in);
            if (!fh) return fh.error().code == codec::errc::incomplete;
            const std::size_t size = fh->header_size + fh->remaining_length;
            if (in.size() < size) return true;
            const auto packet = in.first(size);
            if (fh->type == codec::packet_type::publish) {
                if (must_wait(packet, *fh)) {
                    c.paused = true;
                    paused_.push_back(&c);
                    return true;
                }
                if (!forward(c, packet, *fh)) return false;
            } else if (!control(c, packet)) {
                return false;
            }
            c.rx.consume(size);
        }
    }

    static std::string_view topic_of(std::span<const std::byte> packet, const codec::fixed_header& fh) {
        const std::byte* body = packet.data() + fh.header_size;
        if (fh.remaining_length < 2) return {};
        const std::size_t len = (std::to_integer<std::size_t>(body[0]) << 8) | std::to_integer<std::size_t>(body[1]);
        if (fh.remaining_length < 2 + len) return {};
        return {reinterpret_cast<const char*>(body + 2), len};
    }

    bool must_wait(std::span<const std::byte> packet, const codec::fixed_header& fh) {
        for (auto* s : subscribers(topic_of(packet, fh)))
            if (!s->dead && s->tx.size() > high_water) return true;
        return false;
    }

    bool forward(connection& c, std::span<const std::byte> packet, const codec::fixed_header& fh) {
        const std::byte* body = packet.data() + fh.header_size;
        if (fh.remaining_length < 2) return false;
        const std::size_t len = (std::to_integer<std::size_t>(body[0]) << 8) | std::to_integer<std::size_t>(body[1]);
        if (fh.remaining_length < 2 + len) return false;
        const std::string_view topic(reinterpret_cast<const char*>(body + 2), len);
        const unsigned qos = (fh.flags >> 1) & 3U;
        if (qos > 0) {  // acknowledge with the id that follows the topic
            const std::byte* id = body + 2 + len;
            const std::uint16_t packet_id = static_cast<std::uint16_t>((std::to_integer<unsigned>(id[0]) << 8) |
                                                                       std::to_integer<unsigned>(id[1]));
            if (qos == 1) send(c, ack_for<codec::puback_view>(packet_id));
            else send(c, ack_for<codec::pubrec_view>(packet_id));
        }
        for (auto* s : subscribers(topic)) {
            if (s->dead || s->version != c.version) continue;  // same bytes only make sense for the same version
            s->tx.append(packet);
            if (s->tx.size() >= flush_now) flush(*s);
            else mark(*s);
        }
        return true;
    }

    bool control(connection& c, std::span<const std::byte> packet) {
        auto r = codec::decode(packet, codec::decode_options{c.version});
        if (!r) return false;
        switch (codec::type_of(r->packet)) {
            case codec::packet_type::connect:
                c.version = std::get<codec::connect_view>(r->packet).version;
                send(c, codec::connack_view{});
                break;
            case codec::packet_type::subscribe: {
                const auto& s = std::get<codec::subscribe_view>(r->packet);
                std::vector<codec::reason_code> codes;
                for (const auto& sub : s.subscriptions) {
                    c.filters.emplace_back(sub.topic_filter);
                    codes.push_back(static_cast<codec::reason_code>(sub.options.max_qos));
                }
                codec::suback_view ack;
                ack.packet_id = s.packet_id;
                ack.reason_codes = codec::reason_code_list(std::span<const codec::reason_code>(codes));
                send(c, ack);
                routes_.clear();
                break;
            }
            case codec::packet_type::pubrel:
                send(c, ack_for<codec::pubcomp_view>(std::get<codec::pubrel_view>(r->packet).packet_id));
                break;
            case codec::packet_type::pingreq: send(c, codec::pingresp_view{}); break;
            case codec::packet_type::disconnect: return false;
            default: break;  // acks from subscribers: nothing to do
        }
        return true;
    }

    const std::vector<connection*>& subscribers(std::string_view topic) {
        auto it = routes_.find(topic);
        if (it != routes_.end()) return it->second;
        std::vector<connection*> list;
        for (auto& [fd, c] : conns_)
            for (const auto& f : c->filters)
                if (codec::topic_matches(f, topic)) {
                    list.push_back(c.get());
                    break;
                }
        return routes_.emplace(std::string(topic), std::move(list)).first->second;
    }

    void send(connection& c, const codec::packet_view& p) {
        const auto version = c.version == codec::protocol_version::unknown ? codec::protocol_version::v311 : c.version;
        auto out = c.tx.writable(codec::encoded_size(p, version));
        if (auto n = codec::encode(p, version, out)) c.tx.commit(*n);
        mark(c);
    }

    void mark(connection& c) {
        if (c.dirty) return;
        c.dirty = true;
        dirty_.push_back(&c);
    }

    void flush(connection& c) {
        while (!c.dead && !c.tx.empty()) {
            const auto data = c.tx.readable();
            const ssize_t n = ::send(c.fd.get(), data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) c.tx.consume(static_cast<std::size_t>(n));
            else if (n < 0 && errno == EINTR) continue;
            else if (n < 0 && errno == EAGAIN) return;
            else return close(c);
        }
        if (!paused_.empty() && c.tx.size() < low_water) resume_ = true;
    }

    void close(connection& c) {
        if (c.dead) return;
        c.dead = true;
        loop_.remove(c.fd.get());
        ::shutdown(c.fd.get(), SHUT_RDWR);
        routes_stale_ = true;  // cleared after this iteration: a forward() may be walking a route right now
        dead_.push_back(&c);
    }

    tools::event_loop loop_;
    tools::unique_fd listener_;
    std::unordered_map<int, std::unique_ptr<connection>> conns_;
    std::unordered_map<std::string, std::vector<connection*>, string_hash, std::equal_to<>> routes_;
    std::vector<connection*> dirty_;
    std::vector<connection*> paused_;
    bool resume_ = false;
    bool routes_stale_ = false;
    std::vector<connection*> dead_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: mqtt-load-relay PORT   (listens on 127.0.0.1)\n");
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    try {
        relay r(static_cast<std::uint16_t>(std::atoi(argv[1])));
        r.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mqtt-load-relay: %s\n", e.what());
        return 1;
    }
}
