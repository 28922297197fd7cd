#include "client.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <mqtt/codec/encode.hpp>
#include <mqtt/load/stamp.hpp>

namespace mqtt::load {

namespace {

constexpr std::size_t tx_high_water = 64 * 1024;  // a publisher stops encoding when this much is queued
constexpr std::size_t rx_chunk = 64 * 1024;
constexpr std::size_t idle_rx_chunk = 512;
constexpr std::uint64_t ns_per_s = 1'000'000'000;

std::uint64_t seconds_to_ns(double s) { return static_cast<std::uint64_t>(s * 1e9); }

template <class Ack>
Ack ack_for(std::uint16_t packet_id) {
    Ack a;
    a.packet_id = packet_id;
    return a;
}

std::string reason_text(codec::reason_code c) {
    return fmt::format("{} (0x{:02x})", codec::name(c), static_cast<unsigned>(c));
}

}  // namespace

client::client(run_state& rs, const client_plan& plan, const tools::endpoint& broker)
    : rs_(rs), plan_(plan), broker_(broker) {
    decode_options_.version = rs_.opts.version;
    keep_alive_ = rs_.opts.keep_alive;
    window_ = rs_.opts.inflight;
}

const char* client::when() const noexcept {
    if (state_ == state::awaiting_connack) return "before CONNACK";
    if (state_ == state::subscribing) return "before SUBACK";
    if (rs_.phase == phase::connecting) return "while the other clients were connecting";
    return "mid-run";
}

std::string client::where() const { return fmt::format("{}:{}", broker_.host, broker_.port); }

void client::start() {
    if (state_ != state::not_started) return;
    started_ns_ = now_ns();
    try {
        fd_ = tools::start_connect_tcp(broker_);
    } catch (const std::system_error& e) {
        state_ = state::tcp_connecting;  // so fail() counts it
        fail(fmt::format("{}: TCP connect failed: {}", where(), e.code().message()));
        return;
    }
    state_ = state::tcp_connecting;
    rs_.loop.add(fd_.get(), EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, [this](std::uint32_t ev) { on_io(ev); });
}

void client::on_io(std::uint32_t events) {
    if (state_ == state::tcp_connecting) {
        if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
        if (const int err = tools::connect_error(fd_.get()); err != 0) {
            fail(fmt::format("{}: TCP connect failed: {}", where(), std::strerror(err)));
            return;
        }
        on_connected();
        if (!alive()) return;
    }
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) read_all();
    if (alive() && (events & EPOLLOUT) != 0 && want_write_) {
        flush();
        if (!want_write_) mark_pump();
    }
}

void client::on_connected() {
    state_ = state::awaiting_connack;
    codec::connect_view c;
    c.version = rs_.opts.version;
    c.clean_start = rs_.opts.clean;
    c.keep_alive = rs_.opts.keep_alive;
    c.client_id = plan_.client_id;
    std::array<codec::property, 1> props{};
    if (rs_.opts.version == codec::protocol_version::v5 && rs_.opts.session_expiry > 0) {
        props[0] = codec::property::number(codec::property_id::session_expiry_interval, rs_.opts.session_expiry);
        c.properties = codec::properties_view(std::span<const codec::property>(props.data(), 1));
    }
    send(c);
    flush();
}

void client::read_all() {
    const bool idle = plan_.kind == client_plan::role::idle;
    for (;;) {
        auto buf = rx_.writable(idle ? idle_rx_chunk : rx_chunk);
        const ssize_t n = ::read(fd_.get(), buf.data(), buf.size());
        if (n > 0) {
            rx_.commit(static_cast<std::size_t>(n));
            const std::uint64_t now = now_ns();
            last_rx_ns_ = now;
            for (;;) {
                auto r = codec::decode(rx_.readable(), decode_options_);
                if (!r) {
                    if (r.error().code == codec::errc::incomplete) break;
                    fail(fmt::format("{}: malformed packet from the broker: {} at byte {}", where(),
                                     codec::name(r.error().code), r.error().offset));
                    return;
                }
                handle(r->packet, now);
                if (!alive()) return;
                rx_.consume(r->consumed);
            }
            if (static_cast<std::size_t>(n) < buf.size()) break;  // drained; edge-triggered epoll reports new data
            continue;
        }
        if (n == 0) {
            if (rs_.phase >= phase::closing) {
                close_socket();
                state_ = state::closed;
                return;
            }
            fail(fmt::format("{}: broker closed the connection {}", where(), when()));
            return;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR) continue;
        if (errno == ECONNRESET) fail(fmt::format("{}: broker reset the connection {}", where(), when()));
        else fail(fmt::format("{}: read failed {}: {}", where(), when(), std::strerror(errno)));
        return;
    }
    if (idle) rx_.shrink_if_empty(0);
}

