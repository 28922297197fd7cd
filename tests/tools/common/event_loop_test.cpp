#include <gtest/gtest.h>

#include <sys/socket.h>

#include <chrono>
#include <thread>
#include <vector>

#include <mqtt/tools/event_loop.hpp>

namespace {

using namespace std::chrono_literals;
using mqtt::tools::event_loop;

// Runs iterations until `done` or the deadline: every wait in these tests is bounded.
template <class Pred>
bool run_until(event_loop& loop, Pred done, std::chrono::milliseconds limit = 5s) {
    const auto deadline = event_loop::clock::now() + limit;
    while (!done()) {
        if (event_loop::clock::now() > deadline) return false;
        loop.run_once(10ms);
    }
    return true;
}

TEST(EventLoop, TimersFireInDeadlineOrder) {
    event_loop loop;
    std::vector<int> order;
    const auto now = event_loop::clock::now();
    loop.add_timer(now + 30ms, [&] { order.push_back(3); });
    loop.add_timer(now + 10ms, [&] { order.push_back(1); });
    loop.add_timer(now + 20ms, [&] { order.push_back(2); });
    ASSERT_TRUE(run_until(loop, [&] { return order.size() == 3; }));
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventLoop, CancelledTimerDoesNotFire) {
    event_loop loop;
    bool fired = false, other = false;
    const auto id = loop.add_timer(event_loop::clock::now() + 5ms, [&] { fired = true; });
    loop.add_timer(event_loop::clock::now() + 20ms, [&] { other = true; });
    loop.cancel_timer(id);
    ASSERT_TRUE(run_until(loop, [&] { return other; }));
    EXPECT_FALSE(fired);
}

TEST(EventLoop, PostFromAnotherThreadWakesTheLoop) {
    event_loop loop;
    std::atomic<int> ran{0};
    std::thread t([&] {
        for (int i = 0; i < 100; ++i) loop.post([&] { ++ran; });
        loop.post([&] { loop.stop(); });
    });
    const auto start = event_loop::clock::now();
    loop.run(1000ms);
    t.join();
    EXPECT_EQ(ran.load(), 100);
    EXPECT_LT(event_loop::clock::now() - start, 900ms);  // woken by post(), not by the timeout
}

TEST(EventLoop, ReadinessAndIterationHook) {
    event_loop loop;
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    mqtt::tools::unique_fd a(sv[0]), b(sv[1]);
    int reads = 0, hooks_after_read = 0;
    loop.add(b.get(), EPOLLIN, [&](std::uint32_t) {
        char buf[16];
        while (::read(b.get(), buf, sizeof buf) > 0) {
        }
        ++reads;
    });
    loop.set_iteration_hook([&] {
        if (reads > 0) ++hooks_after_read;
    });
    ASSERT_EQ(::write(a.get(), "x", 1), 1);
    ASSERT_TRUE(run_until(loop, [&] { return hooks_after_read > 0; }));
    EXPECT_EQ(reads, 1);
    loop.remove(b.get());
    loop.set_iteration_hook({});
}

TEST(EventLoop, HandlerMayRemoveItself) {
    event_loop loop;
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    mqtt::tools::unique_fd a(sv[0]), b(sv[1]);
    int calls = 0;
    loop.add(b.get(), EPOLLIN, [&](std::uint32_t) {
        ++calls;
        loop.remove(b.get());
    });
    ASSERT_EQ(::write(a.get(), "xy", 2), 2);
    ASSERT_TRUE(run_until(loop, [&] { return calls > 0; }));
    for (int i = 0; i < 3; ++i) loop.run_once(1ms);
    EXPECT_EQ(calls, 1);
}

}  // namespace
