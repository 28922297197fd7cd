// DISCONNECT from the client, and AUTH (enhanced authentication and re-authentication, v5).
#include <algorithm>

#include "engine_impl.hpp"

namespace mqtt::broker {

using codec::property_id;
using codec::reason_code;
using detail::connection;
using detail::connection_state;
using detail::session;

void engine::impl::handle_disconnect(connection& c, const codec::disconnect_view& p, time_point now) {
    session& s = *c.sess;
    bool will = false;
    if (c.version == codec::protocol_version::v5) {
        if (auto expiry = p.properties.find(property_id::session_expiry_interval)) {
            // Section 3.14.2.2.2 (v5): a non-zero interval after 0 in CONNECT is a protocol error
            if (s.expiry_interval == 0 && expiry->integer != 0) {
                protocol_violation(c, reason_code::protocol_error, "Session Expiry Interval was 0 in CONNECT", now);
                return;
            }
            s.expiry_interval = std::min(expiry->integer, cfg.max_session_expiry_interval);
        }
        // MQTT-3.14.4-3 (v5): 0x00 drops the will; any other reason (0x04 in particular) lets it go out
        will = p.reason != reason_code::success;
    }
    // MQTT-3.14.4-3 (v3.1.1): DISCONNECT deletes the will unpublished
    drop_connection(c, p.reason, will, true, now);
}

void engine::impl::handle_auth(connection& c, const codec::auth_view& p, time_point now) {
    const auto method = p.properties.find(property_id::authentication_method);
    // MQTT-4.12.0-5 (v5): AUTH only after a CONNECT with a method, and always with that same method
    if (hooks.authentication == nullptr || c.auth->method.empty() || !method || method->text != c.auth->method) {
        protocol_violation(c, reason_code::protocol_error, "unexpected AUTH", now);
        return;
    }
    const auto data_prop = p.properties.find(property_id::authentication_data);
    const std::span<const std::byte> data = data_prop ? data_prop->binary : std::span<const std::byte>{};
    if (c.state == connection_state::authenticating) {
        if (p.reason != reason_code::continue_authentication) {
            protocol_violation(c, reason_code::protocol_error, "AUTH reason must be 0x18", now);
            return;
        }
        apply_auth_step(c, hooks.authentication->step(c.id, data), now);
        return;
    }
    // Re-authentication (section 4.12.1, v5)
    if (p.reason == reason_code::re_authenticate) {
        session& s = *c.sess;
        const peer_info peer = c.auth->peer();
        const connect_credentials who{s.client_id,
                                      s.username.empty() ? std::nullopt : std::optional<std::string_view>(s.username),
                                      std::nullopt, peer};
        apply_auth_step(c, hooks.authentication->start(c.id, c.auth->method, data, who), now);
        return;
    }
    if (p.reason == reason_code::continue_authentication) {
        apply_auth_step(c, hooks.authentication->step(c.id, data), now);
        return;
    }
    protocol_violation(c, reason_code::protocol_error, "unexpected AUTH reason code", now);
}

}  // namespace mqtt::broker
