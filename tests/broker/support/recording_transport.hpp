#pragma once
// recording_transport: the engine's transport for tests. Records every packet sent (kept as bytes, decoded back
// with the codec in the connection's version) and every close with its reason. No sockets.
#include <cstddef>
#include <map>
#include <memory>
#include <vector>

#include <mqtt/broker/transport.hpp>
#include <mqtt/codec/decode.hpp>

namespace mqtt::broker::test {

struct received {
    std::shared_ptr<const std::vector<std::byte>> bytes;  // the packet as the engine encoded it
    codec::packet_view packet;                            // decoded back; views into `bytes`
    delivery how = delivery::required;
    bool decoded = false;
};

struct close_record {
    connection_id id;
    codec::reason_code reason;
};

class recording_transport final : public transport {
public:
    void send(connection_id id, std::span<const std::byte> packet, delivery how) override {
        if (closed(id)) ++sends_after_close;  // the engine must not send after close (MQTT-3.14.4-1 v5)
        auto bytes = std::make_shared<const std::vector<std::byte>>(packet.begin(), packet.end());
        received r;
        r.bytes = bytes;
        r.how = how;
        codec::decode_options opt;
        auto v = versions_.find(id);
        opt.version = v == versions_.end() ? codec::protocol_version::v311 : v->second;
        // Server packets decode with the client's version; CONNACK is decodable with either layout.
        auto d = codec::decode(*bytes, opt);
        if (d && d->consumed == bytes->size()) {
            r.packet = d->packet;
            r.decoded = true;
        } else {
            ++undecodable;
        }
        inbox_[id].push_back(std::move(r));
        ++total_sent;
        total_bytes += packet.size();
    }
    void close(connection_id id, codec::reason_code why) override { closes.push_back({id, why}); }

    void set_version(connection_id id, codec::protocol_version v) { versions_[id] = v; }
    // Everything sent to `id` since the last call.
    std::vector<received> take(connection_id id) {
        auto it = inbox_.find(id);
        if (it == inbox_.end()) return {};
        auto out = std::move(it->second);
        it->second.clear();
        return out;
    }
    [[nodiscard]] bool closed(connection_id id) const {
        for (const auto& c : closes)
            if (c.id == id) return true;
        return false;
    }
    [[nodiscard]] std::optional<codec::reason_code> close_reason(connection_id id) const {
        for (const auto& c : closes)
            if (c.id == id) return c.reason;
        return std::nullopt;
    }

    std::vector<close_record> closes;
    std::size_t sends_after_close = 0;
    std::size_t undecodable = 0;
    std::size_t total_sent = 0;
    std::size_t total_bytes = 0;

private:
    std::map<connection_id, codec::protocol_version> versions_;
    std::map<connection_id, std::vector<received>> inbox_;
};

}  // namespace mqtt::broker::test
