#include "core/calls_json.hpp"

#include "core/dates.hpp"
#include "core/doc_reader.hpp"

#include <algorithm>
#include <set>

namespace impetus {

using nlohmann::json;

namespace {

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json opt(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json opt_text(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

bool valid_key(const std::string& k) {
    return !k.empty() && k.size() <= 40 && std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// An array field read item by item; each item's reader gets its own pointer base.
template <typename F> void each_item(DocReader& r, std::string_view key, std::size_t max, F f) {
    const json* a = r.get(key);
    if (!a) return;
    if (!a->is_array()) {
        r.errors().add(r.pointer(key), "must be an array");
        return;
    }
    if (a->size() > max) {
        r.errors().add(r.pointer(key), "holds at most " + std::to_string(max) + " items");
        return;
    }
    for (std::size_t i = 0; i < a->size(); ++i) f((*a)[i], r.pointer(key) + "/" + std::to_string(i));
}

std::vector<std::string> text_list(DocReader& r, std::string_view key, std::size_t max_items) {
    std::vector<std::string> out;
    each_item(r, key, max_items, [&](const json& item, const std::string& ptr) {
        if (!item.is_string() || item.get<std::string>().empty() ||
            item.get<std::string>().size() > 300) {
            r.errors().add(ptr, "must be a text of 1 to 300 characters");
        } else {
            out.push_back(item.get<std::string>());
        }
    });
    return out;
}

std::vector<Id> id_list(DocReader& r, std::string_view key, std::size_t max_items) {
    std::vector<Id> out;
    each_item(r, key, max_items, [&](const json& item, const std::string& ptr) {
        if (!item.is_number_integer() || item.get<Id>() < 1) {
            r.errors().add(ptr, "must be a positive integer id");
        } else if (std::find(out.begin(), out.end(), item.get<Id>()) != out.end()) {
            r.errors().add(ptr, "is listed twice");
        } else {
            out.push_back(item.get<Id>());
        }
    });
    return out;
}

json utilities_json(const Utilities& u) {
    auto b = [](const std::optional<bool>& v) { return v.value_or(false); };
    return {{"water", b(u.water)},
            {"electricity", b(u.electricity)},
            {"heating", b(u.heating)},
            {"internet", b(u.internet)}};
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Calls

json writable_json(const Call& c) {
    json spaces = json::array();
    for (const auto& s : c.spaces) {
        spaces.push_back({{"space_id", s.space_id},
                          {"available_from", s.available_from},
                          {"available_to", s.available_to},
                          {"capacity", s.capacity}});
    }
    json criteria = json::array();
    for (const auto& k : c.criteria) {
        criteria.push_back({{"key", k.key},
                            {"label", k.label},
                            {"description", k.description},
                            {"weight", k.weight},
                            {"scale_min", k.scale_min},
                            {"scale_max", k.scale_max}});
    }
    json types = json::array();
    for (auto t : c.eligibility.organisation_types) types.push_back(enum_name(t));
    json quotas = json::object();
    for (const auto& [cat, n] : c.matching.quotas) quotas[std::string(enum_name(cat))] = n;
    return {{"title", c.title},
            {"description", c.description},
            {"spaces", spaces},
            {"eligibility",
             {{"organisation_types", types},
              {"min_duration_days", opt(c.eligibility.min_duration_days)},
              {"max_duration_days", opt(c.eligibility.max_duration_days)}}},
            {"criteria", criteria},
            {"documents_required", c.documents_required},
            {"opens_at", opt_text(c.opens_at)},
            {"closes_at", opt_text(c.closes_at)},
            {"fee_model", enum_name(c.fee_model)},
            {"fee_details", c.fee_details},
            {"matching",
             {{"score_weight", c.matching.score_weight},
              {"area_weight", c.matching.area_weight},
              {"preference_weight", c.matching.preference_weight},
              {"distance_weight", c.matching.distance_weight},
              {"quotas", quotas},
              {"preferences_required", c.matching.preferences_required},
              {"start_step_days", c.matching.start_step_days},
              {"aggregation", enum_name(c.matching.aggregation)},
              {"time_limit_seconds", c.matching.time_limit_seconds}}},
            {"evaluators", c.evaluators}};
}

json to_json(const Call& c, bool internal) {
    json j = writable_json(c);
    if (!internal) j.erase("evaluators");
    if (internal) j["adjustments"] = adjustments_json(c.adjustments);
    j["id"] = c.id;
    j["workspace_id"] = c.workspace_id;
    j["state"] = enum_name(c.state);
    j["version"] = c.version;
    j["created_at"] = c.created_at;
    j["updated_at"] = c.updated_at;
    j["decided_at"] = opt_text(c.decided_at);
    return j;
}

Call read_call(const json& doc) {
    FieldErrors errors;
    DocReader r(doc, "", errors);
    r.reject_unknown({"title", "description", "spaces", "eligibility", "criteria",
                      "documents_required", "opens_at", "closes_at", "fee_model", "fee_details",
                      "matching", "evaluators"},
                     {"id", "workspace_id", "state", "version", "created_at", "updated_at",
                      "decided_at", "adjustments"});
    Call c;
    c.title = r.string("title", true, 300).value_or("");
    c.description = r.string("description", false, 20000).value_or("");
    std::set<Id> seen_spaces;
    each_item(r, "spaces", 500, [&](const json& item, const std::string& ptr) {
        DocReader s(item, ptr, errors);
        if (!s.ok()) return;
        s.reject_unknown({"space_id", "available_from", "available_to", "capacity"});
        CallSpace cs;
        cs.space_id = s.integer("space_id", 1, INT64_MAX, true).value_or(0);
        cs.available_from = s.date("available_from", true).value_or("");
        cs.available_to = s.date("available_to", true).value_or("");
        cs.capacity = static_cast<int>(s.integer("capacity", 1, 1000).value_or(1));
        if (!cs.available_from.empty() && !cs.available_to.empty() &&
            cs.available_to <= cs.available_from) {
            errors.add(ptr + "/available_to", "must be after available_from");
        }
        if (cs.space_id && !seen_spaces.insert(cs.space_id).second) {
            errors.add(ptr + "/space_id", "is offered twice");
        }
        c.spaces.push_back(cs);
    });
    if (const json* e = r.get("eligibility")) {
        DocReader er(*e, "/eligibility", errors);
        if (er.ok()) {
            er.reject_unknown({"organisation_types", "min_duration_days", "max_duration_days"});
            each_item(er, "organisation_types", 20, [&](const json& item, const std::string& ptr) {
                auto t = item.is_string() ? parse_enum<OrganisationType>(item.get<std::string>())
                                          : std::nullopt;
                if (!t) {
                    errors.add(ptr, "must be one of " + enum_choices<OrganisationType>());
                } else {
                    c.eligibility.organisation_types.push_back(*t);
                }
            });
            auto lo = er.integer("min_duration_days", 1, 36500);
            auto hi = er.integer("max_duration_days", 1, 36500);
            if (lo) c.eligibility.min_duration_days = static_cast<int>(*lo);
            if (hi) c.eligibility.max_duration_days = static_cast<int>(*hi);
            if (lo && hi && *hi < *lo) {
                errors.add("/eligibility/max_duration_days", "must not be below the minimum");
            }
        }
    }
    std::set<std::string> keys;
    each_item(r, "criteria", 30, [&](const json& item, const std::string& ptr) {
        DocReader k(item, ptr, errors);
        if (!k.ok()) return;
        k.reject_unknown({"key", "label", "description", "weight", "scale_min", "scale_max"});
        Criterion cr;
        cr.key = k.string("key", true, 40).value_or("");
        if (!cr.key.empty() && !valid_key(cr.key)) {
            errors.add(ptr + "/key", "must use a-z, 0-9 and _ only");
        } else if (!cr.key.empty() && !keys.insert(cr.key).second) {
            errors.add(ptr + "/key", "is used twice");
        }
        cr.label = k.string("label", true, 300).value_or("");
        cr.description = k.string("description", false, 5000).value_or("");
        cr.weight = k.number("weight", 0.0, 1000.0, true).value_or(1.0);
        cr.scale_min = static_cast<int>(k.integer("scale_min", -100, 100).value_or(0));
        cr.scale_max = static_cast<int>(k.integer("scale_max", -100, 100).value_or(10));
        if (cr.scale_max <= cr.scale_min) errors.add(ptr + "/scale_max", "must exceed scale_min");
        c.criteria.push_back(cr);
    });
    c.documents_required = text_list(r, "documents_required", 30);
    for (const char* key : {"opens_at", "closes_at"}) {
        if (auto t = r.string(key, false, 64)) {
            auto parsed = parse_rfc3339(*t);
            if (!parsed) {
                errors.add(r.pointer(key), "must be an RFC 3339 date-time");
            } else {
                (std::string(key) == "opens_at" ? c.opens_at : c.closes_at) = *parsed;
            }
        }
    }
    if (!c.opens_at.empty() && !c.closes_at.empty() && c.closes_at <= c.opens_at) {
        errors.add("/closes_at", "must be after opens_at");
    }
    c.fee_model = r.enumeration<FeeModel>("fee_model").value_or(FeeModel::free_of_charge);
    c.fee_details = r.string("fee_details", false, 5000).value_or("");
    if (const json* m = r.get("matching")) {
        DocReader mr(*m, "/matching", errors);
        if (mr.ok()) {
            mr.reject_unknown({"score_weight", "area_weight", "preference_weight",
                               "distance_weight", "quotas", "preferences_required",
                               "start_step_days", "aggregation", "time_limit_seconds"});
            auto& ms = c.matching;
            ms.score_weight = mr.number("score_weight", 0.0, 100.0).value_or(ms.score_weight);
            ms.area_weight = mr.number("area_weight", 0.0, 100.0).value_or(ms.area_weight);
            ms.preference_weight =
                mr.number("preference_weight", 0.0, 100.0).value_or(ms.preference_weight);
            ms.distance_weight =
                mr.number("distance_weight", 0.0, 100.0).value_or(ms.distance_weight);
            ms.preferences_required = mr.boolean("preferences_required").value_or(false);
            ms.start_step_days =
                static_cast<int>(mr.integer("start_step_days", 1, 366).value_or(7));
            ms.aggregation =
                mr.enumeration<ScoreAggregation>("aggregation").value_or(ScoreAggregation::mean);
            ms.time_limit_seconds =
                mr.number("time_limit_seconds", 0.1, 600.0).value_or(ms.time_limit_seconds);
            if (const json* q = mr.get("quotas")) {
                if (!q->is_object()) {
                    errors.add("/matching/quotas", "must be an object of category: minimum");
                } else {
                    for (const auto& [cat, n] : q->items()) {
                        const std::string ptr = "/matching/quotas/" + pointer_escape(cat);
                        auto pc = parse_enum<ProjectCategory>(cat);
                        if (!pc) {
                            errors.add(ptr, "is not one of " + enum_choices<ProjectCategory>());
                        } else if (!n.is_number_integer() || n.get<int>() < 0 ||
                                   n.get<int>() > 10000) {
                            errors.add(ptr, "must be an integer from 0 to 10000");
                        } else if (n.get<int>() > 0) {
                            ms.quotas[*pc] = n.get<int>();
                        }
                    }
                }
            }
        }
    }
    c.evaluators = id_list(r, "evaluators", 50);
    errors.throw_if_any("invalid call");
    return c;
}

// ---------------------------------------------------------------------------------------------
// Applications

json writable_json(const ApplicationFields& f) {
    const auto& p = f.period;
    json period = p.flexible() ? json{{"duration_days", *p.duration_days},
                                      {"earliest_start", p.earliest_start},
                                      {"latest_end", p.latest_end}}
                               : json{{"start", p.start}, {"end", p.end}};
    return {{"title", f.title},
            {"description", f.description},
            {"category", enum_name(f.category)},
            {"needs",
             {{"min_area_m2", opt(f.needs.min_area_m2)},
              {"max_area_m2", opt(f.needs.max_area_m2)},
              {"setting", enum_name(f.needs.setting)},
              {"utilities", utilities_json(f.needs.utilities)},
              {"step_free_access", f.needs.step_free_access}}},
            {"period", period},
            {"preferred_spaces", f.preferred_spaces},
            {"preferred_location",
             f.preferred_location
                 ? json{{"lon", f.preferred_location->lon}, {"lat", f.preferred_location->lat}}
                 : json(nullptr)},
            {"expected_impact", f.expected_impact},
            {"team", f.team},
            {"budget_eur", opt(f.budget_eur)}};
}

ApplicationFields read_application_fields(const json& doc) {
    FieldErrors errors;
    DocReader r(doc, "", errors);
    r.reject_unknown({"title", "description", "category", "needs", "period", "preferred_spaces",
                      "preferred_location", "expected_impact", "team", "budget_eur"},
                     {"id", "workspace_id", "call_id", "organisation_id", "created_by",
                      "attachments", "status", "eligibility", "shortlisted", "decision",
                      "version", "created_at", "updated_at", "submitted_at", "organisation"});
    ApplicationFields f;
    f.title = r.string("title", true, 300).value_or("");
    f.description = r.string("description", false, 20000).value_or("");
    f.category = r.enumeration<ProjectCategory>("category", true).value_or(ProjectCategory::mixed);
    if (const json* n = r.get("needs")) {
        DocReader nr(*n, "/needs", errors);
        if (nr.ok()) {
            nr.reject_unknown({"min_area_m2", "max_area_m2", "setting", "utilities",
                               "step_free_access"});
            f.needs.min_area_m2 = nr.number("min_area_m2", 0.0, 1e8);
            f.needs.max_area_m2 = nr.number("max_area_m2", 0.0, 1e8);
            if (f.needs.min_area_m2 && f.needs.max_area_m2 &&
                *f.needs.max_area_m2 < *f.needs.min_area_m2) {
                errors.add("/needs/max_area_m2", "must not be below min_area_m2");
            }
            f.needs.setting = nr.enumeration<Setting>("setting").value_or(Setting::either);
            f.needs.step_free_access = nr.boolean("step_free_access").value_or(false);
            if (const json* u = nr.get("utilities")) {
                DocReader ur(*u, "/needs/utilities", errors);
                if (ur.ok()) {
                    ur.reject_unknown({"water", "electricity", "heating", "internet"});
                    auto need = [&](std::string_view k) {
                        return ur.boolean(k).value_or(false) ? std::optional<bool>(true)
                                                             : std::nullopt;
                    };
                    f.needs.utilities.water = need("water");
                    f.needs.utilities.electricity = need("electricity");
                    f.needs.utilities.heating = need("heating");
                    f.needs.utilities.internet = need("internet");
                }
            }
        }
    }
    if (const json* p = r.get("period")) {
        DocReader pr(*p, "/period", errors);
        if (pr.ok()) {
            pr.reject_unknown({"start", "end", "duration_days", "earliest_start", "latest_end"});
            auto& wp = f.period;
            if (pr.present("duration_days")) {
                wp.duration_days = static_cast<int>(pr.integer("duration_days", 1, 36500, true).value_or(1));
                wp.earliest_start = pr.date("earliest_start", true).value_or("");
                wp.latest_end = pr.date("latest_end", true).value_or("");
                for (const char* k : {"start", "end"}) {
                    if (pr.present(k)) errors.add("/period/" + std::string(k), "does not go with duration_days");
                }
                auto a = day_number(wp.earliest_start);
                auto b = day_number(wp.latest_end);
                if (a && b && *b - *a < *wp.duration_days) {
                    errors.add("/period/latest_end", "leaves less time than duration_days");
                }
            } else {
                wp.start = pr.date("start", true).value_or("");
                wp.end = pr.date("end", true).value_or("");
                if (!wp.start.empty() && !wp.end.empty() && wp.end <= wp.start) {
                    errors.add("/period/end", "must be after start");
                }
            }
        }
    } else {
        errors.add("/period", "is required");
    }
    f.preferred_spaces = id_list(r, "preferred_spaces", 20);
    if (const json* l = r.get("preferred_location")) {
        DocReader lr(*l, "/preferred_location", errors);
        if (lr.ok()) {
            lr.reject_unknown({"lon", "lat"});
            auto lon = lr.number("lon", -180.0, 180.0, true);
            auto lat = lr.number("lat", -90.0, 90.0, true);
            if (lon && lat) f.preferred_location = Position{*lon, *lat};
        }
    }
    f.expected_impact = r.string("expected_impact", false, 20000).value_or("");
    f.team = r.string("team", false, 20000).value_or("");
    f.budget_eur = r.number("budget_eur", 0.0, 1e10);
    errors.throw_if_any("invalid application");
    return f;
}

json adjustments_json(const std::vector<MatchingAdjustment>& adjustments) {
    json out = json::array();
    for (const auto& a : adjustments) {
        out.push_back({{"application_id", a.application_id},
                       {"space_id", a.space_id},
                       {"locked", a.locked}});
    }
    return out;
}

std::vector<MatchingAdjustment> read_adjustments(const json& doc) {
    std::vector<MatchingAdjustment> out;
    if (!doc.is_array()) return out;
    for (const auto& a : doc) {
        out.push_back({a.value("application_id", Id{0}), a.value("space_id", Id{0}),
                       a.value("locked", true)});
    }
    return out;
}

json to_json(const Attachment& a) {
    return {{"id", a.id},
            {"name", a.name},
            {"file_name", a.file_name},
            {"content_type", a.content_type},
            {"size", a.size},
            {"sha256", a.sha256}};
}

std::vector<Attachment> read_attachments(const json& doc) {
    std::vector<Attachment> out;
    if (!doc.is_array()) return out;
    for (const auto& j : doc) {
        Attachment a;
        a.id = j.value("id", Id{0});
        a.name = j.value("name", std::string());
        a.file_name = j.value("file_name", std::string());
        a.content_type = j.value("content_type", std::string());
        a.size = j.value("size", std::int64_t{0});
        a.sha256 = j.value("sha256", std::string());
        out.push_back(std::move(a));
    }
    return out;
}

json to_json(const EligibilityCheck& e) {
    return {{"status", enum_name(e.status)},
            {"reasons", e.reasons},
            {"note", e.note},
            {"by_officer", e.by_officer}};
}

EligibilityCheck read_eligibility(const json& doc) {
    EligibilityCheck e;
    if (!doc.is_object()) return e;
    e.status = parse_enum<EligibilityStatus>(doc.value("status", std::string("pending")))
                   .value_or(EligibilityStatus::pending);
    e.reasons = doc.value("reasons", std::vector<std::string>{});
    e.note = doc.value("note", std::string());
    e.by_officer = doc.value("by_officer", false);
    return e;
}

json to_json(const Decision& d) {
    return {{"outcome", enum_name(d.outcome)},
            {"space_id", d.space_id ? json(*d.space_id) : json(nullptr)},
            {"start", opt_text(d.start)},
            {"end", opt_text(d.end)},
            {"explanation", d.explanation}};
}

Decision read_decision(const json& doc) {
    Decision d;
    if (!doc.is_object()) return d;
    d.outcome = parse_enum<DecisionOutcome>(doc.value("outcome", std::string("none")))
                    .value_or(DecisionOutcome::none);
    if (doc.contains("space_id") && doc["space_id"].is_number_integer()) {
        d.space_id = doc["space_id"].get<Id>();
    }
    if (doc.contains("start") && doc["start"].is_string()) d.start = doc["start"];
    if (doc.contains("end") && doc["end"].is_string()) d.end = doc["end"];
    if (doc.contains("explanation")) d.explanation = doc["explanation"];
    return d;
}

json to_json(const Application& a) {
    json j = writable_json(a.fields);
    json atts = json::array();
    for (const auto& at : a.attachments) atts.push_back(to_json(at));
    j["id"] = a.id;
    j["workspace_id"] = a.workspace_id;
    j["call_id"] = a.call_id;
    j["organisation_id"] = a.organisation_id;
    j["created_by"] = a.created_by;
    j["attachments"] = atts;
    j["status"] = enum_name(a.status);
    j["eligibility"] = to_json(a.eligibility);
    j["shortlisted"] = a.shortlisted;
    j["decision"] = to_json(a.decision);
    j["version"] = a.version;
    j["created_at"] = a.created_at;
    j["updated_at"] = a.updated_at;
    j["submitted_at"] = opt_text(a.submitted_at);
    return j;
}

// ---------------------------------------------------------------------------------------------
// Evaluation sheets

json to_json(const Evaluation& e) {
    json scores = json::object();
    for (const auto& [key, s] : e.scores) {
        scores[key] = {{"value", s.value}, {"comment", s.comment}};
    }
    return {{"application_id", e.application_id},
            {"evaluator_id", e.evaluator_id},
            {"conflict_of_interest", e.conflict_of_interest},
            {"conflict_note", e.conflict_note},
            {"scores", scores},
            {"submitted_at", opt_text(e.submitted_at)},
            {"updated_at", e.updated_at}};
}

Evaluation read_evaluation(const json& doc, const Call& call) {
    FieldErrors errors;
    DocReader r(doc, "", errors);
    r.reject_unknown({"conflict_of_interest", "conflict_note", "scores"},
                     {"application_id", "evaluator_id", "submitted_at", "updated_at"});
    Evaluation e;
    e.conflict_of_interest = r.boolean("conflict_of_interest").value_or(false);
    e.conflict_note = r.string("conflict_note", false, 5000).value_or("");
    if (const json* s = r.get("scores")) {
        if (!s->is_object()) {
            errors.add("/scores", "must be an object of criterion key: {value, comment}");
        } else {
            for (const auto& [key, item] : s->items()) {
                const std::string ptr = "/scores/" + pointer_escape(key);
                // An init-capture: clang 14 (the fuzz build) cannot capture a structured binding.
                auto c = std::find_if(call.criteria.begin(), call.criteria.end(),
                                      [&name = key](const Criterion& k) { return k.key == name; });
                if (c == call.criteria.end()) {
                    errors.add(ptr, "is not a criterion of this call");
                    continue;
                }
                DocReader ir(item, ptr, errors);
                if (!ir.ok()) continue;
                ir.reject_unknown({"value", "comment"});
                auto v = ir.number("value", c->scale_min, c->scale_max, true);
                auto comment = ir.string("comment", false, 5000);
                if (v) e.scores[key] = {*v, comment.value_or("")};
            }
        }
    }
    errors.throw_if_any("invalid evaluation");
    return e;
}

} // namespace impetus
