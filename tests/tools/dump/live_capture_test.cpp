// Live capture end to end: mqtt-dump's run() captures on the loopback interface with a BPF filter for a port this
// test picked (a listening socket on 127.0.0.1, port 0), the test sends MQTT packets to that port, and the text
// output (written through a pipe, flushed per event as in live mode) must show them. Needs CAP_NET_RAW: skipped,
// saying so, where opening a live capture is not permitted. Every wait is bounded.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <mqtt/dump/app.hpp>

namespace mqtt::dump {
namespace {

using clock = std::chrono::steady_clock;

// Why live capture cannot run here, or empty when it can.
std::string live_capture_unavailable() {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_create("lo", errbuf);
    if (p == nullptr) return errbuf;
    std::string why;
    if (pcap_activate(p) < 0) why = pcap_geterr(p);
    pcap_close(p);
    return why;
}

struct fd_guard {
    int fd = -1;
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
};

// A listening socket on 127.0.0.1 and the port the kernel chose.
std::uint16_t listen_on_loopback(fd_guard& s) {
    s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (s.fd < 0 || ::bind(s.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s.fd, 16) != 0) return 0;
    socklen_t len = sizeof a;
    if (::getsockname(s.fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
    return ntohs(a.sin_port);
}

// Connects to 127.0.0.1:port and sends `bytes` (the listener's kernel completes the handshake and ACKs them).
bool send_connection(std::uint16_t port, const std::string& bytes) {
    fd_guard c;
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (c.fd < 0 || ::connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
    return ::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

// MQTT 3.1.1 CONNECT with a client identifier of up to 127 - 12 bytes (one-byte remaining length).
std::string connect_packet(const std::string& client_id) {
    std::string p = {0x10, static_cast<char>(12 + client_id.size()),
                     0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
                     0x04,                            // protocol level 4 (3.1.1)
                     0x02,                            // clean session
                     0x00, 0x3C,                      // keep alive 60 s
                     0x00, static_cast<char>(client_id.size())};
    return p + client_id;
}

// Reads what mqtt-dump printed so far, waiting until `text` appears or `deadline` passes.
bool wait_for(int fd, std::string& seen, const std::string& text, clock::time_point deadline) {
    while (seen.find(text) == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100))) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) return false;
        seen.append(buf, static_cast<std::size_t>(n));
    }
    return true;
}

TEST(LiveCapture, LoopbackWithBpfFilterShowsThePackets) {
    if (const std::string why = live_capture_unavailable(); !why.empty())
        GTEST_SKIP() << "live capture on lo is not permitted here (needs root or CAP_NET_RAW): " << why;
    fd_guard listener;
    const std::uint16_t port = listen_on_loopback(listener);
    ASSERT_NE(port, 0) << "cannot listen on 127.0.0.1";
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    fd_guard read_end{fds[0]};
    std::FILE* out = ::fdopen(fds[1], "w");
    ASSERT_NE(out, nullptr);

    dump_config config;
    config.interface = "lo";
    config.bpf_filter = "tcp port " + std::to_string(port);
    config.dissect.mqtt_ports = {port};
    config.output.flush_each_event = true;  // as main() sets for -i
    int exit_code = -1;
    std::atomic<bool> finished{false};
    std::thread capture([&] {
        exit_code = run(config, out, stderr);
        finished = true;
    });

    // The capture starts asynchronously: send probe connections until one shows up, then the real traffic.
    std::string seen;
    const auto deadline = clock::now() + std::chrono::seconds(10);
    bool capturing = false;
    for (int probe = 0; !capturing && clock::now() < deadline; ++probe) {
        const std::string id = "probe-" + std::to_string(probe);
        ASSERT_TRUE(send_connection(port, connect_packet(id)));
        capturing = wait_for(read_end.fd, seen, "client_id=\"" + id + "\"",
                             std::min(deadline, clock::now() + std::chrono::milliseconds(300)));
    }
    bool published = false;
    if (capturing) {
        const std::string publish = {0x30, 16, 0x00, 0x09, 'l', 'i', 'v', 'e', '/', 't', 'e', 's', 't',
                                     'h', 'e', 'l', 'l', 'o'};  // QoS 0, topic "live/test", payload "hello"
        const std::string disconnect = {static_cast<char>(0xE0), 0x00};
        EXPECT_TRUE(send_connection(port, connect_packet("live-test") + publish + disconnect));
        published = wait_for(read_end.fd, seen, "DISCONNECT", deadline);
    }
    // request_stop() reaches the capture only once run() has opened it: repeat it, for at most 5 s.
    for (const auto stop_by = clock::now() + std::chrono::seconds(5); !finished && clock::now() < stop_by;) {
        request_stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    capture.join();
    std::fclose(out);

    ASSERT_TRUE(capturing) << "no probe CONNECT was printed within 10 s; output:\n" << seen;
    ASSERT_TRUE(published) << "the test's packets were not all printed within 10 s; output:\n" << seen;
    EXPECT_EQ(exit_code, 0);
    const std::string c2s = " -> 127.0.0.1:" + std::to_string(port) + " c2s ";
    EXPECT_NE(seen.find(c2s + "CONNECT version=3.1.1 client_id=\"live-test\" clean_start=1 keep_alive=60"),
              std::string::npos)
        << seen;
    EXPECT_NE(seen.find(c2s + "PUBLISH qos=0 retain=0 dup=0 topic=\"live/test\" payload=5B \"hello\""),
              std::string::npos)
        << seen;
    EXPECT_NE(seen.find(c2s + "DISCONNECT"), std::string::npos) << seen;
}

}  // namespace
}  // namespace mqtt::dump
