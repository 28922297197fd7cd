#pragma once
// Child processes for interop tests (mosquitto_pub/sub, Paho Python, MQTT.js): every wait is bounded, and a child
// that outlives its deadline is killed. Output (stdout and stderr together) goes to a file read at the end, so a
// chatty child can never block on a full pipe.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace mqttd_test {

struct process_result {
    int exit_code = -1;      // -1 when killed by a signal
    int signal = 0;          // the signal that ended it, 0 if it exited
    bool timed_out = false;  // killed by us at the deadline
    std::string output;      // stdout and stderr
};

class process {
public:
    // Starts argv[0] (a path, or a name looked up in PATH). `env` entries ("K=V") are added to the environment.
    explicit process(std::vector<std::string> argv, std::vector<std::string> env = {});
    ~process();  // kills and reaps a child still running
    process(const process&) = delete;
    process& operator=(const process&) = delete;

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    [[nodiscard]] bool running();
    void kill(int sig);
    // Waits for the child to exit, killing it (SIGKILL) at `timeout`.
    process_result wait(std::chrono::milliseconds timeout);
    [[nodiscard]] std::string output_so_far() const;

private:
    pid_t pid_ = -1;
    std::string output_path_;
    bool reaped_ = false;
    int status_ = 0;
};

// Starts, waits (bounded), returns the result.
process_result run(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                   std::vector<std::string> env = {});

// A fresh directory for one test's files, under the build tree.
std::string make_temp_dir(const std::string& tag);

// The whole file, or empty when it cannot be read.
std::string read_text(const std::string& path);
// Polls the file at `path` until `re` matches (bounded); returns the first capture group (or the match), or empty.
std::string wait_for_log(const std::string& path, const std::string& re,
                         std::chrono::milliseconds limit = std::chrono::seconds(10));

}  // namespace mqttd_test
