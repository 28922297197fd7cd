#include "sqlite_store.hpp"

#include <cstdio>
#include <exception>
#include <ctime>
#include <filesystem>
#include <vector>

#include <fmt/core.h>

#include <mqtt/codec/decode.hpp>
#include <mqtt/codec/encode.hpp>
#include <mqttd/logger.hpp>
#include <mqttd/settings.hpp>

namespace mqttd::store {

namespace broker = mqtt::broker;
namespace codec = mqtt::codec;

namespace {

constexpr std::int64_t application_id = 0x4D515444;  // "MQTD": tells mqttd's stores from other SQLite files
constexpr std::int64_t format_version = 1;

// Messages are kept once (fan-out shares them) and referred to by id; the triggers note ids that lost a
// reference, and commit() deletes those nothing refers to any more.
constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS messages(id INTEGER PRIMARY KEY, expires_at INTEGER, publish BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS retained(topic TEXT PRIMARY KEY, message_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(client_id TEXT PRIMARY KEY, username TEXT NOT NULL, version INTEGER NOT NULL,
  expiry_interval INTEGER NOT NULL, expires_at INTEGER);
CREATE TABLE IF NOT EXISTS subscriptions(client_id TEXT NOT NULL, topic_filter TEXT NOT NULL,
  options INTEGER NOT NULL, subscription_id INTEGER NOT NULL, PRIMARY KEY(client_id, topic_filter)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outgoing(client_id TEXT NOT NULL, seq INTEGER NOT NULL, message_id INTEGER NOT NULL,
  qos INTEGER NOT NULL, retain INTEGER NOT NULL, subscription_ids BLOB NOT NULL, packet_id INTEGER NOT NULL,
  state INTEGER NOT NULL, PRIMARY KEY(client_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inbound_qos2(client_id TEXT NOT NULL, packet_id INTEGER NOT NULL,
  PRIMARY KEY(client_id, packet_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wills(client_id TEXT PRIMARY KEY, message_id INTEGER NOT NULL,
  delay_interval INTEGER NOT NULL, publish_at INTEGER);
CREATE TABLE IF NOT EXISTS orphans(id INTEGER PRIMARY KEY);
CREATE INDEX IF NOT EXISTS outgoing_message ON outgoing(message_id);
CREATE INDEX IF NOT EXISTS retained_message ON retained(message_id);
CREATE INDEX IF NOT EXISTS wills_message ON wills(message_id);
CREATE TRIGGER IF NOT EXISTS outgoing_deleted AFTER DELETE ON outgoing
  BEGIN INSERT OR IGNORE INTO orphans VALUES(OLD.message_id); END;
CREATE TRIGGER IF NOT EXISTS outgoing_updated AFTER UPDATE OF message_id ON outgoing
  WHEN OLD.message_id <> NEW.message_id BEGIN INSERT OR IGNORE INTO orphans VALUES(OLD.message_id); END;
CREATE TRIGGER IF NOT EXISTS retained_deleted AFTER DELETE ON retained
  BEGIN INSERT OR IGNORE INTO orphans VALUES(OLD.message_id); END;
CREATE TRIGGER IF NOT EXISTS retained_updated AFTER UPDATE OF message_id ON retained
  WHEN OLD.message_id <> NEW.message_id BEGIN INSERT OR IGNORE INTO orphans VALUES(OLD.message_id); END;
CREATE TRIGGER IF NOT EXISTS wills_deleted AFTER DELETE ON wills
  BEGIN INSERT OR IGNORE INTO orphans VALUES(OLD.message_id); END;
CREATE TRIGGER IF NOT EXISTS wills_updated AFTER UPDATE OF message_id ON wills
  WHEN OLD.message_id <> NEW.message_id BEGIN INSERT OR IGNORE INTO orphans VALUES(OLD.message_id); END;
)sql";

std::int64_t pragma_integer(database& db, const char* sql) {
    statement st(db, sql);
    const std::int64_t v = st.step() ? st.integer(0) : 0;
    st.reset();
    return v;
}

std::vector<std::byte> encode_ids(std::span<const std::uint32_t> ids) {
    std::vector<std::byte> out;
    out.reserve(ids.size() * 4);
    for (const std::uint32_t id : ids)
        for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::byte>((id >> shift) & 0xFF));
    return out;
}

std::vector<std::uint32_t> decode_ids(std::span<const std::byte> b) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i + 4 <= b.size(); i += 4) {
        std::uint32_t id = 0;
        for (std::size_t k = 0; k < 4; ++k) id |= std::to_integer<std::uint32_t>(b[i + k]) << (8 * k);
        out.push_back(id);
    }
    return out;
}

// The wire byte of SUBSCRIBE's options (section 3.8.3.1, v5).
std::int64_t encode_options(const codec::subscribe_options& o) {
    return static_cast<std::int64_t>(o.max_qos) | (o.no_local ? 4 : 0) | (o.retain_as_published ? 8 : 0) |
           (static_cast<std::int64_t>(o.retain_handling) << 4);
}
codec::subscribe_options decode_options(std::int64_t v) {
    codec::subscribe_options o;
    o.max_qos = static_cast<codec::qos>(v & 3);
    o.no_local = (v & 4) != 0;
    o.retain_as_published = (v & 8) != 0;
    o.retain_handling = static_cast<std::uint8_t>((v >> 4) & 3);
    return o;
}

}  // namespace

struct sqlite_store::statements {
    explicit statements(database& db)
        : begin(db, "BEGIN"),
          commit(db, "COMMIT"),
          collect(db, "DELETE FROM messages WHERE id IN (SELECT id FROM orphans)"
                      " AND NOT EXISTS (SELECT 1 FROM outgoing WHERE message_id = messages.id)"
                      " AND NOT EXISTS (SELECT 1 FROM retained WHERE message_id = messages.id)"
                      " AND NOT EXISTS (SELECT 1 FROM wills WHERE message_id = messages.id)"),
          clear_orphans(db, "DELETE FROM orphans"),
          add_message(db, "INSERT OR REPLACE INTO messages(id, expires_at, publish) VALUES(?1, ?2, ?3)"),
          set_retained(db, "INSERT INTO retained(topic, message_id) VALUES(?1, ?2)"
                           " ON CONFLICT(topic) DO UPDATE SET message_id = excluded.message_id"),
          clear_retained(db, "DELETE FROM retained WHERE topic = ?1"),
          save_session(db, "INSERT INTO sessions(client_id, username, version, expiry_interval, expires_at)"
                           " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(client_id) DO UPDATE SET"
                           " username = excluded.username, version = excluded.version,"
                           " expiry_interval = excluded.expiry_interval, expires_at = excluded.expires_at"),
          remove_session(db, "DELETE FROM sessions WHERE client_id = ?1"),
          remove_session_subscriptions(db, "DELETE FROM subscriptions WHERE client_id = ?1"),
          remove_session_outgoing(db, "DELETE FROM outgoing WHERE client_id = ?1"),
          remove_session_qos2(db, "DELETE FROM inbound_qos2 WHERE client_id = ?1"),
          save_subscription(db, "INSERT OR REPLACE INTO subscriptions(client_id, topic_filter, options,"
                                " subscription_id) VALUES(?1, ?2, ?3, ?4)"),
          remove_subscription(db, "DELETE FROM subscriptions WHERE client_id = ?1 AND topic_filter = ?2"),
          save_outgoing(db, "INSERT INTO outgoing(client_id, seq, message_id, qos, retain, subscription_ids,"
                            " packet_id, state) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                            " ON CONFLICT(client_id, seq) DO UPDATE SET message_id = excluded.message_id,"
                            " packet_id = excluded.packet_id, state = excluded.state"),
          remove_outgoing(db, "DELETE FROM outgoing WHERE client_id = ?1 AND seq = ?2"),
          add_qos2(db, "INSERT OR IGNORE INTO inbound_qos2(client_id, packet_id) VALUES(?1, ?2)"),
          remove_qos2(db, "DELETE FROM inbound_qos2 WHERE client_id = ?1 AND packet_id = ?2"),
          save_will(db, "INSERT INTO wills(client_id, message_id, delay_interval, publish_at) VALUES(?1, ?2, ?3, ?4)"
                        " ON CONFLICT(client_id) DO UPDATE SET message_id = excluded.message_id,"
                        " delay_interval = excluded.delay_interval, publish_at = excluded.publish_at"),
          remove_will(db, "DELETE FROM wills WHERE client_id = ?1") {}

    statement begin, commit, collect, clear_orphans, add_message, set_retained, clear_retained, save_session,
        remove_session, remove_session_subscriptions, remove_session_outgoing, remove_session_qos2,
        save_subscription, remove_subscription, save_outgoing, remove_outgoing, add_qos2, remove_qos2, save_will,
        remove_will;
};

sqlite_store::sqlite_store(const store_options& o) : db_(o.path) {
    // A file that is not an SQLite database fails at the first statement that reads it.
    db_.exec("PRAGMA locking_mode = EXCLUSIVE");
    const std::int64_t app = pragma_integer(db_, "PRAGMA application_id");
    const std::int64_t version = pragma_integer(db_, "PRAGMA user_version");
    const bool empty = pragma_integer(db_, "SELECT count(*) FROM sqlite_schema") == 0;
    if (!empty && app != application_id)
        throw store_damaged(fmt::format("persistence store {}: an SQLite database, but not an mqttd store", o.path));
    if (!empty && version > format_version)
        throw store_error(fmt::format("persistence store {}: format {} is newer than this mqttd's ({})", o.path,
                                      version, format_version));
    {
        statement check(db_, "PRAGMA quick_check");
        while (check.step())
            if (check.text(0) != "ok")
                throw store_damaged(fmt::format("persistence store {}: damaged: {}", o.path, check.text(0)));
        check.reset();
    }
    {
        statement wal(db_, "PRAGMA journal_mode = WAL");
        if (!wal.step() || wal.text(0) != "wal")
            throw store_error(fmt::format("persistence store {}: cannot use a write-ahead log", o.path));
        wal.reset();
    }
    // FULL: the WAL is fsynced at every commit. NORMAL: only at checkpoints; a commit then survives the end of
    // the process (kill -9) but not of the machine.
    db_.exec(o.fsync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    if (o.max_bytes != 0) {
        const std::int64_t page = pragma_integer(db_, "PRAGMA page_size");
        const auto pages = std::max<std::int64_t>(1, static_cast<std::int64_t>(o.max_bytes) / page);
        db_.exec(fmt::format("PRAGMA max_page_count = {}", pages).c_str());
    }
    db_.exec("BEGIN");
    db_.exec(schema);
    db_.exec(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}", application_id, format_version).c_str());
    db_.exec("COMMIT");
    st_ = std::make_unique<statements>(db_);
    validate();
    steady_minus_wall_ = std::chrono::steady_clock::now().time_since_epoch() -
                         std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch());
}

sqlite_store::~sqlite_store() = default;

std::int64_t sqlite_store::to_wall(broker::time_point t) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch() - steady_minus_wall_).count();
}
broker::time_point sqlite_store::from_wall(std::int64_t ms) const {
    return broker::time_point(std::chrono::duration_cast<broker::clock::duration>(std::chrono::milliseconds(ms) +
                                                                                   steady_minus_wall_));
}

void sqlite_store::begin() {
    if (in_transaction_) return;
    st_->begin.run();
    in_transaction_ = true;
}

template <class F>
void sqlite_store::apply(F&& change) noexcept {
    if (failure_) return;
    try {
        begin();
        change();
    } catch (...) {
        failure_ = std::current_exception();
    }
}

void sqlite_store::commit() {
    if (failure_) std::rethrow_exception(failure_);
    if (!in_transaction_) return;
    st_->collect.run();
    st_->clear_orphans.run();
    st_->commit.run();
    in_transaction_ = false;
}

void sqlite_store::restore_into(broker::engine& e, broker::time_point now) {
    // MQTT-3.3.2-5 (v5): an expired retained message is never delivered again, so it need not be kept.
    begin();
    statement expired(db_, "DELETE FROM retained WHERE message_id IN"
                           " (SELECT id FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ?1)");
    expired.bind(1, to_wall(now)).run();
    commit();
    // The engine is built without exceptions: none may cross it. validate() already read everything once, so
    // only an I/O error can fail here; it is reported once restore() has returned.
    std::exception_ptr failure;
    e.restore([&](broker::durable_store& into) {
        try {
            replay(into);
        } catch (...) {
            failure = std::current_exception();
        }
    }, now);
    if (failure) std::rethrow_exception(failure);
}

namespace {
// Receives a replay and keeps nothing: reading the whole store once finds what does not decode.
struct discarding_store final : broker::durable_store {
    void message_added(const broker::message_record&) override {}
    void retained_set(std::string_view, std::uint64_t) override {}
    void retained_cleared(std::string_view) override {}
    void session_saved(const broker::session_record&) override {}
    void session_removed(std::string_view) override {}
    void subscription_saved(const broker::subscription_record&) override {}
    void subscription_removed(std::string_view, std::string_view) override {}
    void outgoing_saved(const broker::outgoing_record&) override {}
    void outgoing_removed(std::string_view, std::uint64_t) override {}
    void inbound_qos2_added(std::string_view, std::uint16_t) override {}
    void inbound_qos2_removed(std::string_view, std::uint16_t) override {}
    void will_saved(const broker::will_record&) override {}
    void will_removed(std::string_view) override {}
};
}  // namespace

void sqlite_store::validate() {
    discarding_store nowhere;
    replay(nowhere);
}

void sqlite_store::replay(broker::durable_store& into) {
    auto corrupt = [&](std::string_view table, std::string_view what) {
        throw store_damaged(fmt::format("persistence store {}: damaged: table {}: {}", db_.path(), table, what));
    };
    {
        statement st(db_, "SELECT id, expires_at, publish FROM messages ORDER BY id");
        while (st.step()) {
            codec::decode_options opt;
            opt.version = codec::protocol_version::v5;
            auto d = codec::decode(st.blob(2), opt);
            if (!d || !std::holds_alternative<codec::publish_view>(d->packet))
                corrupt("messages", fmt::format("message {} does not decode", st.integer(0)));
            std::optional<broker::time_point> expires;
            if (!st.is_null(1)) expires = from_wall(st.integer(1));
            into.message_added({static_cast<std::uint64_t>(st.integer(0)), std::get<codec::publish_view>(d->packet),
                                expires});
        }
        st.reset();
    }
    {
        statement st(db_, "SELECT topic, message_id FROM retained");
        while (st.step()) into.retained_set(st.text(0), static_cast<std::uint64_t>(st.integer(1)));
        st.reset();
    }
    {
        statement st(db_, "SELECT client_id, username, version, expiry_interval, expires_at FROM sessions");
        while (st.step()) {
            const auto v = st.integer(2);
            if (v != 4 && v != 5) corrupt("sessions", fmt::format("protocol version {}", v));
            broker::session_record r{st.text(0), st.text(1), static_cast<codec::protocol_version>(v),
                                     static_cast<std::uint32_t>(st.integer(3)), std::nullopt};
            if (!st.is_null(4)) r.expires_at = from_wall(st.integer(4));
            into.session_saved(r);
        }
        st.reset();
    }
    {
        statement st(db_, "SELECT client_id, topic_filter, options, subscription_id FROM subscriptions");
        while (st.step())
            into.subscription_saved({st.text(0), st.text(1), decode_options(st.integer(2)),
                                     static_cast<std::uint32_t>(st.integer(3))});
        st.reset();
    }
    {
        statement st(db_, "SELECT client_id, seq, message_id, qos, retain, subscription_ids, packet_id, state"
                          " FROM outgoing ORDER BY client_id, seq");
        while (st.step()) {
            const auto q = st.integer(3);
            const auto state = st.integer(7);
            const auto id = st.integer(6);
            if (q < 1 || q > 2 || state < 0 || state > 3 || id < 0 || id > 65'535)
                corrupt("outgoing", fmt::format("entry {} of {}", st.integer(1), st.text(0)));
            const auto ids = decode_ids(st.blob(5));
            into.outgoing_saved({st.text(0), static_cast<std::uint64_t>(st.integer(1)),
                                 static_cast<std::uint64_t>(st.integer(2)), static_cast<codec::qos>(q),
                                 st.integer(4) != 0, ids, static_cast<std::uint16_t>(id),
                                 static_cast<broker::outgoing_state>(state)});
        }
        st.reset();
    }
    {
        statement st(db_, "SELECT client_id, packet_id FROM inbound_qos2");
        while (st.step()) into.inbound_qos2_added(st.text(0), static_cast<std::uint16_t>(st.integer(1)));
        st.reset();
    }
    {
        statement st(db_, "SELECT client_id, message_id, delay_interval, publish_at FROM wills");
        while (st.step()) {
            broker::will_record w{st.text(0), static_cast<std::uint64_t>(st.integer(1)),
                                  static_cast<std::uint32_t>(st.integer(2)), std::nullopt};
            if (!st.is_null(3)) w.publish_at = from_wall(st.integer(3));
            into.will_saved(w);
        }
        st.reset();
    }
}

void sqlite_store::message_added(const broker::message_record& m) {
    apply([&] {
        codec::publish_view p = m.publish;
        p.packet_id = p.qos == codec::qos::at_most_once ? 0 : 1;  // decode() insists on an id for QoS 1/2
        p.dup = false;
        std::vector<std::byte> bytes(codec::encoded_size(p, codec::protocol_version::v5));
        if (!codec::encode(p, codec::protocol_version::v5, bytes))
            throw store_error(fmt::format("persistence store {}: message {} does not encode", db_.path(), m.id));
        auto& st = st_->add_message;
        st.bind(1, static_cast<std::int64_t>(m.id));
        if (m.expires_at) st.bind(2, to_wall(*m.expires_at));
        else st.bind_null(2);
        st.bind(3, std::span<const std::byte>(bytes)).run();
    });
}

void sqlite_store::retained_set(std::string_view topic, std::uint64_t message_id) {
    apply([&] {
        st_->set_retained.bind(1, topic).bind(2, static_cast<std::int64_t>(message_id)).run();
    });
}

void sqlite_store::retained_cleared(std::string_view topic) {
    apply([&] {
        st_->clear_retained.bind(1, topic).run();
    });
}

void sqlite_store::session_saved(const broker::session_record& s) {
    apply([&] {
        auto& st = st_->save_session;
        st.bind(1, s.client_id).bind(2, s.username).bind(3, static_cast<std::int64_t>(s.version));
        st.bind(4, static_cast<std::int64_t>(s.expiry_interval));
        if (s.expires_at) st.bind(5, to_wall(*s.expires_at));
        else st.bind_null(5);
        st.run();
    });
}

void sqlite_store::session_removed(std::string_view client_id) {
    apply([&] {
        st_->remove_session.bind(1, client_id).run();
        st_->remove_session_subscriptions.bind(1, client_id).run();
        st_->remove_session_outgoing.bind(1, client_id).run();
        st_->remove_session_qos2.bind(1, client_id).run();
        st_->remove_will.bind(1, client_id).run();
    });
}

void sqlite_store::subscription_saved(const broker::subscription_record& s) {
    apply([&] {
        st_->save_subscription.bind(1, s.client_id).bind(2, s.topic_filter).bind(3, encode_options(s.options));
        st_->save_subscription.bind(4, static_cast<std::int64_t>(s.subscription_id)).run();
    });
}

void sqlite_store::subscription_removed(std::string_view client_id, std::string_view filter) {
    apply([&] {
        st_->remove_subscription.bind(1, client_id).bind(2, filter).run();
    });
}

void sqlite_store::outgoing_saved(const broker::outgoing_record& o) {
    apply([&] {
        const auto ids = encode_ids(o.subscription_ids);
        auto& st = st_->save_outgoing;
        st.bind(1, o.client_id).bind(2, static_cast<std::int64_t>(o.seq)).bind(3, static_cast<std::int64_t>(o.message_id));
        st.bind(4, static_cast<std::int64_t>(o.qos)).bind(5, std::int64_t{o.retain ? 1 : 0});
        st.bind(6, std::span<const std::byte>(ids)).bind(7, std::int64_t{o.packet_id});
        st.bind(8, static_cast<std::int64_t>(o.state)).run();
    });
}

void sqlite_store::outgoing_removed(std::string_view client_id, std::uint64_t seq) {
    apply([&] {
        st_->remove_outgoing.bind(1, client_id).bind(2, static_cast<std::int64_t>(seq)).run();
    });
}

void sqlite_store::inbound_qos2_added(std::string_view client_id, std::uint16_t packet_id) {
    apply([&] {
        st_->add_qos2.bind(1, client_id).bind(2, std::int64_t{packet_id}).run();
    });
}

void sqlite_store::inbound_qos2_removed(std::string_view client_id, std::uint16_t packet_id) {
    apply([&] {
        st_->remove_qos2.bind(1, client_id).bind(2, std::int64_t{packet_id}).run();
    });
}

void sqlite_store::will_saved(const broker::will_record& w) {
    apply([&] {
        auto& st = st_->save_will;
        st.bind(1, w.client_id).bind(2, static_cast<std::int64_t>(w.message_id));
        st.bind(3, static_cast<std::int64_t>(w.delay_interval));
        if (w.publish_at) st.bind(4, to_wall(*w.publish_at));
        else st.bind_null(4);
        st.run();
    });
}

void sqlite_store::will_removed(std::string_view client_id) {
    apply([&] {
        st_->remove_will.bind(1, client_id).run();
    });
}

std::unique_ptr<sqlite_store> open_store(const settings& s, logger& log) {
    if (!s.persistence) return nullptr;
    const std::filesystem::path dir = s.persistence_location.empty() ? "." : s.persistence_location;
    const std::string path = (dir / s.persistence_file).string();
    const store_options o{path, s.persistence_sync_batch, s.persistence_max_size};
    try {
        auto store = std::make_unique<sqlite_store>(o);
        log.log(log_level::notice, "persistence: store {}", path);
        return store;
    } catch (const store_damaged& e) {
        if (!s.persistence_reset) throw;
        // Moved aside, not deleted: what it holds may still be worth recovering by hand.
        const std::string aside = fmt::format("{}.corrupt-{}", path, std::time(nullptr));
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::error_code ec;
            std::filesystem::rename(path + suffix, aside + suffix, ec);
        }
        log.log(log_level::warning, "{}; persistence_reset: moved to {}, starting with an empty store", e.what(),
                aside);
        return std::make_unique<sqlite_store>(o);
    }
}

}  // namespace mqttd::store
