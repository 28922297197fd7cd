#pragma once
// mqttd's authentication and authorization behind the engine's interfaces: the password file, the ACL file and
// allow_anonymous. Called on the engine's thread only. Every refusal is logged and counted.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <mqtt/broker/auth.hpp>
#include <mqttd/acl_file.hpp>
#include <mqttd/logger.hpp>
#include <mqttd/password_file.hpp>
#include <mqttd/settings.hpp>

namespace mqttd {

struct access_stats {
    std::uint64_t authentication_failures = 0;  // wrong password or unknown user
    std::uint64_t anonymous_refused = 0;
    std::uint64_t publishes_denied = 0;
    std::uint64_t subscriptions_denied = 0;
};

class access_control final : public mqtt::broker::authenticator, public mqtt::broker::authorizer {
public:
    // Loads the files. Throws config_error naming the file and line.
    access_control(const access_settings& s, logger& log);

    // SIGHUP: loads the files again; on error throws and keeps what it had. Returns what is in force now.
    std::string reload(const access_settings& s);
    [[nodiscard]] std::string describe() const;
    [[nodiscard]] const access_stats& stats() const noexcept { return stats_; }

    mqtt::codec::reason_code authenticate(const mqtt::broker::connect_credentials& who) override;
    bool can_publish(const mqtt::broker::client_identity& who, std::string_view topic_name) override;
    bool can_subscribe(const mqtt::broker::client_identity& who, std::string_view topic_filter) override;
    bool can_receive(const mqtt::broker::client_identity& who, std::string_view topic_name) override;

private:
    using fingerprint = std::array<unsigned char, 32>;
    struct rules {
        access_settings from;
        bool allow_anonymous = true;
        std::optional<password_file> passwords;
        std::optional<acl_file> acl;
        // Users whose password was verified, with a keyed fingerprint of it: a reconnect with the same password
        // skips the slow hash. Forgotten on reload.
        std::unordered_map<std::string, fingerprint> verified;
    };
    [[nodiscard]] static std::unique_ptr<rules> load(const access_settings& s);
    [[nodiscard]] fingerprint fingerprint_of(std::string_view password) const;
    [[nodiscard]] bool check_password(std::string_view user, std::string_view password);

    logger& log_;
    std::unique_ptr<rules> rules_;
    std::array<unsigned char, 32> fingerprint_key_{};  // random per process
    access_stats stats_;
};

}  // namespace mqttd
