// Contract of the calls facet, calls themselves: created as drafts with every writable field,
// updated under their version (Error(precondition) on a stale one), moved only along
// call_transition_allowed, listed with or without drafts, their latest matching proposal, and
// the decisions published in one transaction with their mails (all or nothing).

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

using nlohmann::json;

void expect_same_writable(const Call& got, const Call& want) {
    EXPECT_EQ(got.title, want.title);
    EXPECT_EQ(got.description, want.description);
    EXPECT_TRUE(got.spaces == want.spaces);
    EXPECT_TRUE(got.eligibility == want.eligibility);
    EXPECT_TRUE(got.criteria == want.criteria);
    EXPECT_EQ(got.documents_required, want.documents_required);
    EXPECT_EQ(got.opens_at, want.opens_at);
    EXPECT_EQ(got.closes_at, want.closes_at);
    EXPECT_EQ(got.fee_model, want.fee_model);
    EXPECT_EQ(got.fee_details, want.fee_details);
    EXPECT_TRUE(got.matching == want.matching);
    EXPECT_EQ(got.evaluators, want.evaluators);
    EXPECT_TRUE(got.adjustments == want.adjustments);
}

class CallsContract : public StoreContract {
protected:
    CallsContract() {
        space = add_space("Post office");
        org = store().create_organisation(ws.id, contract_organisation("Repair café"));
        applicant = add_user("applicant@example.org");
    }

    Call new_call(const std::string& title = "Summer 2025") {
        Call c = contract_call(title, space.id);
        c.workspace_id = ws.id;
        return store().create_call(ws.id, c);
    }

    // A call moved from draft along the lifecycle up to `state`.
    Call call_in(CallState state) {
        Call c = new_call();
        for (CallState s : {CallState::open, CallState::closed, CallState::evaluating,
                            CallState::decided}) {
            if (c.state == state) break;
            c = store().set_call_state(ws.id, c.id, s);
        }
        return c;
    }

    Application apply(const Call& c, const std::string& title) {
        return store().create_application(contract_application(c, org.id, applicant.id, title));
    }

    Space space;
    Organisation org;
    User applicant;
};
IMPETUS_STORE_CONTRACT(CallsContract);

TEST_P(CallsContract, ACallIsCreatedAsADraftWithEveryWritableField) {
    Call want = contract_call("Summer 2025", space.id);
    const User jury = add_user("jury@example.org");
    want.evaluators = {jury.id, applicant.id};
    want.adjustments = {MatchingAdjustment{7, space.id, true}, MatchingAdjustment{8, space.id, false}};
    want.state = CallState::evaluating; // not a writable field
    const Call c = store().create_call(ws.id, want);
    EXPECT_GT(c.id, 0);
    EXPECT_EQ(c.workspace_id, ws.id);
    EXPECT_EQ(c.state, CallState::draft);
    EXPECT_EQ(c.version, 1);
    EXPECT_FALSE(c.created_at.empty());
    EXPECT_TRUE(c.decided_at.empty());
    expect_same_writable(c, want);
    reopen();
    const auto back = store().call(ws.id, c.id);
    ASSERT_TRUE(back);
    expect_same_writable(*back, want);
    EXPECT_EQ(back->state, CallState::draft);
    EXPECT_EQ(back->version, 1);
    EXPECT_FALSE(store().call(ws.id, c.id + 1000));
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_FALSE(store().call(other.id, c.id)) << "a call is seen in its workspace only";
}

TEST_P(CallsContract, UpdateWritesTheFieldsUnderTheVersionRead) {
    const Call c = new_call();
    Call edit = c;
    edit.title = "Summer and autumn 2025";
    edit.closes_at = "2025-03-01T00:00:00Z";
    edit.criteria.push_back(Criterion{"impact", "Impact", "", 1.5, 0, 4});
    edit.evaluators = {applicant.id};
    edit.adjustments = {MatchingAdjustment{3, space.id, false}};
    edit.state = CallState::decided; // the state moves through set_call_state only
    const Call v2 = store().update_call(ws.id, edit);
    EXPECT_EQ(v2.version, 2);
    EXPECT_EQ(v2.state, CallState::draft);
    expect_same_writable(v2, edit);
    expect_same_writable(*store().call(ws.id, c.id), edit);

    Call stale = c; // read at version 1
    stale.title = "written from a stale read";
    EXPECT_EQ(error_kind([&] { store().update_call(ws.id, stale); }), "precondition");
    EXPECT_EQ(store().call(ws.id, c.id)->title, "Summer and autumn 2025");
    EXPECT_EQ(store().call(ws.id, c.id)->version, 2);

    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    Call elsewhere = v2;
    EXPECT_EQ(error_kind([&] { store().update_call(other.id, elsewhere); }), "not_found");
}

