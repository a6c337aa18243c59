#include "services/calls.hpp"

#include "auth/secrets.hpp"
#include "core/calls_json.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/records_json.hpp"
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
    } else if (with_milliseconds(c.closes_at) <= now_utc()) {
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

// The fields an open call may still change: a clarified description, a later deadline, the
// jury. Anything else would judge applicants by rules other than the published ones.
void check_open_call_change(const Call& before, const Call& after) {
    Call same = after;
    same.description = before.description;
    same.closes_at = before.closes_at;
    same.evaluators = before.evaluators;
    if (writable_json(same) != writable_json(before)) {
        throw Error(ErrorKind::conflict, "the call is open: its rules stay as published",
                    "only the description, a later deadline and the evaluators may change");
    }
    if (with_milliseconds(after.closes_at) < with_milliseconds(before.closes_at)) {
        throw Error(ErrorKind::conflict, "the call is open: its deadline may only move later");
    }
}

// What each state of a call lets officers change.
void check_call_change(const Call& cur, const Call& next) {
    switch (cur.state) {
    case CallState::draft: return;
    case CallState::open: check_open_call_change(cur, next); return;
    case CallState::closed:
    case CallState::evaluating: {
        // The rules are history now; only the jury may still be completed.
        Call same = next;
        same.evaluators = cur.evaluators;
        if (writable_json(same) != writable_json(cur)) {
            throw Error(ErrorKind::conflict, "the call is " + std::string(enum_name(cur.state)) +
                                                 ": only its evaluators may change");
        }
        return;
    }
    case CallState::decided:
        throw Error(ErrorKind::conflict, "the call is decided and does not change");
    }
}

void require_state(const Call& c, std::initializer_list<CallState> states,
                   const std::string& what) {
    if (std::find(states.begin(), states.end(), c.state) != states.end()) return;
    throw Error(ErrorKind::conflict, "the call is " + std::string(enum_name(c.state)) + ": " + what);
}

// Attachments: documents and pictures, recognised by their first bytes.
std::optional<std::string> document_type(const std::string& bytes) {
    auto starts = [&](std::string_view magic) { return bytes.rfind(magic, 0) == 0; };
    if (starts("%PDF-")) return "application/pdf";
    if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
    if (starts("\xff\xd8\xff")) return "image/jpeg";
    if (starts(std::string_view("PK\x03\x04", 4))) {
        // OpenDocument names its type in the first entry; Office Open XML has [Content_Types].
        if (bytes.find("application/vnd.oasis.opendocument.text") != std::string::npos) {
            return "application/vnd.oasis.opendocument.text";
        }
        if (bytes.find("[Content_Types].xml") != std::string::npos &&
            bytes.find("word/") != std::string::npos) {
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        }
    }
    return std::nullopt;
}

constexpr std::size_t k_max_attachments = 20;

} // namespace

