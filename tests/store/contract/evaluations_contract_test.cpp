// Contract of the calls facet, the jury's sheets: one per evaluator and application, saved as a
// draft as often as needed, made final by submitting (Error(conflict) to change it after), and
// read per call.

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

class EvaluationsContract : public StoreContract {
protected:
    EvaluationsContract() {
        const Space space = add_space("Post office");
        const Organisation org = store().create_organisation(ws.id, contract_organisation("Café"));
        const User applicant = add_user("applicant@example.org");
        jury = add_user("jury@example.org");
        second_jury = add_user("second@example.org");
        call = store().create_call(ws.id, contract_call("Summer", space.id));
        other_call = store().create_call(ws.id, contract_call("Winter", space.id));
        app = store().create_application(contract_application(call, org.id, applicant.id, "A"));
        other_app =
            store().create_application(contract_application(call, org.id, applicant.id, "B"));
        foreign_app = store().create_application(
            contract_application(other_call, org.id, applicant.id, "C"));
    }

    // The stored sheet of `evaluator` on `application`, if any.
    std::optional<Evaluation> sheet(Id call_id, Id application, Id evaluator) {
        for (const auto& e : store().evaluations(ws.id, call_id)) {
            if (e.application_id == application && e.evaluator_id == evaluator) return e;
        }
        return std::nullopt;
    }

    User jury, second_jury;
    Call call, other_call;
    Application app, other_app, foreign_app;
};
IMPETUS_STORE_CONTRACT(EvaluationsContract);

TEST_P(EvaluationsContract, ADraftSheetIsSavedAndReplaced) {
    Evaluation e = contract_sheet(app.id, jury.id, 7, 4);
    const Evaluation saved = store().save_evaluation(ws.id, e, false);
    EXPECT_TRUE(saved.submitted_at.empty()) << "a draft";
    EXPECT_FALSE(saved.updated_at.empty());
    reopen();
    auto back = sheet(call.id, app.id, jury.id);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->scores == e.scores);
    EXPECT_EQ(back->scores.at("fit").comment, "fit comment");
    EXPECT_FALSE(back->conflict_of_interest);
    EXPECT_TRUE(back->submitted_at.empty());

    e.scores["fit"] = {9, "better on a second read"};
    e.scores.erase("team");
    store().save_evaluation(ws.id, e, false);
    back = sheet(call.id, app.id, jury.id);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->scores == e.scores) << "the draft is replaced as a whole";
    EXPECT_EQ(store().evaluations(ws.id, call.id).size(), 1u);
}

TEST_P(EvaluationsContract, SubmittingMakesTheSheetFinal) {
    const Evaluation e = contract_sheet(app.id, jury.id, 7, 4);
    store().save_evaluation(ws.id, e, false);
    const Evaluation submitted = store().save_evaluation(ws.id, e, true);
    EXPECT_FALSE(submitted.submitted_at.empty());
    const auto final_sheet = sheet(call.id, app.id, jury.id);
    ASSERT_TRUE(final_sheet);
    EXPECT_EQ(final_sheet->submitted_at, submitted.submitted_at);

    Evaluation change = e;
    change.scores["fit"] = {1, "changed my mind"};
    EXPECT_EQ(error_kind([&] { store().save_evaluation(ws.id, change, false); }), "conflict");
    EXPECT_EQ(error_kind([&] { store().save_evaluation(ws.id, change, true); }), "conflict");
    const auto after = sheet(call.id, app.id, jury.id);
    EXPECT_TRUE(after->scores == e.scores) << "a final sheet stays as it was";
    EXPECT_EQ(after->submitted_at, submitted.submitted_at);

    // Submitted at once, without a draft first.
    const Evaluation direct = store().save_evaluation(ws.id, contract_sheet(other_app.id, jury.id, 3, 2), true);
    EXPECT_FALSE(direct.submitted_at.empty());
}

TEST_P(EvaluationsContract, EachEvaluatorHasASheetOfTheirOwn) {
    store().save_evaluation(ws.id, contract_sheet(app.id, jury.id, 7, 4), true);
    EXPECT_NO_THROW(store().save_evaluation(ws.id, contract_sheet(app.id, second_jury.id, 2, 1),
                                            false))
        << "another evaluator's final sheet does not bind this one";
    Evaluation conflicted;
    conflicted.application_id = other_app.id;
    conflicted.evaluator_id = second_jury.id;
    conflicted.conflict_of_interest = true;
    conflicted.conflict_note = "I chair this association";
    store().save_evaluation(ws.id, conflicted, true);

    const auto all = store().evaluations(ws.id, call.id);
    EXPECT_EQ(all.size(), 3u);
    EXPECT_EQ(sheet(call.id, app.id, jury.id)->scores.at("fit").value, 7);
    EXPECT_EQ(sheet(call.id, app.id, second_jury.id)->scores.at("fit").value, 2);
    const auto c = sheet(call.id, other_app.id, second_jury.id);
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->conflict_of_interest);
    EXPECT_EQ(c->conflict_note, "I chair this association");
    EXPECT_TRUE(c->scores.empty());
}

TEST_P(EvaluationsContract, SheetsAreReadPerCallInTheirWorkspace) {
    store().save_evaluation(ws.id, contract_sheet(app.id, jury.id, 7, 4), false);
    store().save_evaluation(ws.id, contract_sheet(foreign_app.id, jury.id, 5, 5), false);
    const auto of_call = store().evaluations(ws.id, call.id);
    ASSERT_EQ(of_call.size(), 1u);
    EXPECT_EQ(of_call[0].application_id, app.id);
    EXPECT_EQ(store().evaluations(ws.id, other_call.id).size(), 1u);
    EXPECT_TRUE(store().evaluations(ws.id, call.id + 1000).empty());

    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_TRUE(store().evaluations(other.id, call.id).empty());
    EXPECT_EQ(error_kind([&] {
                  store().save_evaluation(other.id, contract_sheet(app.id, jury.id, 1, 1), false);
              }),
              "not_found");
    EXPECT_EQ(error_kind([&] {
                  store().save_evaluation(ws.id, contract_sheet(app.id + 1000, jury.id, 1, 1),
                                          false);
              }),
              "not_found");
}

} // namespace
} // namespace impetus::test
