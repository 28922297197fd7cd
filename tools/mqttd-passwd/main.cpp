// mqttd-passwd: edits mqttd's password file, with mosquitto_passwd's options so habits carry over.
//   mqttd-passwd [-c] [-I N] FILE USER          asks for the password (twice on a terminal, else one stdin line)
//   mqttd-passwd [-c] [-I N] -b FILE USER PASS  password on the command line (visible to other users: scripts only)
//   mqttd-passwd -D FILE USER                   removes USER
// Hashes are PBKDF2-HMAC-SHA512 with a random salt, in the "$7$" format mosquitto_passwd writes.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <mqttd/config_file.hpp>
#include <mqttd/password_file.hpp>

namespace {

// One line from stdin, without echo when stdin is a terminal.
std::optional<std::string> read_secret(const char* prompt) {
    const bool tty = ::isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (tty) {
        fmt::print(stderr, "{}", prompt);
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    const bool ok = static_cast<bool>(std::getline(std::cin, line));
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fmt::print(stderr, "\n");
    }
    if (!ok) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string ask_password() {
    const auto first = read_secret("Password: ");
    if (!first) throw mqttd::config_error("no password given on standard input");
    if (::isatty(STDIN_FILENO) != 0) {
        const auto again = read_secret("Reenter password: ");
        if (!again || *again != *first) throw mqttd::config_error("passwords do not match");
    }
    return *first;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"mqttd-passwd: manage users in mqttd's password file (PBKDF2-SHA512, mosquitto_passwd format)"};
    bool create = false;
    bool batch = false;
    bool remove = false;
    std::uint32_t iterations = mqttd::default_password_iterations;
    std::vector<std::string> args;
    app.add_flag("-c", create, "Create the file (replacing an existing one)");
    app.add_flag("-b", batch, "Take the password from the command line");
    app.add_flag("-D", remove, "Delete the user");
    app.add_option("-I", iterations, "PBKDF2 iterations")->check(CLI::Range(1000U, 100'000'000U));
    app.add_option("args", args, "FILE USER [PASSWORD]")->required();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    const std::size_t wanted = batch ? 3 : 2;
    if (args.size() != wanted || (remove && (batch || create))) {
        fmt::print(stderr, "mqttd-passwd: usage: [-c] [-I N] FILE USER | [-c] [-I N] -b FILE USER PASSWORD | "
                           "-D FILE USER\n");
        return 2;
    }
    const std::string& path = args[0];
    const std::string& user = args[1];
    try {
        mqttd::password_file file = create ? mqttd::password_file{} : mqttd::password_file::load(path);
        if (remove) {
            if (!file.remove(user)) throw mqttd::config_error(fmt::format("{}: no user '{}'", path, user));
        } else {
            file.set(user, mqttd::make_password_hash(batch ? args[2] : ask_password(), iterations));
        }
        file.save(path);
    } catch (const std::exception& e) {
        fmt::print(stderr, "mqttd-passwd: {}\n", e.what());
        return 1;
    }
    return 0;
}
