#include "store/sqlite/sqlite_db.hpp"

#include "core/error.hpp"

#include <sqlite3.h>

#include <utility>

namespace impetus::sqlite {

void throw_sqlite(sqlite3* db, int rc, std::string_view what) {
    std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    int primary = rc & 0xff;
    if (primary == SQLITE_CONSTRAINT) {
        throw Error(ErrorKind::conflict, msg);
    }
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        throw Error(ErrorKind::storage, msg, "the database is busy; try again");
    }
    if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
        throw Error(ErrorKind::storage, msg, "the file is not an Impetus database or is damaged");
    }
    if (primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY || primary == SQLITE_PERM) {
        throw Error(ErrorKind::storage, msg, "check the path and its permissions");
    }
    throw Error(ErrorKind::storage, msg);
}

Connection::Connection(const std::string& path, int flags, int busy_timeout_ms) {
    int rc = sqlite3_open_v2(path.c_str(), &m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = "cannot open database " + path;
        sqlite3* db = m_db;
        try {
            throw_sqlite(db, rc, msg);
        } catch (...) {
            sqlite3_close(db);
            m_db = nullptr;
            throw;
        }
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, busy_timeout_ms);
}

Connection::~Connection() {
    for (auto& [sql, c] : m_cached) sqlite3_finalize(c.stmt);
    if (m_db) {
        sqlite3_close_v2(m_db);
    }
}

void Connection::exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw_sqlite(nullptr, rc, msg);
    }
}

Statement Connection::prepare(std::string_view sql) { return Statement(m_db, sql); }

Statement Connection::prepare_cached(std::string_view sql) {
    constexpr std::size_t k_max_cached = 64; // query shapes; past that, prepare as usual
    std::string key(sql);
    auto it = m_cached.find(key);
    if (it == m_cached.end()) {
        if (m_cached.size() >= k_max_cached) return prepare(sql);
        Statement fresh(m_db, sql);
        it = m_cached.emplace(std::move(key), Cached{std::exchange(fresh.m_stmt, nullptr)}).first;
    }
    if (it->second.in_use) return prepare(sql);
    it->second.in_use = true;
    return Statement(m_db, it->second.stmt, &it->second.in_use);
}

std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(m_db); }

int Connection::changes() const { return sqlite3_changes(m_db); }

std::int64_t Connection::query_int(std::string_view sql) {
    auto st = prepare(sql);
    return st.step() ? st.int64(0) : 0;
}

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db) {
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        throw_sqlite(db, rc, "prepare");
    }
}

Statement::~Statement() {
    if (!m_stmt) return;
    if (m_in_use) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
        *m_in_use = false;
    } else {
        sqlite3_finalize(m_stmt);
    }
}

Statement::Statement(Statement&& o) noexcept
    : m_db(o.m_db), m_stmt(o.m_stmt), m_in_use(o.m_in_use) {
    o.m_stmt = nullptr;
}

Statement& Statement::bind(int i, std::int64_t v) {
    sqlite3_bind_int64(m_stmt, i, v);
    return *this;
}

Statement& Statement::bind(int i, double v) {
    sqlite3_bind_double(m_stmt, i, v);
    return *this;
}

Statement& Statement::bind(int i, std::string_view v) {
    sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob64(m_stmt, i, v.data(), v.size(), SQLITE_TRANSIENT);
    return *this;
}

std::string Statement::blob(int col) const {
    const void* p = sqlite3_column_blob(m_stmt, col);
    const int n = sqlite3_column_bytes(m_stmt, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

Statement& Statement::bind_null(int i) {
    sqlite3_bind_null(m_stmt, i);
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    throw_sqlite(m_db, rc, "query");
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::is_null(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }

std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(m_stmt, col); }

double Statement::real(int col) const { return sqlite3_column_double(m_stmt, col); }

std::string_view Statement::text_view(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
    if (!p) {
        return {};
    }
    return std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col)));
}

std::string Statement::text(int col) const { return std::string(text_view(col)); }

std::optional<std::int64_t> Statement::opt_int64(int col) const {
    if (is_null(col)) return std::nullopt;
    return int64(col);
}

std::optional<double> Statement::opt_real(int col) const {
    if (is_null(col)) return std::nullopt;
    return real(col);
}

std::optional<std::string> Statement::opt_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
}

WriteTransaction::WriteTransaction(Connection& c, bool nested) : m_conn(c), m_nested(nested) {
    m_conn.exec(m_nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction() {
    if (!m_done) {
        try {
            m_conn.exec(m_nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
        } catch (...) {
            // A failed rollback leaves SQLite to roll back on its own; nothing more to do.
        }
    }
}

void WriteTransaction::commit() {
    m_conn.exec(m_nested ? "RELEASE nested" : "COMMIT");
    m_done = true;
}

ReadTransaction::ReadTransaction(Connection& c)
    : m_conn(c), m_joined(sqlite3_get_autocommit(c.handle()) == 0) {
    if (!m_joined) m_conn.prepare_cached("BEGIN").run();
}

ReadTransaction::~ReadTransaction() {
    if (m_joined) return;
    try {
        m_conn.prepare_cached("COMMIT").run();
    } catch (...) {
        // Read-only: nothing to lose.
    }
}

} // namespace impetus::sqlite