void client::handle(const codec::packet_view& p, std::uint64_t now) {
    switch (codec::type_of(p)) {
        case codec::packet_type::connack: on_connack(std::get<codec::connack_view>(p), now); break;
        case codec::packet_type::suback: on_suback(std::get<codec::suback_view>(p)); break;
        case codec::packet_type::publish: on_publish(std::get<codec::publish_view>(p), now); break;
        case codec::packet_type::puback: {
            const auto& a = std::get<codec::puback_view>(p);
            on_ack(a.packet_id, codec::packet_type::puback, a.reason);
            break;
        }
        case codec::packet_type::pubrec: {
            const auto& a = std::get<codec::pubrec_view>(p);
            on_ack(a.packet_id, codec::packet_type::pubrec, a.reason);
            break;
        }
        case codec::packet_type::pubcomp: {
            const auto& a = std::get<codec::pubcomp_view>(p);
            on_ack(a.packet_id, codec::packet_type::pubcomp, a.reason);
            break;
        }
        case codec::packet_type::pubrel:  // QoS 2 delivery to a subscriber, second half
            send(ack_for<codec::pubcomp_view>(std::get<codec::pubrel_view>(p).packet_id));
            break;
        case codec::packet_type::pingresp: ping_sent_ns_ = 0; break;
        case codec::packet_type::disconnect:
            fail(fmt::format("{}: broker sent DISCONNECT: {}", where(),
                             reason_text(std::get<codec::disconnect_view>(p).reason)));
            break;
        case codec::packet_type::unsuback: break;
        default:
            fail(fmt::format("{}: unexpected {} from the broker", where(), codec::name(codec::type_of(p))));
            break;
    }
}

void client::on_connack(const codec::connack_view& c, std::uint64_t now) {
    if (state_ != state::awaiting_connack) {
        fail(fmt::format("{}: second CONNACK from the broker", where()));
        return;
    }
    if (codec::is_error(c.reason)) {
        if (rs_.opts.version == codec::protocol_version::v311)
            fail(fmt::format("{}: CONNACK refused the connection: {} (3.1.1 return code {})", where(),
                             codec::name(c.reason), codec::to_v311_connect_return_code(c.reason)));
        else
            fail(fmt::format("{}: CONNACK refused the connection: {}", where(), reason_text(c.reason)));
        return;
    }
    rs_.connect_latency.record(now - started_ns_);
    ++rs_.connected;
    if (rs_.opts.version == codec::protocol_version::v5) {
        if (auto rm = c.properties.find(codec::property_id::receive_maximum))
            window_ = std::min<std::uint32_t>(window_, rm->integer);
        if (auto ka = c.properties.find(codec::property_id::server_keep_alive))
            keep_alive_ = static_cast<std::uint16_t>(ka->integer);
    }
    if (plan_.kind == client_plan::role::subscriber) {
        state_ = state::subscribing;
        codec::subscription sub{plan_.topic, codec::subscribe_options{rs_.opts.qos}};
        codec::subscribe_view s;
        s.packet_id = 1;
        s.subscriptions = codec::subscription_list(std::span<const codec::subscription>(&sub, 1));
        send(s);
        return;
    }
    become_ready(now);
}

void client::on_suback(const codec::suback_view& s) {
    if (state_ != state::subscribing) return;
    for (codec::reason_code rc : s.reason_codes) {
        if (codec::is_error(rc)) {
            fail(fmt::format("{}: SUBACK refused '{}': {}", where(), plan_.topic, reason_text(rc)));
            return;
        }
    }
    become_ready(now_ns());
}

void client::become_ready(std::uint64_t now) {
    state_ = state::ready;
    ++rs_.ready;
    last_tx_ns_ = std::max(last_tx_ns_, now);
    if (plan_.kind == client_plan::role::publisher) {
        payload_.assign(rs_.opts.payload_size, std::byte{'x'});
        if (rs_.opts.qos != codec::qos::at_most_once) id_state_.assign(65536, 0);
    }
    if (plan_.kind == client_plan::role::idle) tx_.shrink_if_empty(0);
}

