#pragma once
// One direction of one MQTT connection: reassembled bytes in, control packets out. Keeps the partial packet that
// spans segments, skips what a gap truncated, and after losing the packet boundary resynchronises only where a
// segment starts with bytes that decode as whole, valid packets ending exactly at a segment end (so random
// payload bytes after a lost segment are never reported as packets).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/dump/tcp_reassembler.hpp>

namespace mqtt::dump {

enum class direction : std::uint8_t { client_to_server = 0, server_to_client = 1 };

class packet_handler {
public:
    // A complete, valid packet. `raw` holds exactly its bytes.
    virtual void on_packet(std::span<const std::byte> raw, const codec::fixed_header& header,
                           const codec::packet_view& packet) = 0;
    // A packet the codec rejected. `header` is null when the fixed header itself is bad (then the stream has lost
    // the packet boundary and resynchronises). `raw` is the packet (or what was available of it).
    virtual void on_malformed(std::span<const std::byte> raw, const codec::error& error,
                              const codec::fixed_header* header) = 0;
    // A packet whose middle or end fell into a capture gap: `prefix` is what was captured of it.
    virtual void on_truncated(std::span<const std::byte> prefix, const codec::fixed_header& header) = 0;
    // `length` bytes missing; `in_sync` tells whether the next packet boundary is still known.
    virtual void on_gap(std::uint64_t length, bool in_sync) = 0;
    // Synchronised again after skipping `skipped` captured bytes.
    virtual void on_resync(std::uint64_t skipped) = 0;

protected:
    ~packet_handler() = default;
};

// Decodes one packet with the version the connection negotiated. Before a CONNECT (a capture that starts
// mid-connection, or a CONNECT the codec rejected), tries 3.1.1 then 5.0.
[[nodiscard]] codec::result<codec::decoded> decode_packet(std::span<const std::byte> in, codec::protocol_version v,
                                                          direction dir, std::uint32_t max_packet_size) noexcept;

class mqtt_stream final : public byte_sink {
public:
    // `version` is the connection's (shared by both directions, updated by the handler on CONNECT).
    mqtt_stream(direction dir, const codec::protocol_version& version, packet_handler& handler,
                std::uint32_t max_packet_size = 268'435'460)
        : dir_(dir), version_(&version), handler_(&handler), max_packet_size_(max_packet_size) {}

    // A stream observed from its first byte is synchronised; one joined mid-way is not.
    void set_synchronised(bool in_sync) noexcept { in_sync_ = in_sync; }
    [[nodiscard]] bool synchronised() const noexcept { return in_sync_; }

    void on_data(std::span<const std::byte> data, bool segment_start, const frame_info& frame) override;
    void on_data(std::span<const std::byte> data, bool segment_start);
    void on_gap(std::uint64_t length) override;
    // End of stream: a partial packet left over is reported as truncated.
    void finish();

    // Largest speculative buffer while looking for a packet boundary after a gap.
    static constexpr std::size_t max_candidate_bytes = 4u << 20;

private:
    enum class candidate_state { accepted, rejected, pending };
    void decode_in_sync(std::span<const std::byte> data);
    std::size_t fill_partial(std::span<const std::byte> data);  // returns bytes used
    void handle_error(std::span<const std::byte> data, const codec::error& e, std::size_t& used);
    void resync(std::span<const std::byte> data, bool segment_start);
    candidate_state check_candidate() const;
    [[nodiscard]] bool plausible(codec::packet_type t) const noexcept;

    direction dir_;
    const codec::protocol_version* version_;
    packet_handler* handler_;
    std::uint32_t max_packet_size_;
    bool in_sync_ = true;
    std::vector<std::byte> partial_;  // the start of a packet that continues in a later segment
    std::uint64_t skip_ = 0;          // bytes of a gap-truncated (or oversized malformed) packet still to discard
    std::vector<std::byte> candidate_;  // resync: bytes from a segment start, until they prove to be packets
    std::uint64_t skipped_ = 0;         // resync: captured bytes discarded so far
};

}  // namespace mqtt::dump
