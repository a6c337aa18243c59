// Calls for temporary use over HTTP: officers write and open calls; members of applicant
// organisations write, submit and withdraw applications before the deadline (server time);
// officers check eligibility; the call's evaluators declare conflicts of interest and score;
// officers see the ranking and shortlist. Who may do what depends on the call's state (see
// core/calls.hpp); the routes say who may call them and the handlers apply the finer rules:
// an application is visible to its organisation's members, the workspace's staff and, once
// submitted and eligible, the call's evaluators; to anybody else it does not exist.

#include "core/calls_json.hpp"
#include "core/dates.hpp"
#include "core/doc_reader.hpp"
#include "core/records_json.hpp"
#include "core/error.hpp"
#include "geo/space_json.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"

#include <algorithm>
#include <set>

namespace impetus::http {

using nlohmann::json;

namespace {

// A juror whose address is confirmed (a jury named before addresses had to be may hold an
// account registered with someone else's address: it reads nothing).
bool is_evaluator(const Call& c, const auth::Principal& p) {
    return !p.user.email_verified_at.empty() &&
           std::find(c.evaluators.begin(), c.evaluators.end(), p.user.id) != c.evaluators.end();
}

// Whether the request comes from the workspace's staff (or an instance administrator).
bool is_staff(const Context& ctx, Id workspace_id) { return sees_internal(ctx, workspace_id); }


void require_state(const Call& c, std::initializer_list<CallState> states, const std::string& what) {
    if (std::find(states.begin(), states.end(), c.state) != states.end()) return;
    throw Error(ErrorKind::conflict, "the call is " + std::string(enum_name(c.state)) + ": " + what);
}

std::int64_t expected_version(const Request& req, std::int64_t current) {
    return if_match_version(req).value_or(current);
}

// The spaces of a call as its public page shows them: the public view of each space with the
// period and capacity the call offers.
json offered_spaces(Services& s, const Call& c) {
    json out = json::array();
    for (const auto& cs : c.spaces) {
        auto sp = s.store.space(c.workspace_id, cs.space_id);
        if (!sp) continue;
        sp->fields.notes.clear();
        json f = geo::space_to_json(*sp);
        f["call"] = {{"available_from", cs.available_from},
                     {"available_to", cs.available_to},
                     {"capacity", cs.capacity}};
        out.push_back(std::move(f));
    }
    return out;
}


// The jury is named by the e-mail addresses of verified accounts: each address becomes its
// account's id. Returns the ids so named.
std::set<Id> resolve_evaluators(Services& s, nlohmann::json& doc) {
    std::set<Id> named;
    if (!doc.is_object() || !doc.contains("evaluators") || !doc["evaluators"].is_array()) {
        return named;
    }
    FieldErrors errors;
    auto& list = doc["evaluators"];
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_string()) continue;
        auto u = s.accounts.verified_account(list[i].get<std::string>());
        if (!u) {
            errors.add("/evaluators/" + std::to_string(i), auth::k_no_verified_account);
        } else {
            list[i] = u->id;
            named.insert(u->id);
        }
    }
    errors.throw_if_any("invalid call");
    return named;
}

// Whether an evaluator given by account number is one the officers know already: a verified
// account named by address in this request, on the call's jury already (`known`), or with a
// role in the workspace. A number is no way to reach, and read the address of, any other
// account: unknown numbers and other workspaces' accounts get the same answer.
bool known_evaluator(Services& s, const Workspace& w, const std::set<Id>& known, Id id) {
    auto u = s.accounts.verified_account(id);
    if (!u) return false;
    if (known.contains(id)) return true;
    const auto memberships = s.store.memberships(id);
    return std::any_of(memberships.begin(), memberships.end(),
                       [&](const Membership& m) { return m.workspace_id == w.id; });
}

