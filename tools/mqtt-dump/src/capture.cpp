#include <mqtt/dump/capture.hpp>

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace mqtt::dump {

pcap_source pcap_source::open_file(const std::string& path) {
    if (path != "-") {
        if (auto file = mapped_pcap::open(path)) return pcap_source(std::move(*file));
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = path == "-" ? pcap_fopen_offline_with_tstamp_precision(stdin, PCAP_TSTAMP_PRECISION_NANO, errbuf)
                            : pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == nullptr) throw std::runtime_error(path + ": " + errbuf);
    return pcap_source(p);
}

pcap_source pcap_source::open_live(const std::string& interface, const std::string& filter, int snaplen) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_create(interface.c_str(), errbuf);
    if (p == nullptr) throw std::runtime_error(interface + ": " + errbuf);
    pcap_source source(p);
    pcap_set_snaplen(p, snaplen);
    pcap_set_promisc(p, 0);
    pcap_set_immediate_mode(p, 1);  // show packets as they arrive
    pcap_set_timeout(p, 200);
    pcap_set_buffer_size(p, 16 << 20);
    (void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);  // falls back to microseconds
    if (int r = pcap_activate(p); r < 0) throw std::runtime_error(interface + ": " + pcap_geterr(p));
    if (!filter.empty()) {
        bpf_program program{};
        if (pcap_compile(p, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
            throw std::runtime_error("filter '" + filter + "': " + pcap_geterr(p));
        const int r = pcap_setfilter(p, &program);
        pcap_freecode(&program);
        if (r != 0) throw std::runtime_error("filter '" + filter + "': " + pcap_geterr(p));
    }
    return source;
}

pcap_source::pcap_source(pcap_source&& other) noexcept
    : handle_(other.handle_), mapped_(std::move(other.mapped_)), frame_number_(other.frame_number_) {
    other.handle_ = nullptr;
}

pcap_source::~pcap_source() {
    if (handle_ != nullptr) pcap_close(handle_);
}

int pcap_source::link_type() const noexcept { return mapped_ ? mapped_->link_type() : pcap_datalink(handle_); }

void pcap_source::stop() noexcept {
    if (handle_ != nullptr) pcap_breakloop(handle_);
}

int pcap_source::next_from_libpcap(frame_info& info, std::span<const std::byte>& bytes) {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int r = pcap_next_ex(handle_, &header, &data);
    if (r == 0) return 0;
    if (r == PCAP_ERROR_BREAK) return -1;
    if (r < 0) throw std::runtime_error(std::string("reading the capture: ") + pcap_geterr(handle_));
    info.number = ++frame_number_;
    info.seconds = header->ts.tv_sec;
    const bool nano = pcap_get_tstamp_precision(handle_) == PCAP_TSTAMP_PRECISION_NANO;
    info.nanoseconds = static_cast<std::uint32_t>(nano ? header->ts.tv_usec : header->ts.tv_usec * 1000);
    bytes = std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), header->caplen);
    return 1;
}

std::optional<std::vector<std::byte>> parse_hex(std::string_view text) {
    std::vector<std::byte> out;
    auto hex_value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::size_t line_start = 0;
    while (line_start <= text.size()) {
        std::size_t line_end = text.find('\n', line_start);
        if (line_end == std::string_view::npos) line_end = text.size();
        std::string_view line = text.substr(line_start, line_end - line_start);
        if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        // An offset column: hex digits (optionally 0x) followed by ':' or two spaces.
        {
            std::size_t i = 0;
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
            std::size_t j = i;
            if (line.substr(j, 2) == "0x") j += 2;
            const std::size_t digits_at = j;
            while (j < line.size() && hex_value(line[j]) >= 0) ++j;
            if (j - digits_at >= 4 && line.substr(j, 1) == ":") line = line.substr(j + 1);
        }
        int high = -1;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == ':' || c == '-' || c == ',') {
                if (high >= 0) return std::nullopt;  // a lone digit
                continue;
            }
            if (c == '0' && i + 1 < line.size() && (line[i + 1] == 'x' || line[i + 1] == 'X') && high < 0) {
                ++i;
                continue;
            }
            const int v = hex_value(c);
            if (v < 0) return std::nullopt;
            if (high < 0) {
                high = v;
            } else {
                out.push_back(static_cast<std::byte>((high << 4) | v));
                high = -1;
            }
        }
        if (high >= 0) return std::nullopt;
        line_start = line_end + 1;
    }
    return out;
}

std::string read_all(const std::string& path) {
    if (path == "-") {
        std::ostringstream s;
        s << std::cin.rdbuf();
        return s.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": " + std::strerror(errno));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace mqtt::dump
