#include <mqttd/access_control.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <fmt/core.h>

#include <mqtt/codec/topic.hpp>
#include <mqttd/config_file.hpp>

namespace mqttd {

namespace broker = mqtt::broker;
namespace codec = mqtt::codec;
using codec::reason_code;

namespace {

// $SYS is the broker's own: no client may publish there (MQTT-4.7.2-1 keeps '$' topics apart from wildcards).
bool is_sys_topic(std::string_view topic) { return topic == "$SYS" || topic.starts_with("$SYS/"); }

std::string_view as_text(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

access_control::access_control(const access_settings& s, logger& log) : log_(log), rules_(load(s)) {
    if (RAND_bytes(fingerprint_key_.data(), static_cast<int>(fingerprint_key_.size())) != 1)
        throw config_error("OpenSSL's RAND_bytes failed: no key for the password cache");
}

std::unique_ptr<access_control::rules> access_control::load(const access_settings& s) {
    auto r = std::make_unique<rules>();
    r->from = s;
    r->allow_anonymous = s.allow_anonymous.value_or(s.password_file.empty());
    if (!s.password_file.empty()) r->passwords = password_file::load(s.password_file);
    if (!s.acl_file.empty()) r->acl = acl_file::load(s.acl_file);
    return r;
}

std::string access_control::reload(const access_settings& s) {
    rules_ = load(s);
    return describe();
}

std::string access_control::describe() const {
    const auto& r = *rules_;
    std::string out = r.passwords ? fmt::format("password file {} ({} users)", r.from.password_file,
                                                r.passwords->size())
                                  : std::string("no password file");
    out += r.acl ? fmt::format(", ACL file {}", r.from.acl_file) : std::string(", no ACL file");
    out += r.allow_anonymous ? ", anonymous clients allowed" : ", anonymous clients refused";
    return out;
}

access_control::fingerprint access_control::fingerprint_of(std::string_view password) const {
    fingerprint out{};
    unsigned int size = 0;
    HMAC(EVP_sha256(), fingerprint_key_.data(), static_cast<int>(fingerprint_key_.size()),
         reinterpret_cast<const unsigned char*>(password.data()), password.size(), out.data(), &size);
    return out;
}

bool access_control::check_password(std::string_view user, std::string_view password) {
    const password_hash* h = rules_->passwords->find(user);
    if (h == nullptr) return false;
    const auto print = fingerprint_of(password);
    const auto cached = rules_->verified.find(std::string(user));
    if (cached != rules_->verified.end() &&
        CRYPTO_memcmp(cached->second.data(), print.data(), print.size()) == 0)
        return true;
    if (!verify_password(*h, password)) return false;
    rules_->verified.insert_or_assign(std::string(user), print);
    return true;
}

reason_code access_control::authenticate(const broker::connect_credentials& who) {
    const auto& r = *rules_;
    if (!who.username || !r.passwords) {
        // Without a password file a user name is only a name: allow_anonymous decides for everyone.
        if (r.allow_anonymous) return reason_code::success;
        ++stats_.anonymous_refused;
        log_.log(log_level::notice, "client {} from {} refused: anonymous clients are not allowed", who.client_id,
                 who.peer.address);
        return reason_code::not_authorized;
    }
    if (who.password && check_password(*who.username, as_text(*who.password))) return reason_code::success;
    ++stats_.authentication_failures;
    log_.log(log_level::notice, "client {} from {} refused: {} for user '{}'", who.client_id, who.peer.address,
             who.password ? "wrong password or unknown user" : "no password", *who.username);
    return reason_code::bad_user_name_or_password;
}

bool access_control::can_publish(const broker::client_identity& who, std::string_view topic_name) {
    const bool allowed = !is_sys_topic(topic_name) &&
                         (!rules_->acl || rules_->acl->can_write(who.username, who.client_id, topic_name));
    if (!allowed) {
        ++stats_.publishes_denied;
        log_.log(log_level::information, "denied PUBLISH from client {} (user '{}') to '{}'", who.client_id,
                 who.username, topic_name);
    }
    return allowed;
}

bool access_control::can_subscribe(const broker::client_identity& who, std::string_view topic_filter) {
    const auto shared = codec::parse_shared_subscription(topic_filter);
    const auto filter = shared ? shared->topic_filter : topic_filter;
    const bool allowed = !rules_->acl || rules_->acl->can_subscribe(who.username, who.client_id, filter);
    if (!allowed) {
        ++stats_.subscriptions_denied;
        log_.log(log_level::information, "denied SUBSCRIBE from client {} (user '{}') to '{}'", who.client_id,
                 who.username, topic_filter);
    }
    return allowed;
}

bool access_control::can_receive(const broker::client_identity& who, std::string_view topic_name) {
    return !rules_->acl || rules_->acl->can_read(who.username, who.client_id, topic_name);
}

}  // namespace mqttd
