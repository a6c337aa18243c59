// Administration of the SQLite store: schema version, online backup, consistency check.

#include "core/error.hpp"
#include "geo/geojson.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <filesystem>

#include <sqlite3.h>

namespace impetus::sqlite {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Administration

int SqliteStore::schema_version() {
    auto c = reader();
    return static_cast<int>(c->query_int("PRAGMA user_version"));
}

void SqliteStore::backup(const std::filesystem::path& target) {
    namespace fs = std::filesystem;
    if (fs::exists(target) && fs::equivalent(target, m_options.location)) {
        throw Error(ErrorKind::invalid_input, "the backup target is the database itself",
                    "give another file name");
    }
    // Written beside the target and renamed into place: a crash never leaves half a backup.
    fs::path tmp = target;
    tmp += ".part";
    fs::remove(tmp);
    {
        Connection dst(tmp.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                       m_options.busy_timeout_ms);
        auto src = reader();
        sqlite3_backup* b = sqlite3_backup_init(dst.handle(), "main", src->handle(), "main");
        if (!b) {
            throw_sqlite(dst.handle(), sqlite3_errcode(dst.handle()), "backup");
        }
        int rc = SQLITE_OK;
        do {
            rc = sqlite3_backup_step(b, 256);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
        } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
            fs::remove(tmp);
            throw_sqlite(dst.handle(), rc, "backup");
        }
        dst.exec("PRAGMA journal_mode = DELETE");
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp);
        throw Error(ErrorKind::io, "cannot write " + target.string() + ": " + ec.message(),
                    "check the folder exists and is writable");
    }
}

StoreCheck SqliteStore::check() {
    StoreCheck r;
    auto c = reader();
    ReadTransaction snapshot(*c);
    r.schema_version = static_cast<int>(c->query_int("PRAGMA user_version"));
    {
        auto st = c->prepare("PRAGMA integrity_check");
        while (st.step()) {
            auto line = st.text(0);
            if (line != "ok") r.problems.push_back("integrity: " + line);
        }
    }
    {
        auto st = c->prepare("PRAGMA foreign_key_check");
        while (st.step()) {
            r.problems.push_back("foreign key: " + st.text(0) + " row " +
                                 std::to_string(st.int64(1)) + " refers to a missing " +
                                 st.text(2));
        }
    }
    {
        auto st = c->prepare("SELECT rtreecheck('space_rtree')");
        if (st.step() && st.text(0) != "ok") r.problems.push_back("spatial index: " + st.text(0));
    }
    auto report = [&](const char* sql, const std::string& what) {
        auto st = c->prepare(sql);
        while (st.step()) {
            r.problems.push_back(what + " (space " + std::to_string(st.int64(0)) + ")");
        }
    };
    report("SELECT s.id FROM space s LEFT JOIN space_rtree t ON t.id = s.id WHERE t.id IS NULL",
           "space missing from the spatial index");
    report("SELECT s.id FROM space s WHERE s.status <> (SELECT to_status FROM "
           "space_status_change c WHERE c.space_id = s.id ORDER BY c.id DESC LIMIT 1) OR NOT "
           "EXISTS (SELECT 1 FROM space_status_change c WHERE c.space_id = s.id)",
           "status differs from the last entry of its history");
    report("SELECT s.id FROM space s JOIN space p ON p.id = s.parent_id WHERE p.workspace_id <> "
           "s.workspace_id",
           "parent space in another workspace");
    report("SELECT s.id FROM space s JOIN organisation o ON o.id = s.owner_organisation_id "
           "WHERE o.workspace_id <> s.workspace_id",
           "owner organisation in another workspace");
    {
        auto st = c->prepare("SELECT id, geometry FROM space");
        while (st.step()) {
            try {
                geo::geometry_from_text(st.text_view(1));
            } catch (const Error&) {
                r.problems.push_back("unreadable geometry (space " + std::to_string(st.int64(0)) +
                                     ")");
            }
        }
    }
    r.workspaces = c->query_int("SELECT count(*) FROM workspace");
    r.organisations = c->query_int("SELECT count(*) FROM organisation");
    r.spaces = c->query_int("SELECT count(*) FROM space");
    r.ok = r.problems.empty();
    return r;
}

} // namespace impetus::sqlite
