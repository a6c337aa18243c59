// Suitability and greening-potential scores from a candidate's context, with the weights read
// from a JSON file (config/discovery-weights.json gives the defaults and the reason for each).

#include "discovery/scores.hpp"

#include "core/doc_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>

namespace impetus::discovery {

using nlohmann::json;

double Ramp::operator()(double x) const {
    if (full_at == zero_at) {
        return x >= full_at ? 1.0 : 0.0;
    }
    return std::clamp((x - zero_at) / (full_at - zero_at), 0.0, 1.0);
}

namespace {

// {"weight": w, ...}: reads the weight and hands the object to `more` for the other fields.
template <typename F>
void read_factor(DocReader& parent, std::string_view key, double& weight, F&& more) {
    const json* j = parent.get(key);
    if (!j) {
        return;
    }
    DocReader r(*j, parent.pointer(key), parent.errors());
    if (!r.ok()) {
        return;
    }
    if (auto w = r.number("weight", 0.0, 1000.0)) {
        weight = *w;
    }
    more(r);
}

void read_ramp(DocReader& r, std::string_view full_key, std::string_view zero_key, Ramp& ramp,
               double max) {
    if (auto v = r.number(full_key, 0.0, max)) ramp.full_at = *v;
    if (auto v = r.number(zero_key, 0.0, max)) ramp.zero_at = *v;
    if (ramp.full_at == ramp.zero_at) {
        r.errors().add(r.pointer(zero_key), "must differ from " + std::string(full_key));
    }
}

void read_values(DocReader& r, std::string_view key, std::map<std::string, double>& values,
                 const std::vector<std::string>& names) {
    const json* j = r.get(key);
    if (!j) return;
    DocReader v(*j, r.pointer(key), r.errors());
    if (!v.ok()) return;
    std::vector<std::string_view> known(names.begin(), names.end());
    v.reject_unknown(known);
    for (const auto& n : names) {
        if (auto x = v.number(n, 0.0, 1.0)) values[n] = *x;
    }
}

} // namespace

Weights parse_weights(const json& doc) {
    Weights w;
    FieldErrors errors;
    DocReader root(doc, "", errors);
    if (!root.ok()) {
        errors.throw_if_any("discovery weights");
        throw Error(ErrorKind::invalid_input, "discovery weights: the document is not an object");
    }
    root.reject_unknown({"$comment", "suitability", "greening"});
    // "why" fields document each factor in the file; the program does not read them.
    if (const json* s = root.get("suitability")) {
        DocReader r(*s, "/suitability", errors);
        if (r.ok()) {
            r.reject_unknown({"$comment", "transit", "amenities", "shops", "condition", "size"});
            auto& t = w.suitability;
            read_factor(r, "transit", t.transit, [&](DocReader& f) {
                f.reject_unknown({"weight", "full_at_m", "zero_at_m", "why"});
                read_ramp(f, "full_at_m", "zero_at_m", t.transit_ramp, 100000.0);
            });
            read_factor(r, "amenities", t.amenities, [&](DocReader& f) {
                f.reject_unknown({"weight", "saturation", "why"});
                if (auto v = f.number("saturation", 1.0, 100000.0)) t.amenities_saturation = *v;
            });
            read_factor(r, "shops", t.shops, [&](DocReader& f) {
                f.reject_unknown({"weight", "saturation", "why"});
                if (auto v = f.number("saturation", 1.0, 100000.0)) t.shops_saturation = *v;
            });
            read_factor(r, "condition", t.condition, [&](DocReader& f) {
                f.reject_unknown({"weight", "values", "why"});
                read_values(f, "values", t.condition_values,
                            {"vacant", "disused", "abandoned", "ruin", "unknown"});
            });
            read_factor(r, "size", t.size, [&](DocReader& f) {
                f.reject_unknown({"weight", "full_at_m2", "zero_at_m2", "point", "why"});
                read_ramp(f, "full_at_m2", "zero_at_m2", t.size_ramp, 1e9);
                if (auto v = f.number("point", 0.0, 1.0)) t.size_point = *v;
            });
        }
    }
    if (const json* g = root.get("greening")) {
        DocReader r(*g, "/greening", errors);
        if (r.ok()) {
            r.reject_unknown({"$comment", "green_deficit", "park_distance", "open_land", "size"});
            auto& t = w.greening;
            read_factor(r, "green_deficit", t.green_deficit, [&](DocReader& f) {
                f.reject_unknown({"weight", "target_share", "why"});
                if (auto v = f.number("target_share", 0.01, 1.0)) t.green_target_share = *v;
            });
            read_factor(r, "park_distance", t.park_distance, [&](DocReader& f) {
                f.reject_unknown({"weight", "full_at_m", "zero_at_m", "why"});
                read_ramp(f, "full_at_m", "zero_at_m", t.park_ramp, 100000.0);
            });
            read_factor(r, "open_land", t.open_land, [&](DocReader& f) {
                f.reject_unknown({"weight", "values", "why"});
                read_values(f, "values", t.open_land_values,
                            {"plot", "open_space", "building", "unit", "shop"});
            });
            read_factor(r, "size", t.size, [&](DocReader& f) {
                f.reject_unknown({"weight", "full_at_m2", "zero_at_m2", "why"});
                read_ramp(f, "full_at_m2", "zero_at_m2", t.size_ramp, 1e9);
            });
        }
    }
    const auto& s = w.suitability;
    if (s.transit + s.amenities + s.shops + s.condition + s.size <= 0.0) {
        errors.add("/suitability", "at least one weight must be above zero");
    }
    const auto& g = w.greening;
    if (g.green_deficit + g.park_distance + g.open_land + g.size <= 0.0) {
        errors.add("/greening", "at least one weight must be above zero");
    }
    errors.throw_if_any("discovery weights");
    return w;
}

Weights load_weights(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorKind::io, "cannot read the weights file " + path,
                    "check the path; config/discovery-weights.json holds the defaults");
    }
    std::stringstream ss;
    ss << in.rdbuf();
    json doc = json::parse(ss.str(), nullptr, false);
    if (doc.is_discarded()) {
        throw Error(ErrorKind::invalid_input, "the weights file " + path + " is not valid JSON",
                    "compare it with config/discovery-weights.json");
    }
    return parse_weights(doc);
}

