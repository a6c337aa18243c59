// Contract of the accounts facet: users (unique e-mail, password hash, verification, lockout,
// erasure), roles per workspace, members of organisations, sessions, personal API tokens and
// one-time e-mail links, and the transactions that end a person's access.

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

constexpr const char* k_future = "2999-01-01T00:00:00.000Z";
constexpr const char* k_past = "2000-01-01T00:00:00.000Z";

class AccountsContract : public StoreContract {
protected:
    std::vector<std::string> member_emails(const std::vector<std::pair<User, Role>>& members) {
        std::vector<std::string> out;
        for (const auto& [u, role] : members) out.push_back(u.email);
        std::sort(out.begin(), out.end());
        return out;
    }
};
IMPETUS_STORE_CONTRACT(AccountsContract);

TEST_P(AccountsContract, UsersAreKeptAndFoundByEmailWhateverTheCase) {
    const User u = store().create_user("Ana@Example.ORG", "Ana", "hash-1", true);
    EXPECT_GT(u.id, 0);
    EXPECT_EQ(u.email, "ana@example.org") << "e-mail addresses are kept in lower case";
    EXPECT_EQ(u.display_name, "Ana");
    EXPECT_TRUE(u.instance_admin);
    EXPECT_TRUE(u.email_verified_at.empty());
    EXPECT_TRUE(u.locked_until.empty());
    EXPECT_EQ(u.failed_logins, 0);
    EXPECT_FALSE(u.created_at.empty());
    EXPECT_TRUE(u.erased_at.empty());
    reopen();
    ASSERT_TRUE(store().user(u.id));
    EXPECT_EQ(store().user(u.id)->email, "ana@example.org");
    ASSERT_TRUE(store().user_by_email("ANA@example.org"));
    EXPECT_EQ(store().user_by_email("ANA@example.org")->id, u.id);
    EXPECT_FALSE(store().user_by_email("bob@example.org"));
    EXPECT_FALSE(store().user(u.id + 1000));
    EXPECT_EQ(store().password_hash(u.id), "hash-1");
}

TEST_P(AccountsContract, AnEmailTakenIsAConflict) {
    add_user("ana@example.org");
    EXPECT_EQ(error_kind([&] { store().create_user("ANA@example.org", "Other", "h", false); }),
              "conflict");
    EXPECT_EQ(store().list_users().size(), 1u);
}

TEST_P(AccountsContract, ListUsersHoldsTheLiveAccounts) {
    const User a = add_user("a@example.org");
    const User b = add_user("b@example.org");
    const User c = add_user("c@example.org");
    store().erase_user(b.id);
    std::vector<Id> listed;
    for (const auto& u : store().list_users()) listed.push_back(u.id);
    EXPECT_EQ(sorted_ids(listed), sorted_ids({a.id, c.id}));
}

TEST_P(AccountsContract, PasswordVerificationAndAdministrationFlags) {
    const User u = add_user("p@example.org");
    store().set_password_hash(u.id, "hash-2");
    EXPECT_EQ(store().password_hash(u.id), "hash-2");
    store().set_email_verified(u.id);
    const std::string verified_at = store().user(u.id)->email_verified_at;
    EXPECT_FALSE(verified_at.empty());
    store().set_email_verified(u.id);
    EXPECT_EQ(store().user(u.id)->email_verified_at, verified_at) << "verified once";
    store().set_instance_admin(u.id, true);
    EXPECT_TRUE(store().user(u.id)->instance_admin);
    store().set_instance_admin(u.id, false);
    EXPECT_FALSE(store().user(u.id)->instance_admin);
    EXPECT_EQ(error_kind([&] { store().set_instance_admin(u.id + 1000, true); }), "not_found");
}