// Checks what the call refers to: its spaces must belong to the workspace, its evaluators be
// known to it (see known_evaluator).
void check_references(Services& s, const Workspace& w, const Call& c, const std::set<Id>& known) {
    FieldErrors errors;
    for (std::size_t i = 0; i < c.spaces.size(); ++i) {
        if (!s.store.space(w.id, c.spaces[i].space_id)) {
            errors.add("/spaces/" + std::to_string(i) + "/space_id",
                       "no space " + std::to_string(c.spaces[i].space_id) + " in " + w.slug);
        }
    }
    for (std::size_t i = 0; i < c.evaluators.size(); ++i) {
        if (!known_evaluator(s, w, known, c.evaluators[i])) {
            errors.add("/evaluators/" + std::to_string(i),
                       "is no verified account of this workspace: name evaluators by e-mail "
                       "address");
        }
    }
    errors.throw_if_any("invalid call");
}

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

// The fields an open call may still change: a clarified description, a later deadline, the
// jury. Anything else would judge applicants by rules other than the published ones.
void check_open_call_change(const Call& before, const Call& after) {
    Call same = after;
    same.description = before.description;
    same.closes_at = before.closes_at;
    same.evaluators = before.evaluators;
    if (writable_json(same) != writable_json(before)) {
        throw Error(ErrorKind::conflict,
                    "the call is open: its rules stay as published",
                    "only the description, a later deadline and the evaluators may change");
    }
    if (after.closes_at < before.closes_at) {
        throw Error(ErrorKind::conflict, "the call is open: its deadline may only move later");
    }
}

// -- applications

struct Visibility {
    bool member = false;    // of the applying organisation
    bool staff = false;
    bool evaluator = false; // of the call, for submitted eligible applications
};

Visibility visibility(const Context& ctx, const Call& c, const Application& a) {
    Visibility v;
    const auth::Principal* p = ctx.principal;
    if (!p) return v;
    v.member = p->member_of(a.organisation_id);
    v.staff = is_staff(ctx, a.workspace_id);
    v.evaluator = is_evaluator(c, *p) && a.status == ApplicationStatus::submitted &&
                  a.eligibility.status == EligibilityStatus::eligible &&
                  (c.state == CallState::evaluating || c.state == CallState::decided);
    return v;
}

struct Loaded {
    Workspace w;
    Call call;
    Application app;
    Visibility v;
};

Loaded require_application(Services& s, const Context& ctx) {
    Workspace w = require_workspace(s.store, ctx.param("workspace"));
    const Id id = path_id(ctx.param("application"), "application");
    auto a = s.store.application(w.id, id);
    std::optional<Call> c = a ? s.store.call(w.id, a->call_id) : std::nullopt;
    Visibility v = a && c ? visibility(ctx, *c, *a) : Visibility{};
    if (!a || !c || (!v.member && !v.staff && !v.evaluator)) {
        throw Error(ErrorKind::not_found, "application " + std::to_string(id) + " not found");
    }
    return {std::move(w), std::move(*c), std::move(*a), v};
}

// Applicants change their application only while the call takes applications.
void require_writable(const Loaded& l) {
    if (!l.v.member) {
        throw Error(ErrorKind::forbidden,
                    "only members of the applying organisation change an application");
    }
    if (!accepts_applications(l.call, now_utc())) {
        throw Error(ErrorKind::conflict, "the call does not take applications now",
                    "applications change only between the call's opening and its deadline");
    }
}

// What each reader sees: the decision only once published; the eligibility verdict and the
// shortlist are the agency's until then.
json application_json(const Loaded& l) {
    json j = to_json(l.app);
    if (l.call.state != CallState::decided) j.erase("decision");
    if (!l.v.staff) j.erase("shortlisted");
    return j;
}

