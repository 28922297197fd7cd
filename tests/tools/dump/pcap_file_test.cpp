// mapped_pcap (the mmap reader of classic pcap files) against libpcap's own reader: the same frames, timestamps and
// link type for every classic capture in shared/captures, also byte-swapped; clear errors on truncated files.
#include <gtest/gtest.h>

#include <pcap/pcap.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <mqtt/dump/pcap_file.hpp>

#include "support.hpp"

namespace mqtt::dump {
namespace {

struct frame {
    std::int64_t seconds;
    std::uint32_t nanoseconds;
    std::vector<std::byte> bytes;
    friend bool operator==(const frame&, const frame&) = default;
};

std::vector<frame> read_with_libpcap(const std::string& path, int& link_type) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == nullptr) throw std::runtime_error(errbuf);
    link_type = pcap_datalink(p);
    std::vector<frame> frames;
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(p, &h, &data) == 1) {
        const auto* b = reinterpret_cast<const std::byte*>(data);
        frames.push_back({h->ts.tv_sec, static_cast<std::uint32_t>(h->ts.tv_usec), {b, b + h->caplen}});
    }
    pcap_close(p);
    return frames;
}

std::vector<frame> read_mapped(mapped_pcap& file) {
    std::vector<frame> frames;
    frame_info info;
    std::span<const std::byte> bytes;
    std::uint64_t expected_number = 1;
    while (file.next(info, bytes)) {
        EXPECT_EQ(info.number, expected_number++);
        frames.push_back({info.seconds, info.nanoseconds, {bytes.begin(), bytes.end()}});
    }
    return frames;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A file in the test's temporary directory, removed afterwards.
struct temp_file {
    std::string path;
    explicit temp_file(const std::string& contents) {
        path = (std::filesystem::temp_directory_path() / ("mqtt-dump-test-" + std::to_string(::getpid()) + "-" +
                                                          std::to_string(counter++) + ".pcap"))
                   .string();
        std::ofstream(path, std::ios::binary) << contents;
    }
    ~temp_file() { std::remove(path.c_str()); }
    static inline int counter = 0;
};

void swap32_at(std::string& s, std::size_t at) {
    std::swap(s[at], s[at + 3]);
    std::swap(s[at + 1], s[at + 2]);
}
void swap16_at(std::string& s, std::size_t at) { std::swap(s[at], s[at + 1]); }

// The same capture written by a host of the other byte order: every header field swapped, frame bytes kept.
std::string byte_swapped(std::string s) {
    swap32_at(s, 0);   // magic
    swap16_at(s, 4);   // version major
    swap16_at(s, 6);   // version minor
    for (std::size_t at : {8u, 12u, 16u, 20u}) swap32_at(s, at);  // thiszone, sigfigs, snaplen, link type
    std::size_t at = 24;
    while (at + 16 <= s.size()) {
        std::uint32_t caplen = 0;
        std::memcpy(&caplen, s.data() + at + 8, 4);  // little-endian host, little-endian file
        for (std::size_t k = 0; k < 16; k += 4) swap32_at(s, at + k);
        at += 16 + caplen;
    }
    return s;
}

std::vector<std::string> classic_captures() {
    std::vector<std::string> paths;
    for (const auto& entry : std::filesystem::directory_iterator(test::captures_dir))
        if (entry.path().extension() == ".pcap") paths.push_back(entry.path().string());
    return paths;
}

TEST(MappedPcap, ReadsEveryClassicCaptureAsLibpcapDoes) {
    const auto paths = classic_captures();
    ASSERT_GE(paths.size(), 5u);
    for (const std::string& path : paths) {
        SCOPED_TRACE(path);
        int link_type = -1;
        const auto expected = read_with_libpcap(path, link_type);
        auto file = mapped_pcap::open(path);
        ASSERT_TRUE(file.has_value());
        EXPECT_EQ(file->link_type(), link_type);
        const auto frames = read_mapped(*file);
        ASSERT_EQ(frames.size(), expected.size());
        EXPECT_TRUE(frames == expected);

        const temp_file swapped(byte_swapped(read_file(path)));
        int swapped_link_type = -1;
        ASSERT_TRUE(read_with_libpcap(swapped.path, swapped_link_type) == expected);  // the swap itself is right
        auto swapped_file = mapped_pcap::open(swapped.path);
        ASSERT_TRUE(swapped_file.has_value());
        EXPECT_EQ(swapped_file->link_type(), link_type);
        EXPECT_TRUE(read_mapped(*swapped_file) == expected);
    }
}

TEST(MappedPcap, LeavesOtherInputsToLibpcap) {
    EXPECT_FALSE(mapped_pcap::open(test::captures_dir + "/mqtt5-props-ipv4-ipv6.pcapng").has_value());
    EXPECT_FALSE(mapped_pcap::open(test::captures_dir + "/does-not-exist.pcap").has_value());
    EXPECT_FALSE(mapped_pcap::open(test::captures_dir).has_value());  // a directory
    const temp_file empty("");
    EXPECT_FALSE(mapped_pcap::open(empty.path).has_value());
    const temp_file text("this is not a capture, just some text of some length");
    EXPECT_FALSE(mapped_pcap::open(text.path).has_value());
}

TEST(MappedPcap, TruncatedFilesAreErrorsWithLibpcapsWording) {
    const std::string whole = read_file(test::captures_dir + "/mqtt311-qos012.pcap");
    ASSERT_GT(whole.size(), 200u);
    const temp_file cut_in_frame(whole.substr(0, 24 + 16 + 10));  // first record header, 10 of its bytes
    auto a = mapped_pcap::open(cut_in_frame.path);
    ASSERT_TRUE(a.has_value());
    frame_info info;
    std::span<const std::byte> bytes;
    try {
        (void)a->next(info, bytes);
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("truncated dump file; tried to read"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("captured bytes, only got 10"), std::string::npos) << e.what();
    }
    const temp_file cut_in_header(whole.substr(0, 24 + 7));
    auto b = mapped_pcap::open(cut_in_header.path);
    ASSERT_TRUE(b.has_value());
    EXPECT_THROW((void)b->next(info, bytes), std::runtime_error);
    const temp_file header_only(whole.substr(0, 24));
    auto c = mapped_pcap::open(header_only.path);
    ASSERT_TRUE(c.has_value());
    EXPECT_FALSE(c->next(info, bytes));  // no frames, no error
}

TEST(MappedPcap, DumpOfATruncatedFileKeepsItsPacketsAndFails) {
    const std::string whole = read_file(test::captures_dir + "/mqtt311-qos012.pcap");
    const temp_file cut(whole.substr(0, whole.size() - 5));
    dump_config config;
    config.file = cut.path;
    int rc = 0;
    const std::string out = test::run_to_string(config, &rc);
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("CONNECT"), std::string::npos);
}

}  // namespace
}  // namespace mqtt::dump
