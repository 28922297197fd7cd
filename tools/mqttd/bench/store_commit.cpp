// Group-commit write cost of the two embedded stores considered for mqttd's persistence: SQLite (WAL) and LMDB.
// Each transaction is what one busy event-loop iteration writes: `--batch` messages stored (100-byte rows) and
// the same number of older ones deleted (acknowledged), then one commit, with or without fsync.
//
//   g++ -O2 -std=c++20 tools/mqttd/bench/store_commit.cpp -lsqlite3 -llmdb -o /tmp/store_commit
//   /tmp/store_commit DIR [transactions] [batch]
//
// Not part of the CMake build: LMDB (liblmdb-dev) is only needed here. Results: docs/benchmarks.md.
#include <lmdb.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "store_commit: %s failed\n", what);
        std::exit(1);
    }
}

double run_sqlite(const std::string& path, bool fsync, int transactions, int batch) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    sqlite3* db = nullptr;
    check(sqlite3_open(path.c_str(), &db) == SQLITE_OK, "sqlite3_open");
    check(sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL;", nullptr, nullptr, nullptr) == SQLITE_OK, "wal");
    check(sqlite3_exec(db, fsync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr) == SQLITE_OK, "sync");
    check(sqlite3_exec(db, "CREATE TABLE m(id INTEGER PRIMARY KEY, v BLOB NOT NULL)", nullptr, nullptr, nullptr) == SQLITE_OK, "create");
    sqlite3_stmt* ins = nullptr;
    sqlite3_stmt* del = nullptr;
    check(sqlite3_prepare_v2(db, "INSERT INTO m VALUES(?1, ?2)", -1, &ins, nullptr) == SQLITE_OK, "prepare");
    check(sqlite3_prepare_v2(db, "DELETE FROM m WHERE id = ?1", -1, &del, nullptr) == SQLITE_OK, "prepare");
    const std::vector<char> value(100, 'x');
    std::int64_t next = 0;
    const auto start = clock_type::now();
    for (int t = 0; t < transactions; ++t) {
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        for (int i = 0; i < batch; ++i) {
            sqlite3_bind_int64(ins, 1, next);
            sqlite3_bind_blob(ins, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
            check(sqlite3_step(ins) == SQLITE_DONE, "insert");
            sqlite3_reset(ins);
            if (next >= batch) {
                sqlite3_bind_int64(del, 1, next - batch);
                check(sqlite3_step(del) == SQLITE_DONE, "delete");
                sqlite3_reset(del);
            }
            ++next;
        }
        check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK, "commit");
    }
    const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
    sqlite3_finalize(ins);
    sqlite3_finalize(del);
    sqlite3_close(db);
    return secs;
}

double run_lmdb(const std::string& dir, bool fsync, int transactions, int batch) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    MDB_env* env = nullptr;
    check(mdb_env_create(&env) == 0, "mdb_env_create");
    check(mdb_env_set_mapsize(env, std::size_t{1} << 30) == 0, "mapsize");
    check(mdb_env_open(env, dir.c_str(), fsync ? 0u : MDB_NOSYNC, 0644) == 0, "mdb_env_open");
    MDB_dbi dbi = 0;
    {
        MDB_txn* txn = nullptr;
        check(mdb_txn_begin(env, nullptr, 0, &txn) == 0, "begin");
        check(mdb_dbi_open(txn, nullptr, MDB_INTEGERKEY, &dbi) == 0, "dbi");
        check(mdb_txn_commit(txn) == 0, "commit");
    }
    std::vector<char> value(100, 'x');
    std::size_t next = 0;
    const auto start = clock_type::now();
    for (int t = 0; t < transactions; ++t) {
        MDB_txn* txn = nullptr;
        check(mdb_txn_begin(env, nullptr, 0, &txn) == 0, "begin");
        for (int i = 0; i < batch; ++i) {
            std::size_t key = next;
            MDB_val k{sizeof key, &key};
            MDB_val v{value.size(), value.data()};
            check(mdb_put(txn, dbi, &k, &v, MDB_APPEND) == 0, "put");
            if (next >= static_cast<std::size_t>(batch)) {
                std::size_t old = next - static_cast<std::size_t>(batch);
                MDB_val ok{sizeof old, &old};
                check(mdb_del(txn, dbi, &ok, nullptr) == 0, "del");
            }
            ++next;
        }
        check(mdb_txn_commit(txn) == 0, "commit");
    }
    const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
    mdb_env_close(env);
    return secs;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: store_commit DIR [transactions] [batch]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const int transactions = argc > 2 ? std::atoi(argv[2]) : 500;
    const int batch = argc > 3 ? std::atoi(argv[3]) : 50;
    std::printf("| store | sync | commits/s | messages/s (each stored and later deleted) |\n|---|---|---|---|\n");
    for (const bool fsync : {true, false}) {
        const double s = run_sqlite(dir + "/bench.sqlite", fsync, transactions, batch);
        std::printf("| SQLite WAL | %s | %.0f | %.0f |\n", fsync ? "FULL (fsync per commit)" : "NORMAL", transactions / s,
                    transactions * batch / s);
        const double l = run_lmdb(dir + "/bench.lmdb", fsync, transactions, batch);
        std::printf("| LMDB | %s | %.0f | %.0f |\n", fsync ? "default (fsync per commit)" : "MDB_NOSYNC",
                    transactions / l, transactions * batch / l);
    }
    return 0;
}
