#pragma once
// mqtt-dump as a function: the configuration main() builds from the command line, and run(), which tests call
// with a memory stream as `out`.
#include <cstdio>
#include <string>

#include <mqtt/codec/types.hpp>
#include <mqtt/dump/dissector.hpp>
#include <mqtt/dump/output.hpp>

namespace mqtt::dump {

struct dump_config {
    std::string file;       // pcap or pcapng; "-" for stdin
    std::string interface;  // live capture
    std::string bpf_filter;
    int snaplen = 262'144;
    std::string hex_file;  // --hex: one direction, hex text ("-" for stdin)
    std::string raw_file;  // --raw: one direction, binary
    direction stream_direction = direction::client_to_server;
    codec::protocol_version stream_version = codec::protocol_version::unknown;
    dissector_options dissect;
    output_options output;
    bool json = false;
    bool stats = false;  // print statistics instead of packets
};

// Runs one dump. Returns the process exit code (0, or 1 after printing an error to `err`).
int run(const dump_config& config, std::FILE* out, std::FILE* err);

// Stops a live capture in progress: async-signal-safe (SIGINT/SIGTERM handlers), and callable from another thread
// (run() waits for such a call to finish before it closes the capture).
void request_stop() noexcept;

}  // namespace mqtt::dump
