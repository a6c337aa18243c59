#pragma once

// Versioned schema migrations. The schema version is SQLite's `PRAGMA user_version`; the file
// is marked as Impetus's by `PRAGMA application_id`.

#include "store/sqlite/sqlite_db.hpp"

namespace impetus::sqlite {

constexpr int k_application_id = 0x494D5054; // "IMPT"

// The newest schema version this program knows.
int latest_schema_version();

// Brings the database to the latest version, each step in its own transaction. Refuses a
// database whose version is newer than latest_schema_version(), or that belongs to another
// application. Returns the number of steps applied.
int migrate(Connection& c);

// Throws the same errors as migrate() without changing anything; returns the version found.
int check_version(Connection& c);

} // namespace impetus::sqlite