CallService::CallService(Store& store, auth::AccountService& accounts,
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

Application CallService::require_application(const Workspace& w, Id application_id) {
    auto a = m_store.application(w.id, application_id);
    if (!a) {
        throw Error(ErrorKind::not_found,
                    "application " + std::to_string(application_id) + " not found");
    }
    return *a;
}

std::pair<Application, Call> CallService::writable_draft(const Workspace& w, Id application_id,
                                                         const std::string& what) {
    Application a = require_application(w, application_id);
    Call c = require_call(w, a.call_id);
    if (!accepts_applications(c, now_utc())) {
        throw Error(ErrorKind::conflict, "the call does not take applications now",
                    "applications change only between the call's opening and its deadline");
    }
    if (a.status != ApplicationStatus::draft) {
        throw Error(ErrorKind::conflict, what,
                    "a submitted application is final; withdraw it and apply again");
    }
    return {std::move(a), std::move(c)};
}

// Whether an evaluator given by account number is one the officers know already: a verified
// account named by address in this request, on the call's jury already (`known`), or with a
// role in the workspace. A number is no way to reach, and read the address of, any other
// account: unknown numbers and other workspaces' accounts get the same answer.
void CallService::check_references(const Workspace& w, const Call& c, const std::set<Id>& known) {
    FieldErrors errors;
    for (std::size_t i = 0; i < c.spaces.size(); ++i) {
        if (!m_store.space(w.id, c.spaces[i].space_id)) {
            errors.add("/spaces/" + std::to_string(i) + "/space_id",
                       "no space " + std::to_string(c.spaces[i].space_id) + " in " + w.slug);
        }
    }
    for (std::size_t i = 0; i < c.evaluators.size(); ++i) {
        const Id id = c.evaluators[i];
        bool ok = m_accounts.verified_account(id).has_value();
        if (ok && !known.contains(id)) {
            const auto memberships = m_store.memberships(id);
            ok = std::any_of(memberships.begin(), memberships.end(),
                             [&](const Membership& m) { return m.workspace_id == w.id; });
        }
        if (!ok) {
            errors.add("/evaluators/" + std::to_string(i),
                       "is no verified account of this workspace: name evaluators by e-mail "
                       "address");
        }
    }
    errors.throw_if_any("invalid call");
}

Call CallService::create_call(const Workspace& w, const Call& c, const std::set<Id>& named) {
    return in_transaction(m_store, [&] {
        check_references(w, c, named);
        return m_store.create_call(w.id, c);
    });
}

Call CallService::update_call(const Workspace& w, Id call_id, const json& patch,
                              const std::set<Id>& named,
                              std::optional<std::int64_t> expected_version) {
    return in_transaction(m_store, [&] {
        const Call cur = require_call(w, call_id);
        std::set<Id> known = named;
        known.insert(cur.evaluators.begin(), cur.evaluators.end());
        Call next = read_call(merge_patch(writable_json(cur), patch));
        check_references(w, next, known);
        check_call_change(cur, next);
        next.id = cur.id;
        next.adjustments = cur.adjustments;
        next.version = expected_version.value_or(cur.version);
        return m_store.update_call(w.id, next);
    });
}

Call CallService::set_adjustments(const Workspace& w, Id call_id,
                                  const std::vector<MatchingAdjustment>& items,
                                  std::optional<std::int64_t> expected_version) {
    return in_transaction(m_store, [&] {
        Call c = require_call(w, call_id);
        if (c.state != CallState::evaluating) {
            throw Error(ErrorKind::conflict, "pairs are locked or excluded during evaluation");
        }
        FieldErrors errors;
        std::set<std::pair<Id, Id>> seen;
        std::set<Id> locked;
        for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string ptr = "/items/" + std::to_string(i);
            const MatchingAdjustment& adj = items[i];
            auto a = m_store.application(w.id, adj.application_id);
            if (!a || a->call_id != c.id) {
                errors.add(ptr + "/application_id", "is not an application to this call");
            }
            if (!call_offers(c, adj.space_id)) {
                errors.add(ptr + "/space_id", "is not a space this call offers");
            }
            if (!seen.insert({adj.application_id, adj.space_id}).second) {
                errors.add(ptr, "repeats a pair");
            }
            if (adj.locked && !locked.insert(adj.application_id).second) {
                errors.add(ptr, "locks an application a second time");
            }
        }
        errors.throw_if_any("invalid adjustments");
        c.adjustments = items;
        c.version = expected_version.value_or(c.version);
        return m_store.update_call(w.id, c);
    });
}

Application CallService::create_application(const Workspace& w, Id call_id, Id organisation_id,
                                            const User& by, const ApplicationFields& fields) {
    return in_transaction(m_store, [&] {
        const Call c = require_call(w, call_id);
        if (!accepts_applications(c, now_utc())) {
            throw Error(ErrorKind::conflict, "the call does not take applications now",
                        "applications are written between the call's opening and its deadline");
        }
        Application a;
        a.workspace_id = w.id;
        a.call_id = c.id;
        a.organisation_id = organisation_id;
        a.created_by = by.id;
        a.fields = fields;
        return m_store.create_application(a);
    });
}

Application CallService::update_application(const Workspace& w, Id application_id,
                                            const json& patch,
                                            std::optional<std::int64_t> expected_version) {
    return in_transaction(m_store, [&] {
        auto [a, c] = writable_draft(w, application_id, "only a draft changes");
        Application next = a;
        next.fields = read_application_fields(merge_patch(writable_json(a.fields), patch));
        next.version = expected_version.value_or(a.version);
        return m_store.update_application(next);
    });
}

