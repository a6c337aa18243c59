// Accounts in the store: users, roles per workspace, sessions, tokens, one-time e-mail links,
// the outbox, and the append-only audit log with the actor of each change.

#include "core/error.hpp"
#include "store/actor.hpp"
#include "support/raw_sqlite.hpp"
#include "support/store_fixture.hpp"

namespace impetus::test {
namespace {

class AccountsStore : public StoreTest {};

TEST_F(AccountsStore, UsersAreUniqueByEmailWhateverTheCase) {
    User u = store->create_user("Ana@Example.org", "Ana", "hash", false);
    EXPECT_EQ(u.email, "ana@example.org");
    EXPECT_EQ(store->user_by_email("ANA@example.ORG")->id, u.id);
    EXPECT_EQ(store->password_hash(u.id), "hash");
    try {
        store->create_user("ana@example.org", "Other", "x", false);
        FAIL() << "a second account with the same e-mail";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::conflict);
    }
}

TEST_F(AccountsStore, RolesPerWorkspace) {
    Workspace other = store->create_workspace(make_workspace("roubaix"));
    User u = store->create_user("o@example.org", "O", "h", false);
    store->set_role(u.id, ws.id, Role::officer);
    store->set_role(u.id, other.id, Role::citizen);
    auto m = store->memberships(u.id);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].workspace_slug, "lille");
    EXPECT_EQ(m[0].role, Role::officer);
    store->set_role(u.id, ws.id, Role::admin);
    store->set_role(u.id, other.id, std::nullopt);
    m = store->memberships(u.id);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].role, Role::admin);
    auto members = store->workspace_members(ws.id);
    ASSERT_EQ(members.size(), 1u);
    EXPECT_EQ(members[0].first.email, "o@example.org");
}

TEST_F(AccountsStore, SessionsTokensAndLinks) {
    User u = store->create_user("s@example.org", "S", "h", false);
    store->create_session(u.id, "hash-a", "csrf-a", "2999-01-01T00:00:00.000Z");
    store->create_session(u.id, "hash-old", "csrf-b", "2000-01-01T00:00:00.000Z");
    ASSERT_TRUE(store->session_by_hash("hash-a"));
    EXPECT_EQ(store->session_by_hash("hash-a")->csrf_token, "csrf-a");
    EXPECT_FALSE(store->session_by_hash("hash-old")) << "expired";
    EXPECT_EQ(store->delete_sessions(u.id), 1u);
    EXPECT_FALSE(store->session_by_hash("hash-a"));

    ApiToken t = store->create_api_token(u.id, "QGIS", "tok-hash", {"read"});
    EXPECT_EQ(store->api_token_by_hash("tok-hash")->scopes, std::vector<std::string>{"read"});
    EXPECT_FALSE(store->api_token_by_hash("tok-hash")->last_used_at.empty());
    EXPECT_TRUE(store->revoke_api_token(u.id, t.id));
    EXPECT_FALSE(store->revoke_api_token(u.id, t.id));
    EXPECT_FALSE(store->api_token_by_hash("tok-hash"));

    store->create_email_token(u.id, EmailTokenPurpose::reset_password, "link",
                              "2999-01-01T00:00:00.000Z");
    EXPECT_FALSE(store->consume_email_token(EmailTokenPurpose::verify_email, "link"))
        << "a link is good for its purpose only";
    EXPECT_EQ(store->consume_email_token(EmailTokenPurpose::reset_password, "link"), u.id);
    EXPECT_FALSE(store->consume_email_token(EmailTokenPurpose::reset_password, "link"))
        << "once only";
}

TEST_F(AccountsStore, OutboxKeepsWhatFailedForLater) {
    store->enqueue_mail("a@example.org", "Hello", "Text");
    auto pending = store->pending_mail(10);
    ASSERT_EQ(pending.size(), 1u);
    store->mark_mail_failed(pending[0].id, "connection refused");
    pending = store->pending_mail(10);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].attempts, 1);
    store->mark_mail_sent(pending[0].id);
    EXPECT_TRUE(store->pending_mail(10).empty());
}

TEST_F(AccountsStore, ErasureRemovesPersonalDataAndKeepsTheRecord) {
    User u = store->create_user("e@example.org", "Eve", "h", false);
    store->set_role(u.id, ws.id, Role::citizen);
    store->create_session(u.id, "sess", "c", "2999-01-01T00:00:00.000Z");
    store->create_api_token(u.id, "t", "tok", {"read"});
    store->erase_user(u.id);
    auto gone = store->user(u.id);
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->email, "");
    EXPECT_EQ(gone->display_name, "");
    EXPECT_FALSE(gone->erased_at.empty());
    EXPECT_FALSE(store->user_by_email("e@example.org"));
    EXPECT_FALSE(store->session_by_hash("sess"));
    EXPECT_FALSE(store->api_token_by_hash("tok"));
    EXPECT_TRUE(store->memberships(u.id).empty());
    EXPECT_EQ(store->password_hash(u.id), "");
    // The address can be used again.
    EXPECT_NO_THROW(store->create_user("e@example.org", "Eve again", "h", false));
}

TEST_F(AccountsStore, EveryChangeIsAuditedWithItsActor) {
    User officer = store->create_user("off@example.org", "Officer", "h", false);
    Id space_id = 0;
    {
        ActorScope scope(Actor{officer.id, "off@example.org", "192.0.2.7"});
        space_id = add("Old mill").id;
        SpaceFields f = store->space(ws.id, space_id)->fields;
        f.notes = "roof leaks";
        store->update_space(ws.id, space_id, f, std::nullopt);
        store->transition_space(ws.id, space_id, SpaceStatus::verified, "visited", std::nullopt);
    }
    AuditQuery q;
    q.entity = "space";
    q.entity_id = space_id;
    std::size_t total = 0;
    auto log = store->audit_log(q, &total);
    ASSERT_EQ(total, 3u);
    EXPECT_EQ(log[0].action, "transition");
    EXPECT_EQ(log[0].before["status"], "reported");
    EXPECT_EQ(log[0].after["status"], "verified");
    EXPECT_EQ(log[0].after["reason"], "visited");
    EXPECT_EQ(log[1].action, "update");
    EXPECT_EQ(log[1].before["notes"], "");
    EXPECT_EQ(log[1].after["notes"], "roof leaks");
    EXPECT_FALSE(log[1].after.contains("name")) << "only the changed fields";
    EXPECT_EQ(log[2].action, "create");
    EXPECT_TRUE(log[2].before.is_null());
    EXPECT_EQ(log[2].after["name"], "Old mill");
    for (const auto& e : log) {
        EXPECT_EQ(e.user_id, officer.id);
        EXPECT_EQ(e.actor, "off@example.org");
        EXPECT_EQ(e.address, "192.0.2.7");
        EXPECT_EQ(e.workspace_id, ws.id);
    }
    // Outside a scope the actor is the system.
    add("Depot");
    q.entity_id.reset();
    EXPECT_EQ(store->audit_log(q, nullptr)[0].actor, "system");
    // Filters: by user, by workspace.
    AuditQuery by_user;
    by_user.user_id = officer.id;
    store->audit_log(by_user, &total);
    EXPECT_EQ(total, 3u);
}

TEST_F(AccountsStore, TheAuditLogIsAppendOnly) {
    add("Hall");
    close_store();
    RawSqlite raw(db_path());
    EXPECT_THROW(raw.exec("UPDATE audit SET actor = 'someone else'"), std::runtime_error);
    EXPECT_THROW(raw.exec("DELETE FROM audit"), std::runtime_error);
}

} // namespace
} // namespace impetus::test
