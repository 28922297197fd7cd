// Durability (issue 8): the mqttd binary with `persistence true`, stopped with SIGTERM or SIGKILL and started
// again on the same store; real clients (mosquitto_pub/sub) and a QoS 1/2 client built on raw sockets.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "integration/support/interop.hpp"
#include "integration/support/raw_client.hpp"

namespace {

using namespace mqttd_test;

// One run of the mqttd binary on `dir`'s store, listening on 127.0.0.1 port 0; its log is `dir`/mqttd-N.log.
// Unless `expect_start` is false, waits (bounded) until it listens.
class mqttd_run {
public:
    mqttd_run(const std::string& dir, int n, std::vector<std::string> args = {}, bool expect_start = true)
        : log(dir + "/mqttd-" + std::to_string(n) + ".log") {
        const std::string conf = dir + "/mqttd-" + std::to_string(n) + ".conf";
        std::ofstream(conf) << "listener 0 127.0.0.1\nlog_dest file " << log << "\npersistence true\n"
                            << "persistence_location " << dir << "\n";
        std::vector<std::string> argv{MQTTD_BINARY, "-c", conf};
        argv.insert(argv.end(), args.begin(), args.end());
        proc = std::make_unique<process>(argv);
        if (expect_start) port = wait_for_log(log, R"(listening on 127\.0\.0\.1:(\d+))");
    }
    std::string log;
    std::unique_ptr<process> proc;
    std::string port;  // empty when it did not start
};

// One integer from the stopped broker's store (read-only).
std::int64_t store_count(const std::string& file, const char* sql) {
    sqlite3* db = nullptr;
    std::int64_t n = -1;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

process_result mosquitto(const char* tool, const std::string& port, const std::string& version,
                         std::vector<std::string> more) {
    std::vector<std::string> a{tool, "-h", "127.0.0.1", "-p", port, "-V", version};
    a.insert(a.end(), more.begin(), more.end());
    return run(a, 15s);
}

class DurabilityRestart : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Versions, DurabilityRestart, ::testing::Values("mqttv311", "mqttv5"));

// MQTT-3.3.1-6 (v3.1.1) retained messages, MQTT-3.1.2-4 (v3.1.1) the session's subscriptions and MQTT-3.1.2-5
// (v3.1.1) its queued QoS 1/2 messages are still there after mqttd stops (SIGTERM) and starts again.
TEST_P(DurabilityRestart, MQTT_3_1_2_5_RetainedSubscriptionsAndQueueSurviveRestart) {
    const auto v = GetParam();
    const auto dir = make_temp_dir("durable-restart");
    const std::string id = "durable-sub-" + v;
    {
        mqttd_run first(dir, 1);
        ASSERT_FALSE(first.port.empty()) << read_text(first.log);
        EXPECT_EQ(mosquitto("mosquitto_pub", first.port, v, {"-r", "-q", "1", "-t", "keep/r", "-m", "kept"}).exit_code, 0);
        // -c: persistent session (5.0: Session Expiry Interval 0xFFFFFFFF); -E: exit once subscribed
        const auto sub = mosquitto("mosquitto_sub", first.port, v, {"-i", id, "-c", "-q", "1", "-t", "q/#", "-E"});
        ASSERT_EQ(sub.exit_code, 0) << sub.output;
        EXPECT_EQ(mosquitto("mosquitto_pub", first.port, v, {"-q", "1", "-t", "q/1", "-m", "one"}).exit_code, 0);
        EXPECT_EQ(mosquitto("mosquitto_pub", first.port, v, {"-q", "2", "-t", "q/2", "-m", "two"}).exit_code, 0);
        first.proc->kill(SIGTERM);
        EXPECT_EQ(first.proc->wait(10s).exit_code, 0);
    }
    mqttd_run second(dir, 2);
    ASSERT_FALSE(second.port.empty()) << read_text(second.log);
    // Queued for the offline session only if its subscription came back.
    EXPECT_EQ(mosquitto("mosquitto_pub", second.port, v, {"-q", "1", "-t", "q/3", "-m", "three"}).exit_code, 0);
    const auto queued = mosquitto("mosquitto_sub", second.port, v, {"-i", id, "-c", "-q", "1", "-t", "q/#", "-C", "3", "-W", "10"});
    EXPECT_EQ(queued.output, "one\ntwo\nthree\n");
    const auto retained = mosquitto("mosquitto_sub", second.port, v, {"-t", "keep/#", "-C", "1", "-W", "10"});
    EXPECT_EQ(retained.output, "kept\n");
    EXPECT_NE(read_text(second.log).find("as " + id + " (MQTT"), std::string::npos);
    EXPECT_NE(read_text(second.log).find("session resumed"), std::string::npos) << read_text(second.log);
    second.proc->kill(SIGTERM);
    EXPECT_EQ(second.proc->wait(10s).exit_code, 0);
    // Delivered messages leave the store; only the retained one is still referenced.
    const auto file = dir + "/mqttd.db";
    EXPECT_EQ(store_count(file, "SELECT count(*) FROM outgoing"), 0);
    EXPECT_EQ(store_count(file, "SELECT count(*) FROM messages"), 1);
    EXPECT_EQ(store_count(file, "SELECT count(*) FROM sessions"), 1);
}

// A store that is not a database: a clear error naming the file and a non-zero exit; never a crash, never a
// silent start without the data. --fresh-store moves it aside (kept) and starts empty.
TEST(DurabilityStore, DamagedStoreRefusedThenMovedAsideOnRequest) {
    const auto dir = make_temp_dir("durable-corrupt");
    const std::string file = dir + "/mqttd.db";
    std::ofstream(file) << std::string(8192, 'x');
    mqttd_run refused(dir, 1, {}, false);
    const auto r = refused.proc->wait(20s);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.signal, 0);
    EXPECT_NE(r.exit_code, 0);
    const auto log = read_text(refused.log) + r.output;
    EXPECT_NE(log.find("persistence store " + file), std::string::npos) << log;
    EXPECT_NE(log.find("not a database"), std::string::npos) << log;

