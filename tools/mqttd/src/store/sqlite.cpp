#include "sqlite.hpp"

#include <fmt/core.h>

namespace mqttd::store {

database::database(const std::string& path) : path_(path) {
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw store_error(fmt::format("persistence store {}: cannot open: {}", path, why));
    }
    sqlite3_extended_result_codes(db_, 1);
}

database::~database() { sqlite3_close(db_); }

void database::exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
}

void database::fail(std::string_view what) const {
    const int code = sqlite3_errcode(db_) & 0xFF;
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
        throw store_damaged(fmt::format("persistence store {}: {}: {}", path_, sqlite3_errmsg(db_), what));
    throw store_error(fmt::format("persistence store {}: {}: {}", path_, sqlite3_errmsg(db_), what));
}

statement::statement(database& db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &st_, nullptr) != SQLITE_OK)
        db.fail(sql);
}

statement::~statement() { sqlite3_finalize(st_); }

statement& statement::bind(int i, std::int64_t v) {
    if (sqlite3_bind_int64(st_, i, v) != SQLITE_OK) db_.fail("bind");
    return *this;
}
statement& statement::bind(int i, std::string_view v) {
    if (sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC) != SQLITE_OK) db_.fail("bind");
    return *this;
}
statement& statement::bind(int i, std::span<const std::byte> v) {
    // A zero-length blob must not bind as NULL: pass a non-null pointer.
    static const char empty = 0;
    const void* data = v.empty() ? static_cast<const void*>(&empty) : static_cast<const void*>(v.data());
    if (sqlite3_bind_blob(st_, i, data, static_cast<int>(v.size()), SQLITE_STATIC) != SQLITE_OK) db_.fail("bind");
    return *this;
}
statement& statement::bind_null(int i) {
    if (sqlite3_bind_null(st_, i) != SQLITE_OK) db_.fail("bind");
    return *this;
}

bool statement::step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string sql = sqlite3_sql(st_);
    reset();
    db_.fail(sql);
}

void statement::run() {
    while (step()) {
    }
    reset();
}

void statement::reset() noexcept {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
}

std::string_view statement::text(int col) const noexcept {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col))) : std::string_view{};
}

std::span<const std::byte> statement::blob(int col) const noexcept {
    const auto* p = static_cast<const std::byte*>(sqlite3_column_blob(st_, col));
    return p ? std::span<const std::byte>(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col)))
             : std::span<const std::byte>{};
}

}  // namespace mqttd::store
