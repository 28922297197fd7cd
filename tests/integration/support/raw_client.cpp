#include "integration/support/raw_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include <mqtt/tools/socket.hpp>

namespace mqttd_test {

namespace {
void put_string(bytes& out, std::string_view s) {
    out.push_back(static_cast<std::uint8_t>(s.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(s.size() & 0xFF));
    out.insert(out.end(), s.begin(), s.end());
}
bytes with_header(std::uint8_t first, const bytes& body) {
    bytes out{first};
    append_remaining_length(out, static_cast<std::uint32_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}
int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}
}  // namespace

void append_remaining_length(bytes& out, std::uint32_t n) {
    do {
        auto b = static_cast<std::uint8_t>(n % 128);
        n /= 128;
        if (n > 0) b |= 0x80;
        out.push_back(b);
    } while (n > 0);
}

bytes connect_v311(std::string_view client_id, std::uint16_t keep_alive, bool clean) {
    bytes body;
    put_string(body, "MQTT");
    body.push_back(4);
    body.push_back(clean ? 0x02 : 0x00);
    body.push_back(static_cast<std::uint8_t>(keep_alive >> 8));
    body.push_back(static_cast<std::uint8_t>(keep_alive & 0xFF));
    put_string(body, client_id);
    return with_header(0x10, body);
}

bytes subscribe_v311(std::uint16_t packet_id, std::string_view filter, std::uint8_t qos) {
    bytes body{static_cast<std::uint8_t>(packet_id >> 8), static_cast<std::uint8_t>(packet_id & 0xFF)};
    put_string(body, filter);
    body.push_back(qos);
    return with_header(0x82, body);
}

bytes publish_v311(std::string_view topic, std::string_view payload, std::uint8_t qos, std::uint16_t packet_id) {
    bytes body;
    put_string(body, topic);
    if (qos > 0) {
        body.push_back(static_cast<std::uint8_t>(packet_id >> 8));
        body.push_back(static_cast<std::uint8_t>(packet_id & 0xFF));
    }
    body.insert(body.end(), payload.begin(), payload.end());
    return with_header(static_cast<std::uint8_t>(0x30 | (qos << 1)), body);
}

raw_client::raw_client(std::uint16_t port, int receive_buffer)
    : fd_(mqtt::tools::connect_tcp({"127.0.0.1", port}, true)) {
    if (receive_buffer > 0)
        ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
}

bool raw_client::send(const bytes& b, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::size_t off = 0;
    while (off < b.size()) {
        const ssize_t n = ::send(fd_.get(), b.data() + off, b.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
        pollfd p{fd_.get(), POLLOUT, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    }
    return true;
}

bool raw_client::fill(std::size_t n, std::chrono::steady_clock::time_point deadline) {
    while (in_.size() < n) {
        std::uint8_t buf[65536];
        const ssize_t r = ::recv(fd_.get(), buf, sizeof buf, 0);
        if (r > 0) {
            in_.insert(in_.end(), buf, buf + r);
            continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EINTR)) return false;
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    }
    return true;
}

std::optional<raw_packet> raw_client::read_packet(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    if (!fill(2, deadline)) return std::nullopt;
    std::uint32_t remaining = 0;
    std::size_t i = 1;
    for (std::uint32_t mult = 1;; mult *= 128, ++i) {
        if (!fill(i + 1, deadline) || i > 4) return std::nullopt;
        remaining += (in_[i] & 0x7FU) * mult;
        if ((in_[i] & 0x80) == 0) break;
    }
    const std::size_t header = i + 1;
    if (!fill(header + remaining, deadline)) return std::nullopt;
    raw_packet p;
    p.first_byte = in_[0];
    p.body.assign(in_.begin() + static_cast<std::ptrdiff_t>(header),
                  in_.begin() + static_cast<std::ptrdiff_t>(header + remaining));
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(header + remaining));
    return p;
}

bool raw_client::wait_closed(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        std::uint8_t buf[65536];
        const ssize_t r = ::recv(fd_.get(), buf, sizeof buf, 0);
        if (r == 0) return true;
        if (r < 0 && errno != EAGAIN && errno != EINTR) return true;  // ECONNRESET: closed too
        if (r > 0) continue;
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    }
}

bool raw_client::handshake(std::string_view client_id) {
    if (!send(connect_v311(client_id))) return false;
    const auto p = read_packet();
    return p && p->type() == 2 && p->body.size() == 2 && p->body[1] == 0;
}

}  // namespace mqttd_test
