#pragma once
// The mqtt-load command line (CLI11 stays inside cli.cpp).
#include <iosfwd>
#include <optional>

#include <mqtt/load/options.hpp>

namespace mqtt::load {

struct cli_result {
    std::optional<options> opts;  // set when the run should go ahead
    int exit_code = 0;            // otherwise: 0 after --help, non-zero after an error (already printed)
};

// Parses and validates. Help goes to `out`, errors to `err`.
[[nodiscard]] cli_result parse_command_line(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace mqtt::load
