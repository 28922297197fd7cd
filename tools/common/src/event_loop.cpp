#include <sys/eventfd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

#include <mqtt/tools/event_loop.hpp>

namespace mqtt::tools {

struct event_loop::watch {
    int fd;
    io_handler handler;
    bool active = true;
};

namespace {
[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }
}  // namespace

event_loop::event_loop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)), wakeup_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (!epoll_) throw_errno("epoll_create1");
    if (!wakeup_) throw_errno("eventfd");
    add(wakeup_.get(), EPOLLIN, [this](std::uint32_t) {
        std::uint64_t n = 0;
        while (::read(wakeup_.get(), &n, sizeof n) > 0) {
        }
    });
}

event_loop::~event_loop() = default;

void event_loop::add(int fd, std::uint32_t events, io_handler handler) {
    auto w = std::make_unique<watch>(watch{fd, std::move(handler)});
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = w.get();
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) throw_errno("epoll_ctl(ADD)");
    watches_[fd] = std::move(w);
}

void event_loop::modify(int fd, std::uint32_t events) {
    auto it = watches_.find(fd);
    if (it == watches_.end()) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = it->second.get();
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) != 0) throw_errno("epoll_ctl(MOD)");
}

void event_loop::remove(int fd) noexcept {
    auto it = watches_.find(fd);
    if (it == watches_.end()) return;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    it->second->active = false;  // events already fetched for it in this iteration are skipped
    retired_.push_back(std::move(it->second));
    watches_.erase(it);
}

event_loop::timer_id event_loop::add_timer(clock::time_point when, std::function<void()> fn) {
    const timer_id id = next_timer_++;
    auto pos = timers_.emplace(when, id);
    timer_fns_.emplace(id, std::make_pair(pos, std::move(fn)));
    return id;
}

void event_loop::cancel_timer(timer_id id) noexcept {
    auto it = timer_fns_.find(id);
    if (it == timer_fns_.end()) return;
    timers_.erase(it->second.first);
    timer_fns_.erase(it);
}

void event_loop::post(std::function<void()> fn) {
    {
        std::lock_guard lock(posted_mutex_);
        posted_.push_back(std::move(fn));
    }
    wake();
}

void event_loop::stop() noexcept {
    stop_.store(true, std::memory_order_release);
    wake();
}

bool event_loop::stopped() const noexcept { return stop_.load(std::memory_order_acquire); }

void event_loop::wake() noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wakeup_.get(), &one, sizeof one);
}

void event_loop::run(std::chrono::milliseconds max_wait) {
    while (!stopped()) run_once(max_wait);
}

void event_loop::run_once(std::chrono::milliseconds max_wait) {
    auto wait = max_wait;
    if (!timers_.empty()) {
        const auto until = std::chrono::ceil<std::chrono::milliseconds>(timers_.begin()->first - clock::now());
        wait = std::clamp(until, std::chrono::milliseconds(0), max_wait);
    }
    std::array<epoll_event, 256> events{};
    const int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()),
                               static_cast<int>(wait.count()));
    if (n < 0 && errno != EINTR) throw_errno("epoll_wait");
    for (int i = 0; i < n; ++i) {
        auto* w = static_cast<watch*>(events[static_cast<std::size_t>(i)].data.ptr);
        if (w->active) w->handler(events[static_cast<std::size_t>(i)].events);
    }
    retired_.clear();
    run_due_timers();
    run_posted();
    if (iteration_hook_) iteration_hook_();
}

void event_loop::run_due_timers() {
    const auto now = clock::now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
        const timer_id id = timers_.begin()->second;
        auto fn = std::move(timer_fns_[id].second);
        timers_.erase(timers_.begin());
        timer_fns_.erase(id);
        fn();
    }
}

void event_loop::run_posted() {
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard lock(posted_mutex_);
        tasks.swap(posted_);
    }
    for (auto& t : tasks) t();
}

}  // namespace mqtt::tools
