#include "message.hpp"

#include <algorithm>
#include <chrono>

namespace mqtt::broker::detail {

namespace {
bool forwarded(codec::property_id id) noexcept {
    switch (id) {
    case codec::property_id::payload_format_indicator:
    case codec::property_id::content_type:
    case codec::property_id::response_topic:
    case codec::property_id::correlation_data:
    case codec::property_id::user_property: return true;
    default: return false;
    }
}
}  // namespace

std::shared_ptr<message> make_message(std::string_view topic, std::span<const std::byte> payload, codec::qos q, bool retain,
                         const codec::properties_view& props, time_point now) {
    auto m = std::make_shared<message>();
    m->topic.assign(topic);
    m->payload.assign(payload.begin(), payload.end());
    m->qos = q;
    m->retain = retain;

    std::size_t bytes = 0;
    std::size_t count = 0;
    for (const codec::property& p : props) {
        if (p.id == codec::property_id::message_expiry_interval) {
            m->expires_at = now + std::chrono::seconds(p.integer);
            continue;
        }
        if (!forwarded(p.id)) continue;
        ++count;
        bytes += p.text.size() + p.value.size() + p.binary.size();
    }
    if (count == 0) return m;
    // One buffer for every string and binary value: reserved up front so the views never move.
    m->storage_.reserve(bytes);
    m->properties.reserve(count);
    auto keep = [&](std::string_view s) -> std::string_view {
        const std::size_t at = m->storage_.size();
        m->storage_.insert(m->storage_.end(), s.begin(), s.end());
        return {m->storage_.data() + at, s.size()};
    };
    for (const codec::property& p : props) {
        if (!forwarded(p.id)) continue;
        codec::property copy = p;
        copy.text = keep(p.text);
        copy.value = keep(p.value);
        if (!p.binary.empty()) {
            const std::string_view b{reinterpret_cast<const char*>(p.binary.data()), p.binary.size()};
            const std::string_view kept = keep(b);
            copy.binary = std::as_bytes(std::span<const char>(kept.data(), kept.size()));
        } else {
            copy.binary = {};
        }
        m->properties.push_back(copy);
    }
    return m;
}

std::optional<std::uint32_t> remaining_expiry(const message& m, time_point now) noexcept {
    if (!m.expires_at) return std::nullopt;
    if (*m.expires_at <= now) return 0;
    const auto left = *m.expires_at - now;
    const auto secs = std::chrono::ceil<std::chrono::seconds>(left).count();
    return static_cast<std::uint32_t>(std::min<long long>(secs, 0xFFFF'FFFFLL));
}

}  // namespace mqtt::broker::detail
