#include "store/sqlite/sqlite_store.hpp"

#include "core/error.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_collation.hpp"
#include "store/sqlite/sqlite_functions.hpp"

#include <filesystem>

#include <sqlite3.h>

namespace impetus::sqlite {

// ---------------------------------------------------------------------------------------------
// Connections

SqliteStore::SqliteStore(const StoreOptions& options) : m_options(options) {
    if (m_options.location.empty()) {
        throw Error(ErrorKind::invalid_input, "no database path given", "pass --db PATH");
    }
    if (!m_options.create && !std::filesystem::exists(m_options.location)) {
        throw Error(ErrorKind::not_found, "database " + m_options.location + " does not exist",
                    "check --db, or run 'impetus db migrate' to create it");
    }
    m_writer = open_connection(true);
    if (m_options.migrate) {
        migrate(*m_writer);
    } else {
        int v = check_version(*m_writer);
        if (v < latest_schema_version()) {
            throw Error(ErrorKind::storage,
                        "the database schema is version " + std::to_string(v) + ", this program "
                            "needs " + std::to_string(latest_schema_version()),
                        "run 'impetus db migrate' first");
        }
    }
}

SqliteStore::~SqliteStore() = default;

std::unique_ptr<Connection> SqliteStore::open_connection(bool writer) {
    int flags = SQLITE_OPEN_READWRITE | (writer && m_options.create ? SQLITE_OPEN_CREATE : 0);
    auto c = std::make_unique<Connection>(m_options.location, flags, m_options.busy_timeout_ms);
    if (writer) {
        // Refuse a foreign file before WAL mode changes its header.
        check_version(*c);
        c->exec("PRAGMA journal_mode = WAL");
    } else {
        c->exec("PRAGMA query_only = 1");
    }
    // In WAL mode FULL flushes the log at every commit; NORMAL only at checkpoints (see
    // Durability). Only the writer commits; readers follow the same setting for simplicity.
    c->exec(m_options.durability == Durability::full ? "PRAGMA synchronous = FULL"
                                                      : "PRAGMA synchronous = NORMAL");
    // Readers share the file through the OS page cache instead of each filling its own.
    c->exec("PRAGMA mmap_size = 268435456");
    c->exec("PRAGMA foreign_keys = ON");
    c->exec("PRAGMA temp_store = MEMORY");
    register_functions(*c);
    register_collations(*c);
    return c;
}

namespace {
// The store whose transaction() this thread is running, if any.
thread_local const SqliteStore* t_transaction_of = nullptr;
} // namespace

bool SqliteStore::in_transaction() const noexcept { return t_transaction_of == this; }

void SqliteStore::transaction(const std::function<void()>& fn) {
    if (in_transaction()) { // already inside: the work simply joins it
        fn();
        return;
    }
    std::lock_guard lock(m_write_mutex);
    WriteTransaction tx(*m_writer);
    t_transaction_of = this;
    m_transaction_changed = false;
    try {
        fn();
        if (m_transaction_changed) {
            m_writer->exec("UPDATE meta SET value = value + 1 WHERE key = 'generation'");
        }
        tx.commit();
    } catch (...) {
        t_transaction_of = nullptr;
        throw;
    }
    t_transaction_of = nullptr;
}

SqliteStore::ReaderLease SqliteStore::reader() {
    if (in_transaction()) return ReaderLease(*this, *m_writer);
    {
        std::lock_guard lock(m_pool_mutex);
        if (!m_idle.empty()) {
            auto c = std::move(m_idle.back());
            m_idle.pop_back();
            return ReaderLease(*this, std::move(c));
        }
    }
    return ReaderLease(*this, open_connection(false));
}

// Every committed write that changes data bumps meta 'generation', in this process or in
// another one (an import from the command line beside a running server). Reading that row on
// every call costs a statement preparation; instead one connection keeps two statements and
// reads the row again only when PRAGMA data_version says that some other connection, this
// store's writer included, committed since the last look. That check reads SQLite's
// shared-memory WAL index: no statement to prepare, no B-tree to walk.
std::uint64_t SqliteStore::data_generation() {
    std::lock_guard lock(m_generation_mutex);
    if (!m_watcher) {
        m_watcher = open_connection(false);
        m_data_version = std::make_unique<Statement>(m_watcher->prepare("PRAGMA data_version"));
        m_read_generation = std::make_unique<Statement>(
            m_watcher->prepare("SELECT value FROM meta WHERE key = 'generation'"));
    }
    // Reset before and after: a statement left stepped would hold its read transaction open.
    m_data_version->reset();
    const std::int64_t version = m_data_version->step() ? m_data_version->int64(0) : 0;
    m_data_version->reset();
    if (version != m_seen_data_version) {
        // Read after the version: a commit between the two shows as a new version next time.
        m_read_generation->reset();
        m_generation = m_read_generation->step()
                           ? static_cast<std::uint64_t>(m_read_generation->int64(0))
                           : 0;
        m_read_generation->reset();
        m_seen_data_version = version;
    }
    return m_generation;
}

} // namespace impetus::sqlite
