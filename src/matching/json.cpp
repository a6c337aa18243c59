#include "matching/json.hpp"

#include "core/doc_reader.hpp"
#include "matching/model.hpp"

namespace impetus::matching {

using nlohmann::json;

namespace {

std::optional<Day> read_day(DocReader& r, std::string_view key, bool required) {
    auto s = r.date(key, required);
    return s ? day_from_iso(*s) : std::nullopt;
}

Period read_period(const json& doc, const std::string& at, FieldErrors& errors) {
    DocReader r(doc, at, errors);
    r.reject_unknown({"from", "to"});
    auto from = read_day(r, "from", true);
    auto to = read_day(r, "to", true);
    return Period{from.value_or(0), to.value_or(0)};
}

std::optional<Location> read_location(DocReader& parent, FieldErrors& errors) {
    const json* j = parent.get("location");
    if (!j) {
        return std::nullopt;
    }
    DocReader r(*j, parent.pointer("location"), errors);
    r.reject_unknown({"lon", "lat"});
    auto lon = r.number("lon", -180, 180, true);
    auto lat = r.number("lat", -90, 90, true);
    return Location{lon.value_or(0), lat.value_or(0)};
}

Utilities read_utilities(DocReader& parent, FieldErrors& errors) {
    Utilities out = 0;
    const json* j = parent.get("utilities");
    if (!j) {
        return out;
    }
    std::string at = parent.pointer("utilities");
    if (!j->is_array()) {
        errors.add(at, "must be an array of " + enum_choices<Utility>());
        return out;
    }
    for (std::size_t i = 0; i < j->size(); ++i) {
        const json& u = (*j)[i];
        auto v = u.is_string() ? parse_enum<Utility>(u.get<std::string>()) : std::nullopt;
        if (!v) {
            errors.add(at + "/" + std::to_string(i), "must be one of " + enum_choices<Utility>());
        } else {
            out = out | *v;
        }
    }
    return out;
}

// Reads an array of objects at `key`, calling `each(element_reader)` for every element.
template <typename F>
void read_array(DocReader& parent, std::string_view key, FieldErrors& errors, F each) {
    const json* j = parent.get(key);
    if (!j) {
        return;
    }
    if (!j->is_array()) {
        errors.add(parent.pointer(key), "must be an array");
        return;
    }
    for (std::size_t i = 0; i < j->size(); ++i) {
        DocReader r((*j)[i], parent.pointer(key) + "/" + std::to_string(i), errors);
        if (r.ok()) {
            each(r);
        }
    }
}

constexpr std::int64_t k_max_id = std::numeric_limits<std::int64_t>::max();

SpaceOffer read_space(DocReader& r, FieldErrors& errors) {
    r.reject_unknown({"id", "area_m2", "setting", "utilities", "step_free", "available",
                      "capacity", "location", "name"});
    SpaceOffer s;
    s.id = r.integer("id", 0, k_max_id, true).value_or(0);
    s.area_m2 = r.number("area_m2", 0, 1e9);
    s.setting = r.enumeration<Setting>("setting", true).value_or(Setting::indoor);
    s.utilities = read_utilities(r, errors);
    s.step_free = r.boolean("step_free").value_or(false);
    if (const json* a = r.get("available")) {
        s.available = read_period(*a, r.pointer("available"), errors);
    } else {
        errors.add(r.pointer("available"), "is required");
    }
    s.capacity = static_cast<int>(r.integer("capacity", 1, 1'000'000).value_or(1));
    s.location = read_location(r, errors);
    return s;
}

WantedPeriod read_wanted(DocReader& parent, FieldErrors& errors) {
    const json* j = parent.get("period");
    if (!j) {
        errors.add(parent.pointer("period"), "is required");
        return {};
    }
    DocReader r(*j, parent.pointer("period"), errors);
    if (r.present("start") || r.present("end")) {
        r.reject_unknown({"start", "end"});
        auto start = read_day(r, "start", true);
        auto end = read_day(r, "end", true);
        return WantedPeriod::fixed({start.value_or(0), end.value_or(0)});
    }
    r.reject_unknown({"earliest_start", "latest_end", "duration_days"});
    auto from = read_day(r, "earliest_start", true);
    auto to = read_day(r, "latest_end", true);
    auto duration = r.integer("duration_days", 1, 100'000, true);
    return WantedPeriod::flexible(static_cast<int>(duration.value_or(1)),
                                  {from.value_or(0), to.value_or(0)});
}

Request read_request(DocReader& r, FieldErrors& errors) {
    r.reject_unknown({"id", "score", "category", "needs", "period", "preferences", "location",
                      "name"});
    Request q;
    q.id = r.integer("id", 0, k_max_id, true).value_or(0);
    q.score = r.number("score", 0, 100, true).value_or(0);
    q.category = r.enumeration<Category>("category", true).value_or(Category::mixed);
    if (const json* n = r.get("needs")) {
        DocReader nr(*n, r.pointer("needs"), errors);
        nr.reject_unknown({"area_min_m2", "area_max_m2", "setting", "utilities", "step_free"});
        q.needs.area_min_m2 = nr.number("area_min_m2", 0, 1e9);
        q.needs.area_max_m2 = nr.number("area_max_m2", 0, 1e9);
        q.needs.setting = nr.enumeration<SettingNeed>("setting").value_or(SettingNeed::either);
        q.needs.utilities = read_utilities(nr, errors);
        q.needs.step_free = nr.boolean("step_free").value_or(false);
    }
    q.period = read_wanted(r, errors);
    if (const json* p = r.get("preferences")) {
        if (!p->is_array()) {
            errors.add(r.pointer("preferences"), "must be an array of space ids");
        } else {
            for (std::size_t i = 0; i < p->size(); ++i) {
                if (!(*p)[i].is_number_integer()) {
                    errors.add(r.pointer("preferences") + "/" + std::to_string(i),
                               "must be a space id");
                } else {
                    q.preferences.push_back((*p)[i].get<Id>());
                }
            }
        }
    }
    q.location = read_location(r, errors);
    return q;
}

void read_call(DocReader& r, CallSettings& c, FieldErrors& errors) {
    r.reject_unknown({"weights", "distance_half_km", "start_step_days", "preferences_required",
                      "quotas", "locks", "exclusions", "time_limit_seconds", "solver"});
    if (const json* w = r.get("weights")) {
        DocReader wr(*w, r.pointer("weights"), errors);
        wr.reject_unknown({"score", "area_fit", "preference", "distance"});
        c.weights.score = wr.number("score", 0, 100).value_or(1.0);
        c.weights.area_fit = wr.number("area_fit", 0, 100).value_or(0.0);
        c.weights.preference = wr.number("preference", 0, 100).value_or(0.0);
        c.weights.distance = wr.number("distance", 0, 100).value_or(0.0);
    }
    c.distance_half_km = r.number("distance_half_km", 1e-6, 1e5).value_or(2.0);
    c.start_step_days = static_cast<int>(r.integer("start_step_days", 1, 100'000).value_or(1));
    c.preferences_required = r.boolean("preferences_required").value_or(false);
    c.time_limit_seconds = r.number("time_limit_seconds", 1e-3, 86'400).value_or(60.0);
    c.solver = r.enumeration<SolverChoice>("solver").value_or(SolverChoice::automatic);
    if (const json* q = r.get("quotas")) {
        DocReader qr(*q, r.pointer("quotas"), errors);
        if (qr.ok()) {
            for (const auto& [key, value] : q->items()) {
                auto cat = parse_enum<Category>(key);
                if (!cat) {
                    errors.add(qr.pointer(key), "is not a category: use " + enum_choices<Category>());
                    continue;
                }
                if (auto n = qr.integer(key, 0, 1'000'000, true)) {
                    c.quotas[*cat] = static_cast<int>(*n);
                }
            }
        }
    }
    read_array(r, "locks", errors, [&](DocReader& lr) {
        lr.reject_unknown({"request", "space", "start"});
        Lock l;
        l.request = lr.integer("request", 0, k_max_id, true).value_or(0);
        l.space = lr.integer("space", 0, k_max_id, true).value_or(0);
        l.start = read_day(lr, "start", false);
        c.locks.push_back(l);
    });
    read_array(r, "exclusions", errors, [&](DocReader& er) {
        er.reject_unknown({"request", "space"});
        Exclusion e;
        e.request = er.integer("request", 0, k_max_id, true).value_or(0);
        e.space = er.integer("space", 0, k_max_id, true).value_or(0);
        c.exclusions.push_back(e);
    });
}

json utilities_json(Utilities u) {
    json out = json::array();
    for (const auto& [v, name] : EnumNames<Utility>::values) {
        if (has(u, v)) {
            out.push_back(name);
        }
    }
    return out;
}

json location_json(const std::optional<Location>& l) {
    return l ? json{{"lon", l->lon}, {"lat", l->lat}} : json(nullptr);
}

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json terms_json(const Terms& t) {
    return json{{"score", t.score},
                {"area_fit", t.area_fit},
                {"preference", t.preference},
                {"distance", t.distance}};
}

json assignment_json(const Assignment& a) {
    return json{{"request", a.request},
                {"space", a.space},
                {"start", iso_from_day(a.start)},
                {"end", iso_from_day(a.end)},
                {"contribution", a.contribution},
                {"units", a.units},
                {"terms", terms_json(a.terms)},
                {"locked", a.locked}};
}

} // namespace

Problem problem_from_json(const json& doc) {
    FieldErrors errors;
    DocReader r(doc, "", errors);
    Problem p;
    if (r.ok()) {
        r.reject_unknown({"call", "spaces", "requests"});
        if (const json* c = r.get("call")) {
            DocReader cr(*c, "/call", errors);
            if (cr.ok()) {
                read_call(cr, p.settings, errors);
            }
        }
        if (!r.present("spaces")) {
            errors.add("/spaces", "is required");
        }
        if (!r.present("requests")) {
            errors.add("/requests", "is required");
        }
        read_array(r, "spaces", errors,
                   [&](DocReader& sr) { p.spaces.push_back(read_space(sr, errors)); });
        read_array(r, "requests", errors,
                   [&](DocReader& rr) { p.requests.push_back(read_request(rr, errors)); });
    }
    if (errors.empty()) {
        // ranges across fields and references between ids, with the same pointers
        detail::validate(p, errors);
    }
    errors.throw_if_any("invalid allocation problem");
    return p;
}

json to_json(const Problem& p) {
    const CallSettings& c = p.settings;
    json quotas = json::object();
    for (const auto& [cat, n] : c.quotas) {
        quotas[std::string(enum_name(cat))] = n;
    }
    json locks = json::array();
    for (const Lock& l : c.locks) {
        json j{{"request", l.request}, {"space", l.space}};
        if (l.start) {
            j["start"] = iso_from_day(*l.start);
        }
        locks.push_back(j);
    }
    json exclusions = json::array();
    for (const Exclusion& e : c.exclusions) {
        exclusions.push_back({{"request", e.request}, {"space", e.space}});
    }
    json spaces = json::array();
    for (const SpaceOffer& s : p.spaces) {
        spaces.push_back({{"id", s.id},
                          {"area_m2", optional_json(s.area_m2)},
                          {"setting", enum_name(s.setting)},
                          {"utilities", utilities_json(s.utilities)},
                          {"step_free", s.step_free},
                          {"available",
                           {{"from", iso_from_day(s.available.from)},
                            {"to", iso_from_day(s.available.to)}}},
                          {"capacity", s.capacity},
                          {"location", location_json(s.location)}});
    }
    json requests = json::array();
    for (const Request& q : p.requests) {
        json period = q.period.is_fixed()
                          ? json{{"start", iso_from_day(q.period.window.from)},
                                 {"end", iso_from_day(q.period.window.to)}}
                          : json{{"earliest_start", iso_from_day(q.period.window.from)},
                                 {"latest_end", iso_from_day(q.period.window.to)},
                                 {"duration_days", q.period.duration_days}};
        requests.push_back({{"id", q.id},
                            {"score", q.score},
                            {"category", enum_name(q.category)},
                            {"needs",
                             {{"area_min_m2", optional_json(q.needs.area_min_m2)},
                              {"area_max_m2", optional_json(q.needs.area_max_m2)},
                              {"setting", enum_name(q.needs.setting)},
                              {"utilities", utilities_json(q.needs.utilities)},
                              {"step_free", q.needs.step_free}}},
                            {"period", period},
                            {"preferences", q.preferences},
                            {"location", location_json(q.location)}});
    }
    return json{{"call",
                 {{"weights",
                   {{"score", c.weights.score},
                    {"area_fit", c.weights.area_fit},
                    {"preference", c.weights.preference},
                    {"distance", c.weights.distance}}},
                  {"distance_half_km", c.distance_half_km},
                  {"start_step_days", c.start_step_days},
                  {"preferences_required", c.preferences_required},
                  {"quotas", quotas},
                  {"locks", locks},
                  {"exclusions", exclusions},
                  {"time_limit_seconds", c.time_limit_seconds},
                  {"solver", enum_name(c.solver)}}},
                {"spaces", spaces},
                {"requests", requests}};
}

json to_json(const Result& res) {
    json assignments = json::array();
    for (const Assignment& a : res.assignments) {
        assignments.push_back(assignment_json(a));
    }
    json explanations = json::array();
    for (const Explanation& e : res.explanations) {
        json spaces = json::array();
        for (const SpaceVerdict& v : e.spaces) {
            json taken = json::array();
            for (const TakenBy& t : v.taken_by) {
                taken.push_back({{"request", t.request},
                                 {"score", t.score},
                                 {"contribution", t.contribution},
                                 {"start", iso_from_day(t.start)},
                                 {"end", iso_from_day(t.end)}});
            }
            json jv{{"space", v.space}, {"reasons", v.reasons}};
            if (!taken.empty()) {
                jv["taken_by"] = taken;
            }
            spaces.push_back(jv);
        }
        explanations.push_back(
            {{"request", e.request},
             {"score", e.score},
             {"assignment", e.assignment ? assignment_json(*e.assignment) : json(nullptr)},
             {"preference_rank", e.preference_rank ? json(*e.preference_rank) : json(nullptr)},
             {"spaces", spaces}});
    }
    return json{{"solver", enum_name(res.solver)},
                {"optimal", res.optimal},
                {"objective", res.objective},
                {"objective_units", res.objective_units},
                {"bound", res.bound},
                {"gap", res.gap},
                {"seconds", res.seconds},
                {"assignments", assignments},
                {"explanations", explanations}};
}

} // namespace impetus::matching