    mqttd_run fresh(dir, 2, {"--fresh-store"});
    ASSERT_FALSE(fresh.port.empty()) << read_text(fresh.log);
    EXPECT_NE(read_text(fresh.log).find("moved to " + file + ".corrupt-"), std::string::npos) << read_text(fresh.log);
    std::size_t aside = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().filename().string().starts_with("mqttd.db.corrupt-")) ++aside;
    EXPECT_EQ(aside, 1u);
}

// ---- kill -9 under QoS 1 and QoS 2 load ------------------------------------------------------------------------

std::uint16_t id_of(const raw_packet& p) {
    return static_cast<std::uint16_t>((p.body.at(0) << 8) | p.body.at(1));
}
bytes pub_response(std::uint8_t first_byte, std::uint16_t id) {
    return {first_byte, 2, static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id & 0xFF)};
}

// A 3.1.1 client with a persistent session (clean session 0).
std::unique_ptr<raw_client> connect_persistent(const std::string& port, std::string_view client_id, bool& present) {
    auto c = std::make_unique<raw_client>(static_cast<std::uint16_t>(std::stoi(port)));
    if (!c->send(connect_v311(client_id, 60, false))) return nullptr;
    const auto ack = c->read_packet();
    if (!ack || ack->type() != 2 || ack->body.size() != 2 || ack->body[1] != 0) return nullptr;
    present = (ack->body[0] & 1) != 0;
    return c;
}

// The publisher side: message i is "m<i>" on k9/<i>, QoS 1 for even i and QoS 2 for odd i, packet id i + 1.
struct publisher {
    struct pending {
        int i;
        bool released;  // QoS 2: PUBREC received and PUBREL sent
    };
    std::map<std::uint16_t, pending> in_flight;
    std::set<int> acknowledged;  // PUBACK, or PUBREC: from then on the broker owns the message
    int next = 0;

