#pragma once
// A thin RAII layer over SQLite's C API: one connection, prepared statements. Every failure throws
// store_error naming the database file, so a caller never continues after a write it cannot trust.
#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mqttd::store {

class store_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
// The file is not a database, or its content is inconsistent (as opposed to busy, full or unwritable).
class store_damaged : public store_error {
public:
    using store_error::store_error;
};

class database {
public:
    // Opens (creating when missing) `path`. Throws store_error.
    explicit database(const std::string& path);
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    // Runs one or more statements without results. Throws store_error.
    void exec(const char* sql);
    [[noreturn]] void fail(std::string_view what) const;
    [[nodiscard]] sqlite3* handle() const noexcept { return db_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

class statement {
public:
    statement(database& db, const char* sql);
    ~statement();
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    statement& bind(int i, std::int64_t v);
    statement& bind(int i, std::string_view v);
    statement& bind(int i, std::span<const std::byte> v);
    statement& bind_null(int i);
    // One step: true when a row is available. Throws store_error.
    bool step();
    // Runs to completion and resets for the next use.
    void run();
    void reset() noexcept;

    [[nodiscard]] std::int64_t integer(int col) const noexcept { return sqlite3_column_int64(st_, col); }
    [[nodiscard]] bool is_null(int col) const noexcept { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
    [[nodiscard]] std::string_view text(int col) const noexcept;
    [[nodiscard]] std::span<const std::byte> blob(int col) const noexcept;

private:
    database& db_;
    sqlite3_stmt* st_ = nullptr;
};

}  // namespace mqttd::store
