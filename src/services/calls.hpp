#pragma once

// Calls for temporary use as officers and applicants work them. Each workflow that changes
// several records is one method and one store transaction, the mails it sends included (the
// outbox row is written with the change it announces): moving a call through its lifecycle
// (closing checks every submitted application's eligibility; evaluation mails the jury),
// submitting an application (with its receipt), running the matching and publishing its
// decisions (checked against the current input inside the transaction that publishes). Who
// may ask is the caller's business (http/ enforces the routes' access and the finer rules of
// visibility); what the call's state allows is checked here.

#include "auth/accounts.hpp"
#include "core/calls.hpp"
#include "core/model.hpp"
#include "matching/problem.hpp"
#include "store/store.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace impetus::services {

struct SubmittedApplication {
    Application application;
    // The eligibility rules the application fails now (the verdict comes after the deadline).
    std::vector<std::string> warnings;
};

struct PublishedDecisions {
    Call call;
    std::size_t decisions = 0;
    std::size_t allocated = 0;
    std::size_t mails = 0;
};

class CallService {
public:
    // `mail_queued` is told after a transaction that queued mail has committed.
    CallService(Store& store, const auth::AccountService& accounts,
                std::function<void()> mail_queued = {});

    // draft -> open -> closed -> evaluating. Opening needs spaces, criteria and a deadline
    // ahead; closing checks every submitted application against the call's rules (verdicts an
    // officer gave stay); evaluation needs a jury and tells each juror. A call is decided only
    // by publish_decisions. Error(conflict) for any other move.
    Call transition(const Workspace& w, Id call_id, CallState to);

    // Submits a draft while the call takes applications, with a receipt mailed to `by`.
    SubmittedApplication submit_application(const Workspace& w, Id application_id,
                                            const User& by);

    // Runs the matching on the call's current input (in evaluation) and keeps the proposal.
    nlohmann::json run_matching(const Workspace& w, Id call_id,
                                std::optional<matching::SolverChoice> solver);
    // The kept proposal with `current`: whether it still answers the call's input.
    // Error(not_found) when none was made.
    nlohmann::json proposal(const Workspace& w, Id call_id);
    // Publishes the kept proposal's decisions while it answers the current input: every
    // submitted application's decision, the call decided and one mail per applicant.
    PublishedDecisions publish_decisions(const Workspace& w, Id call_id);

private:
    Call require_call(const Workspace& w, Id call_id);
    void queued_mail();

    Store& m_store;
    const auth::AccountService& m_accounts;
    std::function<void()> m_mail_queued;
};

} // namespace impetus::services
