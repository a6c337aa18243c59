// Opening databases: schema creation, migrations, and refusing files that are not ours.

#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "support/errors.hpp"
#include "support/raw_sqlite.hpp"
#include "support/store_fixture.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <iterator>

namespace impetus {
namespace {

using test::catch_error;
using test::open_store_at;
using test::RawSqlite;
using test::TempDir;

// The whole content of a file, to show that opening it changed nothing. Compare with
// EXPECT_TRUE(a == b): a failing EXPECT_EQ would print both files.
std::string file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Schema, CreatedOnOpen) {
    TempDir dir;
    {
        auto store = open_store_at(dir / "new.db");
        EXPECT_EQ(store->schema_version(), sqlite::latest_schema_version());
        EXPECT_GE(sqlite::latest_schema_version(), 1);
        auto c = store->check();
        EXPECT_TRUE(c.ok);
        EXPECT_EQ(c.spaces, 0);
        EXPECT_EQ(c.schema_version, sqlite::latest_schema_version());
    }
    RawSqlite raw(dir / "new.db");
    EXPECT_EQ(raw.query_int("PRAGMA application_id"), sqlite::k_application_id);
    EXPECT_EQ(raw.query_int("PRAGMA user_version"), sqlite::latest_schema_version());
    EXPECT_EQ(raw.query_text("PRAGMA journal_mode"), "wal");
    for (const char* table : {"meta", "workspace", "organisation", "space", "space_rtree",
                              "space_fts", "space_status_change"}) {
        EXPECT_EQ(raw.query_int(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") +
                                table + "'"),
                  1)
            << table;
    }
}

TEST(Schema, ReopeningAppliesNothingAndKeepsData) {
    TempDir dir;
    {
        auto store = open_store_at(dir / "db");
        store->create_workspace(test::make_workspace("lille"));
    }
    {
        sqlite::Connection c((dir / "db").string(), SQLITE_OPEN_READWRITE, 1000);
        EXPECT_EQ(sqlite::migrate(c), 0);
        EXPECT_EQ(sqlite::check_version(c), sqlite::latest_schema_version());
    }
    auto store = open_store_at(dir / "db");
    EXPECT_EQ(store->list_workspaces().size(), 1u);
    EXPECT_EQ(store->schema_version(), sqlite::latest_schema_version());
}

TEST(Schema, MigrateOnAnEmptyFileAppliesEveryStep) {
    TempDir dir;
    sqlite::Connection c((dir / "db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 1000);
    EXPECT_EQ(sqlite::migrate(c), sqlite::latest_schema_version());
    EXPECT_EQ(sqlite::migrate(c), 0);
}

TEST(Schema, NewerSchemaIsRefusedAndNothingChanges) {
    TempDir dir;
    const auto file = dir / "db";
    {
        auto store = open_store_at(file);
        store->create_workspace(test::make_workspace("lille"));
    }
    const int newer = sqlite::latest_schema_version() + 1;
    {
        RawSqlite raw(file);
        raw.exec("PRAGMA journal_mode = DELETE");
        raw.exec("PRAGMA user_version = " + std::to_string(newer));
    }
    const auto before = file_bytes(file);
    for (bool migrate : {true, false}) {
        StoreOptions options;
        options.location = file.string();
        options.migrate = migrate;
        auto e = catch_error([&] { open_store(options); });
        EXPECT_EQ(e.kind(), ErrorKind::storage);
        EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
        EXPECT_FALSE(e.hint().empty());
    }
    EXPECT_TRUE(file_bytes(file) == before);
    EXPECT_FALSE(std::filesystem::exists(dir / "db-wal"));
    RawSqlite raw(file);
    EXPECT_EQ(raw.query_int("PRAGMA user_version"), newer);
    EXPECT_EQ(raw.query_text("PRAGMA journal_mode"), "delete");
}

TEST(Schema, ForeignSqliteFileIsRefused) {
    TempDir dir;
    const auto file = dir / "other.db";
    {
        RawSqlite raw(file);
        raw.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
    }
    const auto before = file_bytes(file);
    auto e = catch_error([&] { open_store_at(file); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(std::string(e.what()).find("not an Impetus database"), std::string::npos) << e.what();
    EXPECT_TRUE(file_bytes(file) == before);
}

TEST(Schema, ForeignFileWithItsOwnSchemaVersionIsRefused) {
    // Many programs number their schema with user_version too; without our application_id the
    // file is not ours, whatever its version.
    TempDir dir;
    const auto file = dir / "other.db";
    {
        RawSqlite raw(file);
        raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
        raw.exec("PRAGMA user_version = 1");
    }
    const auto before = file_bytes(file);
    auto e = catch_error([&] { open_store_at(file); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(std::string(e.what()).find("not an Impetus database"), std::string::npos) << e.what();
    EXPECT_TRUE(file_bytes(file) == before);
}

TEST(Schema, FileOfAnotherApplicationIdIsRefused) {
    TempDir dir;
    const auto file = dir / "other.db";
    {
        RawSqlite raw(file);
        raw.exec("PRAGMA application_id = 1234");
    }
    auto e = catch_error([&] { open_store_at(file); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(std::string(e.what()).find("another application"), std::string::npos) << e.what();
}

TEST(Schema, NonSqliteFileIsRefusedUntouched) {
    TempDir dir;
    const auto file = dir / "notes.txt";
    {
        std::ofstream out(file);
        out << "These are not the droids you are looking for.\n";
        for (int i = 0; i < 100; ++i) {
            out << "padding line " << i << "\n";
        }
    }
    const auto before = file_bytes(file);
    auto e = catch_error([&] { open_store_at(file); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_TRUE(file_bytes(file) == before);
}

TEST(Schema, MissingFileWithoutCreate) {
    TempDir dir;
    StoreOptions options;
    options.location = (dir / "missing.db").string();
    options.create = false;
    auto e = catch_error([&] { open_store(options); });
    EXPECT_EQ(e.kind(), ErrorKind::not_found);
    EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));
}

TEST(Schema, WithoutMigrateAnOldSchemaIsReported) {
    TempDir dir;
    StoreOptions options;
    options.location = (dir / "empty.db").string();
    options.migrate = false;
    auto e = catch_error([&] { open_store(options); });
    EXPECT_EQ(e.kind(), ErrorKind::storage);
    EXPECT_NE(e.hint().find("migrate"), std::string::npos);
}

TEST(Schema, PostgresIsNotAvailableYet) {
    StoreOptions options;
    options.location = "postgresql://localhost/impetus";
    EXPECT_EQ(catch_error([&] { open_store(options); }).kind(), ErrorKind::storage);
}

} // namespace
} // namespace impetus
