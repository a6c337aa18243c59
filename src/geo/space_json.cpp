#include "geo/space_json.hpp"

#include "core/doc_reader.hpp"
#include "geo/geojson.hpp"
#include "geo/measure.hpp"

#include <charconv>
#include <cmath>
#include <string_view>
#include <type_traits>

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

// ---------------------------------------------------------------------------------------------
// The Feature's properties written straight into the output, byte for byte what
// properties(s).dump(-1, ' ', false, replace) writes (nlohmann::json keeps object members in
// std::map order: keys sorted bytewise), without building and freeing a JSON tree per space.
// A field added to properties() or space_writable_json() must be added here too.

// The length of the well-formed UTF-8 sequence (Unicode table 3-7, as nlohmann's decoder
// accepts) starting at s[i], whose first byte is >= 0x80; 0 when it is not well formed.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto at = [&](std::size_t k) -> unsigned {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
    };
    const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
        const unsigned c = at(k);
        return c >= lo && c <= hi;
    };
    const unsigned c = at(0);
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
}

// A JSON string as nlohmann's dump() writes it with ensure_ascii off: well-formed UTF-8 as it
// is, the short escapes, \u00XX (lower case) for other control characters. Text that is not
// well-formed UTF-8 is left to nlohmann itself (its replacement rules).
void append_string(std::string& out, std::string_view s) {
    const std::size_t start = out.size();
    out += '"';
    std::size_t run = 0; // start of the bytes not yet copied
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t n = utf8_sequence(s, i);
            if (n == 0) {
                out.resize(start);
                out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
                return;
            }
            i += n;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        out.append(s.data() + run, i - run);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        default: {
            static const char* hex = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
        }
        run = ++i;
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void append_integer(std::string& out, std::int64_t v) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, p);
}

// Doubles as nlohmann's serializer writes them (dump_float: null when not finite, else its own
// Grisu2 to_chars, shortest round trip with ".0" on whole numbers), without a json value, an
// output adapter and a string made and freed for every number.
void append_double(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[64]; // the size of the serializer's own number buffer
    char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

// Any JSON value as dump(-1, ' ', false, replace) writes it: members in the object's (sorted)
// order, no white space.
void append_json(std::string& out, const json& j) {
    switch (j.type()) {
    case json::value_t::object: {
        out += '{';
        bool first = true;
        for (const auto& [k, v] : j.items()) {
            if (!first) out += ',';
            first = false;
            append_string(out, k);
            out += ':';
            append_json(out, v);
        }
        out += '}';
        return;
    }
    case json::value_t::array: {
        out += '[';
        for (std::size_t i = 0; i < j.size(); ++i) {
            if (i) out += ',';
            append_json(out, j[i]);
        }
        out += ']';
        return;
    }
    case json::value_t::string: append_string(out, j.get_ref<const std::string&>()); return;
    case json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return;
    case json::value_t::number_integer: append_integer(out, j.get<std::int64_t>()); return;
    case json::value_t::number_unsigned: {
        char buf[24];
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, j.get<std::uint64_t>());
        out.append(buf, p);
        return;
    }
    case json::value_t::number_float: append_double(out, j.get<double>()); return;
    case json::value_t::null: out += "null"; return;
    default: // binary values and the like: never stored, left to nlohmann
        out += j.dump(-1, ' ', false, json::error_handler_t::replace);
        return;
    }
}

template <typename T> void append_value(std::string& out, const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        out += v ? "true" : "false";
    } else if constexpr (std::is_same_v<T, double>) {
        append_double(out, v);
    } else if constexpr (std::is_integral_v<T>) {
        append_integer(out, static_cast<std::int64_t>(v));
    } else {
        append_string(out, v);
    }
}

template <typename T> void append_opt(std::string& out, const std::optional<T>& v) {
    if (v) {
        append_value(out, *v);
    } else {
        out += "null";
    }
}

