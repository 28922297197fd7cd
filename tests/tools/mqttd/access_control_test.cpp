// access_control: the authenticator/authorizer mqttd gives the engine. Reason codes follow MQTT-3.1.4-2/3.2.2
// (0x86 bad user name or password, 0x87 not authorized; the engine maps them to 3.1.1's 4 and 5).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <mqttd/access_control.hpp>
#include <mqttd/config_file.hpp>

namespace {

using namespace mqttd;
using mqtt::codec::reason_code;

std::string write_file(const std::string& name, const std::string& text) {
    const std::string path = std::string(MQTTD_TEST_WORK_DIR) + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return path;
}

std::span<const std::byte> bytes(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

class AccessControl : public ::testing::Test {
protected:
    reason_code connect(std::optional<std::string_view> user, std::optional<std::string_view> password,
                        access_control& ac) {
        std::optional<std::span<const std::byte>> pw;
        if (password) pw = bytes(*password);
        return ac.authenticate({"client", user, pw, peer});
    }
    static access_settings with_passwords() {
        password_file f;
        f.set("alice", make_password_hash("wonderland", 1000));
        const auto path = std::string(MQTTD_TEST_WORK_DIR) + "/access.passwd";
        f.save(path);
        return {path, {}, std::nullopt};
    }
    mqtt::broker::peer_info peer{"127.0.0.1:5000", "test", ""};
    logger log{log_settings{0, log_destination::none, {}, false, false}};
};

TEST_F(AccessControl, WithoutFilesEveryoneIsAllowedButNotToPublishToSys) {
    access_control ac({}, log);
    EXPECT_EQ(connect(std::nullopt, std::nullopt, ac), reason_code::success);
    EXPECT_EQ(connect("anyone", "anything", ac), reason_code::success);
    EXPECT_TRUE(ac.can_publish({"c", ""}, "a/b"));
    EXPECT_FALSE(ac.can_publish({"c", ""}, "$SYS/broker/uptime"));
    EXPECT_FALSE(ac.can_publish({"c", ""}, "$SYS"));
    EXPECT_TRUE(ac.can_publish({"c", ""}, "$SYSTEM")) << "only $SYS is the broker's";
    EXPECT_TRUE(ac.can_subscribe({"c", ""}, "$SYS/#"));
    EXPECT_EQ(ac.stats().publishes_denied, 2U);
}

TEST_F(AccessControl, AllowAnonymousFalseRefusesEveryoneWithoutPasswordFile) {
    access_control ac({{}, {}, false}, log);
    EXPECT_EQ(connect(std::nullopt, std::nullopt, ac), reason_code::not_authorized);
    EXPECT_EQ(connect("alice", "x", ac), reason_code::not_authorized);
    EXPECT_EQ(ac.stats().anonymous_refused, 2U);
}

TEST_F(AccessControl, PasswordFileMakesAnonymousRefusedByDefault) {
    access_control ac(with_passwords(), log);
    EXPECT_EQ(connect("alice", "wonderland", ac), reason_code::success);
    EXPECT_EQ(connect("alice", "wonderland", ac), reason_code::success) << "second time from the cache";
    EXPECT_EQ(connect("alice", "Wonderland", ac), reason_code::bad_user_name_or_password);
    EXPECT_EQ(connect("alice", std::nullopt, ac), reason_code::bad_user_name_or_password);
    EXPECT_EQ(connect("mallory", "wonderland", ac), reason_code::bad_user_name_or_password);
    EXPECT_EQ(connect(std::nullopt, std::nullopt, ac), reason_code::not_authorized);
    EXPECT_EQ(ac.stats().authentication_failures, 3U);
    EXPECT_EQ(ac.stats().anonymous_refused, 1U);
    auto s = with_passwords();
    s.allow_anonymous = true;
    access_control open(s, log);
    EXPECT_EQ(connect(std::nullopt, std::nullopt, open), reason_code::success);
    EXPECT_EQ(connect("alice", "nope", open), reason_code::bad_user_name_or_password);
}

TEST_F(AccessControl, AclDecidesTopicsAndSharedSubscriptionsAreCheckedByTheirFilter) {
    auto s = with_passwords();
    s.acl_file = write_file("access.acl", "user alice\ntopic read in/#\ntopic write out/alice\n");
    access_control ac(s, log);
    EXPECT_TRUE(ac.can_subscribe({"c", "alice"}, "in/#"));
    EXPECT_TRUE(ac.can_subscribe({"c", "alice"}, "$share/g/in/x"));
    EXPECT_FALSE(ac.can_subscribe({"c", "alice"}, "$share/g/out/#"));
    EXPECT_TRUE(ac.can_receive({"c", "alice"}, "in/1"));
    EXPECT_FALSE(ac.can_receive({"c", "alice"}, "out/alice"));
    EXPECT_TRUE(ac.can_publish({"c", "alice"}, "out/alice"));
    EXPECT_FALSE(ac.can_publish({"c", "alice"}, "in/1"));
    EXPECT_EQ(ac.stats().subscriptions_denied, 1U);
    EXPECT_EQ(ac.stats().publishes_denied, 1U);
}

TEST_F(AccessControl, ReloadKeepsTheOldRulesWhenAFileIsBad) {
    auto s = with_passwords();
    access_control ac(s, log);
    auto broken = s;
    broken.password_file = write_file("broken.passwd", "alice:plain\n");
    EXPECT_THROW((void)ac.reload(broken), config_error);
    EXPECT_EQ(connect("alice", "wonderland", ac), reason_code::success);
    auto none = s;
    none.password_file = write_file("empty.passwd", "# nobody\n");
    EXPECT_EQ(ac.reload(none), "password file " + none.password_file +
                                   " (0 users), no ACL file, anonymous clients refused");
    EXPECT_EQ(connect("alice", "wonderland", ac), reason_code::bad_user_name_or_password)
        << "a removed user is refused even though the password was cached";
}

}  // namespace
