#pragma once
// MQTT 5.0 properties (section 2.2.2): validated once by decode(), then iterated without error paths.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <mqtt/codec/list_view.hpp>
#include <mqtt/codec/result.hpp>
#include <mqtt/codec/types.hpp>

namespace mqtt::codec {

// One property. Which member holds the value depends on type_of(id):
// byte / two-byte / four-byte / variable byte integer -> `integer`; UTF-8 string -> `text`;
// binary data -> `binary`; UTF-8 string pair (user property) -> `text` (name) and `value`.
struct property {
    property_id id{};
    std::uint32_t integer = 0;
    std::string_view text;
    std::string_view value;
    std::span<const std::byte> binary;

    [[nodiscard]] static constexpr property number(property_id id, std::uint32_t v) noexcept { return {id, v, {}, {}, {}}; }
    [[nodiscard]] static constexpr property string(property_id id, std::string_view s) noexcept { return {id, 0, s, {}, {}}; }
    [[nodiscard]] static constexpr property bytes(property_id id, std::span<const std::byte> b) noexcept { return {id, 0, {}, {}, b}; }
    [[nodiscard]] static constexpr property user(std::string_view name, std::string_view v) noexcept {
        return {property_id::user_property, 0, name, v, {}};
    }
};

namespace detail {
struct property_traits {
    using value_type = property;
    static property read(const std::byte*& p) noexcept;
};
}  // namespace detail

// The properties of one packet (or of a CONNECT's will). Wire-backed after decode(): the bytes after the
// Property Length. Caller-built for encode(): a span of `property`.
class properties_view : public list_view<detail::property_traits> {
public:
    using list_view::list_view;
    properties_view(list_view base) noexcept : list_view(base) {}  // NOLINT: implicit by design

    // The first property with this identifier, if any.
    [[nodiscard]] std::optional<property> find(property_id id) const noexcept {
        for (const property& p : *this)
            if (p.id == id) return p;
        return std::nullopt;
    }
    // Bytes the property list takes on the wire, without the Property Length in front of it.
    [[nodiscard]] std::size_t wire_size() const noexcept;
};

// Which packet a property list belongs to: a property identifier not allowed there is malformed (section 2.2.2.2).
enum class property_context : std::uint8_t {
    connect, will, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback, unsubscribe, unsuback,
    disconnect, auth,
};
[[nodiscard]] bool is_allowed(property_id id, property_context where) noexcept;

// Size on the wire of one property (identifier byte included).
[[nodiscard]] std::size_t encoded_size(const property& p) noexcept;

}  // namespace mqtt::codec
