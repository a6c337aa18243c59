// Contract of the audit facet: every change to a record appends an entry in the transaction of
// the change, with the actor of the current ActorScope, the record, the action and the changed
// fields; refused changes leave none; entries are never rewritten; the log is read newest first
// with filters and pages; after an erasure it names the account by its id only
// (docs/privacy.md).

#include "store/contract/contract.hpp"

#include <chrono>
#include <thread>

namespace impetus::test {
namespace {

using nlohmann::json;

class AuditContract : public StoreContract {
protected:
    // The newest entry is about `entity` `id` with `action` (in workspace `workspace`).
    void expect_newest(const std::string& entity, Id id, const std::string& action,
                       std::optional<Id> workspace) {
        const AuditEntry e = newest_audit_entry();
        EXPECT_EQ(e.entity, entity);
        EXPECT_EQ(e.entity_id, id);
        EXPECT_EQ(e.action, action);
        EXPECT_EQ(e.workspace_id, workspace);
        EXPECT_FALSE(e.at.empty());
    }

    std::vector<Id> entry_ids(const AuditQuery& q, std::size_t* total = nullptr) {
        std::vector<Id> out;
        for (const auto& e : store().audit_log(q, total)) out.push_back(e.id);
        return out;
    }

    static void pause() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }
};
IMPETUS_STORE_CONTRACT(AuditContract);

// Each write to a record, then the entry it appended. (Sessions, e-mail links, the failed
// sign-in counter, the outbox, jobs and report photos are not records in this sense: the
// interface asks no entry of them.)
TEST_P(AuditContract, EveryChangeToARecordAppendsItsEntry) {
    const std::optional<Id> none;
    // Workspaces and organisations.
    Workspace w = store().create_workspace(contract_workspace("riga"));
    expect_newest("workspace", w.id, "create", w.id);
    w.name = "Rīga";
    store().update_workspace(w.id, w);
    expect_newest("workspace", w.id, "update", w.id);
    Organisation o = store().create_organisation(ws.id, contract_organisation("Asso"));
    expect_newest("organisation", o.id, "create", ws.id);
    o.notes = "new notes";
    store().update_organisation(ws.id, o.id, o);
    expect_newest("organisation", o.id, "update", ws.id);

    // Spaces.
    const Space s = add_space("Mill");
    expect_newest("space", s.id, "create", ws.id);
    SpaceFields f = s.fields;
    f.notes = "n";
    store().update_space(ws.id, s.id, f, std::nullopt);
    expect_newest("space", s.id, "update", ws.id);
    store().transition_space(ws.id, s.id, SpaceStatus::verified, "seen", std::nullopt);
    expect_newest("space", s.id, "transition", ws.id);
    ImportRecord r;
    r.fields = contract_fields("Imported");
    r.fields.source = "csv";
    r.fields.source_id = "1";
    const Id imported = store().apply_import(ws.id, {r}, "load")[0].space_id;
    expect_newest("space", imported, "import", ws.id);

    // Accounts.
    const User u = add_user("u@example.org");
    expect_newest("user", u.id, "create", none);
    store().set_password_hash(u.id, "h2");
    expect_newest("user", u.id, "set_password", none);
    store().set_email_verified(u.id);
    expect_newest("user", u.id, "verify_email", none);
    store().set_instance_admin(u.id, true);
    expect_newest("user", u.id, "update", none);
    store().record_failed_login(u.id, std::string("2999-01-01T00:00:00.000Z"));
    expect_newest("user", u.id, "lock", none);
    store().replace_password(u.id, "h3", false);
    expect_newest("user", u.id, "set_password", none);
    store().set_role(u.id, ws.id, Role::citizen);
    expect_newest("membership", u.id, "create", ws.id);
    store().set_role(u.id, ws.id, Role::applicant);
    expect_newest("membership", u.id, "update", ws.id);
    store().set_organisation_member(ws.id, o.id, u.id, true);
    expect_newest("organisation", o.id, "add_member", ws.id);
    store().set_organisation_member(ws.id, o.id, u.id, false);
    expect_newest("organisation", o.id, "remove_member", ws.id);
    const ApiToken t = store().create_api_token(u.id, "t", "tok", {"read"});
    expect_newest("api_token", t.id, "create", none);
    store().revoke_api_token(u.id, t.id);
    expect_newest("api_token", t.id, "revoke", none);
    const ApiToken t2 = store().create_api_token(u.id, "t2", "tok2", {"read"});
    store().end_access(u.id, true);
    expect_newest("api_token", t2.id, "revoke", none);

    // Citizens' reports.
    Report rep;
    rep.workspace_id = ws.id;
    rep.position = {3.06, 50.63};
    const Report r1 = store().create_report(rep, "f1");
    expect_newest("report", r1.id, "create", ws.id);
    store().accept_report(ws.id, r1.id, contract_fields("From a report"), SpaceStatus::reported,
                          "real");
    expect_newest("report", r1.id, "accepted", ws.id);
    const Report r2 = store().create_report(rep, "f2");
    store().merge_report(ws.id, r2.id, s.id, "known");
    expect_newest("report", r2.id, "merged", ws.id);
    const Report r3 = store().create_report(rep, "f3");
    store().reject_report(ws.id, r3.id, "no");
    expect_newest("report", r3.id, "rejected", ws.id);

    // Calls, applications, sheets, decisions.
    Call call = store().create_call(ws.id, contract_call("Summer", s.id));
    expect_newest("call", call.id, "create", ws.id);
    call.description = "clarified";
    call = store().update_call(ws.id, call);
    expect_newest("call", call.id, "update", ws.id);
    call = store().set_call_state(ws.id, call.id, CallState::open);
    expect_newest("call", call.id, "transition", ws.id);
    Application a = store().create_application(contract_application(call, o.id, u.id, "Café"));
    expect_newest("application", a.id, "create", ws.id);
    a.fields.team = "five";
    a = store().update_application(a);
    expect_newest("application", a.id, "update", ws.id);
    Attachment meta{0, "insurance certificate", "ins.pdf", "application/pdf", 3, "abc"};
    const Attachment att = store().add_attachment(ws.id, a.id, meta, "pdf");
    expect_newest("application", a.id, "attach", ws.id);
    store().remove_attachment(ws.id, a.id, att.id);
    expect_newest("application", a.id, "detach", ws.id);
    a = *store().application(ws.id, a.id);
    a.status = ApplicationStatus::submitted;
    a.submitted_at = "2025-01-10T10:00:00.000Z";
    a = store().update_application(a);
    expect_newest("application", a.id, "submit", ws.id);
    store().set_call_state(ws.id, call.id, CallState::closed);
    store().set_call_state(ws.id, call.id, CallState::evaluating);
    store().save_evaluation(ws.id, contract_sheet(a.id, u.id, 5, 3), false);
    expect_newest("evaluation", a.id, "create", ws.id);
    store().save_evaluation(ws.id, contract_sheet(a.id, u.id, 6, 3), false);
    expect_newest("evaluation", a.id, "update", ws.id);
    store().save_evaluation(ws.id, contract_sheet(a.id, u.id, 6, 4), true);
    expect_newest("evaluation", a.id, "submit", ws.id);
    store().save_proposal(ws.id, call.id, {{"objective", 1.5}, {"solver", "flow"}});
    expect_newest("call", call.id, "match", ws.id);
    Decision d;
    d.outcome = DecisionOutcome::allocated;
    d.space_id = s.id;
    store().publish_decisions(ws.id, call.id, {{a.id, d}}, {});
    expect_newest("call", call.id, "publish", ws.id);
    AuditQuery decided;
    decided.entity = "application";
    decided.entity_id = a.id;
    decided.limit = 1;
    const auto last = store().audit_log(decided, nullptr);
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0].action, "decide");

    // A second application, withdrawn.
    const Call other_call = store().create_call(ws.id, contract_call("Winter", s.id));
    Application b =
        store().create_application(contract_application(other_call, o.id, u.id, "Choir"));
    b.status = ApplicationStatus::submitted;
    b = store().update_application(b);
    b.status = ApplicationStatus::withdrawn;
    store().update_application(b);
    expect_newest("application", b.id, "withdraw", ws.id);

    // Erasure comes last: it ends the account.
    store().set_role(u.id, ws.id, std::nullopt);
    expect_newest("membership", u.id, "delete", ws.id);
    store().erase_user(u.id);
    expect_newest("user", u.id, "erase", none);
}

