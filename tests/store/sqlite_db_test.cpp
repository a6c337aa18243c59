// The RAII wrappers over SQLite: statements kept prepared on a connection.

#include "store/sqlite/sqlite_db.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace impetus::sqlite {
namespace {

TEST(SqliteConnection, CachedStatementsAreReusedResetAndNeverShared) {
    test::TempDir dir;
    Connection c((dir / "t.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 1000);
    c.exec("CREATE TABLE t (v INTEGER)");
    c.exec("INSERT INTO t VALUES (1), (2), (3)");
    const std::string sql = "SELECT v FROM t WHERE v >= ? ORDER BY v";
    {
        auto a = c.prepare_cached(sql);
        a.bind(1, 2);
        ASSERT_TRUE(a.step());
        EXPECT_EQ(a.int64(0), 2);
        // The same text while `a` is still in use: a statement of its own.
        auto b = c.prepare_cached(sql);
        b.bind(1, 1);
        ASSERT_TRUE(b.step());
        EXPECT_EQ(b.int64(0), 1);
        ASSERT_TRUE(a.step());
        EXPECT_EQ(a.int64(0), 3);
        EXPECT_FALSE(a.step());
    }
    // Handed back reset and with its bindings cleared: v >= NULL matches nothing.
    for (int round = 0; round < 3; ++round) {
        auto again = c.prepare_cached(sql);
        EXPECT_FALSE(again.step());
        again.reset();
        again.bind(1, 3);
        ASSERT_TRUE(again.step());
        EXPECT_EQ(again.int64(0), 3);
    }
    // A write between two uses is seen by the next one.
    c.exec("INSERT INTO t VALUES (4)");
    auto after = c.prepare_cached(sql);
    after.bind(1, 4);
    ASSERT_TRUE(after.step());
    EXPECT_EQ(after.int64(0), 4);
}

} // namespace
} // namespace impetus::sqlite
