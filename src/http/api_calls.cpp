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

Loaded require_application(Services& s, Context& ctx) {
    Workspace w = workspace_of(s, ctx);
    const Id id = path_id(ctx.param("application"), "application");
    auto a = s.store.application(w.id, id);
    std::optional<Call> c = a ? s.store.call(w.id, a->call_id) : std::nullopt;
    Visibility v = a && c ? visibility(ctx, *c, *a) : Visibility{};
    if (!a || !c || (!v.member && !v.staff && !v.evaluator)) {
        throw Error(ErrorKind::not_found, "application " + std::to_string(id) + " not found");
    }
    return {std::move(w), std::move(*c), std::move(*a), v};
}

// Applicants change their application (and only while the call takes applications, which
// the service checks).
void require_member(const Loaded& l) {
    if (!l.v.member) {
        throw Error(ErrorKind::forbidden,
                    "only members of the applying organisation change an application");
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
        Workspace w = workspace_of(s, ctx);
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
        Workspace w = workspace_of(s, ctx);
        json body = read_json_body(ctx.request);
        const std::set<Id> named = resolve_evaluators(s, body);
        Call out = s.calls.create_call(w, read_call(body), named);
        Response r = json_response(201, call_json(s, ctx, out, false));
        r.headers["Location"] = ctx.request.base_url + "/api/v1/workspaces/" + w.slug +
                                "/calls/" + std::to_string(out.id);
        r.headers["ETag"] = version_etag(out.version);
        return r;
    });

    router.add("GET", calls + "/{call}", "getCall", Access::anyone, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Call c = require_call(s, ctx, w);
        Response r = json_response(200, call_json(s, ctx, c, true));
        r.headers["ETag"] = version_etag(c.version);
        return r;
    });

    router.add("PATCH", calls + "/{call}", "updateCall", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Call cur = require_call(s, ctx, w);
        json patch = read_json_body(ctx.request);
        const std::set<Id> named = resolve_evaluators(s, patch);
        Call out = s.calls.update_call(w, cur.id, patch, named, if_match_version(ctx.request));
        Response r = json_response(200, call_json(s, ctx, out, false));
        r.headers["ETag"] = version_etag(out.version);
        return r;
    });

    router.add("POST", calls + "/{call}/transitions", "transitionCall", Access::staff,
               [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        Call c = require_call(s, ctx, w);
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"to"});
        auto to = r.enumeration<CallState>("to", true);
        errors.throw_if_any("invalid transition");
        Call out = s.calls.transition(w, c.id, *to);
        return json_response(200, call_json(s, ctx, out, false));
    });

    // -- applications
    router.add("GET", calls + "/{call}/applications", "listApplications", Access::signed_in,
               [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
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
        Workspace w = workspace_of(s, ctx);
        Call c = require_call(s, ctx, w);
        json body = read_json_body(ctx.request);
        Organisation o = applying_organisation(s, ctx, w, body);
        body.erase("organisation_id");
        Application out = s.calls.create_application(w, c.id, o.id, ctx.principal->user,
                                                     read_application_fields(body));
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
        require_member(l);
        const json patch = read_json_body(ctx.request);
        l.app = s.calls.update_application(l.w, l.app.id, patch, if_match_version(ctx.request));
        Response r = json_response(200, application_json(l));
        r.headers["ETag"] = version_etag(l.app.version);
        return r;
    });

    router.add("POST", apps + "/submit", "submitApplication", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        require_member(l);
        services::SubmittedApplication out =
            s.calls.submit_application(l.w, l.app.id, ctx.principal->user);
        l.app = std::move(out.application);
        json j = application_json(l);
        j["warnings"] = std::move(out.warnings);
        return json_response(200, j);
    });

    router.add("POST", apps + "/withdraw", "withdrawApplication", Access::signed_in,
               [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        require_member(l);
        l.app = s.calls.withdraw_application(l.w, l.app.id);
        return json_response(200, application_json(l));
    });

    router.add("POST", apps + "/attachments", "addAttachment", Access::signed_in, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        require_member(l);
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        const std::string name = clean_name(params.get("name", errors).value_or(""), 300);
        const std::string file =
            clean_name(params.get("file_name", errors).value_or(""), 200, "document");
        reject_unused(params, errors);
        if (name.empty()) errors.add_parameter("name", "is required: which document this is");
        if (ctx.request.body.empty()) errors.add("", "is empty");
        errors.throw_if_any("invalid attachment");
        Attachment out = s.calls.add_attachment(l.w, l.app.id, name, file, ctx.request.body);
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
        require_member(l);
        s.calls.remove_attachment(l.w, l.app.id, path_id(ctx.param("attachment"), "attachment"));
        return Response::no_content();
    });

    router.add("PUT", apps + "/eligibility", "setEligibility", Access::staff, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
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
        l.app = s.calls.set_eligibility(l.w, l.app.id, {*status, reasons, note, true},
                                        if_match_version(ctx.request));
        return json_response(200, application_json(l));
    });

    router.add("PUT", apps + "/shortlist", "setShortlisted", Access::staff, [&s](Context& ctx) {
        Loaded l = require_application(s, ctx);
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"shortlisted"});
        if (!r.present("shortlisted")) errors.add("/shortlisted", "is required");
        auto on = r.boolean("shortlisted");
        errors.throw_if_any("invalid shortlist change");
        l.app = s.calls.set_shortlisted(l.w, l.app.id, *on);
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
        e.evaluator_id = ctx.principal->user.id;
        return json_response(200, to_json(s.calls.save_evaluation(l.w, l.app.id, e, submit)));
    });

    router.add("GET", calls + "/{call}/evaluation", "myEvaluationQueue", Access::signed_in,
               [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
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
        Workspace w = workspace_of(s, ctx);
        Call c = require_call(s, ctx, w);
        return json_response(200, ranking_json(c, s.store.list_applications(w.id, c.id, std::nullopt),
                                               s.store.evaluations(w.id, c.id)));
    });
}

} // namespace impetus::http
