// Administration: data generation, backup, consistency check, and the no-delete rule.

#include "support/errors.hpp"
#include "support/raw_sqlite.hpp"
#include "support/store_fixture.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

using test::catch_error;
using test::point;
using test::RawSqlite;
using test::square;

class AdminTest : public test::StoreTest {};

TEST_F(AdminTest, DataGenerationGrowsOnEveryWriteAndNotOnReads) {
    auto g = store->data_generation();
    auto expect_bump = [&](const char* what) {
        auto now = store->data_generation();
        EXPECT_GT(now, g) << what;
        g = now;
    };
    auto org = store->create_organisation(ws.id, test::make_organisation("Ville"));
    expect_bump("create_organisation");
    store->update_organisation(ws.id, org.id, org);
    expect_bump("update_organisation");
    auto s = add("Halle");
    expect_bump("create_space");
    auto f = s.fields;
    f.notes = "changed";
    store->update_space(ws.id, s.id, f, std::nullopt);
    expect_bump("update_space");
    store->transition_space(ws.id, s.id, SpaceStatus::verified, "checked", std::nullopt);
    expect_bump("transition_space");
    store->create_workspace(test::make_workspace("riga"));
    expect_bump("create_workspace");
    store->update_workspace(ws.id, ws);
    expect_bump("update_workspace");
    ImportRecord r;
    r.fields = test::make_fields("Imported");
    r.fields.source = "test";
    r.fields.source_id = "1";
    store->apply_import(ws.id, {r}, "import", false);
    expect_bump("apply_import");

    // Reads leave it alone.
    store->space(ws.id, s.id);
    store->space_any(s.id);
    store->space_history(ws.id, s.id);
    store->list_spaces(query());
    store->for_each_space(query(), [](const Space&) {});
    store->list_workspaces();
    store->workspace_by_slug("lille");
    store->organisation(ws.id, org.id);
    std::size_t total = 0;
    store->list_organisations(ws.id, 10, 0, &total);
    store->check();
    EXPECT_EQ(store->data_generation(), g);

    // A dry run writes nothing, and a failed write is rolled back whole.
    store->apply_import(ws.id, {r}, "import", true);
    EXPECT_EQ(store->data_generation(), g);
    catch_error([&] { store->create_workspace(test::make_workspace("lille")); });
    EXPECT_EQ(store->data_generation(), g);
}

TEST_F(AdminTest, DataGenerationSeesWritesFromAnotherConnection) {
    // Another process writing the same file (an import beside a running server), played by a
    // second store: each of its writes shows in this store's generation at once.
    auto g = store->data_generation();
    EXPECT_EQ(store->data_generation(), g);
    auto other = test::open_store_at(db_path());
    other->create_space(ws.id, test::make_fields("Elsewhere"), SpaceStatus::reported, "test");
    auto after = store->data_generation();
    EXPECT_GT(after, g);
    EXPECT_EQ(store->data_generation(), after);
    other->create_organisation(ws.id, test::make_organisation("Ville"));
    EXPECT_GT(store->data_generation(), after);
    // And this store's own writes as well, after the other's.
    after = store->data_generation();
    add("Here");
    EXPECT_GT(store->data_generation(), after);
    EXPECT_EQ(other->data_generation(), store->data_generation());
}

TEST_F(AdminTest, BackupIsAReadableCopy) {
    auto org = store->create_organisation(ws.id, test::make_organisation("Ville"));
    auto a = add("Halle", square(3.06, 50.63, 0.001));
    add("Boutique");
    store->transition_space(ws.id, a.id, SpaceStatus::verified, "checked", std::nullopt);
    const auto target = dir / "backup.db";
    store->backup(target);
    ASSERT_TRUE(std::filesystem::exists(target));
    EXPECT_FALSE(std::filesystem::exists(dir / "backup.db.part"));
    {
        // A standalone file, not left in WAL mode (opening it as a store would switch it).
        RawSqlite raw(target);
        EXPECT_EQ(raw.query_text("PRAGMA journal_mode"), "delete");
    }

    auto copy = test::open_store_at(target);
    auto original_check = store->check();
    auto copy_check = copy->check();
    EXPECT_TRUE(copy_check.ok);
    EXPECT_EQ(copy_check.workspaces, original_check.workspaces);
    EXPECT_EQ(copy_check.organisations, original_check.organisations);
    EXPECT_EQ(copy_check.spaces, original_check.spaces);
    EXPECT_EQ(copy_check.spaces, 2);
    auto s = copy->space(ws.id, a.id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->fields, a.fields);
    EXPECT_EQ(s->status, SpaceStatus::verified);
    EXPECT_EQ(copy->space_history(ws.id, a.id).size(), 2u);
    EXPECT_TRUE(copy->organisation(ws.id, org.id));
}

