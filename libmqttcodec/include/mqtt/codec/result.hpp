#pragma once
// result<T>: the value a codec call produced, or an error saying what went wrong and at which byte.
// A subset of std::expected (not available to this toolchain under C++20; see STYLE.md). Never throws.
#include <cassert>
#include <cstdint>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include <mqtt/codec/types.hpp>

namespace mqtt::codec {

enum class errc : std::uint8_t {
    incomplete,                    // not an error for streams: wait for more bytes
    buffer_too_small,              // encode: the output span cannot hold the packet
    field_too_long,                // encode: a string or binary field above 65,535 bytes
    packet_too_large,              // remaining length exceeds decode_options::max_packet_size (0x95)
    reserved_packet_type,          // type 0, or AUTH (15) in 3.1.1
    invalid_fixed_header_flags,    // MQTT-2.2.2-1 (v3.1.1), MQTT-2.1.3-1 (v5)
    malformed_variable_byte_integer,  // more than 4 bytes, or not the shortest form (MQTT-1.5.5-1 v5)
    malformed_remaining_length,    // fields run past, or stop short of, the remaining length
    invalid_utf8,                  // ill-formed UTF-8 or surrogates (MQTT-1.5.3-1 v3.1.1, MQTT-1.5.4-1 v5)
    utf8_contains_null,            // U+0000 (MQTT-1.5.3-2 v3.1.1, MQTT-1.5.4-2 v5)
    invalid_protocol_name,         // CONNECT protocol name is not "MQTT" (MQTT-3.1.2-1)
    unsupported_protocol_version,  // CONNECT protocol level we do not speak (MQTT-3.1.2-2): CONNACK 0x01 / 0x84
    connect_expected,              // a packet other than CONNECT before the version is known
    invalid_connect_flags,         // reserved bit set, or will/user/password flags inconsistent (MQTT-3.1.2-3 ...)
    invalid_connack_flags,         // reserved acknowledge flags, or session present with a failure code
    invalid_qos,                   // QoS 3 (MQTT-3.3.1-4)
    invalid_packet_id,             // packet id 0 where one is required (MQTT-2.3.1-1 v3.1.1)
    invalid_topic_name,            // empty, or containing '+' / '#' (MQTT-3.3.2-2)
    invalid_topic_filter,          // wildcard misplaced or empty (MQTT-4.7.1-1 ...)
    topic_alias_missing,           // v5 PUBLISH with an empty topic and no Topic Alias (0x82)
    empty_subscription_list,       // SUBSCRIBE/UNSUBSCRIBE without any filter (MQTT-3.8.3-3, MQTT-3.10.3-2)
    invalid_subscription_options,  // reserved bits set; QoS 3 in 3.1.1 (MQTT-3.8.3-4 v3.1.1, MQTT-3.8.3-5 v5)
    invalid_subscription_option_value,  // v5 Maximum QoS 3 or Retain Handling 3: protocol error (section 3.8.3.1)
    no_local_on_shared_subscription,  // MQTT-3.8.3-4 (v5): protocol error
    invalid_reason_code,           // a code that packet may not carry (reason-codes.md tables)
    malformed_property,            // unknown identifier or value runs past the property length
    property_not_allowed,          // identifier not allowed on this packet type (malformed)
    duplicate_property,            // a property that may appear once appears twice (protocol error)
    invalid_property_value,        // e.g. receive maximum 0, topic alias 0, PFI > 1 (protocol error)
    missing_authentication_method, // authentication data without a method (protocol error)
};

[[nodiscard]] std::string_view name(errc e) noexcept;
// The reason code the spec names for each failure: 0x81 malformed, 0x82 protocol error, 0x95 too large, ...
[[nodiscard]] reason_code to_reason_code(errc e) noexcept;

struct error {
    errc code;
    std::uint32_t offset = 0;  // byte offset from the start of the packet (or the input) where it was detected
    friend bool operator==(const error&, const error&) = default;
};

struct unexpected {
    error value;
};
[[nodiscard]] constexpr unexpected fail(errc code, std::size_t offset = 0) noexcept {
    return unexpected{error{code, static_cast<std::uint32_t>(offset)}};
}

template <class T>
class [[nodiscard]] result {
    static_assert(std::is_nothrow_move_constructible_v<T>);

public:
    constexpr result(T value) noexcept : has_value_(true) { new (&value_) T(std::move(value)); }  // NOLINT
    // As std::expected: a value built in place from something T is made of, so a decoder's publish_view becomes
    // the packet_view inside the result without an intermediate packet_view (a copy of about 200 bytes each).
    template <class U>
        requires(!std::is_same_v<std::remove_cvref_t<U>, T> && !std::is_same_v<std::remove_cvref_t<U>, result> &&
                 !std::is_same_v<std::remove_cvref_t<U>, unexpected> && std::is_nothrow_constructible_v<T, U &&>)
    constexpr result(U&& value) noexcept : has_value_(true) {  // NOLINT: implicit like the T constructor
        new (&value_) T(std::forward<U>(value));
    }
    template <class... Args>
    constexpr explicit result(std::in_place_t, Args&&... args) noexcept : has_value_(true) {
        new (&value_) T{std::forward<Args>(args)...};
    }
    constexpr result(unexpected e) noexcept : has_value_(false) { new (&error_) codec::error(e.value); }  // NOLINT
    constexpr result(const result& other) noexcept : has_value_(other.has_value_) {
        if (has_value_) new (&value_) T(other.value_);
        else new (&error_) codec::error(other.error_);
    }
    constexpr result& operator=(const result& other) noexcept {
        if (this != &other) {
            destroy();
            has_value_ = other.has_value_;
            if (has_value_) new (&value_) T(other.value_);
            else new (&error_) codec::error(other.error_);
        }
        return *this;
    }
    ~result() { destroy(); }

    [[nodiscard]] constexpr bool has_value() const noexcept { return has_value_; }
    constexpr explicit operator bool() const noexcept { return has_value_; }
    constexpr T& operator*() noexcept { assert(has_value_); return value_; }
    constexpr const T& operator*() const noexcept { assert(has_value_); return value_; }
    constexpr T* operator->() noexcept { assert(has_value_); return &value_; }
    constexpr const T* operator->() const noexcept { assert(has_value_); return &value_; }
    [[nodiscard]] constexpr const codec::error& error() const noexcept { assert(!has_value_); return error_; }

private:
    constexpr void destroy() noexcept {
        if (has_value_) value_.~T();
    }
    bool has_value_;
    union {
        T value_;
        codec::error error_;
    };
};

}  // namespace mqtt::codec