TEST_P(AccountsContract, FailedSignInsAreCountedAndLockUntilCleared) {
    const User u = add_user("l@example.org");
    store().record_failed_login(u.id, std::nullopt);
    store().record_failed_login(u.id, std::nullopt);
    EXPECT_EQ(store().user(u.id)->failed_logins, 2);
    EXPECT_TRUE(store().user(u.id)->locked_until.empty());
    store().record_failed_login(u.id, std::string(k_future));
    EXPECT_EQ(store().user(u.id)->failed_logins, 3);
    EXPECT_EQ(store().user(u.id)->locked_until, k_future);
    store().record_failed_login(u.id, std::nullopt);
    EXPECT_EQ(store().user(u.id)->locked_until, k_future) << "a count alone keeps the lock";
    store().clear_failed_logins(u.id);
    EXPECT_EQ(store().user(u.id)->failed_logins, 0);
    EXPECT_TRUE(store().user(u.id)->locked_until.empty());
}

TEST_P(AccountsContract, RolesPerWorkspace) {
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const User u = add_user("o@example.org");
    const User v = add_user("v@example.org");
    store().set_role(u.id, ws.id, Role::officer);
    store().set_role(u.id, other.id, Role::citizen);
    store().set_role(v.id, ws.id, Role::applicant);
    auto m = store().memberships(u.id);
    ASSERT_EQ(m.size(), 2u);
    std::map<Id, Role> roles;
    for (const auto& x : m) roles[x.workspace_id] = x.role;
    EXPECT_EQ(roles.at(ws.id), Role::officer);
    EXPECT_EQ(roles.at(other.id), Role::citizen);
    for (const auto& x : m) {
        EXPECT_EQ(x.workspace_slug, x.workspace_id == ws.id ? "lille" : "roubaix");
    }
    EXPECT_EQ(member_emails(store().workspace_members(ws.id)),
              (std::vector<std::string>{"o@example.org", "v@example.org"}));

    store().set_role(u.id, ws.id, Role::admin);
    store().set_role(u.id, other.id, std::nullopt);
    m = store().memberships(u.id);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].workspace_id, ws.id);
    EXPECT_EQ(m[0].role, Role::admin);
    EXPECT_TRUE(store().workspace_members(other.id).empty());
    for (const auto& [member, role] : store().workspace_members(ws.id)) {
        EXPECT_EQ(role, member.id == u.id ? Role::admin : Role::applicant);
    }
    EXPECT_NO_THROW(store().set_role(u.id, other.id, std::nullopt)) << "removing twice is fine";
    EXPECT_EQ(error_kind([&] { store().set_role(u.id + 1000, ws.id, Role::citizen); }),
              "not_found");
}

TEST_P(AccountsContract, OrganisationMembersNeedARoleInTheWorkspace) {
    const Organisation org = store().create_organisation(ws.id, contract_organisation("Asso"));
    const User u = add_user("m@example.org");
    EXPECT_EQ(error_kind([&] { store().set_organisation_member(ws.id, org.id, u.id, true); }),
              "conflict");
    EXPECT_TRUE(store().organisation_members(ws.id, org.id).empty());

    store().set_role(u.id, ws.id, Role::applicant);
    store().set_organisation_member(ws.id, org.id, u.id, true);
    store().set_organisation_member(ws.id, org.id, u.id, true); // again: no change
    const auto members = store().organisation_members(ws.id, org.id);
    ASSERT_EQ(members.size(), 1u);
    EXPECT_EQ(members[0].first.id, u.id);
    EXPECT_EQ(members[0].second, Role::applicant);
    const auto m = store().memberships(u.id);
    ASSERT_EQ(m.size(), 1u);
    ASSERT_EQ(m[0].organisations.size(), 1u);
    EXPECT_EQ(m[0].organisations[0].id, org.id);
    EXPECT_EQ(m[0].organisations[0].name, "Asso");
    EXPECT_EQ(m[0].organisations[0].type, OrganisationType::non_profit);

    store().set_organisation_member(ws.id, org.id, u.id, false);
    EXPECT_TRUE(store().organisation_members(ws.id, org.id).empty());
    const auto audit_before = audit_size();
    EXPECT_NO_THROW(store().set_organisation_member(ws.id, org.id, u.id, false));
    EXPECT_EQ(audit_size(), audit_before) << "removing a non-member changes nothing";

    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_EQ(error_kind([&] { store().organisation_members(other.id, org.id); }), "not_found");
    EXPECT_EQ(error_kind([&] { store().set_organisation_member(other.id, org.id, u.id, true); }),
              "not_found");
}

