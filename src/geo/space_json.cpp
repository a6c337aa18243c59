#include "geo/space_json.hpp"

#include "core/doc_reader.hpp"
#include "geo/geojson.hpp"
#include "geo/measure.hpp"

#include <cmath>

namespace impetus::geo {

using nlohmann::json;

namespace {

template <typename T> json opt(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}

template <typename E> json opt_enum(const std::optional<E>& v) {
    return v ? json(std::string(enum_name(*v))) : json(nullptr);
}

json utilities_json(const Utilities& u) {
    return json{{"water", opt(u.water)},
                {"electricity", opt(u.electricity)},
                {"heating", opt(u.heating)},
                {"internet", opt(u.internet)}};
}

// Properties shared by the plain and the Feature form, without geometry and id.
json properties(const Space& s) {
    const auto& f = s.fields;
    json j = space_writable_json(f);
    j.erase("geometry");
    j["area_m2"] = opt(f.area_m2);
    j["area_source"] = f.area_m2 ? json(f.area_computed ? "computed" : "given") : json(nullptr);
    j["workspace_id"] = s.workspace_id;
    j["status"] = std::string(enum_name(s.status));
    json next = json::array();
    for (auto t : allowed_transitions(s.status)) {
        next.push_back(std::string(enum_name(t)));
    }
    j["allowed_transitions"] = std::move(next);
    j["version"] = s.version;
    j["created_at"] = s.created_at;
    j["updated_at"] = s.updated_at;
    return j;
}

constexpr double k_max_area = 1e10; // 10,000 km2: larger is a mistake, not a site

} // namespace

const std::vector<std::string_view>& space_writable_fields() {
    static const std::vector<std::string_view> fields{
        "name",           "kind",          "parent_id",         "geometry",
        "area_m2",        "floor_area_m2", "floors",            "address",
        "owner_organisation_id", "owner_type", "building_type", "condition",
        "vacancy",        "vacant_since",  "utilities",         "step_free_access",
        "available_from", "available_to",  "planned_future_use", "notes",
        "source",         "source_id",     "source_attributes"};
    return fields;
}

json space_writable_json(const SpaceFields& f) {
    json j{{"name", f.name},
           {"kind", std::string(enum_name(f.kind))},
           {"parent_id", opt(f.parent_id)},
           {"geometry", geometry_to_json(f.geometry)},
           {"floor_area_m2", opt(f.floor_area_m2)},
           {"floors", opt(f.floors)},
           {"address", f.address},
           {"owner_organisation_id", opt(f.owner_organisation_id)},
           {"owner_type", std::string(enum_name(f.owner_type))},
           {"building_type", opt_enum(f.building_type)},
           {"condition", opt_enum(f.condition)},
           {"vacancy", opt_enum(f.vacancy)},
           {"vacant_since", opt(f.vacant_since)},
           {"utilities", utilities_json(f.utilities)},
           {"step_free_access", opt(f.step_free_access)},
           {"available_from", opt(f.available_from)},
           {"available_to", opt(f.available_to)},
           {"planned_future_use", f.planned_future_use},
           {"notes", f.notes},
           {"source", f.source},
           {"source_id", f.source_id},
           {"source_attributes", f.source_attributes}};
    if (f.area_m2 && !f.area_computed) {
        j["area_m2"] = *f.area_m2;
    }
    return j;
}

json space_to_json(const Space& s) {
    json j = properties(s);
    j["id"] = s.id;
    j["geometry"] = geometry_to_json(s.fields.geometry);
    return j;
}

void append_space_feature(std::string& out, const Space& s, const std::string& workspace_slug) {
    out += "{\"type\":\"Feature\",\"id\":";
    out += std::to_string(s.id);
    out += ",\"geometry\":";
    append_geometry_text(out, s.fields.geometry);
    json props = properties(s);
    if (!workspace_slug.empty()) {
        props["workspace"] = workspace_slug;
    }
    out += ",\"properties\":";
    out += props.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '}';
}

json flatten_feature(const json& doc) {
    if (!doc.is_object() || doc.value("type", "") != "Feature") {
        return doc;
    }
    json flat = json::object();
    if (auto p = doc.find("properties"); p != doc.end() && p->is_object()) {
        flat = *p;
    }
    if (auto g = doc.find("geometry"); g != doc.end()) {
        flat["geometry"] = *g;
    }
    return flat;
}

void complete_area(SpaceFields& f) {
    if (!f.area_m2 && !std::holds_alternative<Point>(f.geometry)) {
        f.area_m2 = std::round(area_m2(f.geometry) * 100.0) / 100.0;
        f.area_computed = true;
    }
}

SpaceFields read_space_fields(const json& input, const std::vector<std::string_view>& extra_known) {
    const json doc = flatten_feature(input);
    FieldErrors errors;
    DocReader r(doc, "", errors);
    auto known = space_writable_fields();
    known.insert(known.end(), extra_known.begin(), extra_known.end());
    r.reject_unknown(known, {"id", "workspace_id", "version", "created_at", "updated_at",
                             "allowed_transitions", "area_source"});
    SpaceFields f;
    f.name = r.string("name", true, 300).value_or("");
    f.kind = r.enumeration<SpaceKind>("kind", true).value_or(SpaceKind::building);
    f.parent_id = r.integer("parent_id", 1, INT64_MAX);
    if (const json* g = r.get("geometry")) {
        if (auto geom = read_geometry(*g, "/geometry", errors)) {
            f.geometry = std::move(*geom);
        }
    } else if (r.ok()) {
        errors.add("/geometry", "is required: a GeoJSON Point, Polygon or MultiPolygon");
    }
    f.area_m2 = r.number("area_m2", 0.0, k_max_area);
    f.floor_area_m2 = r.number("floor_area_m2", 0.0, k_max_area);
    if (auto fl = r.integer("floors", 0, 300)) {
        f.floors = static_cast<int>(*fl);
    }
    f.address = r.string("address", false, 1000).value_or("");
    f.owner_organisation_id = r.integer("owner_organisation_id", 1, INT64_MAX);
    f.owner_type = r.enumeration<OwnerType>("owner_type").value_or(OwnerType::unknown);
    f.building_type = r.enumeration<BuildingType>("building_type");
    f.condition = r.enumeration<Condition>("condition");
    f.vacancy = r.enumeration<VacancyDegree>("vacancy");
    f.vacant_since = r.date("vacant_since");
    if (const json* u = r.get("utilities")) {
        DocReader ur(*u, "/utilities", errors);
        ur.reject_unknown({"water", "electricity", "heating", "internet"});
        f.utilities.water = ur.boolean("water");
        f.utilities.electricity = ur.boolean("electricity");
        f.utilities.heating = ur.boolean("heating");
        f.utilities.internet = ur.boolean("internet");
    }
    f.step_free_access = r.boolean("step_free_access");
    f.available_from = r.date("available_from");
    f.available_to = r.date("available_to");
    if (f.available_from && f.available_to && *f.available_to < *f.available_from) {
        errors.add("/available_to", "must not be before available_from");
    }
    f.planned_future_use = r.string("planned_future_use", false, 2000).value_or("");
    f.notes = r.string("notes", false, 20000).value_or("");
    f.source = r.string("source", false, 200).value_or("");
    f.source_id = r.string("source_id", false, 200).value_or("");
    if (!f.source_id.empty() && f.source.empty()) {
        errors.add("/source", "is required when source_id is given");
    }
    if (const json* a = r.get("source_attributes")) {
        if (!a->is_object()) {
            errors.add("/source_attributes", "must be an object");
        } else if (a->dump().size() > 65536) {
            errors.add("/source_attributes", "is larger than 64 KiB");
        } else {
            f.source_attributes = *a;
        }
    }
    errors.throw_if_any("invalid space");
    complete_area(f);
    return f;
}

} // namespace impetus::geo