TEST_F(AdminTest, BackupReplacesAnOlderBackup) {
    const auto target = dir / "backup.db";
    store->backup(target);
    add("Later");
    store->backup(target);
    EXPECT_EQ(test::open_store_at(target)->check().spaces, 1);
}

TEST_F(AdminTest, BackupRefusesTheDatabaseItself) {
    add("Halle");
    for (auto target : {db_path(), dir / "." / "impetus.db"}) {
        auto e = catch_error([&] { store->backup(target); });
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input) << target;
    }
    EXPECT_TRUE(store->check().ok);
    EXPECT_EQ(store->check().spaces, 1);
}

TEST_F(AdminTest, BackupIntoAMissingFolderIsAnError) {
    auto e = catch_error([&] { store->backup(dir / "no" / "such" / "folder" / "b.db"); });
    EXPECT_TRUE(e.kind() == ErrorKind::io || e.kind() == ErrorKind::storage) << to_string(e.kind());
}

TEST_F(AdminTest, CheckIsOkOnAFreshStore) {
    auto c = store->check();
    EXPECT_TRUE(c.ok);
    EXPECT_TRUE(c.problems.empty());
    EXPECT_EQ(c.workspaces, 1);
    EXPECT_EQ(c.organisations, 0);
    EXPECT_EQ(c.spaces, 0);
    add("One", square(3.06, 50.63, 0.001));
    EXPECT_TRUE(store->check().ok);
}

TEST_F(AdminTest, CheckFindsASpaceMissingFromTheSpatialIndex) {
    auto s = add("Halle", square(3.06, 50.63, 0.001));
    add("Other");
    close_store();
    {
        RawSqlite raw(db_path());
        raw.exec("DELETE FROM space_rtree WHERE id = " + std::to_string(s.id));
    }
    reopen_store();
    auto c = store->check();
    EXPECT_FALSE(c.ok);
    ASSERT_EQ(c.problems.size(), 1u);
    EXPECT_NE(c.problems[0].find("spatial index"), std::string::npos) << c.problems[0];
    EXPECT_NE(c.problems[0].find(std::to_string(s.id)), std::string::npos) << c.problems[0];
}

TEST_F(AdminTest, CheckFindsAStatusThatDisagreesWithItsHistory) {
    auto s = add("Halle");
    close_store();
    {
        RawSqlite raw(db_path());
        raw.exec("UPDATE space SET status = 'in_use' WHERE id = " + std::to_string(s.id));
    }
    reopen_store();
    auto c = store->check();
    EXPECT_FALSE(c.ok);
    ASSERT_EQ(c.problems.size(), 1u);
    EXPECT_NE(c.problems[0].find("history"), std::string::npos) << c.problems[0];
}

TEST_F(AdminTest, CheckFindsUnreadableGeometry) {
    auto s = add("Halle");
    close_store();
    {
        RawSqlite raw(db_path());
        raw.exec("UPDATE space SET geometry = '{\"type\":\"Point\"}' WHERE id = " +
                 std::to_string(s.id));
    }
    reopen_store();
    auto c = store->check();
    EXPECT_FALSE(c.ok);
    ASSERT_EQ(c.problems.size(), 1u);
    EXPECT_NE(c.problems[0].find("geometry"), std::string::npos) << c.problems[0];
    // Reading that space is a storage error, not a crash.
    EXPECT_EQ(catch_error([&] { store->space(ws.id, s.id); }).kind(), ErrorKind::storage);
}

TEST_F(AdminTest, SpacesCanNeverBeDeleted) {
    auto s = add("Halle");
    {
        // Beside the open store: WAL lets a second connection in.
        RawSqlite raw(db_path());
        EXPECT_NE(raw.try_exec("DELETE FROM space WHERE id = " + std::to_string(s.id)), SQLITE_OK);
        EXPECT_NE(raw.error().find("never deleted"), std::string::npos) << raw.error();
        EXPECT_NE(raw.try_exec("DELETE FROM space"), SQLITE_OK);
        EXPECT_EQ(raw.query_int("SELECT count(*) FROM space"), 1);
    }
    EXPECT_TRUE(store->space(ws.id, s.id));
}

} // namespace
} // namespace impetus
