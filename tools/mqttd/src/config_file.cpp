#include <mqttd/config_file.hpp>

#include <charconv>
#include <limits>
#include <vector>

#include <fmt/core.h>

#include <mqttd/text_file.hpp>

namespace mqttd {

namespace {

constexpr std::uint32_t max_remaining_length_packet = 268'435'460;  // 5-byte fixed header + 268,435,455

// One line being applied: knows where it is, so every message can name file, line and option.
struct line_context {
    std::string_view origin;
    std::size_t line;
    std::string_view option;
    std::vector<std::string_view> args;  // words after the option
    std::string_view rest;               // everything after the option, trimmed (paths with spaces)

    [[noreturn]] void fail(std::string_view what) const {
        throw config_error(fmt::format("{}:{}: {}: {}", origin, line, option, what));
    }
    void expect_args(std::size_t min, std::size_t max) const {
        if (args.size() < min || args.size() > max) {
            if (min == max) fail(fmt::format("expected {} value{}, got {}", min, min == 1 ? "" : "s", args.size()));
            fail(fmt::format("expected {} to {} values, got {}", min, max, args.size()));
        }
    }
    std::int64_t integer(std::int64_t lo, std::int64_t hi) const {
        expect_args(1, 1);
        return integer_at(0, lo, hi);
    }
    std::int64_t integer_at(std::size_t index, std::int64_t lo, std::int64_t hi) const {
        const auto word = args.at(index);
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
        if (ec != std::errc{} || end != word.data() + word.size() || value < lo || value > hi)
            fail(fmt::format("expected a number from {} to {}, got '{}'", lo, hi, word));
        return value;
    }
    bool boolean() const {
        expect_args(1, 1);
        if (args[0] == "true") return true;
        if (args[0] == "false") return false;
        fail(fmt::format("expected true or false, got '{}'", args[0]));
    }
};

struct parse_state {
    bool log_type_seen = false;
};

void apply_log_type(const line_context& c, settings& s, parse_state& st) {
    c.expect_args(1, 1);
    if (!st.log_type_seen) {
        s.log.types = 0;  // the first log_type replaces the default set; later ones add to it (as Mosquitto)
        st.log_type_seen = true;
    }
    const auto t = c.args[0];
    if (t == "error") s.log.types |= static_cast<unsigned>(log_level::error);
    else if (t == "warning") s.log.types |= static_cast<unsigned>(log_level::warning);
    else if (t == "notice") s.log.types |= static_cast<unsigned>(log_level::notice);
    else if (t == "information") s.log.types |= static_cast<unsigned>(log_level::information);
    else if (t == "debug") s.log.types |= static_cast<unsigned>(log_level::debug);
    else if (t == "all") s.log.types = log_all;
    else if (t == "none") s.log.types = 0;
    else if (t == "subscribe" || t == "unsubscribe" || t == "websockets") return;  // Mosquitto types we never emit
    else c.fail(fmt::format("unknown log type '{}' (error, warning, notice, information, debug, all, none)", t));
}

void apply_log_dest(const line_context& c, settings& s) {
    if (c.args.empty()) c.fail("expected stderr, stdout, file PATH or none");
    const auto d = c.args[0];
    if (d == "stderr" || d == "stdout" || d == "none") {
        c.expect_args(1, 1);
        s.log.destination = d == "stderr"   ? log_destination::stderr_stream
                            : d == "stdout" ? log_destination::stdout_stream
                                            : log_destination::none;
    } else if (d == "file") {
        const auto path = trim(c.rest.substr(4));
        if (path.empty()) c.fail("'file' needs a path");
        s.log.destination = log_destination::file;
        s.log.file = std::string(path);
    } else if (d == "syslog" || d == "topic" || d == "dlt") {
        c.fail(fmt::format("'{}' is not supported by mqttd (use stderr, stdout, file PATH or none)", d));
    } else {
        c.fail(fmt::format("unknown destination '{}' (stderr, stdout, file PATH, none)", d));
    }
}

void apply_listener(const line_context& c, settings& s) {
    c.expect_args(1, 2);
    listener_settings l;
    l.where.port = static_cast<std::uint16_t>(c.integer_at(0, 0, 65535));
    if (c.args.size() == 2) {
        auto host = c.args[1];
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        l.where.host = std::string(host);
    }
    l.origin = fmt::format("{}:{}", c.origin, c.line);
    s.listeners.push_back(std::move(l));
}

void apply_line(const line_context& c, settings& s, parse_state& st) {
    const auto o = c.option;
    auto& e = s.engine;
    constexpr auto u32max = std::int64_t{std::numeric_limits<std::uint32_t>::max()};
    constexpr auto big = std::numeric_limits<std::int64_t>::max();
    if (o == "listener") apply_listener(c, s);
    else if (o == "port") {  // Mosquitto 1.x: the default listener's port, every interface
        line_context as_listener = c;
        as_listener.args.resize(1);
        c.expect_args(1, 1);
        apply_listener(as_listener, s);
    } else if (o == "allow_anonymous") s.access.allow_anonymous = c.boolean();
    else if (o == "max_packet_size") {
        const auto v = c.integer(0, max_remaining_length_packet);
        if (v != 0 && v < 20) c.fail(fmt::format("expected 0 (no limit) or a number from 20 to {}, got '{}'",
                                                 max_remaining_length_packet, c.args[0]));
        e.max_packet_size = v == 0 ? max_remaining_length_packet : static_cast<std::uint32_t>(v);
    } else if (o == "max_queued_messages") {
        const auto v = c.integer(0, big);
        e.max_queued_messages = v == 0 ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(v);
    } else if (o == "max_queued_bytes") e.max_queued_bytes = static_cast<std::size_t>(c.integer(0, big));
    else if (o == "max_inflight_messages") {
        const auto v = c.integer(0, 65535);
        e.max_inflight_messages = static_cast<std::uint16_t>(v == 0 ? 65535 : v);
    } else if (o == "receive_maximum") e.receive_maximum = static_cast<std::uint16_t>(c.integer(1, 65535));
    else if (o == "max_topic_alias") e.topic_alias_maximum = static_cast<std::uint16_t>(c.integer(0, 65535));
    else if (o == "server_keep_alive") e.server_keep_alive = static_cast<std::uint16_t>(c.integer(0, 65535));
    else if (o == "max_session_expiry_interval")
        e.max_session_expiry_interval = static_cast<std::uint32_t>(c.integer(0, u32max));
    else if (o == "connect_timeout") e.connect_timeout = std::chrono::seconds(c.integer(1, 86'400));
    else if (o == "max_qos") e.maximum_qos = static_cast<mqtt::codec::qos>(c.integer(0, 2));
    else if (o == "retain_available") e.retain_available = c.boolean();
    else if (o == "wildcard_subscription_available") e.wildcard_subscription_available = c.boolean();
    else if (o == "subscription_identifier_available") e.subscription_identifier_available = c.boolean();
    else if (o == "shared_subscription_available") e.shared_subscription_available = c.boolean();
    else if (o == "allow_zero_length_clientid") e.allow_zero_length_client_id = c.boolean();
    else if (o == "auto_id_prefix") {
        c.expect_args(1, 1);
        e.assigned_client_id_prefix = std::string(c.args[0]);
    } else if (o == "max_client_id_length") e.max_client_id_length = static_cast<std::size_t>(c.integer(1, 65535));
    else if (o == "max_retained_messages") e.max_retained_messages = static_cast<std::size_t>(c.integer(0, big));
    else if (o == "max_connections") s.max_connections = c.integer(-1, big);
    else if (o == "output_soft_limit") s.output_soft_limit = static_cast<std::size_t>(c.integer(0, big));
    else if (o == "output_hard_limit") s.output_hard_limit = static_cast<std::size_t>(c.integer(1024, big));
    else if (o == "max_connect_packet_size")
        s.max_connect_packet_size = static_cast<std::uint32_t>(c.integer(20, max_remaining_length_packet));
    else if (o == "read_buffer_size") s.read_buffer_size = static_cast<std::size_t>(c.integer(4096, 64 << 20));
    else if (o == "threads") s.threads = static_cast<unsigned>(c.integer(1, max_threads));
    else if (o == "persistence") s.persistence = c.boolean();
    else if (o == "persistence_location") {
        if (c.rest.empty()) c.fail("expected a directory");
        s.persistence_location = std::string(c.rest);
    } else if (o == "persistence_file") {
        if (c.rest.empty()) c.fail("expected a file name");
        s.persistence_file = std::string(c.rest);
    } else if (o == "persistence_sync") {
        if (c.rest == "batch") s.persistence_sync_batch = true;
        else if (c.rest == "none") s.persistence_sync_batch = false;
        else c.fail("expected batch or none");
    } else if (o == "persistence_max_size") s.persistence_max_size = static_cast<std::uint64_t>(c.integer(0, big));
    else if (o == "persistence_reset") s.persistence_reset = c.boolean();
    // Mosquitto's periodic snapshot interval: mqttd commits every change, so there is nothing to schedule.
    else if (o == "autosave_interval") (void)c.integer(0, big);
    else if (o == "log_type") apply_log_type(c, s, st);
    else if (o == "log_dest") apply_log_dest(c, s);
    else if (o == "log_timestamp") s.log.timestamps = c.boolean();
    else if (o == "connection_messages") s.log.connection_messages = c.boolean();
    else if (o == "per_listener_settings") {
        if (c.boolean()) c.fail("per-listener settings are not supported: every option applies to all listeners");
    } else if (o == "protocol") {
        c.expect_args(1, 1);
        if (c.args[0] != "mqtt") c.fail(fmt::format("only 'mqtt' is supported, got '{}'", c.args[0]));
    } else if (o == "password_file" || o == "acl_file") {
        if (c.rest.empty()) c.fail("expected a file name");
        (o == "password_file" ? s.access.password_file : s.access.acl_file) = std::string(c.rest);
    } else if (o == "psk_file" || o == "auth_plugin" || o == "plugin" || o == "cafile" || o == "capath" || o == "certfile" || o == "keyfile" ||
               o == "require_certificate" || o == "use_identity_as_username") {
        c.fail("not supported yet (TLS and plugins are issue 9)");
    } else {
        c.fail("unknown option (docs/configuration.md lists the supported ones)");
    }
}

}  // namespace

void parse_config_text(std::string_view text, std::string_view origin, settings& into) {
    parse_state st;
    for_each_content_line(text, [&](std::size_t line_no, std::string_view line) {
        auto words = split_words(line);
        line_context c{origin, line_no, words.front(), {words.begin() + 1, words.end()}, {}};
        c.rest = trim(line.substr(words.front().size()));
        apply_line(c, into, st);
    });
}

void parse_config_file(const std::string& path, settings& into) {
    parse_config_text(read_text_file(path, "configuration file"), path, into);
    into.config_file = path;
}

}  // namespace mqttd
