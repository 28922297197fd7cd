#include <mqtt/dump/pcap_file.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace mqtt::dump {
namespace {

constexpr std::uint32_t magic_micro = 0xa1b2c3d4;
constexpr std::uint32_t magic_nano = 0xa1b23c4d;
constexpr std::size_t file_header_size = 24;
constexpr std::size_t record_header_size = 16;

std::uint32_t load_u32(const std::byte* p, bool swapped) noexcept {
    std::uint32_t v = 0;
    std::memcpy(&v, p, 4);
    return swapped ? __builtin_bswap32(v) : v;
}

}  // namespace

std::optional<mapped_pcap> mapped_pcap::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    void* map = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= static_cast<off_t>(file_header_size))
        map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);  // the mapping stays valid
    if (map == MAP_FAILED) return std::nullopt;
    mapped_pcap file(static_cast<const std::byte*>(map), static_cast<std::size_t>(st.st_size));
    const std::uint32_t magic = load_u32(file.data_, false);
    if (magic == magic_micro || magic == magic_nano) {
        file.nanosecond_ = magic == magic_nano;
    } else if (magic == __builtin_bswap32(magic_micro) || magic == __builtin_bswap32(magic_nano)) {
        file.swapped_ = true;
        file.nanosecond_ = magic == __builtin_bswap32(magic_nano);
    } else {
        return std::nullopt;  // pcapng or not a capture: libpcap's business (the destructor unmaps)
    }
    // The low 16 bits are the link type; the upper ones may carry FCS information (as libpcap's LT_LINKTYPE).
    file.link_type_ = static_cast<int>(file.u32(20) & 0xFFFF);
    ::madvise(map, file.size_, MADV_SEQUENTIAL);  // read ahead: the file is read once, front to back
    return file;
}

mapped_pcap::mapped_pcap(mapped_pcap&& other) noexcept
    : data_(other.data_), size_(other.size_), at_(other.at_), swapped_(other.swapped_),
      nanosecond_(other.nanosecond_), link_type_(other.link_type_), frame_number_(other.frame_number_),
      released_(other.released_) {
    other.data_ = nullptr;
}

mapped_pcap::~mapped_pcap() {
    if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), size_);
}

// Pages already read are dropped from the mapping (they stay in the page cache), so that the resident size stays
// a few MB rather than growing to the size of the file. Nothing points into frames before the current one: the
// reassembler copies what it keeps. (Were something to, the page would simply be read again from the file.)
void mapped_pcap::release_behind() noexcept {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t end = (at_ - record_header_size) / page * page;  // before the current frame's page
    if (end <= released_) return;
    ::madvise(const_cast<std::byte*>(data_) + released_, end - released_, MADV_DONTNEED);
    released_ = end;
}

std::uint32_t mapped_pcap::u32(std::size_t at) const noexcept { return load_u32(data_ + at, swapped_); }

bool mapped_pcap::next(frame_info& info, std::span<const std::byte>& bytes) {
    if (at_ == size_) return false;
    const std::size_t left = size_ - at_;
    if (left < record_header_size)
        throw std::runtime_error("reading the capture: truncated dump file; tried to read " + std::to_string(record_header_size) +
                                 " header bytes, only got " + std::to_string(left));
    const std::uint32_t seconds = u32(at_);
    const std::uint32_t fraction = u32(at_ + 4);
    const std::uint32_t caplen = u32(at_ + 8);
    if (caplen > left - record_header_size)
        throw std::runtime_error("reading the capture: truncated dump file; tried to read " + std::to_string(caplen) +
                                 " captured bytes, only got " + std::to_string(left - record_header_size));
    info.number = ++frame_number_;
    info.seconds = seconds;
    info.nanoseconds = nanosecond_ ? fraction : fraction * 1000;
    bytes = std::span<const std::byte>(data_ + at_ + record_header_size, caplen);
    at_ += record_header_size + caplen;
    if (at_ - released_ >= release_step) release_behind();
    return true;
}

}  // namespace mqtt::dump
