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
#include <set>
#include <utility>
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
    CallService(Store& store, auth::AccountService& accounts,
                std::function<void()> mail_queued = {});

    // -- calls. `named` are the evaluators the request named by e-mail address (verified
    // accounts); other evaluator ids must be known to the workspace (see check_references).
    Call create_call(const Workspace& w, const Call& c, const std::set<Id>& named);
    // Applies an RFC 7396 merge patch of the call's writable fields under the call's version
    // (Error(precondition) when stale): anything in a draft; an open call only a clarified
    // description, a later deadline and the jury; a closed or evaluated one only the jury.
    Call update_call(const Workspace& w, Id call_id, const nlohmann::json& patch,
                     const std::set<Id>& named, std::optional<std::int64_t> expected_version);
    // The officers' locks and exclusions for the next matching run, during evaluation.
    Call set_adjustments(const Workspace& w, Id call_id,
                         const std::vector<MatchingAdjustment>& items,
                         std::optional<std::int64_t> expected_version);

    // draft -> open -> closed -> evaluating. Opening needs spaces, criteria and a deadline
    // ahead; closing checks every submitted application against the call's rules (verdicts an
    // officer gave stay); evaluation needs a jury and tells each juror. A call is decided only
    // by publish_decisions. Error(conflict) for any other move.
    Call transition(const Workspace& w, Id call_id, CallState to);

    // -- applications, written by members of the applying organisation while the call takes
    // applications (that `by` is such a member is the caller's check).
    Application create_application(const Workspace& w, Id call_id, Id organisation_id,
                                   const User& by, const ApplicationFields& fields);
    // A merge patch of a draft's fields, under its version.
    Application update_application(const Workspace& w, Id application_id,
                                   const nlohmann::json& patch,
                                   std::optional<std::int64_t> expected_version);
    Application withdraw_application(const Workspace& w, Id application_id);
    // A document attached to a draft: a PDF, PNG, JPEG, OpenDocument text or Word file by its
    // content (Error(unsupported_media) otherwise), at most 20 per application.
    Attachment add_attachment(const Workspace& w, Id application_id, const std::string& name,
                              const std::string& file_name, const std::string& bytes);
    void remove_attachment(const Workspace& w, Id application_id, Id attachment_id);
    // Submits a draft while the call takes applications, with a receipt mailed to `by`.
    SubmittedApplication submit_application(const Workspace& w, Id application_id,
                                            const User& by);

    // -- after the deadline: the officers' eligibility verdict (closed or in evaluation; an
    // ineligible application leaves the shortlist), the shortlist (in evaluation, eligible
    // applications only), and an evaluator's sheet (in evaluation; `submit` makes it final and
    // needs every criterion scored unless the evaluator declares a conflict of interest).
    Application set_eligibility(const Workspace& w, Id application_id,
                                const EligibilityCheck& verdict,
                                std::optional<std::int64_t> expected_version);
    Application set_shortlisted(const Workspace& w, Id application_id, bool shortlisted);
    Evaluation save_evaluation(const Workspace& w, Id application_id, Evaluation sheet,
                               bool submit);

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
    Application require_application(const Workspace& w, Id application_id);
    // An application with its call, for a change by its applicants: the call must take
    // applications now and the application be a draft (`what` says which change).
    std::pair<Application, Call> writable_draft(const Workspace& w, Id application_id,
                                                const std::string& what);
    void check_references(const Workspace& w, const Call& c, const std::set<Id>& known);
    void queued_mail();

    Store& m_store;
    auth::AccountService& m_accounts;
    std::function<void()> m_mail_queued;
};

} // namespace impetus::services