// Every pair of states: the store moves the call exactly when call_transition_allowed says so.
TEST_P(CallsContract, TheStateMovesAlongTheLifecycleForEveryPair) {
    for (const auto& [from, from_name] : EnumNames<CallState>::values) {
        for (const auto& [to, to_name] : EnumNames<CallState>::values) {
            SCOPED_TRACE(std::string(from_name) + " -> " + std::string(to_name));
            const Call c = call_in(from);
            ASSERT_EQ(c.state, from);
            if (call_transition_allowed(from, to)) {
                const Call moved = store().set_call_state(ws.id, c.id, to);
                EXPECT_EQ(moved.state, to);
                EXPECT_EQ(moved.version, c.version + 1);
                EXPECT_EQ(store().call(ws.id, c.id)->state, to);
            } else {
                EXPECT_EQ(error_kind([&] { store().set_call_state(ws.id, c.id, to); }),
                          "conflict");
                const auto now = store().call(ws.id, c.id);
                EXPECT_EQ(now->state, from);
                EXPECT_EQ(now->version, c.version);
            }
        }
    }
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    const Call c = new_call();
    EXPECT_EQ(error_kind([&] { store().set_call_state(other.id, c.id, CallState::open); }),
              "not_found");
}

TEST_P(CallsContract, ListingShowsDraftsOnlyWhenAsked) {
    const Call draft = new_call("Draft");
    const Call open = call_in(CallState::open);
    const Call decided = call_in(CallState::decided);
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    store().create_call(other.id, contract_call("Elsewhere", space.id));
    auto ids = [&](bool drafts) {
        std::vector<Id> out;
        for (const auto& c : store().list_calls(ws.id, drafts)) out.push_back(c.id);
        return sorted_ids(out);
    };
    EXPECT_EQ(ids(true), sorted_ids({draft.id, open.id, decided.id}));
    EXPECT_EQ(ids(false), sorted_ids({open.id, decided.id}));
}

TEST_P(CallsContract, TheLatestProposalIsKept) {
    const Call c = call_in(CallState::evaluating);
    EXPECT_TRUE(store().proposal(ws.id, c.id).is_null()) << "none made yet";
    const json first = {{"objective", 12.5}, {"solver", "flow"}, {"assignments", json::array()}};
    store().save_proposal(ws.id, c.id, first);
    EXPECT_EQ(store().proposal(ws.id, c.id), first);
    const json second = {{"objective", 14.0},
                         {"solver", "mip"},
                         {"assignments", {{{"request", 1}, {"space", space.id}}}}};
    store().save_proposal(ws.id, c.id, second);
    reopen();
    EXPECT_EQ(store().proposal(ws.id, c.id), second);
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_TRUE(store().proposal(other.id, c.id).is_null());
    EXPECT_EQ(error_kind([&] { store().save_proposal(other.id, c.id, first); }), "not_found");
    EXPECT_EQ(store().proposal(ws.id, c.id), second);
}