    static std::uint8_t qos_of(int i) { return i % 2 == 0 ? 1 : 2; }
    bytes publish(int i, bool dup) const {
        auto b = publish_v311("k9/" + std::to_string(i), "m" + std::to_string(i), qos_of(i),
                              static_cast<std::uint16_t>(i + 1));
        if (dup) b[0] |= 0x08;  // MQTT-3.3.1-1: DUP on a re-delivery
        return b;
    }
    void on_packet(raw_client& c, const raw_packet& p) {
        const auto id = id_of(p);
        auto it = in_flight.find(id);
        if (it == in_flight.end()) return;
        if (p.type() == 4) {  // PUBACK
            acknowledged.insert(it->second.i);
            in_flight.erase(it);
        } else if (p.type() == 5) {  // PUBREC
            acknowledged.insert(it->second.i);
            it->second.released = true;
            c.send(pub_response(0x62, id));
        } else if (p.type() == 7) {  // PUBCOMP
            in_flight.erase(it);
        }
    }
};

// The subscriber side, a QoS 2 receiver as MQTT-4.3.3-2 (v3.1.1) describes: a PUBLISH whose packet id awaits
// PUBREL is a duplicate and is not delivered again.
struct subscriber {
    std::map<std::string, int> delivered;  // payload -> times delivered to the application
    std::set<std::uint16_t> awaiting_pubrel;

    void on_packet(raw_client& c, const raw_packet& p) {
        if (p.type() == 6) {  // PUBREL
            awaiting_pubrel.erase(id_of(p));
            c.send(pub_response(0x70, id_of(p)));
            return;
        }
        if (p.type() != 3) return;
        const int q = (p.first_byte >> 1) & 3;
        const std::size_t topic_len = static_cast<std::size_t>((p.body.at(0) << 8) | p.body.at(1));
        const std::size_t at = 2 + topic_len;
        const auto id = static_cast<std::uint16_t>((p.body.at(at) << 8) | p.body.at(at + 1));
        const std::string payload(p.body.begin() + static_cast<std::ptrdiff_t>(at + 2), p.body.end());
        if (q == 1) {
            ++delivered[payload];
            c.send(pub_response(0x40, id));
        } else {
            if (awaiting_pubrel.insert(id).second) ++delivered[payload];
            c.send(pub_response(0x50, id));
        }
    }
};

// Reads and handles everything that arrives within `wait` (0: what is already there).
template <class Side>
void pump(raw_client& c, Side& side, std::chrono::milliseconds wait) {
    while (auto p = c.read_packet(wait)) {
        side.on_packet(c, *p);
        wait = 0ms;
    }
}

