#pragma once
// An epoll event loop: file descriptor readiness, timers, and tasks posted from other threads.
// One loop per thread; every method except post() and stop() must be called on the loop's thread.
#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <mqtt/tools/unique_fd.hpp>

namespace mqtt::tools {

class event_loop {
public:
    using clock = std::chrono::steady_clock;
    using io_handler = std::function<void(std::uint32_t epoll_events)>;
    using timer_id = std::uint64_t;

    event_loop();
    ~event_loop();
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;

    // Watch `fd` for `events` (EPOLLIN, EPOLLOUT, EPOLLET, ...). The handler may add/remove any fd, itself included.
    void add(int fd, std::uint32_t events, io_handler handler);
    void modify(int fd, std::uint32_t events);
    void remove(int fd) noexcept;

    // Runs `fn` once at `when` (or on the next iteration if that has passed). Returns an id for cancel().
    timer_id add_timer(clock::time_point when, std::function<void()> fn);
    void cancel_timer(timer_id id) noexcept;

    // Thread-safe: queue `fn` to run on the loop's thread, and wake it.
    void post(std::function<void()> fn);
    // Thread-safe and async-signal-unsafe-free: ask run() to return after the current iteration.
    void stop() noexcept;
    // Thread-safe: end the current or next epoll_wait early, so that an iteration (and its hook) runs soon.
    void wake() noexcept;

    // Runs `fn` at the end of every iteration, after I/O handlers, timers and posted tasks: where a server flushes
    // the output it collected during the iteration (one write per connection). Replaces any previous hook.
    void set_iteration_hook(std::function<void()> fn) { iteration_hook_ = std::move(fn); }

    // Dispatches events until stop(). `max_wait` bounds each epoll_wait (timers shorten it).
    void run(std::chrono::milliseconds max_wait = std::chrono::milliseconds(1000));
    // One iteration: wait at most `max_wait` for I/O, then run due timers and posted tasks.
    void run_once(std::chrono::milliseconds max_wait);
    [[nodiscard]] bool stopped() const noexcept;

private:
    struct watch;
    void run_due_timers();
    void run_posted();

    unique_fd epoll_;
    unique_fd wakeup_;  // eventfd
    std::unordered_map<int, std::unique_ptr<watch>> watches_;
    std::vector<std::unique_ptr<watch>> retired_;  // removed during dispatch, freed after it
    std::multimap<clock::time_point, timer_id> timers_;
    std::unordered_map<timer_id, std::pair<std::multimap<clock::time_point, timer_id>::iterator,
                                           std::function<void()>>> timer_fns_;
    timer_id next_timer_ = 1;
    std::mutex posted_mutex_;
    std::vector<std::function<void()>> posted_;
    std::function<void()> iteration_hook_;
    std::atomic<bool> stop_{false};
};

}  // namespace mqtt::tools
