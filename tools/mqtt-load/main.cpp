// mqtt-load: MQTT load generator. See docs/tools/mqtt-load.md.
#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include <mqtt/load/cli.hpp>
#include <mqtt/load/runner.hpp>

namespace {
mqtt::load::runner* active_runner = nullptr;
extern "C" void on_signal(int) {
    if (active_runner != nullptr) active_runner->request_stop();
}
}  // namespace

int main(int argc, char** argv) {
    try {
        auto parsed = mqtt::load::parse_command_line(argc, argv, std::cout, std::cerr);
        if (!parsed.opts) return parsed.exit_code;
        const bool json = parsed.opts->json;
        mqtt::load::runner r(std::move(*parsed.opts), [](const std::string& line) {
            std::cerr << line << '\n';
        });
        active_runner = &r;
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        std::signal(SIGPIPE, SIG_IGN);
        const auto report = r.run();
        active_runner = nullptr;
        if (json) mqtt::load::print_json(std::cout, report);
        else mqtt::load::print_text(std::cout, report);
        return mqtt::load::exit_code(report);
    } catch (const std::exception& e) {
        std::cerr << fmt::format("mqtt-load: {}\n", e.what());
        return 1;
    }
}
