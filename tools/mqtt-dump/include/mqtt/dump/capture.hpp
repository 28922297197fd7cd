#pragma once
// Inputs: pcap/pcapng files and stdin (libpcap reads both formats), live interfaces, raw hex or binary streams.
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <mqtt/dump/dissector.hpp>
#include <mqtt/dump/pcap_file.hpp>

struct pcap;

namespace mqtt::dump {

class pcap_source {
public:
    // "-" reads stdin. A classic pcap file is memory-mapped (mapped_pcap); other formats go through libpcap.
    // Throws std::runtime_error with libpcap's message.
    static pcap_source open_file(const std::string& path);
    // Live capture; `filter` is a BPF expression (may be empty). Throws std::runtime_error.
    static pcap_source open_live(const std::string& interface, const std::string& filter, int snaplen);

    pcap_source(pcap_source&& other) noexcept;
    pcap_source& operator=(pcap_source&&) = delete;
    ~pcap_source();

    [[nodiscard]] int link_type() const noexcept;
    // Feeds every frame to `d` until the end of the file, an error (thrown), or stop() (from a signal handler).
    // `on_frame` (may be empty) sees each frame first, for example to set the time origin.
    template <class OnFrame>
    void run(dissector& d, OnFrame&& on_frame);
    // Async-signal-safe: pcap_breakloop.
    void stop() noexcept;

private:
    explicit pcap_source(pcap* handle) noexcept : handle_(handle) {}
    explicit pcap_source(mapped_pcap&& file) noexcept : handle_(nullptr), mapped_(std::move(file)) {}
    // 1: frame read, 0: timeout (live), -1: end or stopped. Throws on a read error.
    int next(frame_info& info, std::span<const std::byte>& bytes) {
        if (mapped_) return mapped_->next(info, bytes) ? 1 : -1;
        return next_from_libpcap(info, bytes);
    }
    int next_from_libpcap(frame_info& info, std::span<const std::byte>& bytes);
    pcap* handle_;  // null when mapped_ holds the file
    std::optional<mapped_pcap> mapped_;
    std::uint64_t frame_number_ = 0;
};

template <class OnFrame>
void pcap_source::run(dissector& d, OnFrame&& on_frame) {
    if (!is_supported_link_type(link_type()))
        throw std::runtime_error("unsupported link type " + std::to_string(link_type()));
    frame_info info;
    std::span<const std::byte> bytes;
    for (;;) {
        const int r = next(info, bytes);
        if (r < 0) break;
        if (r == 0) continue;
        on_frame(info);
        d.on_frame(info, link_type(), bytes);
    }
}

// Hex text -> bytes. Accepts whitespace, ':' and '-' separators, "0x" prefixes, and `#` comments to end of line;
// an offset column ("0000: 30 0a ...", "0x0010:") is skipped. Returns nothing on an odd number of digits or another character.
[[nodiscard]] std::optional<std::vector<std::byte>> parse_hex(std::string_view text);

// The whole of a file ("-" for stdin). Throws std::runtime_error.
[[nodiscard]] std::string read_all(const std::string& path);

}  // namespace mqtt::dump