TEST_P(AuditContract, EntriesHoldTheChangedFieldsBeforeAndAfter) {
    const Space s = add_space("Old mill");
    SpaceFields f = s.fields;
    f.notes = "roof leaks";
    store().update_space(ws.id, s.id, f, std::nullopt);
    store().transition_space(ws.id, s.id, SpaceStatus::verified, "visited", std::nullopt);
    AuditQuery q;
    q.entity = "space";
    q.entity_id = s.id;
    const auto log = store().audit_log(q, nullptr);
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[2].action, "create");
    EXPECT_TRUE(log[2].before.is_null()) << "a creation has no before";
    EXPECT_EQ(log[2].after.value("name", json()), "Old mill");
    EXPECT_EQ(log[1].action, "update");
    EXPECT_EQ(log[1].before.value("notes", json()), "");
    EXPECT_EQ(log[1].after.value("notes", json()), "roof leaks");
    EXPECT_FALSE(log[1].after.contains("name")) << "only the changed fields";
    EXPECT_EQ(log[0].action, "transition");
    EXPECT_EQ(log[0].before.value("status", json()), "reported");
    EXPECT_EQ(log[0].after.value("status", json()), "verified");
    EXPECT_EQ(log[0].after.value("reason", json()), "visited");

    // The log keeps no secret: a new password shows as changed, not as its hash.
    const User u = add_user("p@example.org");
    store().set_password_hash(u.id, "secret-hash");
    const AuditEntry e = newest_audit_entry();
    EXPECT_EQ(e.after.dump().find("secret-hash"), std::string::npos) << e.after.dump();
}

