#pragma once
// The password file (`password_file` option; mqttd-passwd edits it): one "user:hash" line per user, the format of
// Mosquitto 2's mosquitto_passwd (see password_hash.hpp), '#' comments and blank lines ignored.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <mqttd/password_hash.hpp>

namespace mqttd {

class password_file {
public:
    // Throws config_error naming the file and line of the first bad entry (unknown or fast hash, plain text,
    // duplicate user, bad user name).
    [[nodiscard]] static password_file load(const std::string& path);
    [[nodiscard]] static password_file parse(std::string_view text, std::string_view origin);

    [[nodiscard]] const password_hash* find(std::string_view user) const;
    [[nodiscard]] std::size_t size() const noexcept { return users_.size(); }

    // For mqttd-passwd. set() throws config_error for a user name the file cannot hold.
    void set(const std::string& user, password_hash h);
    bool remove(std::string_view user);
    [[nodiscard]] std::string text() const;
    // Writes a temporary file beside `path` with mode 0600 and renames it over `path`, so a crash never leaves
    // half a file. Throws config_error.
    void save(const std::string& path) const;

private:
    std::map<std::string, password_hash, std::less<>> users_;
};

// Empty when `user` can be stored; else why not (':' separates user and hash; lines cannot hold control characters).
[[nodiscard]] std::string_view user_name_problem(std::string_view user);

}  // namespace mqttd
