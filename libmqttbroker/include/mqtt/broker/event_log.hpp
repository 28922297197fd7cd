#pragma once
// The engine's observer: what happened, for logs and metrics. The engine itself does no I/O.
#include <string_view>

#include <mqtt/broker/clock.hpp>
#include <mqtt/codec/result.hpp>
#include <mqtt/codec/types.hpp>

namespace mqtt::broker {

class event_log {
public:
    virtual void client_connected(connection_id, std::string_view /*client_id*/, codec::protocol_version,
                                  bool /*session_present*/) {}
    // `reason` is why the connection ended: success for a normal DISCONNECT, else the code sent or implied.
    virtual void client_disconnected(connection_id, std::string_view /*client_id*/, codec::reason_code /*reason*/) {}
    virtual void connect_refused(connection_id, std::string_view /*client_id*/, codec::reason_code) {}
    virtual void protocol_error(connection_id, std::string_view /*client_id*/, codec::reason_code,
                                std::string_view /*what*/) {}

protected:
    ~event_log() = default;
};

}  // namespace mqtt::broker
