#pragma once

// Direct access to a database file through the SQLite C API, bypassing the store: for tests
// that set up foreign or damaged files, or check what the store must never allow.

#include <cstdint>
#include <filesystem>
#include <sqlite3.h>
#include <stdexcept>
#include <string>

namespace impetus::test {

class RawSqlite {
  public:
    explicit RawSqlite(const std::filesystem::path& file) {
        if (sqlite3_open_v2(file.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) != SQLITE_OK) {
            std::string msg = sqlite3_errmsg(m_db);
            sqlite3_close(m_db);
            throw std::runtime_error("cannot open " + file.string() + ": " + msg);
        }
        sqlite3_busy_timeout(m_db, 5000);
    }
    ~RawSqlite() { sqlite3_close_v2(m_db); }
    RawSqlite(const RawSqlite&) = delete;
    RawSqlite& operator=(const RawSqlite&) = delete;

    // Runs `sql`; returns SQLite's result code and leaves the message in error().
    int try_exec(const std::string& sql) {
        char* err = nullptr;
        int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err);
        m_error = err ? err : "";
        sqlite3_free(err);
        return rc;
    }
    void exec(const std::string& sql) {
        if (try_exec(sql) != SQLITE_OK) {
            throw std::runtime_error(sql + ": " + m_error);
        }
    }
    // The first column of the first row, or 0 when there is none.
    std::int64_t query_int(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            throw std::runtime_error(sql + ": " + sqlite3_errmsg(m_db));
        }
        std::int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        return v;
    }
    std::string query_text(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            throw std::runtime_error(sql + ": " + sqlite3_errmsg(m_db));
        }
        std::string v;
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
            v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
        return v;
    }
    const std::string& error() const noexcept { return m_error; }

  private:
    sqlite3* m_db = nullptr;
    std::string m_error;
};

} // namespace impetus::test
