#include <gtest/gtest.h>

#include <sys/socket.h>

#include <stdexcept>

#include <mqtt/tools/socket.hpp>

namespace {

using mqtt::tools::parse_endpoint;

TEST(ParseEndpoint, PortOnlyUsesDefaultHost) {
    const auto e = parse_endpoint("1883");
    EXPECT_EQ(e.host, "127.0.0.1");
    EXPECT_EQ(e.port, 1883);
    EXPECT_EQ(parse_endpoint("80", "::1").host, "::1");
}

TEST(ParseEndpoint, HostAndPort) {
    const auto e = parse_endpoint("example.org:8883");
    EXPECT_EQ(e.host, "example.org");
    EXPECT_EQ(e.port, 8883);
}

TEST(ParseEndpoint, BracketedIpv6) {
    const auto e = parse_endpoint("[::1]:1884");
    EXPECT_EQ(e.host, "::1");
    EXPECT_EQ(e.port, 1884);
}

TEST(ParseEndpoint, RejectsBadPorts) {
    EXPECT_THROW((void)parse_endpoint("host:99999"), std::invalid_argument);
    EXPECT_THROW((void)parse_endpoint("host:"), std::invalid_argument);
    EXPECT_THROW((void)parse_endpoint("host:12x"), std::invalid_argument);
    EXPECT_THROW((void)parse_endpoint("[::1]1883"), std::invalid_argument);
}

TEST(Sockets, ListenOnPortZeroThenConnectBothFamilies) {
    for (const char* host : {"127.0.0.1", "::1"}) {
        mqtt::tools::unique_fd l;
        try {
            l = mqtt::tools::listen_tcp({host, 0});
        } catch (const std::system_error&) {
            if (std::string_view(host) == "::1") GTEST_SKIP() << "no IPv6 loopback here";
            throw;
        }
        const auto port = mqtt::tools::local_port(l.get());
        ASSERT_NE(port, 0);
        auto c = mqtt::tools::connect_tcp({host, port}, false);
        ASSERT_TRUE(c);
        mqtt::tools::unique_fd accepted;
        for (int i = 0; i < 200 && !accepted; ++i) {  // the listener is non-blocking: bounded retry
            accepted = mqtt::tools::unique_fd(::accept(l.get(), nullptr, nullptr));
            if (!accepted) ::usleep(5000);
        }
        ASSERT_TRUE(accepted);
        const auto peer = mqtt::tools::peer_address(accepted.get());
        EXPECT_NE(peer.find(std::string_view(host) == "::1" ? "[::1]:" : "127.0.0.1:"), std::string::npos) << peer;
    }
}

TEST(Sockets, ListenFailsClearlyWhenPortTaken) {
    auto l = mqtt::tools::listen_tcp({"127.0.0.1", 0});
    const auto port = mqtt::tools::local_port(l.get());
    try {
        (void)mqtt::tools::listen_tcp({"127.0.0.1", port});
        // SO_REUSEADDR does not allow two listeners on one port: this must not be reached.
        FAIL() << "second listener on the same port";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:"), std::string::npos) << e.what();
    }
}

}  // namespace
