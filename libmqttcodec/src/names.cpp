// Names of enumerators (for logs and formatters) and the 3.1.1 <-> 5.0 CONNACK code mapping.
#include <mqtt/codec/result.hpp>
#include <mqtt/codec/types.hpp>

namespace mqtt::codec {

std::string_view name(packet_type t) noexcept {
    switch (t) {
    case packet_type::reserved: return "RESERVED";
    case packet_type::connect: return "CONNECT";
    case packet_type::connack: return "CONNACK";
    case packet_type::publish: return "PUBLISH";
    case packet_type::puback: return "PUBACK";
    case packet_type::pubrec: return "PUBREC";
    case packet_type::pubrel: return "PUBREL";
    case packet_type::pubcomp: return "PUBCOMP";
    case packet_type::subscribe: return "SUBSCRIBE";
    case packet_type::suback: return "SUBACK";
    case packet_type::unsubscribe: return "UNSUBSCRIBE";
    case packet_type::unsuback: return "UNSUBACK";
    case packet_type::pingreq: return "PINGREQ";
    case packet_type::pingresp: return "PINGRESP";
    case packet_type::disconnect: return "DISCONNECT";
    case packet_type::auth: return "AUTH";
    }
    return "?";
}

std::string_view name(protocol_version v) noexcept {
    switch (v) {
    case protocol_version::unknown: return "unknown";
    case protocol_version::v311: return "3.1.1";
    case protocol_version::v5: return "5.0";
    }
    return "?";
}

std::string_view name(reason_code c) noexcept {
    switch (c) {
    case reason_code::success: return "Success";
    case reason_code::granted_qos_1: return "Granted QoS 1";
    case reason_code::granted_qos_2: return "Granted QoS 2";
    case reason_code::disconnect_with_will_message: return "Disconnect with Will Message";
    case reason_code::no_matching_subscribers: return "No matching subscribers";
    case reason_code::no_subscription_existed: return "No subscription existed";
    case reason_code::continue_authentication: return "Continue authentication";
    case reason_code::re_authenticate: return "Re-authenticate";
    case reason_code::unspecified_error: return "Unspecified error";
    case reason_code::malformed_packet: return "Malformed Packet";
    case reason_code::protocol_error: return "Protocol Error";
    case reason_code::implementation_specific_error: return "Implementation specific error";
    case reason_code::unsupported_protocol_version: return "Unsupported Protocol Version";
    case reason_code::client_identifier_not_valid: return "Client Identifier not valid";
    case reason_code::bad_user_name_or_password: return "Bad User Name or Password";
    case reason_code::not_authorized: return "Not authorized";
    case reason_code::server_unavailable: return "Server unavailable";
    case reason_code::server_busy: return "Server busy";
    case reason_code::banned: return "Banned";
    case reason_code::server_shutting_down: return "Server shutting down";
    case reason_code::bad_authentication_method: return "Bad authentication method";
    case reason_code::keep_alive_timeout: return "Keep Alive timeout";
    case reason_code::session_taken_over: return "Session taken over";
    case reason_code::topic_filter_invalid: return "Topic Filter invalid";
    case reason_code::topic_name_invalid: return "Topic Name invalid";
    case reason_code::packet_identifier_in_use: return "Packet Identifier in use";
    case reason_code::packet_identifier_not_found: return "Packet Identifier not found";
    case reason_code::receive_maximum_exceeded: return "Receive Maximum exceeded";
    case reason_code::topic_alias_invalid: return "Topic Alias invalid";
    case reason_code::packet_too_large: return "Packet too large";
    case reason_code::message_rate_too_high: return "Message rate too high";
    case reason_code::quota_exceeded: return "Quota exceeded";
    case reason_code::administrative_action: return "Administrative action";
    case reason_code::payload_format_invalid: return "Payload format invalid";
    case reason_code::retain_not_supported: return "Retain not supported";
    case reason_code::qos_not_supported: return "QoS not supported";
    case reason_code::use_another_server: return "Use another server";
    case reason_code::server_moved: return "Server moved";
    case reason_code::shared_subscriptions_not_supported: return "Shared Subscriptions not supported";
    case reason_code::connection_rate_exceeded: return "Connection rate exceeded";
    case reason_code::maximum_connect_time: return "Maximum connect time";
    case reason_code::subscription_identifiers_not_supported: return "Subscription Identifiers not supported";
    case reason_code::wildcard_subscriptions_not_supported: return "Wildcard Subscriptions not supported";
    }
    return "Unknown reason code";
}

std::string_view name(property_id id) noexcept {
    switch (id) {
    case property_id::payload_format_indicator: return "Payload Format Indicator";
    case property_id::message_expiry_interval: return "Message Expiry Interval";
    case property_id::content_type: return "Content Type";
    case property_id::response_topic: return "Response Topic";
    case property_id::correlation_data: return "Correlation Data";
    case property_id::subscription_identifier: return "Subscription Identifier";
    case property_id::session_expiry_interval: return "Session Expiry Interval";
    case property_id::assigned_client_identifier: return "Assigned Client Identifier";
    case property_id::server_keep_alive: return "Server Keep Alive";
    case property_id::authentication_method: return "Authentication Method";
    case property_id::authentication_data: return "Authentication Data";
    case property_id::request_problem_information: return "Request Problem Information";
    case property_id::will_delay_interval: return "Will Delay Interval";
    case property_id::request_response_information: return "Request Response Information";
    case property_id::response_information: return "Response Information";
    case property_id::server_reference: return "Server Reference";
    case property_id::reason_string: return "Reason String";
    case property_id::receive_maximum: return "Receive Maximum";
    case property_id::topic_alias_maximum: return "Topic Alias Maximum";
    case property_id::topic_alias: return "Topic Alias";
    case property_id::maximum_qos: return "Maximum QoS";
    case property_id::retain_available: return "Retain Available";
    case property_id::user_property: return "User Property";
    case property_id::maximum_packet_size: return "Maximum Packet Size";
    case property_id::wildcard_subscription_available: return "Wildcard Subscription Available";
    case property_id::subscription_identifier_available: return "Subscription Identifier Available";
    case property_id::shared_subscription_available: return "Shared Subscription Available";
    }
    return "Unknown property";
}

std::string_view name(errc e) noexcept {
    switch (e) {
    case errc::incomplete: return "incomplete";
    case errc::buffer_too_small: return "buffer too small";
    case errc::field_too_long: return "string or binary field longer than 65535 bytes";
    case errc::packet_too_large: return "packet too large";
    case errc::reserved_packet_type: return "reserved packet type";
    case errc::invalid_fixed_header_flags: return "invalid fixed header flags";
    case errc::malformed_variable_byte_integer: return "malformed variable byte integer";
    case errc::malformed_remaining_length: return "fields do not match the remaining length";
    case errc::invalid_utf8: return "invalid UTF-8";
    case errc::utf8_contains_null: return "UTF-8 string contains U+0000";
    case errc::invalid_protocol_name: return "invalid protocol name";
    case errc::unsupported_protocol_version: return "unsupported protocol version";
    case errc::connect_expected: return "first packet is not CONNECT";
    case errc::invalid_connect_flags: return "invalid CONNECT flags";
    case errc::invalid_connack_flags: return "invalid CONNACK flags";
    case errc::invalid_qos: return "invalid QoS";
    case errc::invalid_packet_id: return "packet identifier 0";
    case errc::invalid_topic_name: return "invalid topic name";
    case errc::invalid_topic_filter: return "invalid topic filter";
    case errc::topic_alias_missing: return "empty topic without a topic alias";
    case errc::empty_subscription_list: return "no topic filters";
    case errc::invalid_subscription_options: return "invalid subscription options";
    case errc::invalid_subscription_option_value: return "subscription option QoS 3 or Retain Handling 3";
    case errc::no_local_on_shared_subscription: return "No Local on a shared subscription";
    case errc::invalid_reason_code: return "reason code not allowed on this packet";
    case errc::malformed_property: return "malformed property";
    case errc::property_not_allowed: return "property not allowed on this packet";
    case errc::duplicate_property: return "property included more than once";
    case errc::invalid_property_value: return "invalid property value";
    case errc::missing_authentication_method: return "authentication data without authentication method";
    }
    return "?";
}

reason_code to_reason_code(errc e) noexcept {
    switch (e) {
    case errc::packet_too_large: return reason_code::packet_too_large;
    case errc::unsupported_protocol_version:
    case errc::invalid_protocol_name: return reason_code::unsupported_protocol_version;  // MQTT-3.1.2-1/2 (v5)
    case errc::topic_alias_missing:
    case errc::no_local_on_shared_subscription:
    case errc::connect_expected:
    case errc::duplicate_property:
    case errc::invalid_property_value:
    case errc::missing_authentication_method:
    case errc::empty_subscription_list:
    case errc::invalid_subscription_option_value: return reason_code::protocol_error;
    case errc::invalid_topic_name: return reason_code::topic_name_invalid;
    case errc::invalid_topic_filter: return reason_code::topic_filter_invalid;
    case errc::incomplete:
    case errc::buffer_too_small:
    case errc::field_too_long: return reason_code::implementation_specific_error;  // not receive errors
    default: return reason_code::malformed_packet;
    }
}

std::uint8_t to_v311_connect_return_code(reason_code c) noexcept {
    switch (c) {
    case reason_code::success: return 0;
    case reason_code::unsupported_protocol_version: return 1;
    case reason_code::client_identifier_not_valid: return 2;
    case reason_code::bad_user_name_or_password: return 4;
    case reason_code::not_authorized:
    case reason_code::banned: return 5;
    default: return 3;  // server unavailable: the closest 3.1.1 has for everything else
    }
}

bool from_v311_connect_return_code(std::uint8_t code, reason_code& out) noexcept {
    static constexpr reason_code table[] = {reason_code::success, reason_code::unsupported_protocol_version,
                                            reason_code::client_identifier_not_valid, reason_code::server_unavailable,
                                            reason_code::bad_user_name_or_password, reason_code::not_authorized};
    if (code >= std::size(table)) return false;
    out = table[code];
    return true;
}

}  // namespace mqtt::codec