TEST_P(AuditContract, TheActorOfTheScopeIsRecorded) {
    const User officer = add_user("officer@example.org");
    Id space_id = 0;
    {
        ActorScope scope(Actor{officer.id, "officer@example.org", "192.0.2.7"});
        space_id = add_space("Depot").id;
    }
    AuditQuery q;
    q.entity = "space";
    q.entity_id = space_id;
    const auto log = store().audit_log(q, nullptr);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].user_id, officer.id);
    EXPECT_EQ(log[0].actor, "officer@example.org");
    EXPECT_EQ(log[0].address, "192.0.2.7");
    add_space("Shed");
    const AuditEntry outside = newest_audit_entry();
    EXPECT_EQ(outside.actor, "system") << "outside any scope the system acts";
    EXPECT_FALSE(outside.user_id);
}

TEST_P(AuditContract, RefusedChangesLeaveNoEntry) {
    const Space s = add_space("Mill");
    const User u = add_user("u@example.org");
    const auto before = audit_size();
    EXPECT_EQ(error_kind([&] {
                  store().transition_space(ws.id, s.id, SpaceStatus::in_use, "", std::nullopt);
              }),
              "conflict");
    EXPECT_EQ(error_kind([&] { store().update_space(ws.id, s.id, s.fields, 99); }),
              "precondition");
    EXPECT_EQ(error_kind([&] { store().create_workspace(contract_workspace("lille")); }),
              "conflict");
    EXPECT_EQ(error_kind([&] { store().create_user("u@example.org", "", "", false); }),
              "conflict");
    const Organisation org = store().create_organisation(ws.id, contract_organisation("O"));
    const auto after_org = audit_size();
    EXPECT_EQ(after_org, before + 1);
    EXPECT_EQ(error_kind([&] { store().set_organisation_member(ws.id, org.id, u.id, true); }),
              "conflict");
    ImportRecord good, bad;
    good.fields = contract_fields("good");
    good.fields.source = "csv";
    good.fields.source_id = "1";
    bad = good;
    bad.fields.source_id = "2";
    bad.fields.parent_id = 999999;
    EXPECT_EQ(error_kind([&] { store().apply_import(ws.id, {good, bad}, "load"); }),
              "invalid_input");
    EXPECT_EQ(audit_size(), after_org);
}