// The organisation an applicant acts for: one they are a member of, of an eligible type.
Organisation applying_organisation(Services& s, const Context& ctx, const Workspace& w,
                                   const json& body) {
    FieldErrors errors;
    Id org_id = 0;
    if (!body.is_object() || !body.contains("organisation_id") ||
        !body["organisation_id"].is_number_integer()) {
        errors.add("/organisation_id", "is required: the organisation you apply for");
    } else {
        org_id = body["organisation_id"].get<Id>();
    }
    errors.throw_if_any("invalid application");
    auto o = s.store.organisation(w.id, org_id);
    if (!o || !ctx.principal->member_of(org_id)) {
        throw Error(ErrorKind::forbidden,
                    "you are not a member of organisation " + std::to_string(org_id),
                    "an officer of the workspace adds you to your organisation");
    }
    return *o;
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


// -- evaluation

// An evaluator sees the others' sheets of an application once their own is submitted.
bool may_see_sheets(const Loaded& l, Id user_id, const std::vector<Evaluation>& sheets) {
    if (l.v.staff) return true;
    return std::any_of(sheets.begin(), sheets.end(), [&](const Evaluation& e) {
        return e.application_id == l.app.id && e.evaluator_id == user_id &&
               !e.submitted_at.empty() && !e.conflict_of_interest;
    });
}

json ranking_json(const Call& c, const std::vector<Application>& apps,
                  const std::vector<Evaluation>& sheets) {
    struct Row {
        const Application* app;
        AggregatedScore score;
    };
    std::vector<Row> rows;
    for (const auto& a : apps) {
        if (a.status != ApplicationStatus::submitted ||
            a.eligibility.status != EligibilityStatus::eligible) {
            continue;
        }
        rows.push_back({&a, aggregate_scores(c, a.id, sheets)});
    }
    // Best score first; applications without a score last; equal scores by submission time.
    std::stable_sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
        const double sx = x.score.score.value_or(-1.0);
        const double sy = y.score.score.value_or(-1.0);
        if (sx != sy) return sx > sy;
        if (x.app->submitted_at != y.app->submitted_at) {
            return x.app->submitted_at < y.app->submitted_at;
        }
        return x.app->id < y.app->id;
    });
    json items = json::array();
    std::size_t rank = 0;
    for (const auto& r : rows) {
        ++rank;
        items.push_back({{"rank", rank},
                         {"application_id", r.app->id},
                         {"title", r.app->fields.title},
                         {"category", enum_name(r.app->fields.category)},
                         {"organisation_id", r.app->organisation_id},
                         {"score", r.score.score ? json(*r.score.score) : json(nullptr)},
                         {"sheets", r.score.sheets},
                         {"min", r.score.min},
                         {"max", r.score.max},
                         {"stddev", r.score.stddev},
                         {"criteria", r.score.criteria_means},
                         {"shortlisted", r.app->shortlisted}});
    }
    return json{{"aggregation", enum_name(c.matching.aggregation)},
                {"evaluators", c.evaluators.size()},
                {"items", items}};
}

} // namespace

Call require_call(Services& s, const Context& ctx, const Workspace& w) {
    const Id id = path_id(ctx.param("call"), "call");
    auto c = s.store.call(w.id, id);
    // A draft is the officers' working copy: nobody else learns it exists.
    if (!c || (c->state == CallState::draft && !is_staff(ctx, w.id))) {
        throw Error(ErrorKind::not_found,
                    "call " + std::to_string(id) + " not found in workspace " + w.slug);
    }
    return *c;
}

bool call_offers(const Call& c, Id space_id) {
    return std::any_of(c.spaces.begin(), c.spaces.end(),
                       [&](const CallSpace& cs) { return cs.space_id == space_id; });
}

json call_json(Services& s, const Context& ctx, const Call& c, bool with_spaces) {
    const bool staff = is_staff(ctx, c.workspace_id);
    json j = to_json(c, staff);
    if (staff) {
        json jury = json::array();
        for (Id id : c.evaluators) {
            auto u = s.store.user(id);
            jury.push_back({{"user_id", id},
                            {"email", u ? u->email : std::string()},
                            {"display_name", u ? u->display_name : std::string()}});
        }
        j["jury"] = std::move(jury);
    }
    j["accepting_applications"] = accepts_applications(c, now_utc());
    if (with_spaces) j["offered_spaces"] = offered_spaces(s, c);
    return j;
}

