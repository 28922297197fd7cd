#pragma once
// sqlite_store: mqttd's durable store. The engine reports state changes (mqtt::broker::durable_store); they go
// into one SQLite transaction per event-loop iteration, committed by commit() before the iteration's output is
// written, so whatever a client sees acknowledged is on disk (group commit). WAL journal, exclusive lock (one
// mqttd per store). Layout and guarantees: docs/architecture.md, "Durability".
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>

#include <mqtt/broker/durable_store.hpp>
#include <mqtt/broker/engine.hpp>

#include "sqlite.hpp"

namespace mqttd {
struct settings;
class logger;
}  // namespace mqttd

namespace mqttd::store {

struct store_options {
    std::string path;
    bool fsync = true;            // fsync at every commit (persistence_sync batch); else only at checkpoints
    std::uint64_t max_bytes = 0;  // 0: unbounded
};

class sqlite_store final : public mqtt::broker::durable_store {
public:
    // Opens or creates the store and reads it once to check it. Throws store_damaged naming the file when it is
    // not a database, not mqttd's or damaged; store_error when it is from a newer format, in use by another
    // process or cannot be written.
    explicit sqlite_store(const store_options& o);
    ~sqlite_store();

    // Rebuilds `e` from the store (engine::restore); expired retained messages are dropped from the store first.
    void restore_into(mqtt::broker::engine& e, mqtt::broker::time_point now);
    // Commits what was reported since the last call (nothing to do when nothing was). Throws store_error when
    // that or any reported change failed: the caller must then not write the iteration's output.
    void commit();

    void message_added(const mqtt::broker::message_record& m) override;
    void retained_set(std::string_view topic_name, std::uint64_t message_id) override;
    void retained_cleared(std::string_view topic_name) override;
    void session_saved(const mqtt::broker::session_record& s) override;
    void session_removed(std::string_view client_id) override;
    void subscription_saved(const mqtt::broker::subscription_record& s) override;
    void subscription_removed(std::string_view client_id, std::string_view topic_filter) override;
    void outgoing_saved(const mqtt::broker::outgoing_record& o) override;
    void outgoing_removed(std::string_view client_id, std::uint64_t seq) override;
    void inbound_qos2_added(std::string_view client_id, std::uint16_t packet_id) override;
    void inbound_qos2_removed(std::string_view client_id, std::uint16_t packet_id) override;
    void will_saved(const mqtt::broker::will_record& w) override;
    void will_removed(std::string_view client_id) override;

private:
    struct statements;
    void begin();
    // Runs one reported change in the iteration's transaction. Called from inside the engine, which is built
    // without exceptions: a failure is kept and thrown by the next commit().
    template <class F>
    void apply(F&& change) noexcept;
    void validate();
    void replay(mqtt::broker::durable_store& into);
    [[nodiscard]] std::int64_t to_wall(mqtt::broker::time_point t) const;
    [[nodiscard]] mqtt::broker::time_point from_wall(std::int64_t ms) const;

    database db_;
    std::unique_ptr<statements> st_;
    // steady_clock (the engine's time) minus system_clock (what survives a restart), taken at open.
    std::chrono::nanoseconds steady_minus_wall_{};
    bool in_transaction_ = false;
    std::exception_ptr failure_;
};

// mqttd's start-up: the store `s` asks for (nullptr when persistence is off). With persistence_reset, a store
// that cannot be opened is moved aside (FILE.corrupt-UNIXTIME, never deleted) and a fresh one is started.
std::unique_ptr<sqlite_store> open_store(const settings& s, logger& log);

}  // namespace mqttd::store