TEST_P(AuditContract, EntriesAreNeverRewritten) {
    Space s = add_space("Mill");
    const AuditEntry created = newest_audit_entry();
    for (int i = 0; i < 3; ++i) {
        SpaceFields f = s.fields;
        f.notes = "change " + std::to_string(i);
        s = store().update_space(ws.id, s.id, f, std::nullopt);
    }
    reopen();
    AuditQuery q;
    q.entity = "space";
    q.entity_id = s.id;
    const auto log = store().audit_log(q, nullptr);
    ASSERT_EQ(log.size(), 4u);
    const AuditEntry& again = log.back();
    EXPECT_EQ(again.id, created.id);
    EXPECT_EQ(again.at, created.at);
    EXPECT_EQ(again.action, "create");
    EXPECT_EQ(again.after, created.after) << "later changes leave earlier entries as they were";
    EXPECT_EQ(again.after.value("notes", json()), "");
}

TEST_P(AuditContract, TheLogIsReadNewestFirstInPages) {
    for (int i = 0; i < 7; ++i) add_space("S" + std::to_string(i));
    AuditQuery q;
    q.entity = "space";
    std::size_t total = 0;
    const auto all = entry_ids(q, &total);
    EXPECT_EQ(total, 7u);
    ASSERT_EQ(all.size(), 7u);
    EXPECT_TRUE(std::is_sorted(all.rbegin(), all.rend())) << "newest first";
    q.limit = 3;
    q.offset = 0;
    EXPECT_EQ(entry_ids(q, &total), std::vector<Id>(all.begin(), all.begin() + 3));
    EXPECT_EQ(total, 7u) << "the total ignores the page";
    q.offset = 6;
    EXPECT_EQ(entry_ids(q), std::vector<Id>{all[6]});
    q.offset = 7;
    EXPECT_TRUE(entry_ids(q).empty());
}

TEST_P(AuditContract, FiltersCombine) {
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const User officer = add_user("officer@example.org");
    Id mine = 0, theirs = 0;
    {
        ActorScope scope(Actor{officer.id, "officer@example.org", ""});
        mine = add_space("Mine").id;
        theirs = store()
                     .create_space(other.id, contract_fields("Theirs"), SpaceStatus::reported, "")
                     .id;
    }
    const Id by_system = add_space("By the system").id;
    std::size_t total = 0;

    AuditQuery q;
    q.workspace_id = other.id;
    auto log = store().audit_log(q, &total);
    EXPECT_EQ(total, 2u) << "the workspace's creation and its space";
    for (const auto& e : log) EXPECT_EQ(e.workspace_id, other.id);

    q = {};
    q.entity = "space";
    q.user_id = officer.id;
    log = store().audit_log(q, &total);
    EXPECT_EQ(total, 2u);
    std::vector<Id> ids;
    for (const auto& e : log) ids.push_back(e.entity_id);
    EXPECT_EQ(sorted_ids(ids), sorted_ids({mine, theirs}));

    q.workspace_id = ws.id;
    log = store().audit_log(q, &total);
    ASSERT_EQ(total, 1u);
    EXPECT_EQ(log[0].entity_id, mine);

    q = {};
    q.entity = "space";
    q.entity_id = by_system;
    log = store().audit_log(q, &total);
    ASSERT_EQ(total, 1u);
    EXPECT_FALSE(log[0].user_id);

    q = {};
    q.entity = "nothing";
    EXPECT_TRUE(store().audit_log(q, &total).empty());
    EXPECT_EQ(total, 0u);
}

