// The ACL file in Mosquitto's format: anonymous, per-user and pattern rules, deny precedence, %u/%c, subscriptions
// covered by a grant, '$' topics apart from wildcards (MQTT-4.7.2-1).
#include <gtest/gtest.h>

#include <mqttd/acl_file.hpp>
#include <mqttd/config_file.hpp>

namespace {

using mqttd::acl_file;
using mqttd::filter_covers;

std::string error_of(std::string_view text) {
    try {
        (void)acl_file::parse(text, "acl");
    } catch (const mqttd::config_error& e) {
        return e.what();
    }
    return "(no error)";
}

const acl_file sample = acl_file::parse(
    "# anonymous clients\n"
    "topic read public/#\n"
    "\n"
    "user alice\n"
    "topic sensors/#\n"            // no access word: readwrite
    "topic deny sensors/secret\n"
    "topic write commands/+/set\n"
    "topic read $SYS/#\n"
    "user bob\n"
    "topic read sensors/+/temp\n"
    "pattern readwrite clients/%c/#\n"
    "pattern read users/%u/inbox\n",
    "sample");

TEST(AclFile, AnonymousRulesComeBeforeTheFirstUser) {
    EXPECT_TRUE(sample.can_read("", "c1", "public/news"));
    EXPECT_FALSE(sample.can_write("", "c1", "public/news"));
    EXPECT_FALSE(sample.can_read("", "c1", "sensors/a"));
    EXPECT_FALSE(sample.can_read("carol", "c1", "public/news")) << "a named user does not get anonymous rules";
}

TEST(AclFile, UserRulesAndDenyWins) {
    EXPECT_TRUE(sample.can_read("alice", "c", "sensors/kitchen/temp"));
    EXPECT_TRUE(sample.can_write("alice", "c", "sensors/kitchen/temp"));
    EXPECT_FALSE(sample.can_read("alice", "c", "sensors/secret"));
    EXPECT_FALSE(sample.can_write("alice", "c", "sensors/secret"));
    EXPECT_TRUE(sample.can_write("alice", "c", "commands/door/set"));
    EXPECT_FALSE(sample.can_read("alice", "c", "commands/door/set"));
    EXPECT_TRUE(sample.can_read("bob", "c", "sensors/kitchen/temp"));
    EXPECT_FALSE(sample.can_read("bob", "c", "sensors/kitchen/humidity"));
    EXPECT_FALSE(sample.can_write("bob", "c", "sensors/kitchen/temp"));
}

TEST(AclFile, PatternsSubstituteClientIdAndUser) {
    EXPECT_TRUE(sample.can_write("", "dev1", "clients/dev1/status"));
    EXPECT_FALSE(sample.can_write("", "dev1", "clients/dev2/status"));
    EXPECT_TRUE(sample.can_read("bob", "x", "users/bob/inbox"));
    EXPECT_FALSE(sample.can_read("bob", "x", "users/alice/inbox"));
    EXPECT_FALSE(sample.can_read("", "x", "users//inbox")) << "no user name: %u patterns do not apply";
    // A name with '/', '+' or '#' must not widen a pattern.
    EXPECT_FALSE(sample.can_write("", "a/b", "clients/a/b/status"));
    EXPECT_FALSE(sample.can_write("", "#", "clients/x/status"));
}

TEST(AclFile, SubscriptionNeedsAGrantCoveringTheWholeFilter) {
    EXPECT_TRUE(sample.can_subscribe("alice", "c", "sensors/#"));
    EXPECT_TRUE(sample.can_subscribe("alice", "c", "sensors/+/temp"));
    EXPECT_FALSE(sample.can_subscribe("alice", "c", "#"));
    EXPECT_TRUE(sample.can_subscribe("bob", "c", "sensors/+/temp"));
    EXPECT_TRUE(sample.can_subscribe("bob", "c", "sensors/kitchen/temp"));
    EXPECT_FALSE(sample.can_subscribe("bob", "c", "sensors/#"));
    EXPECT_FALSE(sample.can_subscribe("alice", "c", "sensors/secret")) << "a deny covering the filter refuses it";
    EXPECT_FALSE(sample.can_subscribe("alice", "c", "commands/+/set")) << "write only";
    EXPECT_TRUE(sample.can_subscribe("alice", "c", "$SYS/broker/uptime"));
    EXPECT_FALSE(sample.can_subscribe("bob", "c", "$SYS/#"));
}

TEST(AclFile, FilterCoverage) {
    EXPECT_TRUE(filter_covers("#", "a/b"));
    EXPECT_TRUE(filter_covers("#", "#"));
    EXPECT_TRUE(filter_covers("a/#", "a"));  // '#' includes the parent level (MQTT-4.7.1-2)
    EXPECT_TRUE(filter_covers("a/#", "a/+/c"));
    EXPECT_TRUE(filter_covers("a/+", "a/+"));
    EXPECT_TRUE(filter_covers("a/+", "a/b"));
    EXPECT_FALSE(filter_covers("a/+", "a/#"));
    EXPECT_FALSE(filter_covers("a/+", "a/b/c"));
    EXPECT_FALSE(filter_covers("a/b", "a/+"));
    EXPECT_FALSE(filter_covers("a/b", "a"));
    EXPECT_FALSE(filter_covers("a", "a/b"));
    // MQTT-4.7.2-1: wildcards at the first level do not match '$' topics, so they do not cover them either.
    EXPECT_FALSE(filter_covers("#", "$SYS/uptime"));
    EXPECT_FALSE(filter_covers("+/uptime", "$SYS/uptime"));
    EXPECT_TRUE(filter_covers("$SYS/#", "$SYS/uptime"));
}

TEST(AclFile, DollarTopicsNeedTheirOwnGrant) {
    const auto acl = acl_file::parse("pattern read #\n", "t");
    EXPECT_TRUE(acl.can_read("u", "c", "anything/at/all"));
    EXPECT_FALSE(acl.can_read("u", "c", "$SYS/broker/uptime"));
}

TEST(AclFile, ErrorsNameFileAndLine) {
    EXPECT_EQ(error_of("topic read a/#\nsubscribe x\n"),
              "acl:2: unknown keyword 'subscribe' (expected topic, pattern or user)");
    EXPECT_EQ(error_of("user\n"), "acl:1: user: expected a user name");
    EXPECT_EQ(error_of("topic\n"), "acl:1: topic: expected a topic filter");
    EXPECT_EQ(error_of("topic read a/#/b\n"), "acl:1: topic: 'a/#/b' is not a valid topic filter");
    EXPECT_EQ(error_of("pattern write $share/g/a\n"), "acl:1: pattern: '$share/g/a' is not a valid topic filter");
}

TEST(AclFile, AccessWordIsOptionalAndTopicsMayHoldSpaces) {
    const auto acl = acl_file::parse("topic my room/temp\ntopic read other room\n", "t");
    EXPECT_TRUE(acl.can_write("", "c", "my room/temp"));
    EXPECT_TRUE(acl.can_read("", "c", "other room"));
    EXPECT_FALSE(acl.can_write("", "c", "other room"));
}

}  // namespace
