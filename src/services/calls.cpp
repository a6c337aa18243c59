#include "services/calls.hpp"

#include "core/dates.hpp"
#include "core/error.hpp"
#include "mail/templates.hpp"
#include "matching/solve.hpp"
#include "services/call_matching.hpp"

#include <algorithm>

namespace impetus::services {

using nlohmann::json;

namespace {

// What opening needs: something to offer, rules to judge by, and a deadline ahead.
void check_openable(const Call& c) {
    FieldErrors errors;
    if (c.spaces.empty()) errors.add("/spaces", "a call offers at least one space");
    if (c.criteria.empty()) errors.add("/criteria", "a call states at least one criterion");
    if (c.opens_at.empty()) errors.add("/opens_at", "is required to open the call");
    if (c.closes_at.empty()) {
        errors.add("/closes_at", "is required to open the call");
    } else if (c.closes_at <= now_utc()) {
        errors.add("/closes_at", "is in the past");
    }
    errors.throw_if_any("the call cannot open yet");
}

// The rules are checked on every submitted application at the deadline; an officer confirms
// or overrules each verdict (and a verdict an officer gave stays).
void check_eligibility_at_deadline(Store& store, const Workspace& w, const Call& c) {
    for (auto a : store.list_applications(w.id, c.id, std::nullopt)) {
        if (a.status != ApplicationStatus::submitted || a.eligibility.by_officer) continue;
        auto o = store.organisation(w.id, a.organisation_id);
        a.eligibility.reasons = eligibility_reasons(c, a, o ? o->type : OrganisationType::other);
        a.eligibility.status = a.eligibility.reasons.empty() ? EligibilityStatus::eligible
                                                             : EligibilityStatus::ineligible;
        store.update_application(a);
    }
}

void queue(Store& store, const std::string& to, const mail::Letter& l) {
    store.enqueue_mail(to, l.subject, l.text);
}

} // namespace

CallService::CallService(Store& store, const auth::AccountService& accounts,
                         std::function<void()> mail_queued)
    : m_store(store), m_accounts(accounts), m_mail_queued(std::move(mail_queued)) {}

void CallService::queued_mail() {
    if (m_mail_queued) m_mail_queued();
}

Call CallService::require_call(const Workspace& w, Id call_id) {
    auto c = m_store.call(w.id, call_id);
    if (!c) {
        throw Error(ErrorKind::not_found,
                    "call " + std::to_string(call_id) + " not found in workspace " + w.slug);
    }
    return *c;
}

Call CallService::transition(const Workspace& w, Id call_id, CallState to) {
    std::size_t mails = 0;
    Call out = in_transaction(m_store, [&] {
        const Call c = require_call(w, call_id);
        if (to == CallState::decided) {
            throw Error(ErrorKind::conflict, "a call is decided by publishing its decisions",
                        "POST .../calls/{call}/publish");
        }
        if (!call_transition_allowed(c.state, to)) {
            throw Error(ErrorKind::conflict,
                        "a call cannot go from " + std::string(enum_name(c.state)) + " to " +
                            std::string(enum_name(to)),
                        "draft -> open -> closed -> evaluating -> decided");
        }
        if (to == CallState::open) check_openable(c);
        if (to == CallState::evaluating && c.evaluators.empty()) {
            throw Error(ErrorKind::conflict, "assign the call's evaluators first",
                        "PATCH the call with {\"evaluators\": [user ids]}");
        }
        if (to == CallState::closed) check_eligibility_at_deadline(m_store, w, c);
        Call next = m_store.set_call_state(w.id, c.id, to);
        if (to == CallState::evaluating) {
            // The jury learns that the sheets are waiting (where, when the server knows its
            // public address).
            const std::string link = m_accounts.public_link(
                "/w/" + w.slug + "/calls/" + std::to_string(next.id) + "/evaluate");
            for (Id id : next.evaluators) {
                auto u = m_store.user(id);
                if (!u || u->email.empty()) continue;
                queue(m_store, u->email,
                      mail::letter("call.evaluation_open", w.languages,
                                   {{"call", next.title}, {"link", link}}));
                ++mails;
            }
        }
        return next;
    });
    if (mails) queued_mail();
    return out;
}

SubmittedApplication CallService::submit_application(const Workspace& w, Id application_id,
                                                     const User& by) {
    bool mailed = false;
    SubmittedApplication out = in_transaction(m_store, [&] {
        auto a = m_store.application(w.id, application_id);
        if (!a) {
            throw Error(ErrorKind::not_found,
                        "application " + std::to_string(application_id) + " not found");
        }
        const Call c = require_call(w, a->call_id);
        if (!accepts_applications(c, now_utc())) {
            throw Error(ErrorKind::conflict, "the call does not take applications now",
                        "applications change only between the call's opening and its deadline");
        }
        if (a->status != ApplicationStatus::draft) {
            throw Error(ErrorKind::conflict,
                        "the application is " + std::string(enum_name(a->status)));
        }
        // What a submitted application must hold; the rest of the rules are the eligibility
        // check's, whose verdict the applicant sees in the answer.
        FieldErrors errors;
        if (a->fields.description.empty()) errors.add("/description", "is required to submit");
        for (Id sp : a->fields.preferred_spaces) {
            if (!call_offers(c, sp)) {
                errors.add("/preferred_spaces",
                           "space " + std::to_string(sp) + " is not offered by this call");
            }
        }
        errors.throw_if_any("the application is not complete");
        Application next = *a;
        next.status = ApplicationStatus::submitted;
        next.submitted_at = now_utc();
        SubmittedApplication result{m_store.update_application(next), {}};
        // A receipt for the person who submitted, with the time the server took.
        if (!by.email.empty()) {
            const std::string link = m_accounts.public_link(
                "/w/" + w.slug + "/applications/" + std::to_string(result.application.id));
            queue(m_store, by.email,
                  mail::letter("application.received", w.languages,
                               {{"name", by.display_name},
                                {"title", result.application.fields.title},
                                {"call", c.title},
                                {"submitted_at", result.application.submitted_at},
                                {"link", link}}));
            mailed = true;
        }
        auto o = m_store.organisation(w.id, result.application.organisation_id);
        result.warnings = eligibility_reasons(c, result.application,
                                              o ? o->type : OrganisationType::other);
        return result;
    });
    if (mailed) queued_mail();
    return out;
}

json CallService::run_matching(const Workspace& w, Id call_id,
                               std::optional<matching::SolverChoice> solver) {
    const Call c = require_call(w, call_id);
    if (c.state != CallState::evaluating) {
        throw Error(ErrorKind::conflict, "the matching runs while the call is in evaluation; "
                                         "this one is " + std::string(enum_name(c.state)));
    }
    // Solved outside any transaction (it may take the call's time limit); the proposal keeps
    // the fingerprint of the input it answers, which publishing checks again.
    MatchingInput in = matching_input(m_store, c);
    if (solver) in.problem.settings.solver = *solver;
    const matching::Result result = matching::solve(in.problem);
    // The fingerprint is of the input as publishing sees it (the automatic solver).
    in.problem.settings.solver = matching::SolverChoice::automatic;
    json proposal = proposal_json(m_store, c, in, result);
    m_store.save_proposal(w.id, c.id, proposal);
    return proposal;
}

json CallService::proposal(const Workspace& w, Id call_id) {
    const Call c = require_call(w, call_id);
    json proposal = m_store.proposal(w.id, c.id);
    if (proposal.is_null()) {
        throw Error(ErrorKind::not_found, "no matching has been run for this call yet",
                    "POST .../matching runs it");
    }
    proposal["current"] = c.state == CallState::evaluating &&
                          proposal.value("input", std::string()) ==
                              fingerprint(matching_input(m_store, c).problem);
    return proposal;
}

PublishedDecisions CallService::publish_decisions(const Workspace& w, Id call_id) {
    PublishedDecisions out = in_transaction(m_store, [&] {
        const Call c = require_call(w, call_id);
        if (c.state != CallState::evaluating) {
            throw Error(ErrorKind::conflict, "decisions are published once, from a call in "
                                             "evaluation; this one is " +
                                                 std::string(enum_name(c.state)));
        }
        const json proposal = m_store.proposal(w.id, c.id);
        if (proposal.is_null()) {
            throw Error(ErrorKind::conflict, "run the matching before publishing",
                        "POST .../matching");
        }
        // Checked inside the transaction that publishes: nothing can change in between.
        const MatchingInput in = matching_input(m_store, c);
        if (proposal.value("input", std::string()) != fingerprint(in.problem)) {
            throw Error(ErrorKind::conflict,
                        "scores, eligibility, the shortlist or the adjustments changed since the "
                        "matching ran",
                        "run the matching again and review it before publishing");
        }
        const auto decisions = decisions_from(proposal, in.apps);
        std::vector<OutgoingMail> mails;
        for (const auto& a : in.apps) {
            auto d = decisions.find(a.id);
            if (d == decisions.end()) continue;
            auto u = m_store.user(a.created_by);
            if (!u || u->email.empty()) continue;
            const bool allocated = d->second.outcome == DecisionOutcome::allocated;
            std::string space;
            if (allocated && d->second.explanation.is_object() &&
                d->second.explanation.contains("assignment")) {
                space = d->second.explanation["assignment"].value("space_name", std::string());
            }
            const mail::Letter l = mail::letter(
                "application.decided", w.languages,
                {{"name", u->display_name},
                 {"title", a.fields.title},
                 {"call", c.title},
                 {"allocated", allocated ? "yes" : ""},
                 {"space", space},
                 {"start", d->second.start},
                 {"end", d->second.end},
                 {"link", m_accounts.public_link("/w/" + w.slug + "/applications/" +
                                                 std::to_string(a.id))}});
            OutgoingMail m;
            m.to = u->email;
            m.subject = l.subject;
            m.text = l.text;
            mails.push_back(std::move(m));
        }
        PublishedDecisions result;
        result.call = m_store.publish_decisions(w.id, c.id, decisions, mails);
        result.decisions = decisions.size();
        for (const auto& [id, d] : decisions) {
            result.allocated += d.outcome == DecisionOutcome::allocated;
        }
        result.mails = mails.size();
        return result;
    });
    if (out.mails) queued_mail();
    return out;
}

} // namespace impetus::services