void client::on_publish(const codec::publish_view& p, std::uint64_t now) {
    ++rs_.received;
    if (auto s = read_stamp(p.payload)) {
        const std::uint64_t latency = now > s->sent_ns ? now - s->sent_ns : 0;
        rs_.latency.record(latency);
        rs_.interval_latency.record(latency);
        if (s->publisher_id != cached_publisher_) {
            cached_publisher_ = s->publisher_id;
            cached_stream_ = &streams_[s->publisher_id];
        }
        stream& st = *cached_stream_;
        if (s->sequence == st.next) {
            ++st.next;
            ++rs_.unique;
        } else if (s->sequence > st.next) {
            if (st.gaps.size() < 4096) st.gaps.emplace_back(st.next, s->sequence);
            st.next = s->sequence + 1;
            ++rs_.unique;
        } else {
            auto gap = std::find_if(st.gaps.begin(), st.gaps.end(), [&](const auto& g) {
                return s->sequence >= g.first && s->sequence < g.second;
            });
            if (gap == st.gaps.end()) {
                ++rs_.duplicated;
            } else {
                ++rs_.out_of_order;
                ++rs_.unique;
                const auto [from, to] = *gap;
                st.gaps.erase(gap);
                if (from < s->sequence) st.gaps.emplace_back(from, s->sequence);
                if (s->sequence + 1 < to) st.gaps.emplace_back(s->sequence + 1, to);
            }
        }
        rs_.last_receive_ns = now;
        rs_.last_progress_ns = now;
    } else {
        ++rs_.foreign;
    }
    if (p.qos == codec::qos::at_least_once) send(ack_for<codec::puback_view>(p.packet_id));
    else if (p.qos == codec::qos::exactly_once) send(ack_for<codec::pubrec_view>(p.packet_id));
}

void client::on_ack(std::uint16_t packet_id, codec::packet_type type, codec::reason_code reason) {
    if (id_state_.empty()) {
        fail(fmt::format("{}: unexpected {} (nothing was published at QoS 1/2)", where(), codec::name(type)));
        return;
    }
    const std::uint8_t expected_state = type == codec::packet_type::pubcomp ? 2 : 1;
    const bool wrong_type = (type == codec::packet_type::puback) != (rs_.opts.qos == codec::qos::at_least_once) &&
                            type != codec::packet_type::pubcomp;
    if (id_state_[packet_id] != expected_state || wrong_type) {
        fail(fmt::format("{}: {} for packet id {} that is not in flight in that state", where(), codec::name(type),
                         packet_id));
        return;
    }
    if (type == codec::packet_type::pubrec && !codec::is_error(reason)) {
        id_state_[packet_id] = 2;
        send(ack_for<codec::pubrel_view>(packet_id));
        return;
    }
    if (codec::is_error(reason)) {
        ++rs_.publish_failures;
        rs_.error(plan_.client_id, fmt::format("{}: {} refused a publish: {}", where(), codec::name(type),
                                               reason_text(reason)));
    } else {
        ++rs_.acked;
    }
    id_state_[packet_id] = 0;
    --inflight_;
    --rs_.inflight;
    rs_.last_progress_ns = rs_.now;
    mark_pump();
}

void client::send(const codec::packet_view& p) {
    const std::size_t size = codec::encoded_size(p, rs_.opts.version);
    auto out = tx_.writable(size);
    auto r = codec::encode(p, rs_.opts.version, out);
    if (!r) {
        fail(fmt::format("internal error: cannot encode {}: {}", codec::name(codec::type_of(p)),
                         codec::name(r.error().code)));
        return;
    }
    tx_.commit(*r);
    mark_dirty();
}

void client::emit_publish(std::uint64_t now) {
    std::uint16_t id = 0;
    if (rs_.opts.qos != codec::qos::at_most_once) {
        while (id_state_[next_id_] != 0) next_id_ = next_id_ == 65535 ? 1 : static_cast<std::uint16_t>(next_id_ + 1);
        id = next_id_;
        id_state_[id] = 1;
        next_id_ = next_id_ == 65535 ? 1 : static_cast<std::uint16_t>(next_id_ + 1);
        ++inflight_;
        ++rs_.inflight;
    }
    codec::publish_view pv;
    pv.topic = plan_.topic;
    pv.payload = payload_;
    pv.packet_id = id;
    pv.qos = rs_.opts.qos;
    const std::size_t header = codec::encoded_publish_header_size(pv, rs_.opts.version);
    auto out = tx_.writable(header + payload_.size());
    auto r = codec::encode_publish_header(pv, rs_.opts.version, out);
    if (!r) {
        fail(fmt::format("cannot encode PUBLISH on '{}': {}", plan_.topic, codec::name(r.error().code)));
        return;
    }
    std::memcpy(out.data() + *r, payload_.data(), payload_.size());
    write_stamp(out.subspan(*r), stamp{plan_.publisher_id, sent_, now});
    tx_.commit(*r + payload_.size());
    ++sent_;
    ++rs_.sent;
    rs_.expected += rs_.fanout[plan_.publisher_id];
    rs_.last_send_ns = now;
    if (plan_.quota != 0 && sent_ >= plan_.quota) finish_publishing();
}

