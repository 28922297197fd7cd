#pragma once
// The configuration file: Mosquitto's syntax (`option value...`, `#` comments) and, where an option exists in
// Mosquitto, its name and meaning. docs/configuration.md lists every option.
#include <stdexcept>
#include <string>
#include <string_view>

#include <mqttd/settings.hpp>

namespace mqttd {

// A configuration the server cannot run with. what() names the file, the line and the option:
// "mqttd.conf:7: max_packet_size: expected a number from 20 to 268435460, got 'big'".
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Applies the options in `text` on top of `into`. `origin` names the text in messages (usually the file name).
// Throws config_error on the first bad line.
void parse_config_text(std::string_view text, std::string_view origin, settings& into);

// Reads `path` and applies it on top of `into` (remembering the path for reloads). Throws config_error, also when
// the file cannot be read.
void parse_config_file(const std::string& path, settings& into);

}  // namespace mqttd