namespace detail {

namespace {

// Fills contributions so that they add up to the value on a 0..100 scale.
Score finish(std::vector<Factor> factors) {
    double total_weight = 0.0;
    for (const auto& f : factors) total_weight += f.weight;
    Score s;
    for (auto& f : factors) {
        f.contribution = total_weight > 0.0 ? 100.0 * f.weight * f.normalised / total_weight : 0.0;
        s.value += f.contribution;
    }
    s.factors = std::move(factors);
    return s;
}

double value_or(const std::map<std::string, double>& m, const std::string& key, double dflt) {
    auto it = m.find(key);
    return it == m.end() ? dflt : it->second;
}

} // namespace

Score suitability(const Candidate& c, const Weights& weights) {
    const auto& w = weights.suitability;
    std::vector<Factor> f;
    // Missing distances (nothing of the kind in the extract) count as infinitely far.
    const double stop = c.context.nearest_stop_m.value_or(-1.0);
    f.push_back({"transit", stop, stop < 0 ? 0.0 : w.transit_ramp(stop), w.transit, 0.0});
    f.push_back({"amenities", double(c.context.amenities_500m),
                 std::min(1.0, c.context.amenities_500m / w.amenities_saturation), w.amenities,
                 0.0});
    f.push_back({"shops", double(c.context.shops_500m),
                 std::min(1.0, c.context.shops_500m / w.shops_saturation), w.shops, 0.0});
    const std::string lifecycle = c.lifecycle.empty() ? "unknown" : c.lifecycle;
    const double cond = value_or(w.condition_values, lifecycle,
                                 value_or(w.condition_values, "unknown", 0.5));
    f.push_back({"condition", cond, cond, w.condition, 0.0});
    const bool point = std::holds_alternative<Point>(c.geometry);
    f.push_back({"size", c.area_m2, point ? w.size_point : w.size_ramp(c.area_m2), w.size, 0.0});
    return finish(std::move(f));
}

Score greening(const Candidate& c, const Weights& weights) {
    const auto& w = weights.greening;
    std::vector<Factor> f;
    constexpr double circle = std::numbers::pi * 300.0 * 300.0;
    const double share = c.context.green_area_300m_m2 / circle;
    f.push_back({"green_deficit", share,
                 1.0 - std::min(1.0, share / w.green_target_share), w.green_deficit, 0.0});
    const double park = c.context.nearest_park_m.value_or(-1.0);
    f.push_back({"park_distance", park, park < 0 ? 1.0 : w.park_ramp(park), w.park_distance, 0.0});
    const double open = value_or(w.open_land_values, std::string(enum_name(c.kind)), 0.0);
    f.push_back({"open_land", open, open, w.open_land, 0.0});
    f.push_back({"size", c.area_m2, w.size_ramp(c.area_m2), w.size, 0.0});
    return finish(std::move(f));
}

} // namespace detail

} // namespace impetus::discovery
