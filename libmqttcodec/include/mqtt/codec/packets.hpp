#pragma once
// One *_view struct per control packet. Views borrow: every string_view, span and list points into the bytes given
// to decode() (or into what the caller built for encode()), and is valid only as long as those bytes are.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include <mqtt/codec/list_view.hpp>
#include <mqtt/codec/properties.hpp>
#include <mqtt/codec/types.hpp>

namespace mqtt::codec {

using bytes_view = std::span<const std::byte>;

struct will_view {
    std::string_view topic;
    bytes_view payload;
    codec::qos qos = qos::at_most_once;
    bool retain = false;
    properties_view properties;  // v5 only
};

struct connect_view {
    protocol_version version = protocol_version::v311;  // the protocol level byte
    bool clean_start = true;                            // "Clean Session" in 3.1.1
    std::uint16_t keep_alive = 0;                       // seconds; 0 disables the keep-alive mechanism
    properties_view properties;
    std::string_view client_id;
    std::optional<will_view> will;
    std::optional<std::string_view> username;
    std::optional<bytes_view> password;
};

// The return code is a 5.0 reason code for both versions; 3.1.1 return codes 0..5 map to 0x00, 0x84..0x87, 0x88.
struct connack_view {
    bool session_present = false;
    reason_code reason = reason_code::success;
    properties_view properties;
};

struct publish_view {
    std::string_view topic;  // empty only in v5 with a Topic Alias property
    bytes_view payload;
    std::uint16_t packet_id = 0;  // 0 exactly when qos == at_most_once
    codec::qos qos = qos::at_most_once;
    bool retain = false;
    bool dup = false;
    properties_view properties;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP share one layout (sections 3.4 to 3.7).
template <packet_type Type>
struct pub_response_view {
    static constexpr packet_type type = Type;
    std::uint16_t packet_id = 0;
    reason_code reason = reason_code::success;  // v5; reads as success when omitted (Remaining Length 2)
    properties_view properties;
};
using puback_view = pub_response_view<packet_type::puback>;
using pubrec_view = pub_response_view<packet_type::pubrec>;
using pubrel_view = pub_response_view<packet_type::pubrel>;
using pubcomp_view = pub_response_view<packet_type::pubcomp>;

struct subscribe_options {
    codec::qos max_qos = qos::at_most_once;
    bool no_local = false;             // v5
    bool retain_as_published = false;  // v5
    std::uint8_t retain_handling = 0;  // v5: 0 send retained, 1 only if new, 2 never
    friend bool operator==(const subscribe_options&, const subscribe_options&) = default;
};
struct subscription {
    std::string_view topic_filter;
    subscribe_options options;
};
namespace detail {
struct subscription_traits {
    using value_type = subscription;
    static subscription read(const std::byte*& p) noexcept;
};
struct topic_filter_traits {
    using value_type = std::string_view;
    static std::string_view read(const std::byte*& p) noexcept;
};
struct reason_code_traits {
    using value_type = reason_code;
    static reason_code read(const std::byte*& p) noexcept { return static_cast<reason_code>(*p++); }
};
}  // namespace detail
using subscription_list = list_view<detail::subscription_traits>;
using topic_filter_list = list_view<detail::topic_filter_traits>;
using reason_code_list = list_view<detail::reason_code_traits>;

struct subscribe_view {
    std::uint16_t packet_id = 0;
    properties_view properties;
    subscription_list subscriptions;  // at least one
};

struct suback_view {
    std::uint16_t packet_id = 0;
    properties_view properties;
    reason_code_list reason_codes;  // one per filter; 3.1.1 return codes 0, 1, 2, 0x80 are the same numbers
};

struct unsubscribe_view {
    std::uint16_t packet_id = 0;
    properties_view properties;
    topic_filter_list topic_filters;  // at least one
};

struct unsuback_view {
    std::uint16_t packet_id = 0;
    properties_view properties;
    reason_code_list reason_codes;  // v5 only; 3.1.1 UNSUBACK has no payload
};

struct pingreq_view {};
struct pingresp_view {};

struct disconnect_view {
    reason_code reason = reason_code::success;  // v5
    properties_view properties;
};

struct auth_view {  // v5 only
    reason_code reason = reason_code::success;
    properties_view properties;
};

// Alternative index + 1 == packet_type value.
using packet_view = std::variant<connect_view, connack_view, publish_view, puback_view, pubrec_view, pubrel_view,
                                 pubcomp_view, subscribe_view, suback_view, unsubscribe_view, unsuback_view,
                                 pingreq_view, pingresp_view, disconnect_view, auth_view>;

[[nodiscard]] inline packet_type type_of(const packet_view& p) noexcept {
    return static_cast<packet_type>(p.index() + 1);
}

}  // namespace mqtt::codec
