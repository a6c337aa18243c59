#include "services/call_matching.hpp"

#include "auth/secrets.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"
#include "geo/measure.hpp"
#include "matching/json.hpp"

#include <algorithm>
#include <set>

namespace impetus::services {

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
std::vector<Application> matching_candidates_impl(const std::vector<Application>& apps) {
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
matching::Problem build_problem(Store& store, const Call& c, const std::vector<Application>& apps,
                                const std::vector<Evaluation>& sheets) {
    matching::Problem p;
    for (const auto& cs : c.spaces) {
        auto sp = store.space(c.workspace_id, cs.space_id);
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
    for (const auto& a : matching_candidates(apps)) {
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

// The proposal as officers review it: the engine's result with the applications' titles and
// the spaces' names.
} // namespace

std::vector<Application> matching_candidates(const std::vector<Application>& apps) {
    return matching_candidates_impl(apps);
}

std::string fingerprint(const matching::Problem& p) {
    return auth::sha256_hex(matching::to_json(p).dump());
}

json proposal_json(Store& store, const Call& c, const MatchingInput& in,
                   const matching::Result& result) {
    const auto& apps = in.apps;
    const auto& problem = in.problem;
    json j = matching::to_json(result);
    std::map<Id, std::string> titles;
    for (const auto& a : apps) titles[a.id] = a.fields.title;
    std::map<Id, std::string> names;
    for (const auto& cs : c.spaces) {
        if (auto sp = store.space(c.workspace_id, cs.space_id)) names[sp->id] = sp->fields.name;
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

MatchingInput matching_input(Store& store, const Call& c) {
    MatchingInput in;
    in.apps = store.list_applications(c.workspace_id, c.id, std::nullopt);
    in.problem = build_problem(store, c, in.apps, store.evaluations(c.workspace_id, c.id));
    return in;
}

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

} // namespace impetus::services
