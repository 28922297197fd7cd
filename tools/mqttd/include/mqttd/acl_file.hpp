#pragma once
// The ACL file (`acl_file` option), in Mosquitto's format:
//
//   topic [read|write|readwrite|deny] <filter>     before any `user` line: clients without a user name
//   user <name>                                    the `topic` lines after it are this user's
//   pattern [read|write|readwrite|deny] <filter>   every client; %u = its user name, %c = its client id
//
// With an ACL file, what no line grants is refused, and a matching `deny` line wins over any grant.
// Subscribing needs a read grant that covers the whole filter (every topic the filter can match); messages are
// checked again on delivery, so a deny narrower than a granted filter still holds back what it names.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mqttd {

enum class acl_access : unsigned char { read = 1, write = 2, readwrite = 3, deny = 4 };

struct acl_rule {
    acl_access access;
    std::string filter;  // a topic filter; for patterns it may contain %u and %c
};

class acl_file {
public:
    // Throws config_error naming the file and line of the first bad line.
    [[nodiscard]] static acl_file load(const std::string& path);
    [[nodiscard]] static acl_file parse(std::string_view text, std::string_view origin);

    // `user` empty: a client that gave no user name.
    [[nodiscard]] bool can_write(std::string_view user, std::string_view client_id, std::string_view topic) const;
    [[nodiscard]] bool can_read(std::string_view user, std::string_view client_id, std::string_view topic) const;
    [[nodiscard]] bool can_subscribe(std::string_view user, std::string_view client_id,
                                     std::string_view filter) const;

private:
    template <typename Match>
    bool decide(std::string_view user, std::string_view client_id, acl_access wanted, Match&& match) const;

    std::vector<acl_rule> anonymous_;
    std::map<std::string, std::vector<acl_rule>, std::less<>> users_;
    std::vector<acl_rule> patterns_;
};

// Whether every topic name `inner` matches is also matched by `outer` (both valid filters, no $share).
[[nodiscard]] bool filter_covers(std::string_view outer, std::string_view inner) noexcept;

}  // namespace mqttd
