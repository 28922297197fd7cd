#include <mqttd/password_file.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/core.h>

#include <mqtt/tools/unique_fd.hpp>
#include <mqttd/config_file.hpp>
#include <mqttd/text_file.hpp>

namespace mqttd {

std::string_view user_name_problem(std::string_view user) {
    if (user.empty()) return "empty user name";
    if (user.find(':') != std::string_view::npos) return "user names cannot contain ':'";
    for (const char ch : user)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) return "user names cannot contain control characters";
    return {};
}

password_file password_file::load(const std::string& path) {
    return parse(read_text_file(path, "password file"), path);
}

password_file password_file::parse(std::string_view text, std::string_view origin) {
    password_file f;
    for_each_content_line(text, [&](std::size_t line_no, std::string_view line) {
        const auto fail = [&](std::string_view what) {
            throw config_error(fmt::format("{}:{}: {}", origin, line_no, what));
        };
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) fail("expected user:hash");
        const auto user = line.substr(0, colon);
        if (const auto problem = user_name_problem(user); !problem.empty()) fail(problem);
        try {
            if (!f.users_.emplace(std::string(user), parse_password_hash(line.substr(colon + 1))).second)
                fail(fmt::format("user '{}' appears twice", user));
        } catch (const password_hash_error& e) {
            fail(fmt::format("user '{}': {}", user, e.what()));
        }
    });
    return f;
}

const password_hash* password_file::find(std::string_view user) const {
    const auto it = users_.find(user);
    return it == users_.end() ? nullptr : &it->second;
}

void password_file::set(const std::string& user, password_hash h) {
    if (const auto problem = user_name_problem(user); !problem.empty()) throw config_error(std::string(problem));
    users_.insert_or_assign(user, std::move(h));
}

bool password_file::remove(std::string_view user) {
    const auto it = users_.find(user);
    if (it == users_.end()) return false;
    users_.erase(it);
    return true;
}

std::string password_file::text() const {
    std::string out;
    for (const auto& [user, h] : users_) out += fmt::format("{}:{}\n", user, format_password_hash(h));
    return out;
}

void password_file::save(const std::string& path) const {
    const std::string tmp = path + ".tmp";
    const auto fail = [&](std::string_view step) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw config_error(fmt::format("{}: cannot {}: {}", path, step, std::strerror(e)));
    };
    mqtt::tools::unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) fail("create a temporary file");
    const std::string body = text();
    std::string_view rest = body;
    while (!rest.empty()) {
        const auto n = ::write(fd.get(), rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("write");
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd.get()) != 0) fail("sync");
    if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("replace the file");
}

}  // namespace mqttd
