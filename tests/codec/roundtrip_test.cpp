// Round trips over generated packets: a seeded std::mt19937 builds random valid caller-built views of every packet
// type for both versions (properties as span<const property>, subscriptions as span<const subscription>, ...);
// encode -> decode -> same fields -> re-encode gives the same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>
#include <mqtt/codec/properties.hpp>

#include "support/codec_helpers.hpp"

namespace mqtt::test {
namespace {

using codec::property;
using codec::property_context;
using codec::property_id;
using codec::property_type;
using codec::qos;
using codec::reason_code;

// Owns everything the generated views point into; deques keep addresses stable as they grow.
class generator {
public:
    explicit generator(std::uint32_t seed) : rng_(seed) {}

    codec::packet_view make(codec::packet_type type, protocol_version v) {
        using codec::packet_type;
        switch (type) {
        case packet_type::connect: return connect(v);
        case packet_type::connack: return connack(v);
        case packet_type::publish: return publish(v);
        case packet_type::puback: return pub_response<packet_type::puback>(v, property_context::puback);
        case packet_type::pubrec: return pub_response<packet_type::pubrec>(v, property_context::pubrec);
        case packet_type::pubrel: return pub_response<packet_type::pubrel>(v, property_context::pubrel);
        case packet_type::pubcomp: return pub_response<packet_type::pubcomp>(v, property_context::pubcomp);
        case packet_type::subscribe: return subscribe(v);
        case packet_type::suback: return suback(v);
        case packet_type::unsubscribe: return unsubscribe(v);
        case packet_type::unsuback: return unsuback(v);
        case packet_type::pingreq: return codec::pingreq_view{};
        case packet_type::pingresp: return codec::pingresp_view{};
        case packet_type::disconnect: return disconnect(v);
        case packet_type::auth: return auth();
        case packet_type::reserved: break;
        }
        return codec::pingreq_view{};
    }

private:
    std::uint32_t uniform(std::uint32_t lo, std::uint32_t hi) { return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng_); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
    template <class T>
    T pick(std::initializer_list<T> items) { return items.begin()[uniform(0, static_cast<std::uint32_t>(items.size() - 1))]; }

    // Valid UTF-8 text from one- to four-byte characters, no U+0000, no '/', '+' or '#'.
    std::string text(std::uint32_t min_chars, std::uint32_t max_chars) {
        static constexpr std::string_view pieces[] = {"a", "b", "z", "Q", "0", "9", " ", "-", "_", "$",
                                                      "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9d\x84\x9e", "\xef\xbb\xbf"};
        std::string s;
        const auto n = uniform(min_chars, max_chars);
        for (std::uint32_t i = 0; i < n; ++i) s += pieces[uniform(0, std::size(pieces) - 1)];
        return s;
    }
    std::string_view keep(std::string s) { return strings_.emplace_back(std::move(s)); }
    std::span<const std::byte> blob(std::uint32_t max) {
        auto& b = blobs_.emplace_back(uniform(0, max));
        for (auto& x : b) x = static_cast<std::byte>(rng_() & 0xFFu);
        return b;
    }
    std::string topic_name_string() {
        std::string s;
        const auto levels = uniform(1, 4);
        for (std::uint32_t i = 0; i < levels; ++i) {
            if (i) s += '/';
            s += text(0, 4);
        }
        if (s.empty()) s = "t";
        if (s.front() == '$' && chance(0.5)) s.insert(s.begin(), 'x');
        return s;
    }
    std::string_view topic_name() { return keep(topic_name_string()); }
    std::string_view topic_filter(protocol_version v, bool* shared = nullptr) {
        std::string s;
        const auto levels = uniform(1, 4);
        for (std::uint32_t i = 0; i < levels; ++i) {
            if (i) s += '/';
            s += chance(0.2) ? std::string("+") : text(0, 3);
        }
        if (chance(0.2)) s += s.empty() ? "#" : "/#";
        if (s.empty()) s = "f";
        const bool is_shared = v == protocol_version::v5 && chance(0.15);
        if (is_shared) s = "$share/" + text(1, 3) + "/" + s;
        if (shared) *shared = is_shared;
        return keep(std::move(s));
    }

