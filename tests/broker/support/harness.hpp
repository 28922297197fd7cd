#pragma once
// Engine test scripts: a fake clock, a recording transport, and clients that encode packets with the codec,
// decode them again (so the engine sees real wire-backed views) and hand them to the engine.
// g++ 12 at -O2/-O3 reports a false -Wrestrict inside std::string operator+ (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include <mqtt/broker/engine.hpp>
#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>

#include "recording_transport.hpp"

namespace mqtt::broker::test {

using namespace std::chrono_literals;
using codec::property;
using codec::property_id;
using codec::protocol_version;
using codec::qos;
using codec::reason_code;

inline std::span<const std::byte> bytes_of(std::string_view s) noexcept {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}
inline std::string text_of(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

template <class T>
const T* as(const received& r) noexcept {
    return r.decoded ? std::get_if<T>(&r.packet) : nullptr;
}

struct connect_options {
    bool clean_start = true;
    std::uint16_t keep_alive = 0;
    std::vector<property> properties;
    std::optional<std::string> username;
    std::optional<std::string> password;
    struct will_spec {
        std::string topic;
        std::string payload;
        qos q = qos::at_most_once;
        bool retain = false;
        std::vector<property> properties;
    };
    std::optional<will_spec> will;
};

struct sub_spec {
    std::string filter;
    qos q = qos::at_most_once;
    bool no_local = false;
    bool retain_as_published = false;
    std::uint8_t retain_handling = 0;
};

class harness;

class client {
public:
    client(harness& h, connection_id id, protocol_version v) : h_(&h), id_(id), version_(v) {}
    [[nodiscard]] connection_id id() const noexcept { return id_; }
    [[nodiscard]] protocol_version version() const noexcept { return version_; }

    // Encodes `p` in this client's version, decodes it back and hands it to the engine.
    void send(const codec::packet_view& p);
    void connect(std::string_view client_id, const connect_options& o = {});
    void publish(std::string_view topic, std::string_view payload, qos q = qos::at_most_once, std::uint16_t id = 0,
                 bool retain = false, std::vector<property> props = {}, bool dup = false);
    void subscribe(std::uint16_t id, std::vector<sub_spec> subs, std::vector<property> props = {});
    void unsubscribe(std::uint16_t id, std::vector<std::string> filters);
    void puback(std::uint16_t id, reason_code rc = reason_code::success);
    void pubrec(std::uint16_t id, reason_code rc = reason_code::success);
    void pubrel(std::uint16_t id);
    void pubcomp(std::uint16_t id);
    void pingreq();
    void disconnect(reason_code rc = reason_code::success, std::vector<property> props = {});
    void drop();  // network gone

    // Everything the engine sent to this connection since the last call.
    std::vector<received> take();
    // Exactly the PUBLISH packets among take().
    std::vector<codec::publish_view> publishes(std::vector<received>& keep);
    [[nodiscard]] bool closed() const;
    [[nodiscard]] std::optional<reason_code> close_reason() const;

private:
    friend class harness;
    harness* h_;
    std::vector<received> backlog_;  // packets that followed the CONNACK in harness::connected()
    connection_id id_;
    protocol_version version_;
};

class harness {
public:
    explicit harness(config c = {}, engine_hooks hooks = {}) : cfg(std::move(c)), eng(cfg, transport, hooks) {}

    client open(protocol_version v) {
        const connection_id id = next_id_++;
        transport.set_version(id, v);
        eng.on_connect(id, peer_info{"127.0.0.1:1", "test", {}}, now);
        return client(*this, id, v);
    }
    // open() + connect() + the CONNACK consumed (asserted successful).
    client connected(protocol_version v, std::string_view client_id, const connect_options& o = {});
    void advance(clock::duration d) {
        now += d;
        (void)eng.on_tick(now);
    }

    config cfg;
    recording_transport transport;
    engine eng;
    time_point now{std::chrono::hours(1)};

private:
    connection_id next_id_ = 1;
};

// ---- implementation (header-only to keep the support small) ----

inline void client::send(const codec::packet_view& p) {
    std::vector<std::byte> buf(codec::encoded_size(p, version_));
    auto n = codec::encode(p, version_, buf);
    ASSERT_TRUE(n) << "test packet does not encode";
    codec::decode_options opt;
    opt.version = codec::type_of(p) == codec::packet_type::connect ? protocol_version::unknown : version_;
    auto d = codec::decode(buf, opt);
    ASSERT_TRUE(d) << "test packet does not decode: " << codec::name(d.error().code);
    h_->eng.on_packet(id_, d->packet, h_->now);
}

inline void client::connect(std::string_view client_id, const connect_options& o) {
    codec::connect_view c;
    c.version = version_;
    c.clean_start = o.clean_start;
    c.keep_alive = o.keep_alive;
    c.client_id = client_id;
    if (version_ == protocol_version::v5) c.properties = codec::properties_view(std::span<const property>(o.properties));
    if (o.username) c.username = *o.username;
    if (o.password) c.password = bytes_of(*o.password);
    if (o.will) {
        codec::will_view w;
        w.topic = o.will->topic;
        w.payload = bytes_of(o.will->payload);
        w.qos = o.will->q;
        w.retain = o.will->retain;
        if (version_ == protocol_version::v5) w.properties = codec::properties_view(std::span<const property>(o.will->properties));
        c.will = w;
    }
    send(c);
}

inline void client::publish(std::string_view topic, std::string_view payload, qos q, std::uint16_t id, bool retain,
                            std::vector<property> props, bool dup) {
    codec::publish_view p;
    p.topic = topic;
    p.payload = bytes_of(payload);
    p.qos = q;
    p.packet_id = id;
    p.retain = retain;
    p.dup = dup;
    p.properties = codec::properties_view(std::span<const property>(props));
    send(p);
}

inline void client::subscribe(std::uint16_t id, std::vector<sub_spec> subs, std::vector<property> props) {
    std::vector<codec::subscription> list;
    for (const auto& s : subs)
        list.push_back({s.filter, codec::subscribe_options{s.q, s.no_local, s.retain_as_published, s.retain_handling}});
    codec::subscribe_view p;
    p.packet_id = id;
    p.properties = codec::properties_view(std::span<const property>(props));
    p.subscriptions = codec::subscription_list(std::span<const codec::subscription>(list));
    send(p);
}

inline void client::unsubscribe(std::uint16_t id, std::vector<std::string> filters) {
    std::vector<std::string_view> views(filters.begin(), filters.end());
    codec::unsubscribe_view p;
    p.packet_id = id;
    p.topic_filters = codec::topic_filter_list(std::span<const std::string_view>(views));
    send(p);
}

inline void client::puback(std::uint16_t id, reason_code rc) {
    codec::puback_view p;
    p.packet_id = id;
    p.reason = rc;
    send(p);
}
inline void client::pubrec(std::uint16_t id, reason_code rc) {
    codec::pubrec_view p;
    p.packet_id = id;
    p.reason = rc;
    send(p);
}
inline void client::pubrel(std::uint16_t id) {
    codec::pubrel_view p;
    p.packet_id = id;
    send(p);
}
inline void client::pubcomp(std::uint16_t id) {
    codec::pubcomp_view p;
    p.packet_id = id;
    send(p);
}
inline void client::pingreq() { send(codec::pingreq_view{}); }
inline void client::disconnect(reason_code rc, std::vector<property> props) {
    codec::disconnect_view p;
    p.reason = rc;
    p.properties = codec::properties_view(std::span<const property>(props));
    send(p);
}
inline void client::drop() { h_->eng.on_disconnect(id_, h_->now); }

inline std::vector<received> client::take() {
    auto fresh = h_->transport.take(id_);
    if (backlog_.empty()) return fresh;
    auto out = std::move(backlog_);
    backlog_.clear();
    out.insert(out.end(), fresh.begin(), fresh.end());
    return out;
}

inline std::vector<codec::publish_view> client::publishes(std::vector<received>& keep) {
    keep = take();
    std::vector<codec::publish_view> out;
    for (const auto& r : keep)
        if (auto p = as<codec::publish_view>(r)) out.push_back(*p);
    return out;
}

inline bool client::closed() const { return h_->transport.closed(id_); }
inline std::optional<reason_code> client::close_reason() const { return h_->transport.close_reason(id_); }

inline client harness::connected(protocol_version v, std::string_view client_id, const connect_options& o) {
    client c = open(v);
    c.connect(client_id, o);
    auto got = c.take();
    EXPECT_GE(got.size(), 1u);
    if (!got.empty()) {
        auto ack = as<codec::connack_view>(got[0]);
        EXPECT_NE(ack, nullptr);
        if (ack) { EXPECT_EQ(ack->reason, reason_code::success); }
        c.backlog_.assign(got.begin() + 1, got.end());  // resumed sessions: retransmissions and queued messages
    }
    return c;
}

// Runs a TEST_P over both protocol versions.
class both_versions : public ::testing::TestWithParam<protocol_version> {
protected:
    [[nodiscard]] protocol_version v() const { return GetParam(); }
    [[nodiscard]] bool v5() const { return GetParam() == protocol_version::v5; }
};
// Enhanced authentication with method "CHAL": the server challenges with "?", the answer "42" succeeds (with
// data "!"), anything else is refused. Plain CONNECTs are refused.
struct challenge_auth final : authenticator {
    reason_code authenticate(const connect_credentials&) override { return reason_code::not_authorized; }
    bool supports_method(std::string_view m) override { return m == "CHAL"; }
    auth_step start(connection_id, std::string_view, std::span<const std::byte>, const connect_credentials&) override {
        return {reason_code::continue_authentication, {std::byte{'?'}}};
    }
    auth_step step(connection_id, std::span<const std::byte> data) override {
        if (text_of(data) == "42") return {reason_code::success, {std::byte{'!'}}};
        return {reason_code::not_authorized, {}};
    }
};

inline std::string version_name(const ::testing::TestParamInfo<protocol_version>& i) {
    return i.param == protocol_version::v5 ? "v5" : "v311";
}

}  // namespace mqtt::broker::test
