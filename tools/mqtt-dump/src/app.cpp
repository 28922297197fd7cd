#include <mqtt/dump/app.hpp>

#include <atomic>
#include <cstring>
#include <exception>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include <mqtt/dump/capture.hpp>
#include <mqtt/dump/stats.hpp>

namespace mqtt::dump {
namespace {

std::atomic<pcap_source*> live_source{nullptr};
// request_stop() calls still using the source they loaded: the source may be closed only once this is 0
// (request_stop may run on another thread than the capture, e.g. a test's; found by TSan).
std::atomic<int> stops_in_progress{0};

// Takes the live source out of request_stop()'s reach; returns once no call can still be using it.
void unpublish_live_source() noexcept {
    live_source.store(nullptr);
    while (stops_in_progress.load() != 0) std::this_thread::yield();
}

// Forwards to the chosen printer and to the statistics.
class tee_sink final : public event_sink {
public:
    tee_sink(event_sink* a, event_sink* b) : a_(a), b_(b) {}
    void on_event(const event& e) override {
        if (a_ != nullptr) a_->on_event(e);
        if (b_ != nullptr) b_->on_event(e);
    }

private:
    event_sink* a_;
    event_sink* b_;
};

}  // namespace

void request_stop() noexcept {
    ++stops_in_progress;
    if (pcap_source* s = live_source.load()) s->stop();
    --stops_in_progress;
}

int run(const dump_config& config, std::FILE* out, std::FILE* err) {
    std::optional<text_writer> text;
    std::optional<json_writer> json;
    std::optional<stats_collector> stats;
    event_sink* printer = nullptr;
    if (config.stats) {
        printer = &stats.emplace();
    } else if (config.json) {
        printer = &json.emplace(out, config.output);
    } else {
        printer = &text.emplace(out, config.output);
    }
    tee_sink sink(printer, nullptr);
    dissector d(config.dissect, sink);
    try {
        if (!config.hex_file.empty() || !config.raw_file.empty()) {
            const bool hex = !config.hex_file.empty();
            const std::string data = read_all(hex ? config.hex_file : config.raw_file);
            std::vector<std::byte> bytes;
            if (hex) {
                auto parsed = parse_hex(data);
                if (!parsed) throw std::runtime_error(config.hex_file + ": not hex text");
                bytes = std::move(*parsed);
            } else {
                bytes.resize(data.size());
                std::memcpy(bytes.data(), data.data(), data.size());
            }
            d.on_stream_bytes(frame_info{1, 0, 0}, config.stream_direction, config.stream_version, bytes);
        } else {
            const bool live = !config.interface.empty();
            pcap_source source = live ? pcap_source::open_live(config.interface, config.bpf_filter, config.snaplen)
                                      : pcap_source::open_file(config.file.empty() ? "-" : config.file);
            if (live) live_source.store(&source);
            bool first = true;
            try {
                source.run(d, [&](const frame_info& f) {
                    if (first && text) text->set_time_origin(f.seconds, f.nanoseconds);
                    first = false;
                });
            } catch (...) {
                unpublish_live_source();
                throw;
            }
            unpublish_live_source();
        }
        d.finish();
    } catch (const std::exception& e) {
        d.finish();
        if (text) text->flush();
        if (json) json->flush();
        fmt::print(err, "mqtt-dump: {}\n", e.what());
        return 1;
    }
    if (text) text->flush();
    if (json) json->flush();
    if (stats) stats->print(out, d.counters(), config.json);
    std::fflush(out);
    return 0;
}

}  // namespace mqtt::dump