    property value_for(property_id id) {
        switch (codec::type_of(id)) {
        case property_type::byte: return property::number(id, uniform(0, 1));  // every byte property is 0 or 1
        case property_type::two_byte_integer: return property::number(id, uniform(1, 0xFFFF));
        case property_type::four_byte_integer:
            return property::number(id, id == property_id::maximum_packet_size ? uniform(1, 0xFFFFFFFF)
                                                                               : uniform(0, 0xFFFFFFFF));
        case property_type::variable_byte_integer:
            return property::number(id, pick<std::uint32_t>({1, 127, 128, 16383, 16384, 2097152, 268435455,
                                                             uniform(1, 268435455)}));
        case property_type::utf8_string:
            return property::string(id, id == property_id::response_topic ? topic_name() : keep(text(0, 6)));
        case property_type::binary_data: return property::bytes(id, blob(8));
        case property_type::utf8_string_pair: return property::user(keep(text(0, 4)), keep(text(0, 4)));
        case property_type::invalid: break;
        }
        return property::user("", "");
    }

    // A valid property list for `where`: each allowed property with probability 0.3, User Property 0-2 times,
    // Subscription Identifier 0-2 times in a PUBLISH; Authentication Data only with a Method. Shuffled.
    codec::properties_view properties(protocol_version v, property_context where) {
        if (v != protocol_version::v5) return {};
        auto& list = properties_.emplace_back();
        bool has_data = false, has_method = false;
        for (unsigned raw = 1; raw < 0x2B; ++raw) {
            const auto id = static_cast<property_id>(raw);
            if (codec::type_of(id) == property_type::invalid || !codec::is_allowed(id, where)) continue;
            const bool repeats = id == property_id::user_property ||
                                 (id == property_id::subscription_identifier && where == property_context::publish);
            const auto count = repeats ? uniform(0, 2) : (chance(0.3) ? 1u : 0u);
            for (std::uint32_t i = 0; i < count; ++i) list.push_back(value_for(id));
            has_data |= count > 0 && id == property_id::authentication_data;
            has_method |= count > 0 && id == property_id::authentication_method;
        }
        if (has_data && !has_method) list.push_back(value_for(property_id::authentication_method));
        std::shuffle(list.begin(), list.end(), rng_);
        return std::span<const property>(list);
    }

