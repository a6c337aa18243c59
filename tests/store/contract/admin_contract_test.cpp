// Contract of the administration facet: the schema version, a backup that opens as a store
// holding what was committed, and the integrity check with its counts.

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

class AdminContract : public StoreContract {};
IMPETUS_STORE_CONTRACT(AdminContract);

TEST_P(AdminContract, TheSchemaVersionIsKnownAndStable) {
    const int v = store().schema_version();
    EXPECT_GT(v, 0);
    EXPECT_EQ(store().check().schema_version, v);
    reopen();
    EXPECT_EQ(store().schema_version(), v) << "opening again migrates nothing";
}

TEST_P(AdminContract, TheCheckOfAHealthyStoreIsOkWithItsCounts) {
    StoreCheck c = store().check();
    EXPECT_TRUE(c.ok);
    EXPECT_TRUE(c.problems.empty());
    EXPECT_EQ(c.workspaces, 1);
    EXPECT_EQ(c.organisations, 0);
    EXPECT_EQ(c.spaces, 0);

    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    store().create_organisation(ws.id, contract_organisation("A"));
    store().create_organisation(other.id, contract_organisation("B"));
    const Space parent = add_space("Parent", square(3.0, 50.0, 0.01));
    SpaceFields child = contract_fields("Child");
    child.parent_id = parent.id;
    const Space c1 = store().create_space(ws.id, child, SpaceStatus::reported, "");
    store().transition_space(ws.id, c1.id, SpaceStatus::verified, "", std::nullopt);
    store().create_space(other.id, contract_fields("Far"), SpaceStatus::available, "");
    c = store().check();
    EXPECT_TRUE(c.ok) << (c.problems.empty() ? "" : c.problems.front());
    EXPECT_EQ(c.workspaces, 2);
    EXPECT_EQ(c.organisations, 2);
    EXPECT_EQ(c.spaces, 3);
    EXPECT_EQ(c.schema_version, store().schema_version());
}

TEST_P(AdminContract, ABackupOpensAsAStoreWithWhatWasCommitted) {
    const Space s = add_space("Mill", square(3.0, 50.0, 0.01));
    const User u = add_user("u@example.org");
    store().set_role(u.id, ws.id, Role::officer);
    store().enqueue_mail("u@example.org", "Welcome", "text");
    const auto backup_file = dir / "backup-1";
    store().backup(backup_file);
    add_space("Made after the backup");

    auto copy = open_backup(backup_file);
    ASSERT_TRUE(copy);
    ASSERT_TRUE(copy->workspace_by_slug("lille"));
    const auto back = copy->space(ws.id, s.id);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->fields == s.fields);
    EXPECT_EQ(copy->space_history(ws.id, s.id).size(), 1u);
    SpaceQuery q;
    q.workspace_id = ws.id;
    EXPECT_EQ(copy->list_spaces(q).total, 1u) << "what came after the backup is not in it";
    ASSERT_TRUE(copy->user_by_email("u@example.org"));
    EXPECT_EQ(copy->memberships(u.id).size(), 1u);
    EXPECT_EQ(copy->pending_mail(10).size(), 1u);
    AuditQuery audit;
    audit.entity = "space";
    std::size_t total = 0;
    copy->audit_log(audit, &total);
    EXPECT_EQ(total, 1u);
    EXPECT_EQ(copy->schema_version(), store().schema_version());
    EXPECT_TRUE(copy->check().ok);
    EXPECT_EQ(store().list_spaces(q).total, 2u) << "the store itself goes on";
}

TEST_P(AdminContract, ABackupReplacesAnOlderOne) {
    const auto backup_file = dir / "backup";
    add_space("First");
    store().backup(backup_file);
    add_space("Second");
    store().backup(backup_file);
    auto copy = open_backup(backup_file);
    SpaceQuery q;
    q.workspace_id = ws.id;
    EXPECT_EQ(copy->list_spaces(q).total, 2u);
}

TEST_P(AdminContract, ABackupThatCannotBeWrittenIsAnError) {
    const auto nowhere = dir / "missing-folder" / "backup";
    catch_error([&] { store().backup(nowhere); });
    EXPECT_FALSE(std::filesystem::exists(nowhere));
}

} // namespace
} // namespace impetus::test
