#pragma once
// Field-by-field comparison of packet views (wire-backed or caller-built alike), with a message naming the first
// field that differs. The codec's views have no operator== because equality of borrowed views is a test concern.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <mqtt/codec/packets.hpp>
#include <mqtt/codec/properties.hpp>

#include "support/bytes.hpp"

namespace mqtt::test {

namespace detail {
inline bool same_bytes(std::span<const std::byte> a, std::span<const std::byte> b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

inline std::string describe(const codec::property& p) {
    std::ostringstream s;
    s << "{id=0x" << std::hex << static_cast<unsigned>(p.id) << std::dec << " integer=" << p.integer << " text=\""
      << p.text << "\" value=\"" << p.value << "\" binary=[" << to_hex(p.binary) << "]}";
    return s.str();
}

inline bool same_property(const codec::property& a, const codec::property& b) {
    return a.id == b.id && a.integer == b.integer && a.text == b.text && a.value == b.value &&
           same_bytes(a.binary, b.binary);
}

class differ {
public:
    template <class T>
    void field(const char* name, const T& a, const T& b) {
        if (!diff_.empty() || a == b) return;
        std::ostringstream s;
        s << name << " differs";
        if constexpr (std::is_enum_v<T>)
            s << ": " << static_cast<unsigned>(a) << " vs " << static_cast<unsigned>(b);
        else if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>)
            s << ": " << +a << " vs " << +b;
        else if constexpr (std::is_same_v<T, std::string_view>)
            s << ": \"" << a << "\" vs \"" << b << "\"";
        diff_ = s.str();
    }
    void bytes(const char* name, std::span<const std::byte> a, std::span<const std::byte> b) {
        if (!diff_.empty() || same_bytes(a, b)) return;
        diff_ = std::string(name) + " differs: [" + to_hex(a) + "] vs [" + to_hex(b) + "]";
    }
    void properties(const char* name, const codec::properties_view& a, const codec::properties_view& b) {
        if (!diff_.empty()) return;
        std::vector<codec::property> pa(a.begin(), a.end()), pb(b.begin(), b.end());
        if (pa.size() != pb.size()) {
            diff_ = std::string(name) + ": " + std::to_string(pa.size()) + " vs " + std::to_string(pb.size()) +
                    " properties";
            return;
        }
        for (std::size_t i = 0; i < pa.size(); ++i)
            if (!same_property(pa[i], pb[i])) {
                diff_ = std::string(name) + "[" + std::to_string(i) + "]: " + describe(pa[i]) + " vs " +
                        describe(pb[i]);
                return;
            }
    }
    template <class List>
    void list(const char* name, const List& a, const List& b) {
        if (!diff_.empty()) return;
        std::vector<typename List::value_type> va(a.begin(), a.end()), vb(b.begin(), b.end());
        if (va.size() != vb.size()) {
            diff_ = std::string(name) + ": " + std::to_string(va.size()) + " vs " + std::to_string(vb.size()) +
                    " entries";
            return;
        }
        for (std::size_t i = 0; i < va.size(); ++i) {
            const std::string n = std::string(name) + "[" + std::to_string(i) + "]";
            if constexpr (std::is_same_v<typename List::value_type, codec::subscription>) {
                field((n + ".topic_filter").c_str(), va[i].topic_filter, vb[i].topic_filter);
                field((n + ".max_qos").c_str(), va[i].options.max_qos, vb[i].options.max_qos);
                field((n + ".no_local").c_str(), va[i].options.no_local, vb[i].options.no_local);
                field((n + ".retain_as_published").c_str(), va[i].options.retain_as_published,
                      vb[i].options.retain_as_published);
                field((n + ".retain_handling").c_str(), va[i].options.retain_handling, vb[i].options.retain_handling);
            } else {
                field(n.c_str(), va[i], vb[i]);
            }
        }
    }
    [[nodiscard]] const std::string& result() const noexcept { return diff_; }

private:
    std::string diff_;
};

inline void compare(differ& d, const codec::will_view& a, const codec::will_view& b) {
    d.field("will.topic", a.topic, b.topic);
    d.bytes("will.payload", a.payload, b.payload);
    d.field("will.qos", a.qos, b.qos);
    d.field("will.retain", a.retain, b.retain);
    d.properties("will.properties", a.properties, b.properties);
}
inline void compare(differ& d, const codec::connect_view& a, const codec::connect_view& b) {
    d.field("version", a.version, b.version);
    d.field("clean_start", a.clean_start, b.clean_start);
    d.field("keep_alive", a.keep_alive, b.keep_alive);
    d.properties("properties", a.properties, b.properties);
    d.field("client_id", a.client_id, b.client_id);
    d.field("has will", a.will.has_value(), b.will.has_value());
    if (a.will && b.will) compare(d, *a.will, *b.will);
    d.field("has username", a.username.has_value(), b.username.has_value());
    if (a.username && b.username) d.field("username", *a.username, *b.username);
    d.field("has password", a.password.has_value(), b.password.has_value());
    if (a.password && b.password) d.bytes("password", *a.password, *b.password);
}
inline void compare(differ& d, const codec::connack_view& a, const codec::connack_view& b) {
    d.field("session_present", a.session_present, b.session_present);
    d.field("reason", a.reason, b.reason);
    d.properties("properties", a.properties, b.properties);
}
inline void compare(differ& d, const codec::publish_view& a, const codec::publish_view& b) {
    d.field("topic", a.topic, b.topic);
    d.bytes("payload", a.payload, b.payload);
    d.field("packet_id", a.packet_id, b.packet_id);
    d.field("qos", a.qos, b.qos);
    d.field("retain", a.retain, b.retain);
    d.field("dup", a.dup, b.dup);
    d.properties("properties", a.properties, b.properties);
}
template <codec::packet_type T>
void compare(differ& d, const codec::pub_response_view<T>& a, const codec::pub_response_view<T>& b) {
    d.field("packet_id", a.packet_id, b.packet_id);
    d.field("reason", a.reason, b.reason);
    d.properties("properties", a.properties, b.properties);
}
inline void compare(differ& d, const codec::subscribe_view& a, const codec::subscribe_view& b) {
    d.field("packet_id", a.packet_id, b.packet_id);
    d.properties("properties", a.properties, b.properties);
    d.list("subscriptions", a.subscriptions, b.subscriptions);
}
inline void compare(differ& d, const codec::suback_view& a, const codec::suback_view& b) {
    d.field("packet_id", a.packet_id, b.packet_id);
    d.properties("properties", a.properties, b.properties);
    d.list("reason_codes", a.reason_codes, b.reason_codes);
}
inline void compare(differ& d, const codec::unsubscribe_view& a, const codec::unsubscribe_view& b) {
    d.field("packet_id", a.packet_id, b.packet_id);
    d.properties("properties", a.properties, b.properties);
    d.list("topic_filters", a.topic_filters, b.topic_filters);
}
inline void compare(differ& d, const codec::unsuback_view& a, const codec::unsuback_view& b) {
    d.field("packet_id", a.packet_id, b.packet_id);
    d.properties("properties", a.properties, b.properties);
    d.list("reason_codes", a.reason_codes, b.reason_codes);
}
inline void compare(differ&, const codec::pingreq_view&, const codec::pingreq_view&) {}
inline void compare(differ&, const codec::pingresp_view&, const codec::pingresp_view&) {}
inline void compare(differ& d, const codec::disconnect_view& a, const codec::disconnect_view& b) {
    d.field("reason", a.reason, b.reason);
    d.properties("properties", a.properties, b.properties);
}
inline void compare(differ& d, const codec::auth_view& a, const codec::auth_view& b) {
    d.field("reason", a.reason, b.reason);
    d.properties("properties", a.properties, b.properties);
}
}  // namespace detail

// EXPECT_TRUE(packets_equal(a, b)): same type and every field equal.
inline ::testing::AssertionResult packets_equal(const codec::packet_view& a, const codec::packet_view& b) {
    if (a.index() != b.index())
        return ::testing::AssertionFailure() << "packet types differ: " << a.index() + 1 << " vs " << b.index() + 1;
    detail::differ d;
    std::visit(
        [&](const auto& va) {
            using V = std::decay_t<decltype(va)>;
            detail::compare(d, va, std::get<V>(b));
        },
        a);
    if (d.result().empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << d.result();
}

// EXPECT_TRUE(properties_are(view, {property::number(...), ...})): the same properties in the same order.
inline ::testing::AssertionResult properties_are(const codec::properties_view& actual,
                                                 std::initializer_list<codec::property> expected) {
    detail::differ d;
    const std::vector<codec::property> e(expected);
    d.properties("properties", actual, codec::properties_view(std::span<const codec::property>(e)));
    if (d.result().empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << d.result();
}

}  // namespace mqtt::test
