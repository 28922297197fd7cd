// The configuration file parser: Mosquitto names, every value checked, errors naming file, line and option.
#include <gtest/gtest.h>

#include <mqttd/config_file.hpp>

namespace {

using mqttd::config_error;
using mqttd::parse_config_text;
using mqttd::settings;

settings parse(std::string_view text) {
    settings s;
    parse_config_text(text, "test.conf", s);
    return s;
}

std::string error_of(std::string_view text) {
    try {
        (void)parse(text);
    } catch (const config_error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(ConfigFile, EmptyKeepsDefaults) {
    const auto s = parse("# only a comment\n\n   \n");
    EXPECT_TRUE(s.listeners.empty());
    EXPECT_FALSE(s.access.allow_anonymous.has_value());  // decided by whether a password file is given
    EXPECT_TRUE(s.access.password_file.empty());
    EXPECT_FALSE(s.persistence);
    EXPECT_EQ(s.max_connections, -1);
    EXPECT_EQ(s.log.types, mqttd::log_default);
}

TEST(ConfigFile, MosquittoStyleFile) {
    const auto s = parse(
        "# mosquitto.conf-like\n"
        "listener 1883 0.0.0.0\n"
        "listener 8883 [::1]\n"
        "listener 1884\n"
        "allow_anonymous false\n"
        "password_file /etc/mqttd/passwd\n"
        "acl_file /etc/mqttd/acl\n"
        "max_packet_size 65536\n"
        "max_queued_messages 500\n"
        "max_queued_bytes 1048576\n"
        "max_inflight_messages 20\n"
        "max_connections 10000\n"
        "persistence true\n"
        "persistence_location /var/lib/mqttd/\n"
        "connect_timeout 5\n"
        "max_topic_alias 16\n"
        "max_qos 1\n"
        "retain_available false\n"
        "server_keep_alive 30\n"
        "log_dest stdout\n"
        "log_type error\n"
        "log_type warning\n"
        "log_timestamp false\n"
        "connection_messages false\n");
    ASSERT_EQ(s.listeners.size(), 3U);
    EXPECT_EQ(s.listeners[0].where.host, "0.0.0.0");
    EXPECT_EQ(s.listeners[0].where.port, 1883);
    EXPECT_EQ(s.listeners[1].where.host, "::1");
    EXPECT_EQ(s.listeners[2].where.host, "");  // every interface
    EXPECT_EQ(s.listeners[2].origin, "test.conf:4");
    EXPECT_EQ(s.access.allow_anonymous, false);
    EXPECT_EQ(s.access.password_file, "/etc/mqttd/passwd");
    EXPECT_EQ(s.access.acl_file, "/etc/mqttd/acl");
    EXPECT_EQ(s.engine.max_packet_size, 65536U);
    EXPECT_EQ(s.engine.max_queued_messages, 500U);
    EXPECT_EQ(s.engine.max_queued_bytes, 1048576U);
    EXPECT_EQ(s.engine.max_inflight_messages, 20);
    EXPECT_EQ(s.max_connections, 10000);
    EXPECT_TRUE(s.persistence);
    EXPECT_EQ(s.persistence_location, "/var/lib/mqttd/");
    EXPECT_EQ(s.engine.connect_timeout, std::chrono::seconds(5));
    EXPECT_EQ(s.engine.topic_alias_maximum, 16);
    EXPECT_EQ(s.engine.maximum_qos, mqtt::codec::qos::at_least_once);
    EXPECT_FALSE(s.engine.retain_available);
    EXPECT_EQ(s.engine.server_keep_alive, std::optional<std::uint16_t>(30));
    EXPECT_EQ(s.log.destination, mqttd::log_destination::stdout_stream);
    EXPECT_EQ(s.log.types, static_cast<unsigned>(mqttd::log_level::error) |
                               static_cast<unsigned>(mqttd::log_level::warning));
    EXPECT_FALSE(s.log.timestamps);
    EXPECT_FALSE(s.log.connection_messages);
}

TEST(ConfigFile, ZeroMeansUnlimitedAsInMosquitto) {
    const auto s = parse("max_queued_messages 0\nmax_inflight_messages 0\nmax_packet_size 0\n");
    EXPECT_EQ(s.engine.max_queued_messages, std::numeric_limits<std::size_t>::max());
    EXPECT_EQ(s.engine.max_inflight_messages, 65535);
    EXPECT_EQ(s.engine.max_packet_size, 268'435'460U);
}

TEST(ConfigFile, LogDestFileKeepsSpacesInPath) {
    const auto s = parse("log_dest file /tmp/my logs/mqttd.log\n");
    EXPECT_EQ(s.log.destination, mqttd::log_destination::file);
    EXPECT_EQ(s.log.file, "/tmp/my logs/mqttd.log");
}

TEST(ConfigFile, LogTypeAllAndDebug) {
    EXPECT_EQ(parse("log_type all\n").log.types, mqttd::log_all);
    EXPECT_EQ(parse("log_type debug\n").log.types, static_cast<unsigned>(mqttd::log_level::debug));
}

TEST(ConfigFile, ErrorsNameFileLineAndOption) {
    EXPECT_EQ(error_of("\n\nmax_packet_size big\n"),
              "test.conf:3: max_packet_size: expected a number from 0 to 268435460, got 'big'");
    EXPECT_EQ(error_of("max_packet_size 10\n"),
              "test.conf:1: max_packet_size: expected 0 (no limit) or a number from 20 to 268435460, got '10'");
    EXPECT_EQ(error_of("allow_anonymous yes\n"), "test.conf:1: allow_anonymous: expected true or false, got 'yes'");
    EXPECT_EQ(error_of("listener 70000\n"), "test.conf:1: listener: expected a number from 0 to 65535, got '70000'");
    EXPECT_EQ(error_of("listener\n"), "test.conf:1: listener: expected 1 to 2 values, got 0");
    EXPECT_EQ(error_of("bogus_option 1\n"),
              "test.conf:1: bogus_option: unknown option (docs/configuration.md lists the supported ones)");
    EXPECT_EQ(error_of("log_dest syslog\n"),
              "test.conf:1: log_dest: 'syslog' is not supported by mqttd (use stderr, stdout, file PATH or none)");
    EXPECT_EQ(error_of("password_file\n"), "test.conf:1: password_file: expected a file name");
    EXPECT_EQ(error_of("certfile /etc/mqttd/cert.pem\n"),
              "test.conf:1: certfile: not supported yet (TLS and plugins are issue 9)");
    EXPECT_EQ(error_of("max_qos 3\n"), "test.conf:1: max_qos: expected a number from 0 to 2, got '3'");
    EXPECT_EQ(error_of("log_type loud\n"),
              "test.conf:1: log_type: unknown log type 'loud' (error, warning, notice, information, debug, all, "
              "none)");
}

TEST(ConfigFile, MissingFileIsAClearError) {
    settings s;
    try {
        mqttd::parse_config_file("/nonexistent/mqttd.conf", s);
        FAIL() << "no error";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()), "/nonexistent/mqttd.conf: cannot open configuration file: No such file or directory");
    }
}

}  // namespace
