// Discovery results out: GeoJSON (RFC 7946) and records for the store.

#include "discovery/discovery.hpp"

#include "geo/geojson.hpp"

#include <cctype>

namespace impetus::discovery {

using nlohmann::json;

namespace {

// The extracts are ODbL: anything derived from them must name the source (SOURCES.md).
constexpr const char* k_attribution = "Data (c) OpenStreetMap contributors, ODbL 1.0";

json optional_number(const std::optional<double>& v) {
    return v ? json(*v) : json(nullptr);
}

json score_json(const Score& s) {
    json factors = json::array();
    for (const auto& f : s.factors) {
        factors.push_back({{"name", f.name},
                           {"value", f.value},
                           {"normalised", f.normalised},
                           {"weight", f.weight},
                           {"contribution", f.contribution}});
    }
    return {{"value", s.value}, {"factors", std::move(factors)}};
}

json context_json(const Context& c) {
    return {{"nearest_stop_m", optional_number(c.nearest_stop_m)},
            {"green_area_300m_m2", c.green_area_300m_m2},
            {"nearest_park_m", optional_number(c.nearest_park_m)},
            {"amenities_500m", c.amenities_500m},
            {"shops_500m", c.shops_500m}};
}

std::string kind_noun(SpaceKind k) {
    switch (k) {
    case SpaceKind::building: return "building";
    case SpaceKind::unit: return "unit";
    case SpaceKind::shop: return "shop";
    case SpaceKind::plot: return "plot";
    case SpaceKind::open_space: return "open space";
    }
    return "space";
}

bool has_rule(const Candidate& c, const char* id) {
    return std::find(c.rules.begin(), c.rules.end(), id) != c.rules.end();
}

// "Vacant shop", "Disused building", "Brownfield land": a name for a candidate without one.
std::string description(const Candidate& c) {
    std::string d;
    if (c.lifecycle == "ruin") {
        d = "Ruin";
    } else if (has_rule(c, "landuse_brownfield")) {
        d = "Brownfield land";
    } else if (has_rule(c, "landuse_greenfield")) {
        d = "Greenfield land";
    } else {
        d = c.lifecycle.empty() ? "Vacant" : c.lifecycle;
        d[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(d[0])));
        d += " " + kind_noun(c.kind);
    }
    return d + " (OSM " + c.osm_type + " " + std::to_string(c.osm_id) + ")";
}

} // namespace

json explanation_json(const Candidate& c) {
    return {{"osm",
             {{"type", c.osm_type},
              {"id", c.osm_id},
              {"url", "https://www.openstreetmap.org/" + c.source_id()}}},
            {"rules", c.rules},
            {"matched_tags", c.matched_tags},
            {"lifecycle", c.lifecycle},
            {"tags", c.tags},
            {"context", context_json(c.context)},
            {"suitability", score_json(c.suitability)},
            {"greening", score_json(c.greening)},
            {"attribution", k_attribution}};
}

void write_geojson(const DiscoveryResult& result, std::string& out) {
    // RFC 7946 section 6.1 allows foreign members: the attribution travels with the data.
    out += R"({"type":"FeatureCollection","attribution":")";
    out += k_attribution;
    out += R"(","features":[)";
    bool first = true;
    for (const auto& c : result.candidates) {
        if (!first) out += ',';
        first = false;
        json props = explanation_json(c);
        props.erase("attribution");
        props["name"] = c.name;
        props["address"] = c.address;
        props["kind"] = enum_name(c.kind);
        props["condition"] = c.condition ? json(enum_name(*c.condition)) : json(nullptr);
        props["area_m2"] = c.area_m2;
        props["centroid"] = {c.centroid.lon, c.centroid.lat};
        // flat copies for GIS tools, which show nested objects as text
        props["osm_type"] = c.osm_type;
        props["osm_id"] = c.osm_id;
        props["suitability_score"] = c.suitability.value;
        props["greening_score"] = c.greening.value;
        out += R"({"type":"Feature","id":")";
        out += c.source_id();
        out += R"(","geometry":)";
        geo::append_geometry_text(out, c.geometry);
        out += R"(,"properties":)";
        out += props.dump(-1, ' ', false, json::error_handler_t::replace);
        out += '}';
    }
    out += "]}\n";
}

ImportRecord to_import_record(const Candidate& c) {
    ImportRecord r;
    auto& f = r.fields;
    f.name = c.name.empty() ? description(c) : c.name;
    f.kind = c.kind;
    f.geometry = c.geometry;
    if (!std::holds_alternative<Point>(c.geometry)) {
        f.area_m2 = c.area_m2;
        f.area_computed = true;
    }
    f.address = c.address;
    f.condition = c.condition;
    f.source = "osm";
    f.source_id = c.source_id();
    f.source_attributes = explanation_json(c);
    r.initial_status = SpaceStatus::reported; // a finding to verify, not a verified vacancy
    return r;
}

} // namespace impetus::discovery