// AuditQuery: `from` inclusive, `to` exclusive, both instants in RFC 3339.
TEST_P(AuditContract, TimeBoundsAreInclusiveFromAndExclusiveTo) {
    const Id a = add_space("A").id;
    pause();
    const Id b = add_space("B").id;
    pause();
    const Id c = add_space("C").id;
    AuditQuery q;
    q.entity = "space";
    std::map<Id, std::string> at;
    for (const auto& e : store().audit_log(q, nullptr)) at[e.entity_id] = e.at;
    ASSERT_EQ(at.size(), 3u);
    ASSERT_LT(at[a], at[b]);
    ASSERT_LT(at[b], at[c]);

    auto entities = [&](const AuditQuery& query) {
        std::vector<Id> out;
        for (const auto& e : store().audit_log(query, nullptr)) out.push_back(e.entity_id);
        return sorted_ids(out);
    };
    q.from = at[b];
    EXPECT_EQ(entities(q), sorted_ids({b, c}));
    q.to = at[c];
    EXPECT_EQ(entities(q), std::vector<Id>{b});
    q.from.reset();
    EXPECT_EQ(entities(q), sorted_ids({a, b}));
    q.from = "2000-01-01T00:00:00Z";
    q.to = "2000-01-02T00:00:00Z";
    EXPECT_TRUE(entities(q).empty());
}

// The same bounds written without fractional seconds (RFC 3339 makes them optional; the API
// passes on what parse_rfc3339 makes of "?from=...T10:00:00Z") still mean the same instants: an
// entry made at 10:00:00.123 lies after 10:00:00 and before 10:00:01.
TEST_P(AuditContract, TimeBoundsWithoutFractionalSecondsAreTheSameInstants) {
    const Id a = add_space("A").id;
    AuditQuery q;
    q.entity = "space";
    q.entity_id = a;
    const std::string at = store().audit_log(q, nullptr).at(0).at; // 2026-...T03:14:42.123Z
    ASSERT_GE(at.size(), 20u);
    const std::string second = at.substr(0, 19) + "Z"; // 2026-...T03:14:42Z, not after `at`

    q.from = second;
    EXPECT_EQ(store().audit_log(q, nullptr).size(), 1u)
        << "from=" << second << " must include an entry at " << at;
    q.from.reset();
    q.to = second;
    EXPECT_EQ(store().audit_log(q, nullptr).size(), 0u)
        << "to=" << second << " must exclude an entry at " << at;
}

// docs/privacy.md, "What the audit log keeps after erasure".
TEST_P(AuditContract, AfterAnErasureTheLogNamesTheAccountByItsIdOnly) {
    const User u = store().create_user("eve@example.org", "Eve", "h", false);
    Id space_id = 0;
    {
        ActorScope scope(Actor{u.id, "eve@example.org", "198.51.100.9"});
        space_id = add_space("Eve's find").id;
    }
    store().erase_user(u.id);
    AuditQuery q;
    q.entity = "space";
    q.entity_id = space_id;
    const auto by_eve = store().audit_log(q, nullptr);
    ASSERT_EQ(by_eve.size(), 1u);
    EXPECT_EQ(by_eve[0].user_id, u.id) << "the author id stays";
    EXPECT_EQ(by_eve[0].actor, "erased account " + std::to_string(u.id));
    EXPECT_EQ(by_eve[0].address, "");

    q.entity = "user";
    q.entity_id = u.id;
    for (const auto& e : store().audit_log(q, nullptr)) {
        SCOPED_TRACE(e.action);
        const std::string text = e.before.dump() + e.after.dump();
        EXPECT_EQ(text.find("eve@example.org"), std::string::npos) << text;
        EXPECT_EQ(text.find("\"Eve\""), std::string::npos) << text;
        if (e.action == "create") {
            EXPECT_EQ(e.after.value("email", json()), "(erased)");
        }
    }
}

} // namespace
} // namespace impetus::test