TEST_P(AccountsContract, LosingTheRoleEndsTheOrganisationMembershipsThere) {
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const Organisation here = store().create_organisation(ws.id, contract_organisation("Here"));
    const Organisation there = store().create_organisation(other.id, contract_organisation("There"));
    const User u = add_user("r@example.org");
    store().set_role(u.id, ws.id, Role::owner);
    store().set_role(u.id, other.id, Role::owner);
    store().set_organisation_member(ws.id, here.id, u.id, true);
    store().set_organisation_member(other.id, there.id, u.id, true);
    store().set_role(u.id, ws.id, std::nullopt);
    EXPECT_TRUE(store().organisation_members(ws.id, here.id).empty());
    EXPECT_EQ(store().organisation_members(other.id, there.id).size(), 1u);
    // Getting the role back does not bring the old memberships back.
    store().set_role(u.id, ws.id, Role::owner);
    EXPECT_TRUE(store().organisation_members(ws.id, here.id).empty());
}

TEST_P(AccountsContract, SessionsAreFoundWhileLive) {
    const User u = add_user("s@example.org");
    const Session s = store().create_session(u.id, "sess-a", "csrf-a", k_future);
    EXPECT_GT(s.id, 0);
    EXPECT_EQ(s.user_id, u.id);
    EXPECT_EQ(s.csrf_token, "csrf-a");
    EXPECT_EQ(s.expires_at, k_future);
    EXPECT_FALSE(s.created_at.empty());
    const User w = add_user("w@example.org");
    store().create_session(w.id, "sess-old", "csrf-b", k_past);
    store().create_session(u.id, "sess-c", "csrf-c", k_future);
    reopen();
    const auto found = store().session_by_hash("sess-a");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->user_id, u.id);
    EXPECT_EQ(found->csrf_token, "csrf-a");
    EXPECT_FALSE(store().session_by_hash("sess-old")) << "expired";
    EXPECT_FALSE(store().session_by_hash("unknown"));

    store().delete_session("sess-a");
    EXPECT_FALSE(store().session_by_hash("sess-a"));
    EXPECT_TRUE(store().session_by_hash("sess-c"));
    EXPECT_NO_THROW(store().delete_session("sess-a"));
    const User v = add_user("v@example.org");
    store().create_session(v.id, "sess-v", "csrf-v", k_future);
    EXPECT_EQ(store().delete_sessions(u.id), 1u) << "sess-c";
    EXPECT_FALSE(store().session_by_hash("sess-c"));
    EXPECT_TRUE(store().session_by_hash("sess-v")) << "another person's session stays";
    EXPECT_EQ(store().delete_sessions(u.id), 0u);
}

TEST_P(AccountsContract, ApiTokensRecordTheirUseAndEndWhenRevoked) {
    const User u = add_user("t@example.org");
    const User v = add_user("v@example.org");
    const ApiToken t = store().create_api_token(u.id, "QGIS", "tok-1", {"read", "write"});
    EXPECT_GT(t.id, 0);
    EXPECT_EQ(t.user_id, u.id);
    EXPECT_EQ(t.name, "QGIS");
    EXPECT_EQ(t.scopes, (std::vector<std::string>{"read", "write"}));
    EXPECT_FALSE(t.created_at.empty());
    EXPECT_TRUE(t.last_used_at.empty());
    EXPECT_TRUE(t.revoked_at.empty());
    store().create_api_token(u.id, "script", "tok-2", {"read"});

    const auto used = store().api_token_by_hash("tok-1");
    ASSERT_TRUE(used);
    EXPECT_EQ(used->id, t.id);
    EXPECT_FALSE(used->last_used_at.empty()) << "the lookup records the use";
    const auto listed = store().api_tokens(u.id);
    ASSERT_EQ(listed.size(), 2u);
    for (const auto& x : listed) {
        if (x.id == t.id) {
            EXPECT_FALSE(x.last_used_at.empty());
        }
    }
    EXPECT_FALSE(store().api_token_by_hash("tok-unknown"));
    EXPECT_EQ(error_kind([&] { store().create_api_token(u.id + 1000, "x", "tok-x", {}); }),
              "not_found");

    EXPECT_FALSE(store().revoke_api_token(v.id, t.id)) << "only its owner revokes a token";
    EXPECT_TRUE(store().api_token_by_hash("tok-1"));
    EXPECT_TRUE(store().revoke_api_token(u.id, t.id));
    EXPECT_FALSE(store().revoke_api_token(u.id, t.id)) << "revoked once";
    EXPECT_FALSE(store().api_token_by_hash("tok-1"));
    const auto after = store().api_tokens(u.id);
    ASSERT_EQ(after.size(), 2u) << "revoked tokens stay listed";
    for (const auto& x : after) EXPECT_EQ(x.revoked_at.empty(), x.id != t.id);
}

