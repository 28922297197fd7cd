#pragma once
// Event sinks that print: one line per packet (text, -v for every field), or JSON Lines (--json).
// Output is buffered and written with fwrite; live capture flushes after every event.
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <mqtt/dump/dissector.hpp>

namespace mqtt::dump {

struct output_options {
    bool verbose = false;            // text: every field, properties, hexdump of malformed packets
    std::size_t max_payload = 64;    // payload bytes shown (text or hex); the hash always covers all of it
    bool flush_each_event = false;   // live capture
    bool absolute_time = false;      // text: seconds since the epoch instead of since the first frame
};

class buffered_writer {
public:
    buffered_writer(std::FILE* out, bool flush_each) : out_(out), flush_each_(flush_each) {}
    buffered_writer(const buffered_writer&) = delete;
    buffered_writer& operator=(const buffered_writer&) = delete;
    ~buffered_writer() { flush(); }
    fmt::memory_buffer& buffer() noexcept { return buf_; }
    void end_record() {
        if (flush_each_ || buf_.size() >= (1u << 20)) flush();  // one write per MB
    }
    void flush();

private:
    std::FILE* out_;
    bool flush_each_;
    fmt::memory_buffer buf_;
};

// Text that depends only on the connection and direction of an event, kept for the few most recent pairs (a broker
// capture alternates between a publisher's and a subscriber's connection): built once, not per packet.
class prefix_cache {
public:
    template <class Build>
    std::string_view get(const event& e, Build&& build) {
        for (const entry& c : entries_) {
            if (c.conn == e.conn && c.id == e.conn->id && c.dir == e.dir) return {c.text.data(), c.text.size()};
        }
        entry& c = entries_[next_];
        next_ = (next_ + 1) % entries_.size();
        c.conn = e.conn;
        c.id = e.conn->id;
        c.dir = e.dir;
        c.text.clear();
        build(c.text);
        return {c.text.data(), c.text.size()};
    }

private:
    struct entry {
        const connection_info* conn = nullptr;
        std::uint64_t id = 0;
        direction dir = direction::client_to_server;
        fmt::memory_buffer text;
    };
    std::array<entry, 4> entries_;
    std::size_t next_ = 0;
};

// Human-readable: "0.000123 #0 127.0.0.1:55196 -> 127.0.0.1:28830 c>s PUBLISH qos=1 id=1 topic=..."
class text_writer final : public event_sink {
public:
    text_writer(std::FILE* out, output_options options) : out_(out, options.flush_each_event), options_(options) {}
    void set_time_origin(std::int64_t seconds, std::uint32_t nanoseconds) noexcept;
    void on_event(const event& e) override;
    void flush() { out_.flush(); }

private:
    buffered_writer out_;
    output_options options_;
    prefix_cache prefixes_;  // " #<conn> <src> -> <dst> <dir> "
    bool have_origin_ = false;
    std::int64_t origin_s_ = 0;
    std::uint32_t origin_ns_ = 0;
};

// JSON Lines. Field names follow the .tshark.tsv columns of shared/captures (see docs/tools/mqtt-dump.md).
class json_writer final : public event_sink {
public:
    json_writer(std::FILE* out, output_options options) : out_(out, options.flush_each_event), options_(options) {}
    void on_event(const event& e) override;
    void flush() { out_.flush(); }

private:
    buffered_writer out_;
    output_options options_;
    prefix_cache prefixes_;  // ,"conn":..,"dir":..,"src":..,"dst":..,"src_port":..,"dst_port":..
};

// Appends `s` as a JSON string literal (quotes included). Invalid UTF-8 bytes become U+FFFD.
void append_json_string(fmt::memory_buffer& out, std::string_view s);

}  // namespace mqtt::dump
