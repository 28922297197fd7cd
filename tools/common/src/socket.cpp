#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <system_error>

#include <mqtt/tools/socket.hpp>

namespace mqtt::tools {

namespace {
[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

struct addrinfo_list {
    addrinfo* head = nullptr;
    ~addrinfo_list() {
        if (head) ::freeaddrinfo(head);
    }
};

addrinfo_list resolve(const endpoint& where, bool passive) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    addrinfo_list list;
    const std::string port = std::to_string(where.port);
    const int rc = ::getaddrinfo(where.host.empty() ? nullptr : where.host.c_str(), port.c_str(), &hints, &list.head);
    if (rc != 0) throw std::system_error(EINVAL, std::generic_category(),
                                         "cannot resolve '" + where.host + "': " + ::gai_strerror(rc));
    return list;
}

std::string describe(const endpoint& e) { return e.host + ":" + std::to_string(e.port); }
}  // namespace

endpoint parse_endpoint(std::string_view text, std::string_view default_host) {
    endpoint e{std::string(default_host), 0};
    std::string_view port = text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            throw std::invalid_argument("bad address '" + std::string(text) + "': expected [v6-address]:port");
        e.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        e.host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value > 65535)
        throw std::invalid_argument("bad port in '" + std::string(text) + "'");
    e.port = static_cast<std::uint16_t>(value);
    return e;
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL, 0);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throw_errno("fcntl(O_NONBLOCK)");
}

void set_nodelay(int fd) noexcept {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

unique_fd listen_tcp(const endpoint& where, int backlog) {
    auto list = resolve(where, true);
    int last_errno = 0;
    for (addrinfo* ai = list.head; ai != nullptr; ai = ai->ai_next) {
        unique_fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
        if (!fd) continue;
        const int one = 1;
        ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ai->ai_family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd.get(), backlog) == 0) return fd;
        last_errno = errno;
    }
    errno = last_errno;
    throw_errno("cannot listen on " + describe(where));
}

unique_fd start_connect_tcp(const endpoint& where) {
    auto list = resolve(where, false);
    int last_errno = 0;
    for (addrinfo* ai = list.head; ai != nullptr; ai = ai->ai_next) {
        unique_fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
        if (!fd) continue;
        set_nodelay(fd.get());
        if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) return fd;
        last_errno = errno;
    }
    errno = last_errno;
    throw_errno("cannot connect to " + describe(where));
}

unique_fd connect_tcp(const endpoint& where, bool nonblocking) {
    auto list = resolve(where, false);
    int last_errno = 0;
    for (addrinfo* ai = list.head; ai != nullptr; ai = ai->ai_next) {
        unique_fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
        if (!fd) continue;
        if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) {
            set_nodelay(fd.get());
            if (nonblocking) set_nonblocking(fd.get());
            return fd;
        }
        last_errno = errno;
    }
    errno = last_errno;
    throw_errno("cannot connect to " + describe(where));
}

int connect_error(int fd) noexcept {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
    return err;
}

std::uint16_t local_port(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) throw_errno("getsockname");
    if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

std::string peer_address(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return {};
    char host[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
        ::inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        return "[" + std::string(host) + "]:" + std::to_string(ntohs(a->sin6_port));
    }
    const auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(a->sin_port));
}

}  // namespace mqtt::tools