TEST_P(AccountsContract, EmailLinksAreUsedOnceForTheirPurposeBeforeTheyExpire) {
    const User u = add_user("e@example.org");
    store().create_email_token(u.id, EmailTokenPurpose::verify_email, "link-1", k_future);
    store().create_email_token(u.id, EmailTokenPurpose::unlock, "link-old", k_past);
    EXPECT_FALSE(store().consume_email_token(EmailTokenPurpose::reset_password, "link-1"))
        << "a link is good for its purpose only";
    EXPECT_EQ(store().consume_email_token(EmailTokenPurpose::verify_email, "link-1"), u.id);
    EXPECT_FALSE(store().consume_email_token(EmailTokenPurpose::verify_email, "link-1"))
        << "once";
    EXPECT_FALSE(store().consume_email_token(EmailTokenPurpose::unlock, "link-old")) << "expired";
    EXPECT_FALSE(store().consume_email_token(EmailTokenPurpose::unlock, "never-made"));
}

TEST_P(AccountsContract, EndAccessEndsSessionsAndRevokesTokensWhenAsked) {
    const User u = add_user("x@example.org");
    const User v = add_user("y@example.org");
    store().create_session(u.id, "s1", "c", k_future);
    store().create_session(u.id, "s2", "c", k_future);
    store().create_session(v.id, "s3", "c", k_future);
    store().create_api_token(u.id, "t", "tok-u", {"read"});
    store().create_api_token(v.id, "t", "tok-v", {"read"});

    EndedAccess ended = store().end_access(u.id, false);
    EXPECT_EQ(ended.sessions, 2u);
    EXPECT_EQ(ended.tokens, 0u);
    EXPECT_FALSE(store().session_by_hash("s1"));
    EXPECT_TRUE(store().api_token_by_hash("tok-u")) << "tokens stay without revoke_tokens";

    store().create_session(u.id, "s4", "c", k_future);
    ended = store().end_access(u.id, true);
    EXPECT_EQ(ended.sessions, 1u);
    EXPECT_EQ(ended.tokens, 1u);
    EXPECT_FALSE(store().api_token_by_hash("tok-u"));
    EXPECT_TRUE(store().session_by_hash("s3")) << "another person keeps their access";
    EXPECT_TRUE(store().api_token_by_hash("tok-v"));
}

TEST_P(AccountsContract, ReplacePasswordStoresItClearsTheLockAndEndsAccess) {
    const User u = add_user("w@example.org");
    store().record_failed_login(u.id, std::string(k_future));
    store().create_session(u.id, "s1", "c", k_future);
    store().create_api_token(u.id, "t", "tok-1", {"read"});

    EndedAccess ended = store().replace_password(u.id, "new-hash", false);
    EXPECT_EQ(store().password_hash(u.id), "new-hash");
    EXPECT_EQ(store().user(u.id)->failed_logins, 0);
    EXPECT_TRUE(store().user(u.id)->locked_until.empty());
    EXPECT_EQ(ended.sessions, 1u);
    EXPECT_EQ(ended.tokens, 0u);
    EXPECT_TRUE(store().api_token_by_hash("tok-1"));

    store().create_session(u.id, "s2", "c", k_future);
    ended = store().replace_password(u.id, "newer-hash", true);
    EXPECT_EQ(ended.sessions, 1u);
    EXPECT_EQ(ended.tokens, 1u);
    EXPECT_FALSE(store().api_token_by_hash("tok-1"));
    EXPECT_EQ(store().password_hash(u.id), "newer-hash");
    EXPECT_EQ(error_kind([&] { store().replace_password(u.id + 1000, "h", true); }), "not_found");
}

