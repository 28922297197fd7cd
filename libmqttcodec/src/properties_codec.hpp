#pragma once
// Reading (with full validation) and writing of property lists, shared by every packet family.
#include <mqtt/codec/properties.hpp>

#include "reader.hpp"
#include "writer.hpp"

namespace mqtt::codec::detail {

// Reads Property Length and the properties after it, validating each against section 2.2.2.2: allowed on this
// packet, not repeated where repetition is a protocol error, well-formed values. Errors: malformed_property,
// property_not_allowed, duplicate_property, invalid_property_value, missing_authentication_method,
// invalid_utf8, utf8_contains_null, malformed_remaining_length, malformed_variable_byte_integer.
result<properties_view> read_properties(reader& in, property_context where) noexcept;

// Property Length plus the properties, as written by write_properties.
[[nodiscard]] std::size_t properties_field_size(const properties_view& p) noexcept;
void write_properties(writer& out, const properties_view& p) noexcept;

// True when a caller-built list holds a string or binary value that does not fit a two-byte length.
[[nodiscard]] bool has_oversized_field(const properties_view& p) noexcept;

}  // namespace mqtt::codec::detail
