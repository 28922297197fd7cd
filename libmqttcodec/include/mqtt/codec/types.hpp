#pragma once
// Protocol vocabulary shared by every layer: versions, packet types, QoS, reason codes, property identifiers.
#include <cstdint>
#include <string_view>

namespace mqtt::codec {

// The CONNECT "protocol level" byte. `unknown` means no CONNECT has been seen yet.
enum class protocol_version : std::uint8_t { unknown = 0, v311 = 4, v5 = 5 };

enum class packet_type : std::uint8_t {
    reserved = 0,
    connect = 1,
    connack = 2,
    publish = 3,
    puback = 4,
    pubrec = 5,
    pubrel = 6,
    pubcomp = 7,
    subscribe = 8,
    suback = 9,
    unsubscribe = 10,
    unsuback = 11,
    pingreq = 12,
    pingresp = 13,
    disconnect = 14,
    auth = 15,
};

enum class qos : std::uint8_t { at_most_once = 0, at_least_once = 1, exactly_once = 2 };

// MQTT 5.0 reason codes (Table 2-6). The 3.1.1 CONNACK return codes and SUBACK codes are mapped onto these by
// the codec (see connack_view), so the engine speaks one vocabulary for both versions.
enum class reason_code : std::uint8_t {
    success = 0x00,  // also: normal disconnection, granted QoS 0
    granted_qos_1 = 0x01,
    granted_qos_2 = 0x02,
    disconnect_with_will_message = 0x04,
    no_matching_subscribers = 0x10,
    no_subscription_existed = 0x11,
    continue_authentication = 0x18,
    re_authenticate = 0x19,
    unspecified_error = 0x80,
    malformed_packet = 0x81,
    protocol_error = 0x82,
    implementation_specific_error = 0x83,
    unsupported_protocol_version = 0x84,
    client_identifier_not_valid = 0x85,
    bad_user_name_or_password = 0x86,
    not_authorized = 0x87,
    server_unavailable = 0x88,
    server_busy = 0x89,
    banned = 0x8A,
    server_shutting_down = 0x8B,
    bad_authentication_method = 0x8C,
    keep_alive_timeout = 0x8D,
    session_taken_over = 0x8E,
    topic_filter_invalid = 0x8F,
    topic_name_invalid = 0x90,
    packet_identifier_in_use = 0x91,
    packet_identifier_not_found = 0x92,
    receive_maximum_exceeded = 0x93,
    topic_alias_invalid = 0x94,
    packet_too_large = 0x95,
    message_rate_too_high = 0x96,
    quota_exceeded = 0x97,
    administrative_action = 0x98,
    payload_format_invalid = 0x99,
    retain_not_supported = 0x9A,
    qos_not_supported = 0x9B,
    use_another_server = 0x9C,
    server_moved = 0x9D,
    shared_subscriptions_not_supported = 0x9E,
    connection_rate_exceeded = 0x9F,
    maximum_connect_time = 0xA0,
    subscription_identifiers_not_supported = 0xA1,
    wildcard_subscriptions_not_supported = 0xA2,
};

// MQTT 5.0 property identifiers (section 2.2.2.2).
enum class property_id : std::uint8_t {
    payload_format_indicator = 0x01,
    message_expiry_interval = 0x02,
    content_type = 0x03,
    response_topic = 0x08,
    correlation_data = 0x09,
    subscription_identifier = 0x0B,
    session_expiry_interval = 0x11,
    assigned_client_identifier = 0x12,
    server_keep_alive = 0x13,
    authentication_method = 0x15,
    authentication_data = 0x16,
    request_problem_information = 0x17,
    will_delay_interval = 0x18,
    request_response_information = 0x19,
    response_information = 0x1A,
    server_reference = 0x1C,
    reason_string = 0x1F,
    receive_maximum = 0x21,
    topic_alias_maximum = 0x22,
    topic_alias = 0x23,
    maximum_qos = 0x24,
    retain_available = 0x25,
    user_property = 0x26,
    maximum_packet_size = 0x27,
    wildcard_subscription_available = 0x28,
    subscription_identifier_available = 0x29,
    shared_subscription_available = 0x2A,
};

// How a property's value is written on the wire (section 1.5).
enum class property_type : std::uint8_t { byte, two_byte_integer, four_byte_integer, variable_byte_integer,
                                          utf8_string, binary_data, utf8_string_pair, invalid };

[[nodiscard]] property_type type_of(property_id id) noexcept;
[[nodiscard]] std::string_view name(packet_type t) noexcept;
[[nodiscard]] std::string_view name(reason_code c) noexcept;
[[nodiscard]] std::string_view name(property_id id) noexcept;
[[nodiscard]] std::string_view name(protocol_version v) noexcept;

// MQTT 3.1.1 CONNACK return codes (Table 3.1) <-> the 5.0 reason codes the codec uses for both versions.
// Codes 3.1.1 cannot express map to the closest return code (for example "server unavailable").
[[nodiscard]] std::uint8_t to_v311_connect_return_code(reason_code c) noexcept;
[[nodiscard]] bool from_v311_connect_return_code(std::uint8_t code, reason_code& out) noexcept;

[[nodiscard]] constexpr bool is_error(reason_code c) noexcept { return static_cast<std::uint8_t>(c) >= 0x80; }

}  // namespace mqtt::codec