// MQTT-4.3.2-2 / MQTT-4.3.3-2 (v3.1.1): mqttd is killed (SIGKILL) while a publisher streams QoS 1 and QoS 2
// messages to a subscriber. After a restart, every message whose PUBACK or PUBREC the publisher received is
// delivered, and every QoS 2 message at most once (exactly once when acknowledged), though the publisher
// re-sends its unacknowledged PUBLISHes (DUP) and PUBRELs and the broker its own.
TEST(DurabilityKill, MQTT_4_3_3_2_AcknowledgedSurviveKill9Qos2ExactlyOnce) {
    constexpr int window = 50;
    constexpr int kill_after = 600;  // acknowledged messages before the kill
    const auto dir = make_temp_dir("durable-kill");
    publisher pub;
    subscriber sub;
    std::size_t unacknowledged_at_kill = 0;
    std::size_t acknowledged_at_kill = 0;
    {
        mqttd_run first(dir, 1);
        ASSERT_FALSE(first.port.empty()) << read_text(first.log);
        bool present = false;
        auto s = connect_persistent(first.port, "k9-sub", present);
        ASSERT_TRUE(s);
        ASSERT_TRUE(s->send(subscribe_v311(1, "k9/#", 2)));
        const auto suback = s->read_packet();
        ASSERT_TRUE(suback && suback->type() == 9);
        auto p = connect_persistent(first.port, "k9-pub", present);
        ASSERT_TRUE(p);
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (static_cast<int>(pub.acknowledged.size()) < kill_after && std::chrono::steady_clock::now() < deadline) {
            while (static_cast<int>(pub.in_flight.size()) < window) {
                ASSERT_TRUE(p->send(pub.publish(pub.next, false)));
                pub.in_flight[static_cast<std::uint16_t>(pub.next + 1)] = {pub.next, false};
                ++pub.next;
            }
            pump(*p, pub, 2ms);
            pump(*s, sub, 2ms);
        }
        ASSERT_GE(static_cast<int>(pub.acknowledged.size()), kill_after) << "the load did not get going";
        // One more full window on its way, then the kill: the broker dies in the middle of work.
        while (static_cast<int>(pub.in_flight.size()) < 2 * window) {
            (void)p->send(pub.publish(pub.next, false));
            pub.in_flight[static_cast<std::uint16_t>(pub.next + 1)] = {pub.next, false};
            ++pub.next;
        }
        first.proc->kill(SIGKILL);
        EXPECT_EQ(first.proc->wait(10s).signal, SIGKILL);
        // What reached the clients before the kill counts (acknowledgements already in their sockets).
        pump(*p, pub, 200ms);
        pump(*s, sub, 200ms);
        unacknowledged_at_kill = pub.in_flight.size();
        acknowledged_at_kill = pub.acknowledged.size();
    }

    mqttd_run second(dir, 2);
    ASSERT_FALSE(second.port.empty()) << read_text(second.log);
    bool present = false;
    auto s = connect_persistent(second.port, "k9-sub", present);
    ASSERT_TRUE(s);
    EXPECT_TRUE(present);  // MQTT-3.2.2-2 (v3.1.1)
    auto p = connect_persistent(second.port, "k9-pub", present);
    ASSERT_TRUE(p);
    EXPECT_TRUE(present);
    // MQTT-4.4.0-1 (v3.1.1): the publisher re-sends what was not acknowledged, in order
    for (const auto& [id, f] : pub.in_flight) (void)p->send(f.released ? pub_response(0x62, id) : pub.publish(f.i, true));
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    auto all_delivered = [&] {
        for (int i : pub.acknowledged)
            if (!sub.delivered.contains("m" + std::to_string(i))) return false;
        return true;
    };
    while (std::chrono::steady_clock::now() < deadline && !(pub.in_flight.empty() && all_delivered())) {
        pump(*p, pub, 5ms);
        pump(*s, sub, 5ms);
    }
    pump(*s, sub, 300ms);  // anything still coming would be a duplicate

    std::size_t missing = 0;
    std::size_t qos2_repeated = 0;
    for (int i : pub.acknowledged)
        if (!sub.delivered.contains("m" + std::to_string(i))) ++missing;
    for (const auto& [payload, n] : sub.delivered)
        if (std::stoi(payload.substr(1)) % 2 == 1 && n != 1) ++qos2_repeated;
    EXPECT_EQ(missing, 0u) << "acknowledged but never delivered";
    EXPECT_EQ(qos2_repeated, 0u) << "QoS 2 messages delivered more than once";
    EXPECT_TRUE(pub.in_flight.empty()) << pub.in_flight.size() << " publisher flows did not complete";
    EXPECT_GT(unacknowledged_at_kill, 0u) << "the kill did not interrupt any flow";
    std::cout << "[ kill -9  ] sent " << pub.next << "; at the kill " << acknowledged_at_kill << " acknowledged and "
              << unacknowledged_at_kill << " flows unfinished; after the restart " << pub.acknowledged.size()
              << " acknowledged, " << sub.delivered.size() << " delivered\n";
}

}  // namespace
