#include <mqtt/dump/stats.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include <mqtt/codec/types.hpp>
#include <mqtt/dump/output.hpp>

namespace mqtt::dump {

void stats_collector::on_event(const event& e) {
    switch (e.kind) {
    case event_kind::packet: {
        auto& t = per_type_[static_cast<std::size_t>(e.header->type) & 0x0F];
        ++t.packets;
        t.bytes += e.raw.size();
        if (const auto* p = std::get_if<codec::publish_view>(e.packet); p && !e.alias_unknown) {
            topic_counter& per_topic = topic(e.topic);
            ++per_topic.packets;
            per_topic.bytes += e.raw.size();
            per_topic.payload_bytes += p->payload.size();
        }
        auto& c = connection(e.conn->id);
        if (c.name.empty() && e.conn->connect_seen) c.name = e.conn->client_id;
        auto& dir = e.dir == direction::client_to_server ? c.sent : c.received;
        ++dir.packets;
        dir.bytes += e.raw.size();
        break;
    }
    case event_kind::malformed:
        ++malformed_;
        malformed_bytes_ += e.raw.size();
        break;
    case event_kind::truncated: ++truncated_; break;
    case event_kind::gap:
        ++gaps_;
        gap_bytes_ += e.length;
        break;
    case event_kind::tls: ++tls_connections_; break;
    default: break;
    }
}

// Both maps are node-based: the cached pointers stay valid as the maps grow.
stats_collector::topic_counter& stats_collector::topic(std::string_view name) {
    if (last_topic_ == nullptr || last_topic_name_ != name) {
        auto it = per_topic_.find(name);
        if (it == per_topic_.end()) it = per_topic_.emplace(std::string(name), topic_counter{}).first;
        last_topic_name_ = it->first;
        last_topic_ = &it->second;
    }
    return *last_topic_;
}

stats_collector::client_counter& stats_collector::connection(std::uint64_t id) {
    if (last_connection_ == nullptr || last_connection_id_ != id) {
        last_connection_id_ = id;
        last_connection_ = &per_connection_[id];
    }
    return *last_connection_;
}

void stats_collector::print(std::FILE* out, const capture_counters& k, bool json) const {
    // Clients aggregate over connections by client identifier.
    std::map<std::string, client_counter> clients;
    for (const auto& [id, c] : per_connection_) {
        const std::string name = c.name.empty() ? fmt::format("(connection #{} without CONNECT)", id) : c.name;
        auto& agg = clients[name];
        agg.name = name;
        agg.sent.packets += c.sent.packets;
        agg.sent.bytes += c.sent.bytes;
        agg.received.packets += c.received.packets;
        agg.received.bytes += c.received.bytes;
    }
    std::vector<std::pair<std::string_view, topic_counter>> topics;
    for (const auto& [name, t] : per_topic_) topics.emplace_back(name, t);
    std::sort(topics.begin(), topics.end(), [](const auto& a, const auto& b) {
        return a.second.bytes != b.second.bytes ? a.second.bytes > b.second.bytes : a.first < b.first;
    });

    fmt::memory_buffer o;
    auto it = fmt::appender(o);
    if (json) {
        fmt::format_to(it,
                       "{{\"frames\":{},\"captured_bytes\":{},\"tcp_segments\":{},\"connections\":{},"
                       "\"mqtt_connections\":{},\"tls_connections\":{},\"packets\":{},\"malformed\":{},"
                       "\"truncated\":{},\"gaps\":{},\"gap_bytes\":{},\"retransmitted_bytes\":{},"
                       "\"out_of_order_segments\":{},\"per_type\":{{",
                       k.frames, k.bytes, k.tcp_segments, k.connections, k.mqtt_connections, tls_connections_,
                       k.packets, malformed_, truncated_, gaps_, gap_bytes_, k.retransmitted_bytes,
                       k.out_of_order_segments);
        bool first = true;
        for (std::size_t t = 0; t < per_type_.size(); ++t) {
            if (per_type_[t].packets == 0) continue;
            fmt::format_to(it, "{}\"{}\":{{\"packets\":{},\"bytes\":{}}}", first ? "" : ",",
                           codec::name(static_cast<codec::packet_type>(t)), per_type_[t].packets, per_type_[t].bytes);
            first = false;
        }
        o.append(std::string_view("},\"per_topic\":{"));
        first = true;
        for (const auto& [name, t] : topics) {
            if (!first) o.push_back(',');
            first = false;
            append_json_string(o, name);
            fmt::format_to(it, ":{{\"packets\":{},\"bytes\":{},\"payload_bytes\":{}}}", t.packets, t.bytes,
                           t.payload_bytes);
        }
        o.append(std::string_view("},\"per_client\":{"));
        first = true;
        for (const auto& [name, c] : clients) {
            if (!first) o.push_back(',');
            first = false;
            append_json_string(o, name);
            fmt::format_to(it, ":{{\"sent_packets\":{},\"sent_bytes\":{},\"received_packets\":{},\"received_bytes\":{}}}",
                           c.sent.packets, c.sent.bytes, c.received.packets, c.received.bytes);
        }
        o.append(std::string_view("}}\n"));
    } else {
        fmt::format_to(it,
                       "Capture: {} frames, {} bytes, {} TCP segments, {} connections ({} MQTT, {} TLS)\n"
                       "MQTT: {} packets, {} malformed, {} truncated by gaps; {} gaps ({} bytes missing); "
                       "{} retransmitted bytes, {} out-of-order segments\n\n",
                       k.frames, k.bytes, k.tcp_segments, k.connections, k.mqtt_connections, tls_connections_,
                       k.packets, malformed_, truncated_, gaps_, gap_bytes_, k.retransmitted_bytes,
                       k.out_of_order_segments);
        fmt::format_to(it, "{:<12} {:>12} {:>14}\n", "Type", "Packets", "Bytes");
        for (std::size_t t = 0; t < per_type_.size(); ++t) {
            if (per_type_[t].packets == 0) continue;
            fmt::format_to(it, "{:<12} {:>12} {:>14}\n", codec::name(static_cast<codec::packet_type>(t)),
                           per_type_[t].packets, per_type_[t].bytes);
        }
        fmt::format_to(it, "\n{:<40} {:>12} {:>14} {:>14}\n", "Topic (PUBLISH)", "Packets", "Bytes", "Payload");
        for (const auto& [name, t] : topics)
            fmt::format_to(it, "{:<40} {:>12} {:>14} {:>14}\n", name, t.packets, t.bytes, t.payload_bytes);
        fmt::format_to(it, "\n{:<40} {:>10} {:>12} {:>10} {:>12}\n", "Client", "Sent", "Bytes", "Received", "Bytes");
        for (const auto& [name, c] : clients)
            fmt::format_to(it, "{:<40} {:>10} {:>12} {:>10} {:>12}\n", name, c.sent.packets, c.sent.bytes,
                           c.received.packets, c.received.bytes);
    }
    std::fwrite(o.data(), 1, o.size(), out);
}

}  // namespace mqtt::dump
