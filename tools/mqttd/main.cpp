// mqttd: the MQTT 3.1.1 / 5.0 broker. Command line after Mosquitto's: -p PORT, -c FILE, -v, --help, --version.
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <mqtt/tools/event_loop.hpp>
#include <mqtt/tools/unique_fd.hpp>
#include <mqttd/config_file.hpp>
#include <mqttd/logger.hpp>
#include <mqttd/server.hpp>

#ifndef MQTTD_VERSION
#define MQTTD_VERSION "0.0.0"
#endif

namespace {

struct command_line {
    std::vector<int> ports;
    std::string config_file;
    bool verbose = false;
    bool fresh_store = false;
    unsigned threads = 0;  // 0: the configuration file's (or the default)
};

// The configuration file, then the command line on top (also on SIGHUP, so -v and -p survive a reload).
mqttd::settings load_settings(const command_line& cli) {
    mqttd::settings s;
    if (!cli.config_file.empty()) mqttd::parse_config_file(cli.config_file, s);
    for (const int p : cli.ports) {
        const auto port = static_cast<std::uint16_t>(p);
        s.listeners.push_back({{"127.0.0.1", port}, "-p"});
        s.listeners.push_back({{"::1", port}, "-p"});
    }
    if (cli.verbose) s.log.types = mqttd::log_all;
    if (cli.fresh_store) s.persistence_reset = true;
    if (cli.threads != 0) s.threads = cli.threads;
    return s;
}

// 10k clients need 10k descriptors: take the hard limit (raising it needs privileges we do not ask for).
void raise_file_limit(mqttd::logger& log) {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
    const auto before = lim.rlim_cur;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) lim.rlim_cur = before;
    }
    log.log(mqttd::log_level::information, "open file limit {} (was {}): about {} connections", lim.rlim_cur,
            before, lim.rlim_cur > 32 ? lim.rlim_cur - 32 : 0);
}

int run(const command_line& cli) {
    mqttd::settings s;
    try {
        s = load_settings(cli);
    } catch (const mqttd::config_error& e) {
        fmt::print(stderr, "mqttd: configuration error: {}\n", e.what());
        return 3;
    }
    mqttd::logger log;
    try {
        log.configure(s.log);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mqttd: {}\n", e.what());
        return 3;
    }
    log.log(mqttd::log_level::notice, "mqttd {} starting{}", MQTTD_VERSION,
            s.config_file.empty() ? std::string(" with the built-in defaults") : " with " + s.config_file);
    raise_file_limit(log);

    // Signals arrive through a signalfd on the loop, so handlers run as ordinary loop code.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    ::pthread_sigmask(SIG_BLOCK, &mask, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    mqtt::tools::unique_fd sigfd(::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!sigfd) {
        log.log(mqttd::log_level::error, "signalfd: {}", std::strerror(errno));
        return 1;
    }

    mqtt::tools::event_loop loop;
    std::unique_ptr<mqttd::server> server;
    try {
        server = std::make_unique<mqttd::server>(s, loop, log);
    } catch (const std::exception& e) {
        log.log(mqttd::log_level::error, "cannot start: {}", e.what());
        return 1;
    }

    bool shutting_down = false;
    loop.add(sigfd.get(), EPOLLIN, [&](std::uint32_t) {
        signalfd_siginfo info{};
        while (::read(sigfd.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            const auto sig = static_cast<int>(info.ssi_signo);
            if (sig == SIGHUP) {
                try {
                    auto fresh = load_settings(cli);
                    log.configure(fresh.log);
                    log.log(mqttd::log_level::notice, "SIGHUP: reloaded {}: log settings applied; {}",
                            cli.config_file.empty() ? std::string("(no configuration file)") : cli.config_file,
                            server->reload(fresh));
                } catch (const std::exception& e) {
                    log.log(mqttd::log_level::error, "SIGHUP: reload failed, configuration unchanged: {}",
                            e.what());
                }
            } else if (!shutting_down) {
                shutting_down = true;
                log.log(mqttd::log_level::notice, "{} received: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
                server->shutdown([&loop] { loop.stop(); });
            } else {
                log.log(mqttd::log_level::notice, "second signal: exiting now");
                loop.stop();
            }
        }
    });
    try {
        loop.run();
    } catch (const std::exception& e) {
        // A commit that failed (disk full, persistence_max_size, I/O error): the iteration's output, which may
        // acknowledge what is not stored, is never written. Clients re-send to the next run.
        log.log(mqttd::log_level::error, "stopping: {}", e.what());
        return 1;
    }
    loop.remove(sigfd.get());
    const auto st = server->engine_stats();
    log.log(mqttd::log_level::notice, "mqttd stopped ({} messages received, {} sent, {} dropped)",
            st.messages_received, st.messages_sent, st.messages_dropped);
    server.reset();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"mqttd: an MQTT 3.1.1 and 5.0 broker. Without options it listens on localhost:1883\n"
                 "(127.0.0.1 and ::1), allows anonymous clients and keeps everything in memory."};
    command_line cli;
    app.add_option("-p,--port", cli.ports,
                   "Listen on PORT on 127.0.0.1 and ::1 (repeatable; in addition to the config file's listeners)")
        ->check(CLI::Range(0, 65535));
    app.add_option("-c,--config", cli.config_file, "Read the configuration from FILE (docs/configuration.md)");
    app.add_flag("-v,--verbose", cli.verbose, "Log everything (log_type all)");
    app.add_flag("--fresh-store", cli.fresh_store,
                 "If the persistence store is damaged, move it aside and start empty (persistence_reset true)");
    app.add_option("--threads", cli.threads, "I/O threads (config option `threads`; 1 = single-threaded)")
        ->check(CLI::Range(1U, mqttd::max_threads));
    app.set_version_flag("--version", std::string("mqttd ") + MQTTD_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        return run(cli);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mqttd: {}\n", e.what());
        return 1;
    }
}