    codec::packet_view connect(protocol_version v) {
        codec::connect_view c;
        c.version = v;
        c.clean_start = chance(0.5);
        c.keep_alive = static_cast<std::uint16_t>(uniform(0, 0xFFFF));
        c.properties = properties(v, property_context::connect);
        c.client_id = keep(text(0, 23));
        if (chance(0.5)) {
            codec::will_view w;
            w.topic = topic_name();
            w.payload = blob(16);
            w.qos = static_cast<qos>(uniform(0, 2));
            w.retain = chance(0.5);
            w.properties = properties(v, property_context::will);
            c.will = w;
        }
        if (chance(0.5)) c.username = keep(text(0, 8));
        // MQTT-3.1.2-22 (v3.1.1): a password needs a user name.
        if (chance(0.5) && (v == protocol_version::v5 || c.username)) c.password = blob(8);
        return c;
    }
    codec::packet_view connack(protocol_version v) {
        codec::connack_view c;
        c.reason = v == protocol_version::v5
                       ? pick<reason_code>({reason_code::success, reason_code::unspecified_error,
                                            reason_code::malformed_packet, reason_code::banned,
                                            reason_code::bad_authentication_method, reason_code::packet_too_large,
                                            reason_code::server_moved, reason_code::connection_rate_exceeded})
                       : pick<reason_code>({reason_code::success, reason_code::unsupported_protocol_version,
                                            reason_code::client_identifier_not_valid, reason_code::server_unavailable,
                                            reason_code::bad_user_name_or_password, reason_code::not_authorized});
        c.session_present = !codec::is_error(c.reason) && chance(0.5);
        c.properties = properties(v, property_context::connack);
        return c;
    }
    codec::packet_view publish(protocol_version v) {
        codec::publish_view p;
        p.qos = static_cast<qos>(uniform(0, 2));
        p.packet_id = p.qos == qos::at_most_once ? 0 : static_cast<std::uint16_t>(uniform(1, 0xFFFF));
        p.dup = p.qos != qos::at_most_once && chance(0.3);
        p.retain = chance(0.5);
        p.payload = blob(64);
        p.properties = properties(v, property_context::publish);
        const bool alias = p.properties.find(property_id::topic_alias).has_value();
        p.topic = alias && chance(0.5) ? std::string_view{} : topic_name();
        return p;
    }
    template <codec::packet_type T>
    codec::packet_view pub_response(protocol_version v, property_context where) {
        codec::pub_response_view<T> p;
        p.packet_id = static_cast<std::uint16_t>(uniform(1, 0xFFFF));
        if (v == protocol_version::v5) {
            if constexpr (T == codec::packet_type::pubrel || T == codec::packet_type::pubcomp)
                p.reason = pick<reason_code>({reason_code::success, reason_code::packet_identifier_not_found});
            else
                p.reason = pick<reason_code>({reason_code::success, reason_code::no_matching_subscribers,
                                              reason_code::unspecified_error, reason_code::not_authorized,
                                              reason_code::payload_format_invalid});
            p.properties = properties(v, where);
        }
        return p;
    }
    codec::packet_view subscribe(protocol_version v) {
        codec::subscribe_view s;
        s.packet_id = static_cast<std::uint16_t>(uniform(1, 0xFFFF));
        s.properties = properties(v, property_context::subscribe);
        auto& subs = subscriptions_.emplace_back();
        const auto n = uniform(1, 5);
        for (std::uint32_t i = 0; i < n; ++i) {
            bool shared = false;
            codec::subscription sub{topic_filter(v, &shared), {}};
            sub.options.max_qos = static_cast<qos>(uniform(0, 2));
            if (v == protocol_version::v5) {
                sub.options.no_local = !shared && chance(0.5);  // MQTT-3.8.3-4 (v5)
                sub.options.retain_as_published = chance(0.5);
                sub.options.retain_handling = static_cast<std::uint8_t>(uniform(0, 2));
            }
            subs.push_back(sub);
        }
        s.subscriptions = std::span<const codec::subscription>(subs);
        return s;
    }
    codec::reason_code_list codes(std::initializer_list<reason_code> allowed, std::uint32_t min) {
        auto& list = codes_.emplace_back();
        const auto n = uniform(min, 6);
        for (std::uint32_t i = 0; i < n; ++i) list.push_back(pick<reason_code>(allowed));
        return std::span<const reason_code>(list);
    }
    codec::packet_view suback(protocol_version v) {
        codec::suback_view s;
        s.packet_id = static_cast<std::uint16_t>(uniform(1, 0xFFFF));
        s.properties = properties(v, property_context::suback);
        s.reason_codes =
            v == protocol_version::v5
                ? codes({reason_code::success, reason_code::granted_qos_1, reason_code::granted_qos_2,
                         reason_code::unspecified_error, reason_code::topic_filter_invalid,
                         reason_code::quota_exceeded, reason_code::wildcard_subscriptions_not_supported},
                        1)
                : codes({reason_code::success, reason_code::granted_qos_1, reason_code::granted_qos_2,
                         reason_code::unspecified_error},
                        1);
        return s;
    }
    codec::packet_view unsubscribe(protocol_version v) {
        codec::unsubscribe_view u;
        u.packet_id = static_cast<std::uint16_t>(uniform(1, 0xFFFF));
        u.properties = properties(v, property_context::unsubscribe);
        auto& filters = filters_.emplace_back();
        const auto n = uniform(1, 5);
        for (std::uint32_t i = 0; i < n; ++i) filters.push_back(topic_filter(v));
        u.topic_filters = std::span<const std::string_view>(filters);
        return u;
    }
    codec::packet_view unsuback(protocol_version v) {
        codec::unsuback_view u;
        u.packet_id = static_cast<std::uint16_t>(uniform(1, 0xFFFF));
        if (v == protocol_version::v5) {
            u.properties = properties(v, property_context::unsuback);
            u.reason_codes = codes({reason_code::success, reason_code::no_subscription_existed,
                                    reason_code::not_authorized, reason_code::packet_identifier_in_use},
                                   1);
        }
        return u;
    }
    codec::packet_view disconnect(protocol_version v) {
        codec::disconnect_view d;
        if (v == protocol_version::v5) {
            d.reason = pick<reason_code>({reason_code::success, reason_code::disconnect_with_will_message,
                                          reason_code::protocol_error, reason_code::server_shutting_down,
                                          reason_code::session_taken_over, reason_code::use_another_server,
                                          reason_code::wildcard_subscriptions_not_supported});
            d.properties = properties(v, property_context::disconnect);
        }
        return d;
    }
    codec::packet_view auth() {
        codec::auth_view a;
        a.reason = pick<reason_code>({reason_code::success, reason_code::continue_authentication,
                                      reason_code::re_authenticate});
        a.properties = properties(protocol_version::v5, property_context::auth);
        return a;
    }