void add_call_routes(Router& router, Services& s) {
    const std::string ws = "/api/v1/workspaces/{workspace}";
    const std::string calls = ws + "/calls";

    router.add("GET", calls, "listCalls", Access::anyone, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        auto state = params.get("state", errors);
        std::optional<CallState> wanted;
        if (state) {
            wanted = parse_enum<CallState>(*state);
            if (!wanted)
                errors.add_parameter("state", "must be one of " + enum_choices<CallState>());
        }
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        json items = json::array();
        for (const auto& c : s.store.list_calls(w.id, is_staff(ctx, w.id))) {
            if (wanted && c.state != *wanted) continue;
            items.push_back(call_json(s, ctx, c, false));
        }
        return json_response(200, json{{"items", items}});
    });

    router.add("POST", calls, "createCall", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        json body = read_json_body(ctx.request);
        const std::set<Id> named = resolve_evaluators(s, body);
        Call c = read_call(body);
        check_references(s, w, c, named);
        Call out = s.store.create_call(w.id, c);
        Response r = json_response(201, call_json(s, ctx, out, false));
        r.headers["Location"] = ctx.request.base_url + "/api/v1/workspaces/" + w.slug +
                                "/calls/" + std::to_string(out.id);
        r.headers["ETag"] = version_etag(out.version);
        return r;
    });

    router.add("GET", calls + "/{call}", "getCall", Access::anyone, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        Response r = json_response(200, call_json(s, ctx, c, true));
        r.headers["ETag"] = version_etag(c.version);
        return r;
    });

    router.add("PATCH", calls + "/{call}", "updateCall", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call cur = require_call(s, ctx, w);
        json patch = read_json_body(ctx.request);
        std::set<Id> known = resolve_evaluators(s, patch);
        known.insert(cur.evaluators.begin(), cur.evaluators.end());
        Call next = read_call(merge_patch(writable_json(cur), patch));
        check_references(s, w, next, known);
        switch (cur.state) {
        case CallState::draft: break;
        case CallState::open: check_open_call_change(cur, next); break;
        case CallState::closed:
        case CallState::evaluating: {
            // The rules are history now; only the jury may still be completed.
            Call same = next;
            same.evaluators = cur.evaluators;
            if (writable_json(same) != writable_json(cur)) {
                throw Error(ErrorKind::conflict,
                            "the call is " + std::string(enum_name(cur.state)) +
                                ": only its evaluators may change");
            }
            break;
        }
        case CallState::decided:
            throw Error(ErrorKind::conflict, "the call is decided and does not change");
        }
        next.id = cur.id;
        next.adjustments = cur.adjustments;
        next.version = expected_version(ctx.request, cur.version);
        Call out = s.store.update_call(w.id, next);
        Response r = json_response(200, call_json(s, ctx, out, false));
        r.headers["ETag"] = version_etag(out.version);
        return r;
    });

    router.add("POST", calls + "/{call}/transitions", "transitionCall", Access::staff,
               [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"to"});
        auto to = r.enumeration<CallState>("to", true);
        errors.throw_if_any("invalid transition");
        if (*to == CallState::decided) {
            throw Error(ErrorKind::conflict, "a call is decided by publishing its decisions",
                        "POST .../calls/{call}/publish");
        }
        if (!call_transition_allowed(c.state, *to)) {
            throw Error(ErrorKind::conflict, "a call cannot go from " +
                                                 std::string(enum_name(c.state)) + " to " +
                                                 std::string(enum_name(*to)),
                        "draft -> open -> closed -> evaluating -> decided");
        }
        if (*to == CallState::open) check_openable(c);
        if (*to == CallState::evaluating && c.evaluators.empty()) {
            throw Error(ErrorKind::conflict, "assign the call's evaluators first",
                        "PATCH the call with {\"evaluators\": [user ids]}");
        }
        if (*to == CallState::closed) {
            // The rules are checked on every submitted application at the deadline; an officer
            // confirms or overrules each verdict.
            for (auto a : s.store.list_applications(w.id, c.id, std::nullopt)) {
                if (a.status != ApplicationStatus::submitted || a.eligibility.by_officer) continue;
                auto o = s.store.organisation(w.id, a.organisation_id);
                a.eligibility.reasons =
                    eligibility_reasons(c, a, o ? o->type : OrganisationType::other);
                a.eligibility.status = a.eligibility.reasons.empty()
                                           ? EligibilityStatus::eligible
                                           : EligibilityStatus::ineligible;
                s.store.update_application(a);
            }
        }
        Call out = s.store.set_call_state(w.id, c.id, *to);
        if (*to == CallState::evaluating) {
            // The jury learns that the sheets are waiting (where, when the server knows its
            // public address).
            const std::string link = s.accounts.public_link(
                "/w/" + w.slug + "/calls/" + std::to_string(out.id) + "/evaluate");
            for (Id id : out.evaluators) {
                auto u = s.store.user(id);
                if (!u || u->email.empty()) continue;
                s.store.enqueue_mail(u->email, "Applications to evaluate: " + out.title,
                                     "You are an evaluator of the call \"" + out.title +
                                         "\". The eligible applications wait for your scores" +
                                         (link.empty() ? ".\n" : ":\n" + link + "\n"));
            }
            s.outbox.wake();
        }
        return json_response(200, call_json(s, ctx, out, false));
    });

    // -- applications
    router.add("GET", calls + "/{call}/applications", "listApplications", Access::signed_in,
               [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        json items = json::array();
        for (const auto& a : s.store.list_applications(w.id, c.id, std::nullopt)) {
            Loaded l{w, c, a, visibility(ctx, c, a)};
            if (l.v.member || l.v.staff || l.v.evaluator) items.push_back(application_json(l));
        }
        return json_response(200, json{{"items", items}});
    });

    router.add("POST", calls + "/{call}/applications", "createApplication", Access::signed_in,
               [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        json body = read_json_body(ctx.request);
        Organisation o = applying_organisation(s, ctx, w, body);
        if (!accepts_applications(c, now_utc())) {
            throw Error(ErrorKind::conflict, "the call does not take applications now",
                        "applications are written between the call's opening and its deadline");
        }
        body.erase("organisation_id");
        Application a;
        a.workspace_id = w.id;
        a.call_id = c.id;
        a.organisation_id = o.id;
        a.created_by = ctx.principal->user.id;
        a.fields = read_application_fields(body);
        Application out = s.store.create_application(a);
        Loaded l{w, c, out, visibility(ctx, c, out)};
        Response r = json_response(201, application_json(l));
        r.headers["Location"] = ctx.request.base_url + "/api/v1/workspaces/" + w.slug +
                                "/applications/" + std::to_string(out.id);
        r.headers["ETag"] = version_etag(out.version);
        return r;
    });

    router.add("GET", "/api/v1/me/applications", "listMyApplications", Access::signed_in,
               [&s](Context& ctx) {
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        json items = json::array();
        for (const auto& m : ctx.principal->memberships) {
            if (m.organisations.empty()) continue;
            std::vector<Id> orgs;
            for (const auto& o : m.organisations) orgs.push_back(o.id);
            auto w = s.store.workspace_by_id(m.workspace_id);
            for (const auto& a : s.store.list_applications(m.workspace_id, std::nullopt, orgs)) {
                auto c = s.store.call(m.workspace_id, a.call_id);
                if (!c || !w) continue;
                Loaded l{*w, *c, a, visibility(ctx, *c, a)};
                json j = application_json(l);
                j["workspace"] = m.workspace_slug;
                j["call"] = {{"id", c->id}, {"title", c->title}, {"state", enum_name(c->state)},
                             {"closes_at", c->closes_at}};
                items.push_back(std::move(j));
            }
        }
        return json_response(200, json{{"items", items}});
    });

    const std::string apps = ws + "/applications/{application}";
    router.add("GET", apps, "getApplication", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        Response r = json_response(200, application_json(l));
        r.headers["ETag"] = version_etag(l.app.version);
        return r;
    });

    router.add("PATCH", apps, "updateApplication", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        require_writable(l);
        if (l.app.status != ApplicationStatus::draft) {
            throw Error(ErrorKind::conflict, "only a draft changes",
                        "a submitted application is final; withdraw it and apply again");
        }
        const json patch = read_json_body(ctx.request);
        Application next = l.app;
        next.fields = read_application_fields(merge_patch(writable_json(l.app.fields), patch));
        next.version = expected_version(ctx.request, l.app.version);
        l.app = s.store.update_application(next);
        Response r = json_response(200, application_json(l));
        r.headers["ETag"] = version_etag(l.app.version);
        return r;
    });

    router.add("POST", apps + "/submit", "submitApplication", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        require_writable(l);
        if (l.app.status != ApplicationStatus::draft) {
            throw Error(ErrorKind::conflict, "the application is " +
                                                 std::string(enum_name(l.app.status)));
        }
        // What a submitted application must hold; the rest of the rules are the eligibility
        // check's, whose verdict the applicant sees in the response.
        FieldErrors errors;
        if (l.app.fields.description.empty()) errors.add("/description", "is required to submit");
        for (Id sp : l.app.fields.preferred_spaces) {
            if (!call_offers(l.call, sp)) errors.add("/preferred_spaces", "space " + std::to_string(sp) +
                                                              " is not offered by this call");
        }
        errors.throw_if_any("the application is not complete");
        Application next = l.app;
        next.status = ApplicationStatus::submitted;
        next.submitted_at = now_utc();
        l.app = s.store.update_application(next);
        // A receipt for the person who submitted, with the time the server took.
        if (!ctx.principal->user.email.empty()) {
            const std::string link = s.accounts.public_link(
                "/w/" + l.w.slug + "/applications/" + std::to_string(l.app.id));
            s.store.enqueue_mail(
                ctx.principal->user.email, "Application received: " + l.app.fields.title,
                "Your application \"" + l.app.fields.title + "\" to the call \"" + l.call.title +
                    "\" was submitted at " + l.app.submitted_at + " (UTC).\n" +
                    (link.empty() ? "" : "\nFollow it here:\n" + link + "\n"));
            s.outbox.wake();
        }
        json j = application_json(l);
        auto o = s.store.organisation(l.w.id, l.app.organisation_id);
        j["warnings"] = eligibility_reasons(l.call, l.app, o ? o->type : OrganisationType::other);
        return json_response(200, j);
    });

    router.add("POST", apps + "/withdraw", "withdrawApplication", Access::signed_in,
               [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        require_writable(l);
        if (l.app.status == ApplicationStatus::withdrawn) {
            throw Error(ErrorKind::conflict, "the application is already withdrawn");
        }
        Application next = l.app;
        next.status = ApplicationStatus::withdrawn;
        l.app = s.store.update_application(next);
        return json_response(200, application_json(l));
    });

    router.add("POST", apps + "/attachments", "addAttachment", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        require_writable(l);
        if (l.app.status != ApplicationStatus::draft) {
            throw Error(ErrorKind::conflict, "documents are attached to a draft");
        }
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        const std::string name = clean_name(params.get("name", errors).value_or(""), 300);
        const std::string file =
            clean_name(params.get("file_name", errors).value_or(""), 200, "document");
        reject_unused(params, errors);
        if (name.empty()) errors.add_parameter("name", "is required: which document this is");
        if (ctx.request.body.empty()) errors.add("", "is empty");
        errors.throw_if_any("invalid attachment");
        if (l.app.attachments.size() >= 20) {
            throw Error(ErrorKind::conflict, "an application holds at most 20 documents");
        }
        auto type = document_type(ctx.request.body);
        if (!type) {
            throw Error(ErrorKind::unsupported_media,
                        "the file is not a PDF, PNG, JPEG, OpenDocument text or Word document",
                        "the type is read from the file's content, not its name");
        }
        Attachment meta;
        meta.name = name;
        meta.file_name = file;
        meta.content_type = *type;
        meta.sha256 = auth::sha256_hex(ctx.request.body);
        Attachment out = s.store.add_attachment(l.w.id, l.app.id, meta, ctx.request.body);
        return json_response(201, to_json(out));
    }, BodySpec::in_memory(s.options.max_attachment_body));

    router.add("GET", apps + "/attachments/{attachment}", "getAttachment", Access::signed_in,
               [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        const Id id = path_id(ctx.param("attachment"), "attachment");
        auto meta = std::find_if(l.app.attachments.begin(), l.app.attachments.end(),
                                 [&](const Attachment& a) { return a.id == id; });
        auto bytes = s.store.attachment_bytes(l.w.id, l.app.id, id);
        if (meta == l.app.attachments.end() || !bytes) {
            throw Error(ErrorKind::not_found, "attachment " + std::to_string(id) + " not found");
        }
        Response r = Response::text(200, std::move(*bytes), meta->content_type);
        std::string safe;
        for (char c : meta->file_name) safe += c == '"' || c == '\\' ? '_' : c;
        r.headers["Content-Disposition"] = "attachment; filename=\"" + safe + "\"";
        r.headers["X-Content-Type-Options"] = "nosniff";
        return r;
    });

    router.add("DELETE", apps + "/attachments/{attachment}", "removeAttachment", Access::signed_in,
               [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        require_writable(l);
        if (l.app.status != ApplicationStatus::draft) {
            throw Error(ErrorKind::conflict, "documents are removed from a draft only");
        }
        const Id id = path_id(ctx.param("attachment"), "attachment");
        if (!s.store.remove_attachment(l.w.id, l.app.id, id)) {
            throw Error(ErrorKind::not_found, "attachment " + std::to_string(id) + " not found");
        }
        return Response::no_content();
    });

    router.add("PUT", apps + "/eligibility", "setEligibility", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        if (!l.v.staff) throw Error(ErrorKind::forbidden, "officers decide eligibility");
        require_state(l.call, {CallState::closed, CallState::evaluating},
                      "eligibility is decided after the deadline and before the decisions");
        if (l.app.status != ApplicationStatus::submitted) {
            throw Error(ErrorKind::conflict, "only submitted applications are checked");
        }
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"status", "reasons", "note"});
        auto status = r.enumeration<EligibilityStatus>("status", true);
        std::vector<std::string> reasons;
        if (const json* list = r.get("reasons")) {
            if (!list->is_array()) {
                errors.add("/reasons", "must be an array of reason codes");
            } else {
                for (const auto& item : *list) {
                    if (!item.is_string() || item.get<std::string>().empty() ||
                        item.get<std::string>().size() > 200) {
                        errors.add("/reasons", "holds reason codes (texts of 1 to 200 characters)");
                    } else {
                        reasons.push_back(item.get<std::string>());
                    }
                }
            }
        }
        const std::string note = r.string("note", false, 5000).value_or("");
        if (status == EligibilityStatus::ineligible && reasons.empty()) {
            errors.add("/reasons", "an ineligible application needs at least one reason");
        }
        if (status == EligibilityStatus::pending) errors.add("/status", "must be eligible or ineligible");
        errors.throw_if_any("invalid eligibility");
        Application next = l.app;
        next.eligibility = {*status, status == EligibilityStatus::eligible ? std::vector<std::string>{} : reasons,
                            note, true};
        if (*status == EligibilityStatus::ineligible) next.shortlisted = false;
        next.version = expected_version(ctx.request, l.app.version);
        l.app = s.store.update_application(next);
        return json_response(200, application_json(l));
    });

    router.add("PUT", apps + "/shortlist", "setShortlisted", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        if (!l.v.staff) throw Error(ErrorKind::forbidden, "officers keep the shortlist");
        require_state(l.call, {CallState::evaluating}, "the shortlist is kept during evaluation");
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"shortlisted"});
        if (!r.present("shortlisted")) errors.add("/shortlisted", "is required");
        auto on = r.boolean("shortlisted");
        errors.throw_if_any("invalid shortlist change");
        if (*on && l.app.eligibility.status != EligibilityStatus::eligible) {
            throw Error(ErrorKind::conflict, "only eligible applications are shortlisted");
        }
        Application next = l.app;
        next.shortlisted = *on;
        l.app = s.store.update_application(next);
        return json_response(200, application_json(l));
    });

    // -- evaluation
    router.add("GET", apps + "/evaluations", "listEvaluations", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        if (!l.v.staff && !l.v.evaluator) {
            throw Error(ErrorKind::forbidden, "the call's evaluators and officers read the sheets");
        }
        const auto sheets = s.store.evaluations(l.w.id, l.call.id);
        const Id me = ctx.principal->user.id;
        const bool all = may_see_sheets(l, me, sheets);
        json items = json::array();
        for (const auto& e : sheets) {
            if (e.application_id != l.app.id) continue;
            if (all || e.evaluator_id == me) items.push_back(to_json(e));
        }
        json body{{"items", items}, {"others_visible", all}};
        if (all) {
            const auto agg = aggregate_scores(l.call, l.app.id, sheets);
            body["aggregate"] = {{"score", agg.score ? json(*agg.score) : json(nullptr)},
                                 {"sheets", agg.sheets},
                                 {"min", agg.min},
                                 {"max", agg.max},
                                 {"stddev", agg.stddev}};
        }
        return json_response(200, body);
    });

    router.add("PUT", apps + "/evaluation", "saveEvaluation", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        if (!l.v.evaluator) {
            throw Error(ErrorKind::forbidden, "only the call's evaluators score its applications");
        }
        require_state(l.call, {CallState::evaluating}, "scores are given during evaluation");
        json body = read_json_body(ctx.request);
        bool submit = false;
        if (body.is_object() && body.contains("submit")) {
            if (!body["submit"].is_boolean()) {
                throw Error(ErrorKind::invalid_input, "invalid evaluation", "",
                            {{"/submit", "must be true or false"}});
            }
            submit = body["submit"].get<bool>();
            body.erase("submit");
        }
        Evaluation e = read_evaluation(body, l.call);
        e.application_id = l.app.id;
        e.evaluator_id = ctx.principal->user.id;
        if (submit && !e.conflict_of_interest) {
            FieldErrors errors;
            for (const auto& c : l.call.criteria) {
                if (!e.scores.contains(c.key)) {
                    errors.add("/scores/" + c.key, "is required to submit");
                }
            }
            errors.throw_if_any("the evaluation is not complete");
        }
        if (e.conflict_of_interest) e.scores.clear(); // no score from a conflicted evaluator
        return json_response(200, to_json(s.store.save_evaluation(l.w.id, e, submit)));
    });

    router.add("GET", calls + "/{call}/evaluation", "myEvaluationQueue", Access::signed_in,
               [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        if (!is_evaluator(c, *ctx.principal)) {
            throw Error(ErrorKind::forbidden, "you are not an evaluator of this call");
        }
        const Id me = ctx.principal->user.id;
        const auto sheets = s.store.evaluations(w.id, c.id);
        json items = json::array();
        for (const auto& a : s.store.list_applications(w.id, c.id, std::nullopt)) {
            Loaded l{w, c, a, visibility(ctx, c, a)};
            if (!l.v.evaluator) continue;
            auto mine = std::find_if(sheets.begin(), sheets.end(), [&](const Evaluation& e) {
                return e.application_id == a.id && e.evaluator_id == me;
            });
            json j = application_json(l);
            j["my_evaluation"] = mine == sheets.end() ? json(nullptr) : to_json(*mine);
            items.push_back(std::move(j));
        }
        return json_response(200, json{{"criteria", to_json(c, false)["criteria"]},
                                       {"state", enum_name(c.state)},
                                       {"items", items}});
    });

    router.add("GET", calls + "/{call}/ranking", "getRanking", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        return json_response(200, ranking_json(c, s.store.list_applications(w.id, c.id, std::nullopt),
                                               s.store.evaluations(w.id, c.id)));
    });
}

} // namespace impetus::http
