// Topic names, topic filters, shared subscriptions and matching (section 4.7, 4.8 v5).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <mqtt/codec/topic.hpp>

#include "support/codec_helpers.hpp"

namespace mqtt::test {
namespace {

using codec::is_valid_topic_filter;
using codec::is_valid_topic_name;
using codec::topic_matches;

// Wildcards never in a topic name, and at least one character:
// MQTT-3.3.2-2, MQTT-4.7.3-1 (v3.1.1 and v5)
// MQTT-4.7.1-1 (v3.1.1)
// MQTT-4.7.0-1 (v5)
TEST(TopicName, Validity) {
    for (std::string_view ok : {"a", "a/b", "/", "//", "a/", "/a", "$SYS/x", " ", "sport/tennis/player1"})
        EXPECT_TRUE(is_valid_topic_name(ok)) << ok;
    for (std::string_view bad : {"", "#", "+", "a/#", "a/+", "a+", "a#b", "+/a"})
        EXPECT_FALSE(is_valid_topic_name(bad)) << bad;
}

// '#' is the whole filter or follows '/', and is last: MQTT-4.7.1-2 (v3.1.1), and in 5.0 (test below):
TEST(TopicFilterV311, MQTT_4_7_1_2_MultiLevelWildcardPlacement) {
    for (std::string_view ok : {"#", "a/#", "sport/tennis/#", "/#", "+/#"}) EXPECT_TRUE(is_valid_topic_filter(ok)) << ok;
    for (std::string_view bad : {"a#", "a/#/b", "#/", "#/a", "##", "a/b#", "#+"})
        EXPECT_FALSE(is_valid_topic_filter(bad)) << bad;
}
TEST(TopicFilterV5, MQTT_4_7_1_1_MultiLevelWildcardPlacement) {
    EXPECT_TRUE(is_valid_topic_filter("a/#"));
    EXPECT_FALSE(is_valid_topic_filter("a#"));
    EXPECT_FALSE(is_valid_topic_filter("a/#/b"));
}

// '+' fills a whole level, anywhere: MQTT-4.7.1-3 (v3.1.1), and in 5.0 (test below):
TEST(TopicFilterV311, MQTT_4_7_1_3_SingleLevelWildcardPlacement) {
    for (std::string_view ok : {"+", "+/+", "a/+/b", "+/tennis/#", "/+", "+/", "a//+"})
        EXPECT_TRUE(is_valid_topic_filter(ok)) << ok;
    for (std::string_view bad : {"a+", "+a", "a/b+", "a/+b", "++", "+#"}) EXPECT_FALSE(is_valid_topic_filter(bad)) << bad;
}
TEST(TopicFilterV5, MQTT_4_7_1_2_SingleLevelWildcardPlacement) {
    EXPECT_TRUE(is_valid_topic_filter("+/+"));
    EXPECT_FALSE(is_valid_topic_filter("sport+"));
}

// MQTT-4.7.3-1 (v3.1.1 and v5): filters are at least one character long.
TEST(TopicFilter, MQTT_4_7_3_1_EmptyFilter) { EXPECT_FALSE(is_valid_topic_filter("")); }

// MQTT-4.8.2-1, MQTT-4.8.2-2 (v5): "$share/" + non-empty ShareName without '/', '+', '#' + "/" + a filter.
TEST(SharedSubscriptionV5, MQTT_4_8_2_1_MQTT_4_8_2_2_Validity) {
    for (std::string_view ok : {"$share/g/a", "$share/g/#", "$share/group/a/+/b", "$share/g//"})
        EXPECT_TRUE(is_valid_topic_filter(ok)) << ok;
    for (std::string_view bad : {"$share//a", "$share/g", "$share/g/", "$share/g+/a", "$share/#/a", "$share/+/a",
                                 "$share/g/a#", "$share/"})
        EXPECT_FALSE(is_valid_topic_filter(bad)) << bad;
    // Not a shared subscription: an ordinary filter whose first level happens to start with '$'.
    EXPECT_TRUE(is_valid_topic_filter("$shared/a"));
    EXPECT_FALSE(codec::parse_shared_subscription("$shared/a").has_value());
}

TEST(SharedSubscriptionV5, ParseSplitsShareNameAndFilter) {
    auto s = codec::parse_shared_subscription("$share/group/a/+/b");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->share_name, "group");
    EXPECT_EQ(s->topic_filter, "a/+/b");
    EXPECT_FALSE(codec::parse_shared_subscription("a/b").has_value());
}

struct match_case {
    std::string_view filter;
    std::string_view name;
    bool matches;
};

void check(std::initializer_list<match_case> cases) {
    for (const auto& c : cases)
        EXPECT_EQ(topic_matches(c.filter, c.name), c.matches) << "filter \"" << c.filter << "\" name \"" << c.name << "\"";
}

// Section 4.7.1 examples.
TEST(TopicMatches, ExactLevels) {
    check({{"a/b", "a/b", true},
           {"a/b", "a/c", false},
           {"a/b", "a", false},
           {"a", "a/b", false},
           {"a/b", "a/b/c", false},
           {"/", "/", true},
           {"a/", "a/", true},
           {"a/", "a", false},
           {"a", "a/", false},
           {"/a", "/a", true},
           {"/a", "a", false},
           {"a//b", "a//b", true},
           {"a//b", "a/b", false}});
}

// '#' matches the parent level and any number of child levels: MQTT-4.7.1-2 (v3.1.1), and in 5.0 (test below):
TEST(TopicMatchesV311, MQTT_4_7_1_2_MultiLevelWildcardMatchesParent) {
    check({{"sport/tennis/player1/#", "sport/tennis/player1", true},
           {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
           {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
           {"sport/#", "sport", true},
           {"sport/#", "sport/", true},
           {"sport/#", "sports", false},
           {"#", "a", true},
           {"#", "a/b/c", true},
           {"#", "/", true},
           {"a/b/#", "a", false},
           {"/#", "/a", true},
           {"/#", "a", false}});
}
TEST(TopicMatchesV5, MQTT_4_7_1_1_MultiLevelWildcardMatchesParent) {
    check({{"sport/#", "sport", true}, {"sport/tennis/#", "sport/tennis/x/y", true}});
}

// '+' matches exactly one level, which may be empty: MQTT-4.7.1-3 (v3.1.1), and in 5.0 (test below):
TEST(TopicMatchesV311, MQTT_4_7_1_3_SingleLevelWildcardMatchesOneLevel) {
    check({{"sport/tennis/+", "sport/tennis/player1", true},
           {"sport/tennis/+", "sport/tennis/player1/ranking", false},
           {"sport/+", "sport", false},
           {"sport/+", "sport/", true},
           {"+", "a", true},
           {"+", "a/b", false},
           {"+", "/finance", false},
           {"+/+", "/finance", true},
           {"/+", "/finance", true},
           {"a/+/c", "a//c", true},
           {"+/b", "/b", true},
           {"a/+", "a/", true},
           {"+/+/+", "a/b", false},
           {"+/#", "a", true},
           {"+/#", "a/b/c", true}});
}
TEST(TopicMatchesV5, MQTT_4_7_1_2_SingleLevelWildcardMatchesOneLevel) {
    check({{"+/+", "/finance", true}, {"sport/+", "sport", false}, {"a/+", "a/", true}});
}

// MQTT-4.7.2-1 (v3.1.1 and v5): filters starting with a wildcard do not match topic names starting with '$'.
TEST(TopicMatches, MQTT_4_7_2_1_DollarTopics) {
    check({{"#", "$SYS/broker/load", false},
           {"+/monitor/Clients", "$SYS/monitor/Clients", false},
           {"+", "$SYS", false},
           {"$SYS/#", "$SYS/broker/load", true},
           {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
           {"$SYS/#", "$SYS", true},
           {"a/#", "a/$b", true},
           {"a/+", "a/$b", true}});
}

// MQTT-4.7.3-4 (v3.1.1 and v5): matching compares the bytes as received: no case folding, no normalisation.
TEST(TopicMatches, MQTT_4_7_3_4_NoNormalisation) {
    check({{"ACCOUNTS", "Accounts", false},
           {"a b", "a b", true},
           {"a b", "ab", false},
           {"caf\xc3\xa9", "cafe\xcc\x81", false},  // U+00E9 vs e + U+0301: equal after NFC, different bytes
           {"+/\xef\xbb\xbf", "x/\xef\xbb\xbf", true}});
}

TEST(TopicLevels, IteratesLevelsIncludingEmptyOnes) {
    auto levels = [](std::string_view t) {
        std::vector<std::string_view> out;
        for (auto l : codec::topic_levels(t)) out.push_back(l);
        return out;
    };
    EXPECT_EQ(levels("a/b/c"), (std::vector<std::string_view>{"a", "b", "c"}));
    EXPECT_EQ(levels(""), (std::vector<std::string_view>{""}));
    EXPECT_EQ(levels("a/"), (std::vector<std::string_view>{"a", ""}));
    EXPECT_EQ(levels("/a"), (std::vector<std::string_view>{"", "a"}));
    EXPECT_EQ(levels("/"), (std::vector<std::string_view>{"", ""}));
    EXPECT_EQ(levels("a//b"), (std::vector<std::string_view>{"a", "", "b"}));
}

}  // namespace
}  // namespace mqtt::test