TEST_P(AccountsContract, ResetPasswordUsesTheLinkVerifiesTheAddressAndRevokesTokens) {
    const User u = add_user("z@example.org");
    store().record_failed_login(u.id, std::string(k_future));
    store().create_session(u.id, "s1", "c", k_future);
    store().create_api_token(u.id, "t", "tok-1", {"read"});
    store().create_email_token(u.id, EmailTokenPurpose::reset_password, "reset", k_future);
    store().create_email_token(u.id, EmailTokenPurpose::reset_password, "reset-old", k_past);
    store().create_email_token(u.id, EmailTokenPurpose::verify_email, "verify", k_future);

    EXPECT_FALSE(store().reset_password("unknown", "h"));
    EXPECT_FALSE(store().reset_password("reset-old", "h")) << "expired";
    EXPECT_FALSE(store().reset_password("verify", "h")) << "a link of another purpose";
    EXPECT_EQ(store().password_hash(u.id), "argon2-hash-of-z@example.org")
        << "refused links change nothing";

    const auto done = store().reset_password("reset", "reset-hash");
    ASSERT_TRUE(done);
    EXPECT_EQ(done->first, u.id);
    EXPECT_EQ(done->second.sessions, 1u);
    EXPECT_EQ(done->second.tokens, 1u) << "tokens are always revoked";
    EXPECT_EQ(store().password_hash(u.id), "reset-hash");
    const User after = *store().user(u.id);
    EXPECT_FALSE(after.email_verified_at.empty()) << "the link reached the mailbox";
    EXPECT_EQ(after.failed_logins, 0);
    EXPECT_TRUE(after.locked_until.empty());
    EXPECT_FALSE(store().session_by_hash("s1"));
    EXPECT_FALSE(store().api_token_by_hash("tok-1"));
    EXPECT_FALSE(store().reset_password("reset", "again")) << "used";
    EXPECT_EQ(store().password_hash(u.id), "reset-hash");
}

// docs/privacy.md, "Erasure": the record stays, anonymised, for the author ids.
TEST_P(AccountsContract, ErasureRemovesThePersonAndKeepsTheRecord) {
    const Organisation org = store().create_organisation(ws.id, contract_organisation("Asso"));
    const User u = store().create_user("eve@example.org", "Eve", "hash", true);
    store().set_email_verified(u.id);
    store().set_role(u.id, ws.id, Role::applicant);
    store().set_organisation_member(ws.id, org.id, u.id, true);
    store().create_session(u.id, "sess", "c", k_future);
    store().create_api_token(u.id, "t", "tok", {"read"});
    store().create_email_token(u.id, EmailTokenPurpose::unlock, "link", k_future);

    store().erase_user(u.id);
    const auto gone = store().user(u.id);
    ASSERT_TRUE(gone) << "the record stays";
    EXPECT_EQ(gone->email, "");
    EXPECT_EQ(gone->display_name, "");
    EXPECT_FALSE(gone->instance_admin);
    EXPECT_FALSE(gone->erased_at.empty());
    EXPECT_EQ(store().password_hash(u.id), "");
    EXPECT_FALSE(store().user_by_email("eve@example.org"));
    EXPECT_FALSE(store().session_by_hash("sess"));
    EXPECT_FALSE(store().api_token_by_hash("tok"));
    EXPECT_FALSE(store().consume_email_token(EmailTokenPurpose::unlock, "link"));
    EXPECT_TRUE(store().memberships(u.id).empty());
    EXPECT_TRUE(store().workspace_members(ws.id).empty());
    EXPECT_TRUE(store().organisation_members(ws.id, org.id).empty());
    EXPECT_EQ(error_kind([&] { store().erase_user(u.id); }), "not_found") << "erased once";

    const User again = store().create_user("eve@example.org", "Eve again", "h", false);
    EXPECT_NE(again.id, u.id) << "the address can be used again, by a new account";
}

} // namespace
} // namespace impetus::test