TEST_P(CallsContract, PublishingWritesEveryDecisionDecidesTheCallAndQueuesTheMails) {
    const Call c = call_in(CallState::evaluating);
    const Application a = apply(c, "Café");
    const Application b = apply(c, "Choir");
    Decision yes;
    yes.outcome = DecisionOutcome::allocated;
    yes.space_id = space.id;
    yes.start = "2025-03-01";
    yes.end = "2025-09-01";
    yes.explanation = {{"rank", 1}};
    Decision no;
    no.outcome = DecisionOutcome::not_allocated;
    no.explanation = {{"reasons", {"capacity_taken"}}};
    const std::vector<OutgoingMail> mails = {{0, "a@example.org", "Your application", "Yes", 0, ""},
                                             {0, "b@example.org", "Your application", "No", 0, ""}};

    const Call decided = store().publish_decisions(ws.id, c.id, {{a.id, yes}, {b.id, no}}, mails);
    EXPECT_EQ(decided.state, CallState::decided);
    EXPECT_FALSE(decided.decided_at.empty());
    EXPECT_GT(decided.version, c.version);
    reopen();
    EXPECT_EQ(store().call(ws.id, c.id)->state, CallState::decided);
    EXPECT_TRUE(store().application(ws.id, a.id)->decision == yes);
    EXPECT_TRUE(store().application(ws.id, b.id)->decision == no);
    const auto queued = store().pending_mail(10);
    ASSERT_EQ(queued.size(), 2u);
    EXPECT_EQ(queued[0].to, "a@example.org");
    EXPECT_EQ(queued[0].subject, "Your application");
    EXPECT_EQ(queued[0].text, "Yes");
    EXPECT_EQ(queued[1].to, "b@example.org");

    EXPECT_EQ(error_kind([&] { store().publish_decisions(ws.id, c.id, {{a.id, no}}, mails); }),
              "conflict")
        << "decisions are published once";
    EXPECT_TRUE(store().application(ws.id, a.id)->decision == yes);
    EXPECT_EQ(store().pending_mail(10).size(), 2u);
}

TEST_P(CallsContract, DecisionsArePublishedFromEvaluationOnly) {
    for (CallState state : {CallState::draft, CallState::open, CallState::closed}) {
        SCOPED_TRACE(std::string(enum_name(state)));
        const Call c = call_in(state);
        const Application a = apply(c, "Café");
        Decision yes;
        yes.outcome = DecisionOutcome::allocated;
        EXPECT_EQ(error_kind([&] {
                      store().publish_decisions(ws.id, c.id, {{a.id, yes}},
                                                {{0, "a@example.org", "s", "t", 0, ""}});
                  }),
                  "conflict");
        EXPECT_EQ(store().call(ws.id, c.id)->state, state);
        EXPECT_EQ(store().application(ws.id, a.id)->decision.outcome, DecisionOutcome::none);
    }
    EXPECT_TRUE(store().pending_mail(10).empty());
}

// A failure part-way (a decision for an application of another call, or of none) leaves no
// decision, no mail and the call in evaluation.
TEST_P(CallsContract, PublishingIsAllOrNothing) {
    const Call c = call_in(CallState::evaluating);
    const Application first = apply(c, "Café");
    const Call other_call = call_in(CallState::evaluating);
    const Application foreign = apply(other_call, "Elsewhere");
    ASSERT_LT(first.id, foreign.id) << "the good decision comes first in the map";
    Decision yes;
    yes.outcome = DecisionOutcome::allocated;
    yes.space_id = space.id;
    const std::vector<OutgoingMail> mails = {{0, "a@example.org", "Your application", "Yes", 0, ""}};
    const auto generation = store().data_generation();
    const auto audit_before = audit_size();

    EXPECT_EQ(error_kind([&] {
                  store().publish_decisions(ws.id, c.id, {{first.id, yes}, {foreign.id, yes}},
                                            mails);
              }),
              "invalid_input");
    EXPECT_EQ(error_kind([&] {
                  store().publish_decisions(ws.id, c.id, {{first.id, yes}, {foreign.id + 1000, yes}},
                                            mails);
              }),
              "not_found");
    EXPECT_EQ(store().application(ws.id, first.id)->decision.outcome, DecisionOutcome::none);
    EXPECT_EQ(store().application(ws.id, first.id)->version, first.version);
    EXPECT_EQ(store().application(ws.id, foreign.id)->decision.outcome, DecisionOutcome::none);
    EXPECT_EQ(store().call(ws.id, c.id)->state, CallState::evaluating);
    EXPECT_TRUE(store().call(ws.id, c.id)->decided_at.empty());
    EXPECT_TRUE(store().pending_mail(10).empty());
    EXPECT_EQ(audit_size(), audit_before);
    EXPECT_EQ(store().data_generation(), generation);

    // The same call publishes fine afterwards.
    EXPECT_EQ(store().publish_decisions(ws.id, c.id, {{first.id, yes}}, mails).state,
              CallState::decided);
}

} // namespace
} // namespace impetus::test
