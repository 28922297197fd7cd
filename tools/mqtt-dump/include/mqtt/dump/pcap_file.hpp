#pragma once
// A classic pcap file read through mmap: frames are views into the mapping, so reading a frame costs a 16-byte
// record header and no copy. libpcap's offline reader makes two fread calls and copies every frame into its
// buffer, which took a tenth of mqtt-dump's time. pcapng, stdin and live capture stay with libpcap.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <mqtt/dump/link_layer.hpp>

namespace mqtt::dump {

class mapped_pcap {
public:
    // Maps `path` when it is a regular, non-empty file that starts with a classic pcap header (either byte order,
    // microsecond or nanosecond timestamps). Anything else (pcapng, a pipe, a file mmap refuses) gives nullopt:
    // the caller hands it to libpcap, which reads it or explains why not.
    [[nodiscard]] static std::optional<mapped_pcap> open(const std::string& path);

    mapped_pcap(mapped_pcap&& other) noexcept;
    mapped_pcap& operator=(mapped_pcap&&) = delete;
    ~mapped_pcap();

    [[nodiscard]] int link_type() const noexcept { return link_type_; }
    // The next frame: true, or false at the end of the file. A record cut short by the end of the file, or one
    // longer than any capture could hold, throws std::runtime_error (with libpcap's wording for the former).
    bool next(frame_info& info, std::span<const std::byte>& bytes);

private:
    mapped_pcap(const std::byte* data, std::size_t size) noexcept : data_(data), size_(size) {}
    [[nodiscard]] std::uint32_t u32(std::size_t at) const noexcept;
    void release_behind() noexcept;
    static constexpr std::size_t release_step = 8u << 20;

    const std::byte* data_;
    std::size_t size_;
    std::size_t at_ = 24;  // after the file header
    bool swapped_ = false;
    bool nanosecond_ = false;
    int link_type_ = 0;
    std::uint64_t frame_number_ = 0;
    std::size_t released_ = 0;  // bytes at the front already dropped from the mapping (page-aligned)
};

}  // namespace mqtt::dump
