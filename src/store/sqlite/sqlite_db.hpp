#pragma once

// Thin RAII wrappers over the SQLite C API (internal to the store module).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace impetus::sqlite {

class Statement;

class Connection {
public:
    // flags: SQLITE_OPEN_* ; throws Error(storage) with SQLite's message on failure.
    Connection(const std::string& path, int flags, int busy_timeout_ms);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    sqlite3* handle() const noexcept { return m_db; }
    void exec(const std::string& sql);
    Statement prepare(std::string_view sql);
    // The same, but kept prepared on this connection for the next call with the same text:
    // lists run a few shapes of SQL again and again, and preparing them took a twentieth of
    // an uncached page. While that statement is in use, a second call gets a fresh one.
    Statement prepare_cached(std::string_view sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;
    std::int64_t query_int(std::string_view sql); // first column of the first row, or 0

private:
    struct Cached {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };
    sqlite3* m_db = nullptr;
    std::unordered_map<std::string, Cached> m_cached; // nodes: `in_use` stays where it is
};

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(Statement&& o) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;

    // Binding is 1-based, as in SQLite.
    Statement& bind(int i, std::int64_t v);
    Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
    Statement& bind(int i, double v);
    Statement& bind(int i, std::string_view v);
    Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Statement& bind_null(int i);
    Statement& bind_blob(int i, std::string_view bytes);
    template <typename T> Statement& bind(int i, const std::optional<T>& v) {
        return v ? bind(i, *v) : bind_null(i);
    }

    bool step(); // true while a row is available
    void run();  // steps to completion
    void reset();

    bool is_null(int col) const;
    std::int64_t int64(int col) const;
    double real(int col) const;
    std::string text(int col) const;
    std::string blob(int col) const;
    std::string_view text_view(int col) const;
    std::optional<std::int64_t> opt_int64(int col) const;
    std::optional<double> opt_real(int col) const;
    std::optional<std::string> opt_text(int col) const;

private:
    friend class Connection;
    // A statement borrowed from Connection's cache: reset and handed back, not finalized.
    Statement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use) noexcept
        : m_db(db), m_stmt(stmt), m_in_use(in_use) {}

    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    bool* m_in_use = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted.
// BEGIN IMMEDIATE ... COMMIT, or with `nested` a savepoint inside a transaction already open on
// the connection (a write joining a Store::transaction): it commits into that transaction, and
// rolls back only its own changes when it fails.
class WriteTransaction {
public:
    explicit WriteTransaction(Connection& c, bool nested = false);
    ~WriteTransaction();
    void commit();

private:
    Connection& m_conn;
    bool m_nested = false;
    bool m_done = false;
};

// BEGIN (deferred) ... COMMIT: one consistent snapshot for several reads (WAL). Inside a
// transaction already open on the connection, the reads simply join it.
class ReadTransaction {
public:
    explicit ReadTransaction(Connection& c);
    ~ReadTransaction();

private:
    Connection& m_conn;
    bool m_joined = false;
};

[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view what);

} // namespace impetus::sqlite
