#pragma once
// UTF-8 Encoded String rules (MQTT-1.5.3-1/2 v3.1.1, MQTT-1.5.4-1/2 v5): well-formed, no surrogates, no U+0000.
#include <optional>
#include <string_view>

#include <mqtt/codec/result.hpp>

namespace mqtt::codec {

// Returns nothing when `s` is a valid MQTT string, else invalid_utf8 or utf8_contains_null with the offset of the
// offending byte. U+FEFF (EF BB BF) is an ordinary character and stays in the string (MQTT-1.5.3-3).
[[nodiscard]] std::optional<error> validate_utf8(std::string_view s) noexcept;

}  // namespace mqtt::codec
