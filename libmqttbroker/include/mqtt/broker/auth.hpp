#pragma once
// Plug-in points for authentication (issue 9 adds password files, TLS client certificates, ACLs).
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <mqtt/broker/clock.hpp>
#include <mqtt/codec/types.hpp>

namespace mqtt::broker {

// What the network side knows about a connection before any packet arrives.
struct peer_info {
    std::string_view address;       // "127.0.0.1:50000" or "[::1]:50000"
    std::string_view listener;      // name of the listener that accepted it
    std::string_view certificate_common_name;  // TLS client certificate CN, empty without one
};

struct connect_credentials {
    std::string_view client_id;
    std::optional<std::string_view> username;
    std::optional<std::span<const std::byte>> password;
    const peer_info& peer;
};

// Result of one step of MQTT 5.0 enhanced authentication (section 4.12).
struct auth_step {
    codec::reason_code reason;            // success, continue_authentication, or a failure code
    std::vector<std::byte> data;          // Authentication Data to send back, may be empty
};

class authenticator {
public:
    // Plain CONNECT: success, or bad_user_name_or_password / not_authorized / banned / ...
    virtual codec::reason_code authenticate(const connect_credentials& who) = 0;
    // Enhanced authentication: whether `method` is supported (else CONNACK 0x8C), and each step of it.
    virtual bool supports_method(std::string_view /*method*/) { return false; }
    virtual auth_step start(connection_id, std::string_view /*method*/, std::span<const std::byte> /*data*/,
                            const connect_credentials&) {
        return {codec::reason_code::bad_authentication_method, {}};
    }
    virtual auth_step step(connection_id, std::span<const std::byte> /*data*/) {
        return {codec::reason_code::bad_authentication_method, {}};
    }

protected:
    ~authenticator() = default;
};

struct client_identity {
    std::string_view client_id;
    std::string_view username;  // empty when none
};

class authorizer {
public:
    virtual bool can_publish(const client_identity& who, std::string_view topic_name) = 0;
    virtual bool can_subscribe(const client_identity& who, std::string_view topic_filter) = 0;
    // Whether a message on `topic_name` may be delivered to this subscriber (ACL "read").
    virtual bool can_receive(const client_identity& who, std::string_view topic_name) = 0;

protected:
    ~authorizer() = default;
};

}  // namespace mqtt::broker
