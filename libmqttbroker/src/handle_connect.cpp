// CONNECT: validation, authentication (plain and enhanced), session takeover, clean start, CONNACK.
#include <algorithm>
#include <array>
#include <chrono>
#include <string>

#include "engine_impl.hpp"

namespace mqtt::broker {

using codec::property;
using codec::property_id;
using codec::reason_code;
using detail::connection;
using detail::connection_state;
using detail::session;

namespace {
std::span<const std::byte> binary_property(const codec::properties_view& props, property_id id) noexcept {
    auto p = props.find(id);
    return p ? p->binary : std::span<const std::byte>{};
}
}  // namespace

void engine::impl::handle_connect(connection& c, const codec::connect_view& p, time_point now) {
    if (c.state != connection_state::awaiting_connect) {
        // MQTT-3.1.0-2 (v3.1.1 and v5): a second CONNECT is a protocol error
        protocol_violation(c, reason_code::protocol_error, "second CONNECT", now);
        return;
    }
    const bool v5 = p.version == codec::protocol_version::v5;
    auto req = std::make_unique<detail::connect_request>();
    req->version = p.version;
    req->client_id.assign(p.client_id);
    req->clean_start = p.clean_start;
    req->keep_alive = p.keep_alive;
    if (p.username) req->username.emplace(*p.username);
    if (v5) {
        for (const property& prop : p.properties) {
            switch (prop.id) {
            case property_id::session_expiry_interval: req->session_expiry_interval = prop.integer; break;
            case property_id::receive_maximum: req->receive_maximum = static_cast<std::uint16_t>(prop.integer); break;
            case property_id::maximum_packet_size: req->maximum_packet_size = prop.integer; break;
            case property_id::topic_alias_maximum:
                req->topic_alias_maximum = static_cast<std::uint16_t>(prop.integer);
                break;
            case property_id::request_problem_information: req->request_problem_information = prop.integer != 0; break;
            case property_id::authentication_method: req->authentication_method.assign(prop.text); break;
            default: break;
            }
        }
    }
    if (p.will) {
        detail::will_message w;
        w.msg = detail::make_message(p.will->topic, p.will->payload, p.will->qos, p.will->retain,
                                     v5 ? p.will->properties : codec::properties_view{}, now);
        if (v5)
            if (auto d = p.will->properties.find(property_id::will_delay_interval)) w.delay_interval = d->integer;
        req->will = std::move(w);
    }
    c.version = p.version;
    c.maximum_packet_size = req->maximum_packet_size;  // CONNACK already respects it (MQTT-3.2.2-19 v5)
    c.request_problem_information = req->request_problem_information;
    c.pending = std::move(req);
    detail::connect_request& r = *c.pending;

    // Client identifier rules.
    if (r.client_id.size() > cfg.max_client_id_length) {
        refuse(c, reason_code::client_identifier_not_valid, now);  // MQTT-3.1.3-9 (v3.1.1), MQTT-3.1.3-8 (v5)
        return;
    }
    if (r.client_id.empty()) {
        // MQTT-3.1.3-8 (v3.1.1): an empty ClientId needs CleanSession=1, else CONNACK 0x02
        if ((!v5 && !r.clean_start) || !cfg.allow_zero_length_client_id) {
            refuse(c, reason_code::client_identifier_not_valid, now);
            return;
        }
        // MQTT-3.1.3-6 (v3.1.1 and v5), MQTT-3.2.2-16 (v5): a unique id no current session uses
        do {
            r.client_id = cfg.assigned_client_id_prefix + std::to_string(next_assigned_id++);
        } while (sessions.contains(std::string_view(r.client_id)));
        r.client_id_assigned = true;
    }
    if (r.will) {
        // MQTT-3.2.2-12 and MQTT-3.2.2-13 (v5): a will the server cannot honour is refused in CONNACK
        if (r.will->msg->qos > cfg.maximum_qos) {
            refuse(c, reason_code::qos_not_supported, now);
            return;
        }
        if (r.will->msg->retain && !cfg.retain_available) {
            refuse(c, reason_code::retain_not_supported, now);
            return;
        }
    }

    const peer_info peer = c.auth ? c.auth->peer() : peer_info{};
    const connect_credentials who{r.client_id, r.username ? std::optional<std::string_view>(*r.username) : std::nullopt,
                                  p.password, peer};
    if (!r.authentication_method.empty()) {
        // MQTT-4.12.0-1 (v5): an Authentication Method the server does not support is refused with 0x8C
        if (hooks.authentication == nullptr || !hooks.authentication->supports_method(r.authentication_method)) {
            refuse(c, reason_code::bad_authentication_method, now);
            return;
        }
        c.auth->method = r.authentication_method;
        const auth_step step = hooks.authentication->start(
            c.id, r.authentication_method, binary_property(p.properties, property_id::authentication_data), who);
        apply_auth_step(c, step, now);
        return;
    }
    if (hooks.authentication != nullptr) {
        const reason_code verdict = hooks.authentication->authenticate(who);
        if (verdict != reason_code::success) {
            refuse(c, codec::is_error(verdict) ? verdict : reason_code::not_authorized, now);  // MQTT-3.1.4-2 (v5)
            return;
        }
    } else if (!cfg.allow_anonymous && !r.username) {
        refuse(c, reason_code::not_authorized, now);
        return;
    }
    accept(c, {}, now);
}

void engine::impl::apply_auth_step(connection& c, const auth_step& step, time_point now) {
    const bool connected = c.state == connection_state::connected;
    if (step.reason == reason_code::success && !connected) {
        accept(c, step.data, now);
        return;
    }
    if (step.reason == reason_code::success || step.reason == reason_code::continue_authentication) {
        // MQTT-4.12.0-2 (v5): more data is asked for with AUTH 0x18; MQTT-4.12.0-5: same Authentication Method
        std::array<property, 2> props{property::string(property_id::authentication_method, c.auth->method),
                                      property::bytes(property_id::authentication_data, step.data)};
        codec::auth_view a;
        a.reason = step.reason;
        a.properties = codec::properties_view(std::span<const property>(props.data(), step.data.empty() ? 1 : 2));
        if (!connected) c.state = connection_state::authenticating;
        send(c, a);
        return;
    }
    if (!connected) {
        // MQTT-4.12.0-4 (v5): refusal at any step; CONNACK with the code, then close
        refuse(c, codec::is_error(step.reason) ? step.reason : reason_code::not_authorized, now);
        return;
    }
    // MQTT-4.12.1-2 (v5): failed re-authentication: DISCONNECT, then close. Only some codes fit a DISCONNECT.
    const auto code = static_cast<std::uint8_t>(step.reason);
    const bool fits = code == 0x80 || code == 0x83 || code == 0x87 || code == 0x89;
    server_disconnect(c, fits ? step.reason : reason_code::not_authorized, "re-authentication failed", now);
}

void engine::impl::refuse(connection& c, reason_code why, time_point now) {
    ++stats.connects_refused;
    if (hooks.log) hooks.log->connect_refused(c.id, c.pending ? std::string_view(c.pending->client_id) : std::string_view{}, why);
    if (c.version == codec::protocol_version::v311) {
        // MQTT-3.2.2-6 (v3.1.1): when none of the return codes 0x01-0x05 fits the refusal (e.g. a will whose QoS
        // or RETAIN the server cannot honour), close without a CONNACK rather than claim "server unavailable".
        switch (why) {
        case reason_code::unsupported_protocol_version:
        case reason_code::client_identifier_not_valid:
        case reason_code::server_unavailable:
        case reason_code::server_busy:
        case reason_code::connection_rate_exceeded:
        case reason_code::bad_user_name_or_password:
        case reason_code::not_authorized:
        case reason_code::banned: break;
        default: drop_connection(c, why, false, true, now); return;
        }
    }
    // MQTT-3.2.2-4 (v3.1.1), MQTT-3.2.2-6 (v5): a refusal has Session Present 0. The codec maps the code to the
    // closest 3.1.1 return code.
    codec::connack_view ack;
    ack.session_present = false;
    ack.reason = why;
    send(c, ack);
    // MQTT-3.2.2-5 (v3.1.1), MQTT-3.2.2-7 (v5): close after a refusing CONNACK
    drop_connection(c, why, false, true, now);
}

void engine::impl::take_over(session& s, time_point now) {
    connection* old = connection_of(s);
    if (old == nullptr) return;
    // MQTT-3.1.4-2 (v3.1.1): the existing client is disconnected; MQTT-3.1.4-3 (v5): with DISCONNECT 0x8E.
    // The old connection ends abnormally, so its will follows the usual rules.
    server_disconnect(*old, reason_code::session_taken_over, {}, now);
}

void engine::impl::accept(connection& c, std::span<const std::byte> auth_data, time_point now) {
    detail::connect_request& r = *c.pending;
    const bool v5 = r.version == codec::protocol_version::v5;

    auto it = sessions.find(std::string_view(r.client_id));
    if (it != sessions.end() && it->second->connection) {
        take_over(*it->second, now);
        it = sessions.find(std::string_view(r.client_id));  // the old session may have ended with its connection
    }
    session* s = it == sessions.end() ? nullptr : it->second.get();
    if (s != nullptr && r.clean_start) {
        end_session(*s, now);  // MQTT-3.1.2-6 (v3.1.1), MQTT-3.1.2-4 (v5): Clean Start discards the old session
        s = nullptr;
    }
    const bool session_present = s != nullptr;  // MQTT-3.2.2-1/2/3 (v3.1.1), MQTT-3.2.2-2/3 (v5)
    if (s != nullptr) {
        // MQTT-3.1.2-5 (v5), MQTT-3.1.2-4 (v3.1.1): resume. MQTT-3.1.3-9 (v5): a delayed will is cancelled.
        s->will.reset();
        s->will_at.reset();
        s->expires_at.reset();
    } else {
        auto fresh = std::make_unique<session>();
        fresh->client_id = r.client_id;
        fresh->uid = next_session_uid++;
        s = fresh.get();
        sessions_by_uid[s->uid] = s;
        sessions.emplace(s->client_id, std::move(fresh));
        ++stats.sessions;
    }
    s->version = r.version;
    s->username = r.username.value_or(std::string{});
    if (v5) s->expiry_interval = std::min(r.session_expiry_interval, cfg.max_session_expiry_interval);
    else s->expiry_interval = r.clean_start ? 0 : std::min(detail::never_expires, cfg.max_session_expiry_interval);
    s->will = std::move(r.will);  // MQTT-3.1.2-8 (v3.1.1), MQTT-3.1.2-7 (v5)
    s->connection = c.id;
    persist_session(*s);
    if (s->will || session_present) persist_will(*s);

    c.sess = s;
    c.state = connection_state::connected;
    c.keep_alive = v5 && cfg.server_keep_alive ? *cfg.server_keep_alive : r.keep_alive;  // MQTT-3.2.2-22 (v5)
    c.send_window = std::max<std::uint16_t>(1, std::min(r.receive_maximum, cfg.max_inflight_messages));
    c.topic_aliases.clear();
    c.last_packet = now;

    std::array<property, 16> props;
    std::size_t n = 0;
    if (v5) {
        if (r.client_id_assigned) props[n++] = property::string(property_id::assigned_client_identifier, s->client_id);
        if (s->expiry_interval != r.session_expiry_interval)
            props[n++] = property::number(property_id::session_expiry_interval, s->expiry_interval);
        if (cfg.receive_maximum < 65'535) props[n++] = property::number(property_id::receive_maximum, cfg.receive_maximum);
        if (cfg.maximum_qos != codec::qos::exactly_once)  // MQTT-3.2.2-9 (v5)
            props[n++] = property::number(property_id::maximum_qos, static_cast<std::uint32_t>(cfg.maximum_qos));
        if (!cfg.retain_available) props[n++] = property::number(property_id::retain_available, 0);
        if (cfg.max_packet_size < 268'435'460)
            props[n++] = property::number(property_id::maximum_packet_size, cfg.max_packet_size);
        if (cfg.topic_alias_maximum > 0)
            props[n++] = property::number(property_id::topic_alias_maximum, cfg.topic_alias_maximum);
        if (!cfg.wildcard_subscription_available)
            props[n++] = property::number(property_id::wildcard_subscription_available, 0);
        if (!cfg.subscription_identifier_available)
            props[n++] = property::number(property_id::subscription_identifier_available, 0);
        if (!cfg.shared_subscription_available)
            props[n++] = property::number(property_id::shared_subscription_available, 0);
        if (cfg.server_keep_alive) props[n++] = property::number(property_id::server_keep_alive, *cfg.server_keep_alive);
        // MQTT-4.12.0-5 / MQTT-4.12.0-6 (v5): the method only when the CONNECT had one
        if (c.auth && !c.auth->method.empty()) {
            props[n++] = property::string(property_id::authentication_method, c.auth->method);
            if (!auth_data.empty()) props[n++] = property::bytes(property_id::authentication_data, auth_data);
        }
    }
    codec::connack_view ack;
    ack.session_present = session_present;
    ack.reason = reason_code::success;  // MQTT-3.1.4-4 (v3.1.1), MQTT-3.1.4-5 (v5)
    ack.properties = codec::properties_view(std::span<const property>(props.data(), n));
    send(c, ack);
    c.pending.reset();

    ++stats.clients_connected;
    if (hooks.log) hooks.log->client_connected(c.id, s->client_id, c.version, session_present);
    if (c.keep_alive > 0)
        schedule(now + std::chrono::milliseconds(std::uint32_t{c.keep_alive} * 1500u), detail::timer_kind::keep_alive, c.id);
    if (session_present) {
        resend_inflight(*s, c, now);  // MQTT-4.4.0-1 (v3.1.1 and v5)
        pump(*s, now);
    }
}

}  // namespace mqtt::broker
