// The matching of a call over HTTP: officers run the allocation engine (matching/) on the call's
// eligible applications (the shortlist, when there is one) with the jury's aggregated scores,
// fix pairs by hand (locks and exclusions) and run it again, then publish: every applicant's
// decision with its explanation, in one transaction with the mails that tell them.

#include "core/calls_json.hpp"
#include "core/dates.hpp"
#include "core/doc_reader.hpp"
#include "core/error.hpp"
#include "geo/measure.hpp"
#include "matching/json.hpp"
#include "matching/solve.hpp"
#include "auth/secrets.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"

#include <algorithm>
#include <set>

namespace impetus::http {

using nlohmann::json;

namespace {


matching::Day day(const std::string& iso) {
    auto d = day_number(iso);
    if (!d) throw Error(ErrorKind::internal, "a stored date is not a date: " + iso);
    return static_cast<matching::Day>(*d);
}

matching::Utilities utilities_of(const Utilities& u) {
    matching::Utilities out = 0;
    if (u.water.value_or(false)) out = out | matching::Utility::water;
    if (u.electricity.value_or(false)) out = out | matching::Utility::electricity;
    if (u.heating.value_or(false)) out = out | matching::Utility::heating;
    if (u.internet.value_or(false)) out = out | matching::Utility::internet;
    return out;
}

// The applications the matching considers: submitted and eligible; only the shortlisted ones
// once the officers keep a shortlist.
std::vector<Application> candidates(const std::vector<Application>& apps) {
    std::vector<Application> out;
    const bool shortlist = std::any_of(apps.begin(), apps.end(),
                                       [](const Application& a) { return a.shortlisted; });
    for (const auto& a : apps) {
        if (a.status != ApplicationStatus::submitted ||
            a.eligibility.status != EligibilityStatus::eligible || (shortlist && !a.shortlisted)) {
            continue;
        }
        out.push_back(a);
    }
    return out;
}

// The allocation problem of a call as it stands: its spaces, its candidates with the jury's
// scores, its settings and the officers' locks and exclusions.
matching::Problem build_problem(Services& s, const Call& c, const std::vector<Application>& apps,
                                const std::vector<Evaluation>& sheets) {
    matching::Problem p;
    for (const auto& cs : c.spaces) {
        auto sp = s.store.space(c.workspace_id, cs.space_id);
        if (!sp) continue;
        matching::SpaceOffer o;
        o.id = sp->id;
        o.area_m2 = sp->fields.floor_area_m2 ? sp->fields.floor_area_m2 : sp->fields.area_m2;
        o.setting = setting_of(sp->fields.kind) == Setting::outdoor ? matching::Setting::outdoor
                                                                    : matching::Setting::indoor;
        o.utilities = utilities_of(sp->fields.utilities);
        o.step_free = sp->fields.step_free_access.value_or(false);
        o.available = {day(cs.available_from), day(cs.available_to)};
        o.capacity = cs.capacity;
        const Position pos = geo::representative_point(sp->fields.geometry);
        o.location = matching::Location{pos.lon, pos.lat};
        p.spaces.push_back(o);
    }
    for (const auto& a : candidates(apps)) {
        matching::Request r;
        r.id = a.id;
        r.score = aggregate_scores(c, a.id, sheets).score.value_or(0.0);
        r.category = parse_enum<matching::Category>(enum_name(a.fields.category))
                         .value_or(matching::Category::mixed);
        const Needs& n = a.fields.needs;
        r.needs.area_min_m2 = n.min_area_m2;
        r.needs.area_max_m2 = n.max_area_m2;
        r.needs.setting = n.setting == Setting::indoor    ? matching::SettingNeed::indoor
                          : n.setting == Setting::outdoor ? matching::SettingNeed::outdoor
                                                          : matching::SettingNeed::either;
        r.needs.utilities = utilities_of(n.utilities);
        r.needs.step_free = n.step_free_access;
        const WantedPeriod& wp = a.fields.period;
        r.period = wp.flexible()
                       ? matching::WantedPeriod::flexible(
                             *wp.duration_days, {day(wp.earliest_start), day(wp.latest_end)})
                       : matching::WantedPeriod::fixed({day(wp.start), day(wp.end)});
        for (Id sp : a.fields.preferred_spaces) {
            if (call_offers(c, sp)) r.preferences.push_back(sp);
        }
        if (a.fields.preferred_location) {
            r.location = matching::Location{a.fields.preferred_location->lon,
                                            a.fields.preferred_location->lat};
        }
        p.requests.push_back(std::move(r));
    }
    auto& st = p.settings;
    st.weights = {c.matching.score_weight, c.matching.area_weight, c.matching.preference_weight,
                  c.matching.distance_weight};
    st.start_step_days = c.matching.start_step_days;
    st.preferences_required = c.matching.preferences_required;
    for (const auto& [cat, n] : c.matching.quotas) {
        st.quotas[parse_enum<matching::Category>(enum_name(cat)).value_or(matching::Category::mixed)] = n;
    }
    st.time_limit_seconds = c.matching.time_limit_seconds;
    std::set<Id> in_problem;
    for (const auto& r : p.requests) in_problem.insert(r.id);
    for (const auto& adj : c.adjustments) {
        if (!in_problem.contains(adj.application_id)) continue; // no longer a candidate
        if (adj.locked) {
            st.locks.push_back({adj.application_id, adj.space_id, std::nullopt});
        } else {
            st.exclusions.push_back({adj.application_id, adj.space_id});
        }
    }
    return p;
}

// The input's fingerprint: a proposal is published only while it answers the current input.
std::string fingerprint(const matching::Problem& p) {
    return auth::sha256_hex(matching::to_json(p).dump());
}

// The proposal as officers review it: the engine's result with the applications' titles and
// the spaces' names.
json proposal_json(Services& s, const Call& c, const std::vector<Application>& apps,
                   const matching::Problem& problem, const matching::Result& result) {
    json j = matching::to_json(result);
    std::map<Id, std::string> titles;
    for (const auto& a : apps) titles[a.id] = a.fields.title;
    std::map<Id, std::string> names;
    for (const auto& cs : c.spaces) {
        if (auto sp = s.store.space(c.workspace_id, cs.space_id)) names[sp->id] = sp->fields.name;
    }
    auto name_of = [](const std::map<Id, std::string>& m, Id id) {
        auto it = m.find(id);
        return it == m.end() ? std::string() : it->second;
    };
    for (auto& a : j["assignments"]) {
        a["title"] = name_of(titles, a["request"].get<Id>());
        a["space_name"] = name_of(names, a["space"].get<Id>());
    }
    for (auto& e : j["explanations"]) {
        e["title"] = name_of(titles, e["request"].get<Id>());
        if (e["assignment"].is_object()) {
            e["assignment"]["title"] = e["title"];
            e["assignment"]["space_name"] = name_of(names, e["assignment"]["space"].get<Id>());
        }
        for (auto& v : e["spaces"]) {
            v["space_name"] = name_of(names, v["space"].get<Id>());
            if (v.contains("taken_by")) {
                for (auto& t : v["taken_by"]) t["title"] = name_of(titles, t["request"].get<Id>());
            }
        }
    }
    j["run_at"] = now_utc();
    j["input"] = fingerprint(problem);
    j["candidates"] = problem.requests.size();
    return j;
}

struct Current {
    std::vector<Application> apps;
    matching::Problem problem;
};

Current current_input(Services& s, const Call& c) {
    Current cur;
    cur.apps = s.store.list_applications(c.workspace_id, c.id, std::nullopt);
    cur.problem = build_problem(s, c, cur.apps, s.store.evaluations(c.workspace_id, c.id));
    return cur;
}

// The decision of every submitted application, explained: the matching's verdict for the
// candidates, the eligibility reasons or the shortlist for the others.
std::map<Id, Decision> decisions_from(const json& proposal, const std::vector<Application>& apps) {
    std::map<Id, json> explained;
    for (const auto& e : proposal["explanations"]) explained[e["request"].get<Id>()] = e;
    const bool shortlist = std::any_of(apps.begin(), apps.end(),
                                       [](const Application& a) { return a.shortlisted; });
    std::map<Id, Decision> out;
    for (const auto& a : apps) {
        if (a.status != ApplicationStatus::submitted) continue;
        Decision d;
        d.outcome = DecisionOutcome::not_allocated;
        auto it = explained.find(a.id);
        if (it != explained.end()) {
            d.explanation = it->second;
            const json& as = it->second["assignment"];
            if (as.is_object()) {
                d.outcome = DecisionOutcome::allocated;
                d.space_id = as["space"].get<Id>();
                d.start = as["start"].get<std::string>();
                d.end = as["end"].get<std::string>();
            }
        } else if (a.eligibility.status != EligibilityStatus::eligible) {
            d.explanation = {{"reason", "ineligible"}, {"codes", a.eligibility.reasons},
                             {"note", a.eligibility.note}};
        } else if (shortlist && !a.shortlisted) {
            d.explanation = {{"reason", "not_shortlisted"}};
        }
        out[a.id] = std::move(d);
    }
    return out;
}

// `page`: the application's page at the server's public address; empty when it has none.
std::string decision_text(const Call& c, const Application& a, const Decision& d,
                          const std::string& page) {
    std::string text = "Your application \"" + a.fields.title + "\" to the call \"" + c.title +
                       "\" has been decided.\n\n";
    if (d.outcome == DecisionOutcome::allocated) {
        std::string space = d.explanation.is_object() && d.explanation.contains("assignment")
                                ? d.explanation["assignment"].value("space_name", std::string())
                                : std::string();
        text += "It was allocated a space";
        if (!space.empty()) text += ": " + space;
        text += ", from " + d.start + " until " + d.end + " (exclusive).\n";
    } else {
        text += "It was not allocated a space this time.\n";
    }
    text += page.empty()
                ? "\nThe explanation of the decision is on the application's page.\n"
                : "\nThe explanation of the decision is on the application's page:\n" + page + "\n";
    return text;
}

} // namespace

void add_matching_routes(Router& router, Services& s) {
    const std::string call = "/api/v1/workspaces/{workspace}/calls/{call}";

    router.add("POST", call + "/matching", "runMatching", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        if (c.state != CallState::evaluating) {
            throw Error(ErrorKind::conflict, "the matching runs while the call is in evaluation; "
                                             "this one is " + std::string(enum_name(c.state)));
        }
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"solver"});
        auto solver = r.enumeration<matching::SolverChoice>("solver");
        errors.throw_if_any("invalid matching request");
        Current cur = current_input(s, c);
        if (solver) cur.problem.settings.solver = *solver;
        const matching::Result result = matching::solve(cur.problem);
        json proposal = proposal_json(s, c, cur.apps, cur.problem, result);
        // The fingerprint is of the input as published would see it (the automatic solver).
        cur.problem.settings.solver = matching::SolverChoice::automatic;
        proposal["input"] = fingerprint(cur.problem);
        s.store.save_proposal(w.id, c.id, proposal);
        return json_response(200, proposal);
    });

    router.add("GET", call + "/matching", "getMatching", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        json proposal = s.store.proposal(w.id, c.id);
        if (proposal.is_null()) {
            throw Error(ErrorKind::not_found, "no matching has been run for this call yet",
                        "POST .../matching runs it");
        }
        proposal["current"] = c.state == CallState::evaluating &&
                              proposal.value("input", std::string()) ==
                                  fingerprint(current_input(s, c).problem);
        return json_response(200, proposal);
    });

    router.add("PUT", call + "/adjustments", "setAdjustments", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        if (c.state != CallState::evaluating) {
            throw Error(ErrorKind::conflict, "pairs are locked or excluded during evaluation");
        }
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({"items"});
        std::vector<MatchingAdjustment> items;
        const json* list = r.get("items");
        if (!list || !list->is_array()) {
            errors.add("/items", "is required: an array of {application_id, space_id, locked}");
        } else {
            std::set<std::pair<Id, Id>> seen;
            std::set<Id> locked;
            for (std::size_t i = 0; i < list->size(); ++i) {
                const std::string ptr = "/items/" + std::to_string(i);
                DocReader ir((*list)[i], ptr, errors);
                if (!ir.ok()) continue;
                ir.reject_unknown({"application_id", "space_id", "locked"});
                MatchingAdjustment adj;
                adj.application_id = ir.integer("application_id", 1, INT64_MAX, true).value_or(0);
                adj.space_id = ir.integer("space_id", 1, INT64_MAX, true).value_or(0);
                adj.locked = ir.boolean("locked").value_or(true);
                auto a = adj.application_id ? s.store.application(w.id, adj.application_id)
                                            : std::nullopt;
                if (adj.application_id && (!a || a->call_id != c.id)) {
                    errors.add(ptr + "/application_id", "is not an application to this call");
                }
                if (adj.space_id && !call_offers(c, adj.space_id)) {
                    errors.add(ptr + "/space_id", "is not a space this call offers");
                }
                if (!seen.insert({adj.application_id, adj.space_id}).second) {
                    errors.add(ptr, "repeats a pair");
                }
                if (adj.locked && !locked.insert(adj.application_id).second) {
                    errors.add(ptr, "locks an application a second time");
                }
                items.push_back(adj);
            }
        }
        errors.throw_if_any("invalid adjustments");
        c.adjustments = items;
        c.version = if_match_version(ctx.request).value_or(c.version);
        Call out = s.store.update_call(w.id, c);
        return json_response(200, call_json(s, ctx, out, false));
    });

    router.add("POST", call + "/publish", "publishDecisions", Access::staff, [&s](Context& ctx) {
        Workspace w = require_workspace(s.store, ctx.param("workspace"));
        Call c = require_call(s, ctx, w);
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        r.reject_unknown({});
        errors.throw_if_any("invalid publication");
        if (c.state != CallState::evaluating) {
            throw Error(ErrorKind::conflict, "decisions are published once, from a call in "
                                             "evaluation; this one is " +
                                                 std::string(enum_name(c.state)));
        }
        const json proposal = s.store.proposal(w.id, c.id);
        if (proposal.is_null()) {
            throw Error(ErrorKind::conflict, "run the matching before publishing",
                        "POST .../matching");
        }
        Current cur = current_input(s, c);
        if (proposal.value("input", std::string()) != fingerprint(cur.problem)) {
            throw Error(ErrorKind::conflict,
                        "scores, eligibility, the shortlist or the adjustments changed since the "
                        "matching ran",
                        "run the matching again and review it before publishing");
        }
        auto decisions = decisions_from(proposal, cur.apps);
        std::vector<OutgoingMail> mails;
        for (const auto& a : cur.apps) {
            auto d = decisions.find(a.id);
            if (d == decisions.end()) continue;
            auto u = s.store.user(a.created_by);
            if (!u || u->email.empty()) continue;
            OutgoingMail m;
            m.to = u->email;
            m.subject = "Decision on your application: " + a.fields.title;
            m.text = decision_text(
                c, a, d->second,
                s.accounts.public_link("/w/" + w.slug + "/applications/" + std::to_string(a.id)));
            mails.push_back(std::move(m));
        }
        Call out = s.store.publish_decisions(w.id, c.id, decisions, mails);
        s.outbox.wake();
        std::size_t allocated = 0;
        for (const auto& [id, d] : decisions) allocated += d.outcome == DecisionOutcome::allocated;
        return json_response(200, json{{"call", call_json(s, ctx, out, false)},
                                       {"decisions", decisions.size()},
                                       {"allocated", allocated},
                                       {"mails", mails.size()}});
    });
}

} // namespace impetus::http