template <typename E> void append_opt_enum(std::string& out, const std::optional<E>& v) {
    if (v) {
        append_string(out, enum_name(*v));
    } else {
        out += "null";
    }
}

// `"key":` preceded by a comma unless it is the first member.
void key(std::string& out, std::string_view k, bool first = false) {
    if (!first) out += ',';
    out += '"';
    out += k;
    out += "\":";
}

void append_properties(std::string& out, const Space& s, const std::string& workspace_slug,
                       bool internal) {
    const auto& f = s.fields;
    out += '{';
    key(out, "address", true);
    append_string(out, f.address);
    key(out, "allowed_transitions");
    out += '[';
    bool first = true;
    for (auto t : allowed_transitions(s.status)) {
        if (!first) out += ',';
        first = false;
        append_string(out, enum_name(t));
    }
    out += ']';
    key(out, "area_m2");
    append_opt(out, f.area_m2);
    key(out, "area_source");
    if (f.area_m2) {
        append_string(out, f.area_computed ? "computed" : "given");
    } else {
        out += "null";
    }
    key(out, "available_from");
    append_opt(out, f.available_from);
    key(out, "available_to");
    append_opt(out, f.available_to);
    key(out, "building_type");
    append_opt_enum(out, f.building_type);
    key(out, "condition");
    append_opt_enum(out, f.condition);
    key(out, "created_at");
    append_string(out, s.created_at);
    key(out, "floor_area_m2");
    append_opt(out, f.floor_area_m2);
    key(out, "floors");
    append_opt(out, f.floors);
    key(out, "kind");
    append_string(out, enum_name(f.kind));
    key(out, "name");
    append_string(out, f.name);
    key(out, "notes");
    append_string(out, internal ? std::string_view(f.notes) : std::string_view());
    key(out, "owner_organisation_id");
    append_opt(out, f.owner_organisation_id);
    key(out, "owner_type");
    append_string(out, enum_name(f.owner_type));
    key(out, "parent_id");
    append_opt(out, f.parent_id);
    key(out, "planned_future_use");
    append_string(out, f.planned_future_use);
    key(out, "source");
    append_string(out, f.source);
    key(out, "source_attributes");
    append_json(out, f.source_attributes);
    key(out, "source_id");
    append_string(out, f.source_id);
    key(out, "status");
    append_string(out, enum_name(s.status));
    key(out, "step_free_access");
    append_opt(out, f.step_free_access);
    key(out, "updated_at");
    append_string(out, s.updated_at);
    key(out, "utilities");
    out += '{'; // members sorted too
    key(out, "electricity", true);
    append_opt(out, f.utilities.electricity);
    key(out, "heating");
    append_opt(out, f.utilities.heating);
    key(out, "internet");
    append_opt(out, f.utilities.internet);
    key(out, "water");
    append_opt(out, f.utilities.water);
    out += '}';
    key(out, "vacancy");
    append_opt_enum(out, f.vacancy);
    key(out, "vacant_since");
    append_opt(out, f.vacant_since);
    key(out, "version");
    append_integer(out, s.version);
    if (!workspace_slug.empty()) {
        key(out, "workspace");
        append_string(out, workspace_slug);
    }
    key(out, "workspace_id");
    append_integer(out, s.workspace_id);
    out += '}';
}

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

void append_space_feature(std::string& out, const Space& s, const std::string& workspace_slug,
                          bool internal) {
    out += "{\"type\":\"Feature\",\"id\":";
    out += std::to_string(s.id);
    out += ",\"geometry\":";
    append_geometry_text(out, s.fields.geometry);
    out += ",\"properties\":";
    append_properties(out, s, workspace_slug, internal);
    out += '}';
}

json flatten_feature(const json& doc) {
    // A "type" that is no string (7, null) makes no Feature; value() would throw on it.
    if (!doc.is_object() || !doc.contains("type") || doc["type"] != "Feature") {
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