Application CallService::withdraw_application(const Workspace& w, Id application_id) {
    return in_transaction(m_store, [&] {
        Application a = require_application(w, application_id);
        const Call c = require_call(w, a.call_id);
        if (!accepts_applications(c, now_utc())) {
            throw Error(ErrorKind::conflict, "the call does not take applications now",
                        "applications change only between the call's opening and its deadline");
        }
        if (a.status == ApplicationStatus::withdrawn) {
            throw Error(ErrorKind::conflict, "the application is already withdrawn");
        }
        a.status = ApplicationStatus::withdrawn;
        return m_store.update_application(a);
    });
}

Attachment CallService::add_attachment(const Workspace& w, Id application_id,
                                       const std::string& name, const std::string& file_name,
                                       const std::string& bytes) {
    return in_transaction(m_store, [&] {
        auto [a, c] = writable_draft(w, application_id, "documents are attached to a draft");
        if (a.attachments.size() >= k_max_attachments) {
            throw Error(ErrorKind::conflict, "an application holds at most " +
                                                 std::to_string(k_max_attachments) + " documents");
        }
        auto type = document_type(bytes);
        if (!type) {
            throw Error(ErrorKind::unsupported_media,
                        "the file is not a PDF, PNG, JPEG, OpenDocument text or Word document",
                        "the type is read from the file's content, not its name");
        }
        Attachment meta;
        meta.name = name;
        meta.file_name = file_name;
        meta.content_type = *type;
        meta.sha256 = auth::sha256_hex(bytes);
        return m_store.add_attachment(w.id, a.id, meta, bytes);
    });
}

void CallService::remove_attachment(const Workspace& w, Id application_id, Id attachment_id) {
    m_store.transaction([&] {
        auto [a, c] = writable_draft(w, application_id, "documents are removed from a draft only");
        if (!m_store.remove_attachment(w.id, a.id, attachment_id)) {
            throw Error(ErrorKind::not_found,
                        "attachment " + std::to_string(attachment_id) + " not found");
        }
    });
}

Application CallService::set_eligibility(const Workspace& w, Id application_id,
                                         const EligibilityCheck& verdict,
                                         std::optional<std::int64_t> expected_version) {
    return in_transaction(m_store, [&] {
        Application a = require_application(w, application_id);
        const Call c = require_call(w, a.call_id);
        require_state(c, {CallState::closed, CallState::evaluating},
                      "eligibility is decided after the deadline and before the decisions");
        if (a.status != ApplicationStatus::submitted) {
            throw Error(ErrorKind::conflict, "only submitted applications are checked");
        }
        a.eligibility = verdict;
        a.eligibility.by_officer = true;
        if (verdict.status == EligibilityStatus::eligible) a.eligibility.reasons.clear();
        if (verdict.status == EligibilityStatus::ineligible) a.shortlisted = false;
        a.version = expected_version.value_or(a.version);
        return m_store.update_application(a);
    });
}

Application CallService::set_shortlisted(const Workspace& w, Id application_id,
                                         bool shortlisted) {
    return in_transaction(m_store, [&] {
        Application a = require_application(w, application_id);
        const Call c = require_call(w, a.call_id);
        require_state(c, {CallState::evaluating}, "the shortlist is kept during evaluation");
        if (shortlisted && a.eligibility.status != EligibilityStatus::eligible) {
            throw Error(ErrorKind::conflict, "only eligible applications are shortlisted");
        }
        a.shortlisted = shortlisted;
        return m_store.update_application(a);
    });
}

Evaluation CallService::save_evaluation(const Workspace& w, Id application_id, Evaluation sheet,
                                        bool submit) {
    return in_transaction(m_store, [&] {
        const Application a = require_application(w, application_id);
        const Call c = require_call(w, a.call_id);
        require_state(c, {CallState::evaluating}, "scores are given during evaluation");
        sheet.application_id = a.id;
        if (submit && !sheet.conflict_of_interest) {
            FieldErrors errors;
            for (const auto& criterion : c.criteria) {
                if (!sheet.scores.contains(criterion.key)) {
                    errors.add("/scores/" + criterion.key, "is required to submit");
                }
            }
            errors.throw_if_any("the evaluation is not complete");
        }
        if (sheet.conflict_of_interest) sheet.scores.clear(); // no score from a conflicted juror
        return m_store.save_evaluation(w.id, sheet, submit);
    });
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
