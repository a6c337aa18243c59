// The workflows of services/: each is one store transaction, its mails included. A trigger
// that refuses a write part-way (the outbox row, or the last record of the workflow; SQLite
// reports it as a constraint, Error(conflict)) shows that nothing of the workflow stays behind, and the mails are written in the workspace's language.

#include "auth/accounts.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "services/calls.hpp"
#include "services/reports.hpp"
#include "services/spaces.hpp"
#include "support/errors.hpp"
#include "support/raw_sqlite.hpp"
#include "support/store_fixture.hpp"

#include <gtest/gtest.h>

namespace impetus::test {
namespace {

class Workflows : public StoreTest {
protected:
    Workflows() : accounts(*store, settings()), calls(*store, accounts, [this] { ++wakes; }),
                  reports(*store, [this] { ++wakes; }) {}

    static auth::AuthSettings settings() {
        auth::AuthSettings s;
        s.public_url = "https://impetus.example.org";
        return s;
    }

    // A trigger that refuses every insert into (or update of) `table` until dropped.
    void refuse(const std::string& table, const std::string& what = "INSERT") {
        RawSqlite db(db_path());
        db.exec("CREATE TRIGGER refuse_" + table + " BEFORE " + what + " ON " + table +
                " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    }
    void allow(const std::string& table) {
        RawSqlite db(db_path());
        db.exec("DROP TRIGGER refuse_" + table);
    }

    User verified_user(const std::string& email) {
        User u = store->create_user(email, "Ana Kowalska", "hash", false);
        store->set_email_verified(u.id);
        return *store->user(u.id);
    }

    // An open call with one space and one criterion, its deadline tomorrow.
    Call open_call(const std::vector<Id>& evaluators = {}) {
        const Space sp = store->create_space(ws.id, make_fields("Former textile mill"),
                                             SpaceStatus::available, "test");
        Call c;
        c.title = "Ateliers d'été";
        c.spaces = {{sp.id, "2027-06-01", "2027-09-01", 1}};
        c.criteria = {{"quality", "Quality", "", 1.0, 0, 10}};
        c.opens_at = "2020-01-01T00:00:00Z";
        c.closes_at = "2099-01-01T00:00:00Z";
        c.evaluators = evaluators;
        c = store->create_call(ws.id, c);
        return store->set_call_state(ws.id, c.id, CallState::open);
    }

    Application draft(const Call& c, const User& by) {
        const Organisation o = store->create_organisation(
            ws.id, make_organisation("Friends of the mill", OrganisationType::non_profit));
        Application a;
        a.workspace_id = ws.id;
        a.call_id = c.id;
        a.organisation_id = o.id;
        a.created_by = by.id;
        a.fields.title = "Théâtre des Ponts";
        a.fields.description = "A summer theatre";
        a.fields.period.start = "2027-06-01";
        a.fields.period.end = "2027-08-01";
        return store->create_application(a);
    }

    auth::AccountService accounts;
    services::CallService calls;
    services::ReportService reports;
    int wakes = 0;
};

TEST_F(Workflows, ASubmissionAndItsReceiptAreOneTransaction) {
    const User ana = verified_user("ana@example.org");
    const Call c = open_call();
    const Application a = draft(c, ana);

    refuse("mail_outbox");
    EXPECT_EQ(catch_error([&] { calls.submit_application(ws, a.id, ana); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(store->application(ws.id, a.id)->status, ApplicationStatus::draft);
    EXPECT_EQ(wakes, 0);

    allow("mail_outbox");
    const auto out = calls.submit_application(ws, a.id, ana);
    EXPECT_EQ(out.application.status, ApplicationStatus::submitted);
    EXPECT_EQ(wakes, 1);
    const auto mails = store->pending_mail(10);
    ASSERT_EQ(mails.size(), 1u);
    // The workspace speaks French first.
    EXPECT_EQ(mails[0].subject, "Candidature reçue : Théâtre des Ponts");
    EXPECT_NE(mails[0].text.find("https://impetus.example.org/w/lille/applications/"),
              std::string::npos);
    // A second submission is refused.
    EXPECT_EQ(catch_error([&] { calls.submit_application(ws, a.id, ana); }).kind(),
              ErrorKind::conflict);
}

TEST_F(Workflows, ClosingWritesEveryVerdictWithTheStateOrNothing) {
    const User ana = verified_user("ana@example.org");
    const Call c = open_call();
    const Application a = draft(c, ana);
    calls.submit_application(ws, a.id, ana);

    refuse("call", "UPDATE");
    EXPECT_EQ(catch_error([&] { calls.transition(ws, c.id, CallState::closed); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(store->call(ws.id, c.id)->state, CallState::open);
    EXPECT_EQ(store->application(ws.id, a.id)->eligibility.status, EligibilityStatus::pending);

    allow("call");
    EXPECT_EQ(calls.transition(ws, c.id, CallState::closed).state, CallState::closed);
    EXPECT_EQ(store->application(ws.id, a.id)->eligibility.status, EligibilityStatus::eligible);
}

TEST_F(Workflows, TheJuryIsToldInTheTransactionThatOpensTheEvaluation) {
    const User ana = verified_user("ana@example.org");
    const User juror = verified_user("juror@example.org");
    const Call c = open_call({juror.id});
    calls.transition(ws, c.id, CallState::closed);
    const auto before = store->pending_mail(10).size();

    refuse("mail_outbox");
    EXPECT_EQ(catch_error([&] { calls.transition(ws, c.id, CallState::evaluating); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(store->call(ws.id, c.id)->state, CallState::closed);

    allow("mail_outbox");
    calls.transition(ws, c.id, CallState::evaluating);
    const auto mails = store->pending_mail(10);
    ASSERT_EQ(mails.size(), before + 1);
    EXPECT_EQ(mails.back().to, "juror@example.org");
    EXPECT_EQ(mails.back().subject, "Candidatures à évaluer : Ateliers d'été");
    (void)ana;
}

TEST_F(Workflows, StateRulesAreTheServicesNotTheHandlers) {
    const Call c = open_call();
    EXPECT_EQ(catch_error([&] { calls.transition(ws, c.id, CallState::decided); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(catch_error([&] { calls.transition(ws, c.id, CallState::draft); }).kind(),
              ErrorKind::conflict);
    calls.transition(ws, c.id, CallState::closed);
    // No jury yet.
    EXPECT_EQ(catch_error([&] { calls.transition(ws, c.id, CallState::evaluating); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(catch_error([&] { calls.transition(ws, 999, CallState::closed); }).kind(),
              ErrorKind::not_found);
}

TEST_F(Workflows, PublishingChecksTheProposalAgainstTheInputInsideItsTransaction) {
    const User ana = verified_user("ana@example.org");
    const User juror = verified_user("juror@example.org");
    const Call c = open_call({juror.id});
    const Application a = draft(c, ana);
    calls.submit_application(ws, a.id, ana);
    calls.transition(ws, c.id, CallState::closed);
    calls.transition(ws, c.id, CallState::evaluating);
    EXPECT_EQ(catch_error([&] { calls.publish_decisions(ws, c.id); }).kind(),
              ErrorKind::conflict); // no proposal yet
    calls.run_matching(ws, c.id, std::nullopt);
    EXPECT_TRUE(calls.proposal(ws, c.id)["current"].get<bool>());

    // The input changes after the matching ran (the space is measured again): publishing is
    // refused, nothing is decided.
    const Id space_id = c.spaces.front().space_id;
    SpaceFields measured = store->space(ws.id, space_id)->fields;
    measured.floor_area_m2 = 420.0;
    store->update_space(ws.id, space_id, measured, std::nullopt);
    const auto mails_before = store->pending_mail(50).size();
    EXPECT_EQ(catch_error([&] { calls.publish_decisions(ws, c.id); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(store->call(ws.id, c.id)->state, CallState::evaluating);
    EXPECT_EQ(store->pending_mail(50).size(), mails_before);

    calls.run_matching(ws, c.id, std::nullopt);
    refuse("mail_outbox");
    EXPECT_EQ(catch_error([&] { calls.publish_decisions(ws, c.id); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(store->call(ws.id, c.id)->state, CallState::evaluating);
    EXPECT_EQ(store->application(ws.id, a.id)->decision.outcome, DecisionOutcome::none);

    allow("mail_outbox");
    const auto out = calls.publish_decisions(ws, c.id);
    EXPECT_EQ(out.call.state, CallState::decided);
    EXPECT_EQ(out.decisions, 1u);
    EXPECT_EQ(out.allocated, 1u);
    EXPECT_EQ(out.mails, 1u);
    const auto mails = store->pending_mail(50);
    EXPECT_EQ(mails.back().subject, "Décision sur votre candidature : Théâtre des Ponts");
    EXPECT_NE(mails.back().text.find("Former textile mill"), std::string::npos)
        << mails.back().text;
}

TEST_F(Workflows, AReportDecisionAndTheReportersMailAreOneTransaction) {
    Workspace pl = make_workspace("gdansk");
    pl.languages = {"pl", "en"};
    pl = store->create_workspace(pl);
    Report r;
    r.workspace_id = pl.id;
    r.position = {18.64, 54.35};
    r.contact_name = "Łucja";
    r.contact_email = "lucja@example.org";
    r = store->create_report(r, "follow-hash");

    refuse("mail_outbox");
    EXPECT_EQ(catch_error([&] { reports.reject(pl, r.id, "Already in use"); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(store->report(pl.id, r.id)->status, ReportStatus::pending);

    allow("mail_outbox");
    EXPECT_EQ(reports.reject(pl, r.id, "Already in use").status, ReportStatus::rejected);
    const auto mails = store->pending_mail(10);
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_EQ(mails[0].subject, "Zgłoszenie pustostanu");
    EXPECT_NE(mails[0].text.find("Dzień dobry Łucja"), std::string::npos) << mails[0].text;
    EXPECT_NE(mails[0].text.find("Nie zostało uwzględnione."), std::string::npos);
    EXPECT_NE(mails[0].text.find("Uwaga urzędnika: Already in use"), std::string::npos);
    // Decided once.
    EXPECT_EQ(catch_error([&] { reports.reject(pl, r.id, "Again"); }).kind(), ErrorKind::conflict);
}

TEST_F(Workflows, AcceptingCreatesTheSpaceWithTheMailOrNeither) {
    Report r;
    r.workspace_id = ws.id;
    r.position = {3.06, 50.63};
    r.contact_email = "reporter@example.org";
    r = store->create_report(r, "follow-hash");
    refuse("mail_outbox");
    EXPECT_EQ(catch_error([&] {
                  reports.accept(ws, r.id, make_fields("Reported shop"), SpaceStatus::reported,
                                 "seen");
              }).kind(),
              ErrorKind::conflict);
    SpaceQuery q;
    q.workspace_id = ws.id;
    EXPECT_EQ(store->list_spaces(q).total, 0u);
    allow("mail_outbox");
    const Space sp =
        reports.accept(ws, r.id, make_fields("Reported shop"), SpaceStatus::reported, "seen");
    EXPECT_EQ(store->report(ws.id, r.id)->space_id, sp.id);
    EXPECT_EQ(store->pending_mail(10).size(), 1u);
}

TEST_F(Workflows, AnOpenCallKeepsItsPublishedRulesAndAStaleVersionIsAPrecondition) {
    const Call c = open_call();
    // A clarified description and a later deadline are allowed, under the current version.
    const Call clarified = calls.update_call(
        ws, c.id, {{"description", "Now with opening hours"}, {"closes_at", "2099-02-01T00:00:00Z"}},
        {}, c.version);
    EXPECT_EQ(clarified.description, "Now with opening hours");
    // The version read before that change is stale.
    EXPECT_EQ(catch_error([&] {
                  calls.update_call(ws, c.id, {{"description", "x"}}, {}, c.version);
              }).kind(),
              ErrorKind::precondition);
    // The rules stay as published, and the deadline only moves later.
    EXPECT_EQ(catch_error([&] { calls.update_call(ws, c.id, {{"title", "Renamed"}}, {}, {}); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(catch_error([&] {
                  calls.update_call(ws, c.id, {{"closes_at", "2098-01-01T00:00:00Z"}}, {}, {});
              }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(store->call(ws.id, c.id)->description, "Now with opening hours");
}

TEST_F(Workflows, ApplicantsChangeDraftsOnlyWhileTheCallTakesApplications) {
    const User ana = verified_user("ana@example.org");
    const Call c = open_call();
    Application a = draft(c, ana);
    a = calls.update_application(ws, a.id, {{"title", "Renamed"}}, a.version);
    EXPECT_EQ(a.fields.title, "Renamed");
    EXPECT_EQ(catch_error([&] {
                  calls.add_attachment(ws, a.id, "plan", "plan.txt", "just text");
              }).kind(),
              ErrorKind::unsupported_media);
    const Attachment pdf = calls.add_attachment(ws, a.id, "plan", "plan.pdf", "%PDF-1.7 ...");
    EXPECT_EQ(pdf.content_type, "application/pdf");
    calls.submit_application(ws, a.id, ana);
    EXPECT_EQ(catch_error([&] { calls.update_application(ws, a.id, {{"title", "Late"}}, {}); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(catch_error([&] { calls.remove_attachment(ws, a.id, pdf.id); }).kind(),
              ErrorKind::conflict);
    calls.transition(ws, c.id, CallState::closed);
    EXPECT_EQ(catch_error([&] { calls.withdraw_application(ws, a.id); }).kind(),
              ErrorKind::conflict);
}

TEST_F(Workflows, OfficersJudgeAfterTheDeadlineAndTheJuryScoresInEvaluation) {
    const User ana = verified_user("ana@example.org");
    const User juror = verified_user("juror@example.org");
    const Call c = open_call({juror.id});
    Application a = draft(c, ana);
    calls.submit_application(ws, a.id, ana);
    // Not before the deadline.
    EXPECT_EQ(catch_error([&] {
                  calls.set_eligibility(ws, a.id, {EligibilityStatus::ineligible, {"late"}, "", true},
                                        {});
              }).kind(),
              ErrorKind::conflict);
    calls.transition(ws, c.id, CallState::closed);
    a = calls.set_eligibility(ws, a.id, {EligibilityStatus::ineligible, {"late"}, "", false}, {});
    EXPECT_TRUE(a.eligibility.by_officer);
    calls.transition(ws, c.id, CallState::evaluating);
    EXPECT_EQ(catch_error([&] { calls.set_shortlisted(ws, a.id, true); }).kind(),
              ErrorKind::conflict); // ineligible
    a = calls.set_eligibility(ws, a.id, {EligibilityStatus::eligible, {"late"}, "", false}, {});
    EXPECT_TRUE(a.eligibility.reasons.empty());
    EXPECT_TRUE(calls.set_shortlisted(ws, a.id, true).shortlisted);

    Evaluation sheet;
    sheet.evaluator_id = juror.id;
    EXPECT_EQ(catch_error([&] { calls.save_evaluation(ws, a.id, sheet, true); }).kind(),
              ErrorKind::invalid_input); // the criterion is not scored
    sheet.scores["quality"] = {8.0, "Strong"};
    const Evaluation saved = calls.save_evaluation(ws, a.id, sheet, true);
    EXPECT_FALSE(saved.submitted_at.empty());

    // Adjustments name applications of this call and spaces it offers.
    EXPECT_EQ(catch_error([&] {
                  calls.set_adjustments(ws, c.id, {{a.id, 999, true}}, {});
              }).kind(),
              ErrorKind::invalid_input);
    const Call adjusted =
        calls.set_adjustments(ws, c.id, {{a.id, c.spaces.front().space_id, true}}, {});
    EXPECT_EQ(adjusted.adjustments.size(), 1u);
}

TEST_F(Workflows, SpacesChangeWithinTheWorkspacesGeometryLimitsAndUnderTheirVersion) {
    services::SpaceService spaces(*store);
    Workspace small = ws;
    small.geometry_limits.max_vertices = 4;
    EXPECT_EQ(catch_error([&] {
                  spaces.create_space(small, make_fields("Too detailed", square(3.06, 50.63, 0.001)),
                                      SpaceStatus::reported, "test");
              }).kind(),
              ErrorKind::invalid_input);
    const Space sp = spaces.create_space(ws, make_fields("Former bakery"), SpaceStatus::reported,
                                         "test");
    const Space renamed = spaces.update_space(ws, sp.id, {{"name", "Old bakery"}}, sp.version);
    EXPECT_EQ(renamed.fields.name, "Old bakery");
    EXPECT_EQ(catch_error([&] { spaces.update_space(ws, sp.id, {{"name", "x"}}, sp.version); }).kind(),
              ErrorKind::precondition);
    EXPECT_EQ(catch_error([&] { spaces.update_space(ws, sp.id, {{"status", "available"}}, {}); }).kind(),
              ErrorKind::invalid_input);
    EXPECT_EQ(spaces.transition_space(ws, sp.id, SpaceStatus::verified, "seen", {}).status,
              SpaceStatus::verified);
    EXPECT_EQ(catch_error([&] { spaces.transition_space(ws, 999, SpaceStatus::verified, "x", {}); }).kind(),
              ErrorKind::not_found);
}

} // namespace
} // namespace impetus::test