    std::mt19937 rng_;
    std::deque<std::string> strings_;
    std::deque<std::vector<std::byte>> blobs_;
    std::deque<std::vector<property>> properties_;
    std::deque<std::vector<codec::subscription>> subscriptions_;
    std::deque<std::vector<reason_code>> codes_;
    std::deque<std::vector<std::string_view>> filters_;
};

constexpr int iterations_per_type = 400;

class RoundTrip : public ::testing::TestWithParam<protocol_version> {};
INSTANTIATE_TEST_SUITE_P(Both, RoundTrip, ::testing::Values(protocol_version::v311, protocol_version::v5),
                         version_name);

// encode -> decode -> the same fields -> re-encode is byte-identical, for every packet type the version has.
TEST_P(RoundTrip, GeneratedPacketsOfEveryType) {
    const auto v = GetParam();
    const auto last = v == protocol_version::v5 ? 15u : 14u;  // AUTH only in 5.0
    std::size_t total = 0;
    for (unsigned t = 1; t <= last; ++t) {
        const auto type = static_cast<codec::packet_type>(t);
        SCOPED_TRACE(codec::name(type));
        generator gen(0xC0DEC000u + t * 7919u + static_cast<unsigned>(v));
        for (int i = 0; i < iterations_per_type; ++i) {
            const codec::packet_view p = gen.make(type, v);
            const auto bytes = encode_to_vector(p, v);
            ASSERT_FALSE(bytes.empty());
            auto r = codec::decode(bytes, options_for(v));
            ASSERT_TRUE(r.has_value()) << "iteration " << i << ": errc::" << codec::name(r.error().code) << " at "
                                       << r.error().offset << " in " << to_hex(bytes);
            EXPECT_EQ(r->consumed, bytes.size());
            ASSERT_TRUE(packets_equal(p, r->packet)) << "iteration " << i << ": " << to_hex(bytes);
            EXPECT_EQ(to_hex(encode_to_vector(r->packet, v)), to_hex(bytes)) << "iteration " << i;
            ++total;
        }
    }
    EXPECT_EQ(total, static_cast<std::size_t>(last) * iterations_per_type);
}

// The same generated packets, all in one buffer, decode back in order (streaming over generated input).
TEST_P(RoundTrip, GeneratedStreamDecodesInOrder) {
    const auto v = GetParam();
    generator gen(424242u);
    std::vector<std::byte> stream;
    std::vector<std::size_t> sizes;
    for (int i = 0; i < 500; ++i) {
        const auto type = static_cast<codec::packet_type>(1 + i % (v == protocol_version::v5 ? 15 : 14));
        const auto b = encode_to_vector(gen.make(type, v), v);
        sizes.push_back(b.size());
        stream.insert(stream.end(), b.begin(), b.end());
    }
    std::span<const std::byte> rest(stream);
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        auto r = codec::decode(rest, options_for(v));
        ASSERT_TRUE(r.has_value()) << i;
        ASSERT_EQ(r->consumed, sizes[i]);
        EXPECT_EQ(static_cast<unsigned>(codec::type_of(r->packet)), 1 + i % (v == protocol_version::v5 ? 15 : 14));
        rest = rest.subspan(r->consumed);
    }
    EXPECT_TRUE(rest.empty());
}

}  // namespace
}  // namespace mqtt::test
