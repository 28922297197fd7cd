// fuzz_topic: topic name/filter validation, topic_matches(), parse_shared_subscription(), topic_levels and
// validate_utf8() against the reference implementations in reference.hpp.
// Input: byte 0 = length of the filter (clamped), then the filter, then the topic name (the rest).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <mqtt/codec/topic.hpp>
#include <mqtt/codec/utf8.hpp>

#include "fuzz_common.hpp"
#include "reference.hpp"

namespace {
using namespace mqtt;

std::string_view as_text(fuzz::bytes_view b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT
}

std::string quoted(std::string_view filter, std::string_view name) {
    return "filter \"" + std::string(filter) + "\" name \"" + std::string(name) + "\"";
}

void check_utf8(std::string_view s) {
    const auto got = codec::validate_utf8(s);
    const auto want = fuzz::ref::utf8(s);
    switch (want.result) {
    case fuzz::ref::utf8_result::ok:
        MQTT_FUZZ_CHECK(!got, "validate_utf8 rejects valid UTF-8: " + fuzz::hex(fuzz::as_bytes(
                                  reinterpret_cast<const std::uint8_t*>(s.data()), s.size())));  // NOLINT
        break;
    case fuzz::ref::utf8_result::invalid:
    case fuzz::ref::utf8_result::contains_null: {
        const auto code = want.result == fuzz::ref::utf8_result::invalid ? codec::errc::invalid_utf8
                                                                         : codec::errc::utf8_contains_null;
        MQTT_FUZZ_CHECK(got.has_value(), "validate_utf8 accepts invalid UTF-8 or U+0000");
        MQTT_FUZZ_CHECK(got->code == code, "validate_utf8: invalid_utf8 and utf8_contains_null swapped");
        // The offset points into the offending character (its lead byte or a later byte of it).
        MQTT_FUZZ_CHECK(got->offset >= want.sequence_start && got->offset < want.sequence_start + 4 &&
                            got->offset < s.size(),
                        "validate_utf8: error offset outside the offending character");
        break;
    }
    }
}

void check_levels(std::string_view topic) {
    const auto want = fuzz::ref::levels(topic);
    std::size_t i = 0;
    for (std::string_view level : codec::topic_levels(topic)) {
        MQTT_FUZZ_CHECK(i < want.size() && level == want[i], "topic_levels differs from splitting at '/'");
        ++i;
    }
    MQTT_FUZZ_CHECK(i == want.size(), "topic_levels yields a different number of levels");
}

void check_topics(std::string_view filter, std::string_view name) {
    const bool name_ok = codec::is_valid_topic_name(name);
    MQTT_FUZZ_CHECK(name_ok == fuzz::ref::topic_name_valid(name), "is_valid_topic_name: " + quoted(filter, name));
    const bool filter_ok = codec::is_valid_topic_filter(filter);
    MQTT_FUZZ_CHECK(filter_ok == fuzz::ref::topic_filter_valid(filter),
                    "is_valid_topic_filter: " + quoted(filter, name));
    // Every valid topic name is also a valid topic filter that matches itself (unless it starts with "$share/").
    if (name_ok && !name.starts_with("$share/")) {
        MQTT_FUZZ_CHECK(codec::is_valid_topic_filter(name), "a valid name is not a valid filter: " + quoted(name, name));
        MQTT_FUZZ_CHECK(codec::topic_matches(name, name), "a topic name does not match itself: " + quoted(name, name));
    }

    const auto shared = codec::parse_shared_subscription(filter);
    if (filter_ok) {
        const auto want = fuzz::ref::parse_shared(filter);
        MQTT_FUZZ_CHECK(shared.has_value() == want.has_value(), "parse_shared_subscription: " + quoted(filter, name));
        if (shared && want)
            MQTT_FUZZ_CHECK(shared->share_name == want->share_name && shared->topic_filter == want->filter,
                            "parse_shared_subscription parts: " + quoted(filter, name));
    }
    if (shared) {
        // The parts are views into the filter.
        MQTT_FUZZ_CHECK(shared->share_name.data() >= filter.data() &&
                            shared->topic_filter.data() + shared->topic_filter.size() <= filter.data() + filter.size(),
                        "parse_shared_subscription returns views outside the filter");
    }

    if (filter_ok && name_ok && !shared) {
        const bool got = codec::topic_matches(filter, name);
        MQTT_FUZZ_CHECK(got == fuzz::ref::matches(filter, name),
                        std::string(got ? "matches but should not: " : "does not match but should: ") +
                            quoted(filter, name));
    }
    if (shared && filter_ok && name_ok) {
        const bool got = codec::topic_matches(shared->topic_filter, name);
        MQTT_FUZZ_CHECK(got == fuzz::ref::matches(shared->topic_filter, name),
                        "shared filter part: " + quoted(shared->topic_filter, name));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto all = fuzz::as_bytes(data, size);
    check_utf8(as_text(all));
    fuzz::input in(all);
    const std::size_t filter_size = in.u8();
    const std::string_view filter = as_text(in.take(filter_size));
    const std::string_view name = as_text(in.rest());
    check_utf8(filter);
    check_levels(filter);
    check_levels(name);
    check_topics(filter, name);
    // The same strings in the other roles: a name used as a filter and the other way round.
    check_topics(name, filter);
    return 0;
}
