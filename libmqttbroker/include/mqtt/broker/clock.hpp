#pragma once
#include <chrono>
#include <cstdint>

namespace mqtt::broker {

// The engine never reads a clock: every entry point takes `now`, and on_tick() returns the next deadline.
using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

// One network connection. An MQTT session (identified by its client id) outlives connections.
using connection_id = std::uint64_t;

}  // namespace mqtt::broker