bool client::pump(std::uint64_t now) {
    if (state_ != state::ready || done_ || want_write_ || rs_.phase != phase::publishing) return false;
    std::uint64_t allowed = UINT64_MAX;
    if (plan_.quota != 0) allowed = plan_.quota - sent_;
    if (plan_.rate > 0) {
        const double elapsed = static_cast<double>(now - rs_.publish_start_ns) / static_cast<double>(ns_per_s);
        const auto due = static_cast<std::uint64_t>(elapsed * plan_.rate) + 1;
        allowed = std::min(allowed, due > sent_ ? due - sent_ : 0);
    }
    if (rs_.opts.qos != codec::qos::at_most_once) allowed = std::min<std::uint64_t>(allowed, window_ - inflight_);
    bool wrote = false;
    while (allowed > 0 && tx_.size() < tx_high_water && alive() && !done_) {
        emit_publish(now);
        --allowed;
        wrote = true;
    }
    if (wrote) flush();
    return allowed > 0 && alive() && !done_ && !want_write_;
}

void client::flush() {
    if (!fd_ || state_ == state::tcp_connecting) return;
    while (!tx_.empty()) {
        const auto data = tx_.readable();
        const ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            tx_.consume(static_cast<std::size_t>(n));
            last_tx_ns_ = rs_.now;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            want_write_ = true;
            return;
        }
        if (n < 0 && errno == EINTR) continue;
        if (rs_.phase >= phase::closing) {
            close_socket();
            state_ = state::closed;
        } else {
            fail(fmt::format("{}: write failed {}: {}", where(), when(), std::strerror(errno)));
        }
        return;
    }
    want_write_ = false;
    if (plan_.kind == client_plan::role::idle) tx_.shrink_if_empty(0);
}

void client::tick(std::uint64_t now) {
    if (!alive() || state_ == state::not_started) return;
    if (state_ != state::ready) {
        if (now - started_ns_ > seconds_to_ns(rs_.opts.connect_timeout)) {
            const char* what = state_ == state::tcp_connecting     ? "TCP connect timed out"
                               : state_ == state::awaiting_connack ? "no CONNACK"
                                                                   : "no SUBACK";
            fail(fmt::format("{}: {} within {} s", where(), what, rs_.opts.connect_timeout));
        }
        return;
    }
    if (keep_alive_ == 0) return;
    const std::uint64_t ka = std::uint64_t{keep_alive_} * ns_per_s;
    if (ping_sent_ns_ != 0 && now - ping_sent_ns_ > ka && now - last_rx_ns_ > ka) {
        fail(fmt::format("{}: no PINGRESP within the keep-alive ({} s)", where(), keep_alive_));
        return;
    }
    if (ping_sent_ns_ == 0 && now - last_tx_ns_ >= ka * 3 / 4) {
        ping_sent_ns_ = now;
        send(codec::pingreq_view{});
    }
}

void client::disconnect() {
    if (!alive()) return;
    if (state_ == state::ready || state_ == state::subscribing) {
        send(codec::disconnect_view{});
        flush();
    }
    close_socket();
    state_ = state::closed;
}

void client::fail(const std::string& message) {
    if (!alive()) return;
    rs_.error(plan_.client_id, message);
    if (state_ == state::ready) --rs_.ready;
    ++rs_.failed;
    if (plan_.kind == client_plan::role::publisher) {
        rs_.inflight -= inflight_;
        inflight_ = 0;
        finish_publishing();
    }
    close_socket();
    state_ = state::failed;
}

void client::finish_publishing() {
    if (done_) return;
    done_ = true;
    ++rs_.publishers_done;
}

void client::close_socket() {
    if (fd_) {
        rs_.loop.remove(fd_.get());
        fd_.reset();
    }
    rx_ = tools::byte_buffer{};
    tx_ = tools::byte_buffer{};
    want_write_ = false;
}

void client::mark_dirty() {
    if (queued_dirty) return;
    queued_dirty = true;
    rs_.dirty.push_back(this);
}

void client::mark_pump() {
    if (queued_pump || plan_.kind != client_plan::role::publisher || done_ || rs_.phase != phase::publishing) return;
    queued_pump = true;
    rs_.pumps.push_back(this);
}

}  // namespace mqtt::load
