// GeoJSON (RFC 7946): a FeatureCollection, or a single Feature. Properties that name writable
// space fields are validated by the same code as the API (geo::read_space_fields); everything
// else is kept in source_attributes. Our own export re-imports as it was.

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "geo/crs.hpp"
#include "geo/space_json.hpp"
#include "importers/parsers.hpp"
#include "importers/text.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace impetus::importers::detail {

using nlohmann::json;

namespace {

const std::string k_geojson_hint =
    "a GeoJSON file is a JSON object {\"type\": \"FeatureCollection\", \"features\": [...]} "
    "(RFC 7946)";

// Properties our own export adds that describe the stored record, not the space: never copied.
const std::set<std::string, std::less<>> k_read_only{
    "id",         "workspace_id", "workspace",           "status",     "version",
    "created_at", "updated_at",   "allowed_transitions", "area_source"};

// Where no "name" is given, these are tried in turn (English, French, Italian, Polish).
const std::vector<std::string> k_name_alternatives{"title", "label", "nom", "nome", "nazwa"};

// A string member of an object, or "" when it is absent or not a string (json::value would
// throw on a member of another type, and files may hold anything).
std::string member_text(const json& obj, std::string_view key) {
    if (!obj.is_object()) {
        return {};
    }
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// ------------------------------------------------------------------------------------------
// Feature positions in the text. nlohmann::json does not say where a value started, so a small
// scanner walks the (already validated) text to the elements of the root's "features" array.

bool is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skip_ws(std::string_view s, std::size_t i) {
    while (i < s.size() && is_ws(s[i])) {
        ++i;
    }
    return i;
}

std::size_t skip_string(std::string_view s, std::size_t i) {
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return s.size();
}

std::size_t skip_value(std::string_view s, std::size_t i) {
    if (i >= s.size()) {
        return i;
    }
    if (s[i] == '"') {
        return skip_string(s, i);
    }
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        while (i < s.size()) {
            char c = s[i];
            if (c == '"') {
                i = skip_string(s, i);
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    return i + 1;
                }
            }
            ++i;
        }
        return i;
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_ws(s[i])) {
        ++i;
    }
    return i;
}

// Byte offsets where each element of the root object's "features" array starts.
std::vector<std::size_t> feature_offsets(std::string_view s) {
    std::vector<std::size_t> out;
    std::size_t i = skip_ws(s, 0);
    if (i >= s.size() || s[i] != '{') {
        return {};
    }
    ++i;
    while (true) {
        i = skip_ws(s, i);
        if (i >= s.size() || s[i] != '"') {
            break;
        }
        const std::size_t key_start = i;
        i = skip_string(s, i);
        const auto key = s.substr(key_start + 1, i - key_start - 2);
        i = skip_ws(s, i);
        if (i >= s.size() || s[i] != ':') {
            return {};
        }
        i = skip_ws(s, i + 1);
        if (key == "features" && i < s.size() && s[i] == '[') {
            out.clear();
            i = skip_ws(s, i + 1);
            while (i < s.size() && s[i] != ']') {
                out.push_back(i);
                i = skip_ws(s, skip_value(s, i));
                if (i < s.size() && s[i] == ',') {
                    i = skip_ws(s, i + 1);
                }
            }
            ++i;
        } else {
            i = skip_value(s, i);
        }
        i = skip_ws(s, i);
        if (i < s.size() && s[i] == ',') {
            ++i;
        }
    }
    return out;
}

// 1-based line numbers of sorted byte offsets.
std::vector<std::size_t> lines_of(std::string_view s, const std::vector<std::size_t>& offsets) {
    std::vector<std::size_t> out;
    out.reserve(offsets.size());
    std::size_t line = 1;
    std::size_t pos = 0;
    for (auto off : offsets) {
        for (; pos < off && pos < s.size(); ++pos) {
            if (s[pos] == '\n') {
                ++line;
            }
        }
        out.push_back(line);
    }
    return out;
}

// ------------------------------------------------------------------------------------------
// The legacy "crs" member (GeoJSON 2008, removed by RFC 7946 section 4): when it names anything
// but WGS84 longitude/latitude, coordinates are transformed.

std::optional<std::string> legacy_crs(const json& doc) {
    auto crs = doc.find("crs");
    if (crs == doc.end() || !crs->is_object()) {
        return std::nullopt;
    }
    auto props = crs->find("properties");
    if (member_text(*crs, "type") != "name" || props == crs->end() || !props->is_object()) {
        return std::nullopt;
    }
    auto name = member_text(*props, "name");
    const auto lower = lower_ascii(name);
    const bool wgs84 = lower.find("crs84") != std::string::npos ||
                       lower.find("crs:84") != std::string::npos ||
                       (lower.find("epsg") != std::string::npos && lower.size() >= 4 &&
                        lower.compare(lower.size() - 4, 4, "4326") == 0);
    if (name.empty() || wgs84) {
        return std::nullopt;
    }
    return name;
}

void transform_coordinates(json& coords, const geo::ToWgs84& t) {
    if (!coords.is_array()) {
        return;
    }
    if (coords.size() >= 2 && coords[0].is_number() && coords[1].is_number()) {
        auto p = t.transform(coords[0].get<double>(), coords[1].get<double>());
        coords = json::array({p.lon, p.lat});
        return;
    }
    for (auto& c : coords) {
        transform_coordinates(c, t);
    }
}

std::string id_text(const json& v) {
    if (v.is_string()) {
        return trim(v.get<std::string>());
    }
    if (v.is_number_integer() || v.is_number_unsigned() || v.is_number_float()) {
        return v.dump();
    }
    return {};
}

const json* string_prop(const json& props, std::string_view key) {
    auto it = props.find(key);
    if (it == props.end() || !it->is_string() || trim_view(it->get<std::string>()).empty()) {
        return nullptr;
    }
    return &*it;
}

} // namespace

ParsedFile parse_geojson(const std::string& text, const ImportOptions& options) {
    json doc;
    try {
        doc = parse_json(text, "the file");
    } catch (const Error& e) {
        throw Error(e.kind(), e.what(), e.fields().empty() ? k_geojson_hint : e.hint(),
                    e.fields());
    }
    if (!doc.is_object()) {
        throw Error(ErrorKind::invalid_input, "the file is JSON but not a GeoJSON object",
                    k_geojson_hint);
    }
    const std::string type = member_text(doc, "type");
    std::vector<const json*> features;
    std::vector<std::size_t> lines;
    if (type == "FeatureCollection") {
        auto fs = doc.find("features");
        if (fs == doc.end() || !fs->is_array()) {
            throw Error(ErrorKind::invalid_input, "the FeatureCollection has no \"features\" array",
                        k_geojson_hint);
        }
        for (const auto& f : *fs) {
            features.push_back(&f);
        }
        lines = lines_of(text, feature_offsets(text));
        if (lines.size() != features.size()) {
            lines.clear(); // odd text: no line numbers
        }
    } else if (type == "Feature") {
        features.push_back(&doc);
        lines.push_back(lines_of(text, {skip_ws(text, 0)}).front());
    } else {
        throw Error(ErrorKind::invalid_input,
                    "the file is JSON but not a GeoJSON FeatureCollection or Feature" +
                        (type.empty() ? std::string() : " (its type is " + type + ")"),
                    k_geojson_hint);
    }

    ParsedFile out;
    out.format = ImportFormat::geojson;

    std::unique_ptr<geo::ToWgs84> transform;
    if (auto crs = legacy_crs(doc)) {
        transform = std::make_unique<geo::ToWgs84>(*crs); // throws for an unknown CRS
        out.warnings.push_back(
            {0, "",
             "coordinates transformed from " + *crs + " to WGS84 (RFC 7946 has no crs member)"});
    }

    // The file's source: given, or the one every feature names, or the file's own name.
    const std::string file_source = source_name("geojson", stem_or_default(options));
    std::optional<std::string> common;
    bool shared = true;
    for (const json* f : features) {
        std::string s;
        if (f->is_object()) {
            auto p = f->find("properties");
            if (p != f->end() && p->is_object()) {
                if (const json* v = string_prop(*p, "source")) {
                    s = trim(v->get<std::string>());
                }
            }
        }
        if (s.empty() || (common && *common != s)) {
            shared = false;
            break;
        }
        common = s;
    }
    const bool given = options.source && !options.source->empty();
    out.source = given ? *options.source : (shared && common) ? *common : file_source;

    std::map<std::pair<std::string, std::string>, std::string> seen; // key -> where first seen
    const json empty = json::object();
    for (std::size_t n = 0; n < features.size(); ++n) {
        ++out.rows;
        const json& feature = *features[n];
        const std::size_t line = lines.empty() ? 0 : lines[n];
        const std::string where =
            line > 0 ? "line " + std::to_string(line) : "feature " + std::to_string(n + 1);
        std::string reference = "feature " + std::to_string(n + 1);
        auto reject = [&](std::string reason) {
            out.rejected.push_back({line, reference, std::move(reason)});
        };
        if (!feature.is_object() || member_text(feature, "type") != "Feature") {
            reject("is not a GeoJSON Feature (RFC 7946 section 3.2)");
            continue;
        }
        const json* props = &empty;
        if (auto p = feature.find("properties"); p != feature.end() && !p->is_null()) {
            if (!p->is_object()) {
                reject("properties must be a JSON object or null");
                continue;
            }
            props = &*p;
        }

        // The key that makes re-imports find the space again.
        std::string source = file_source;
        if (given) {
            source = *options.source;
        } else if (const json* s = string_prop(*props, "source")) {
            source = trim(s->get<std::string>());
        }
        std::string source_id;
        if (auto it = props->find("source_id"); it != props->end()) {
            source_id = id_text(*it);
        }
        if (source_id.empty()) {
            if (auto it = feature.find("id"); it != feature.end()) {
                source_id = id_text(*it);
            }
        }
        for (const char* key : {"id", "ref"}) {
            if (source_id.empty()) {
                if (auto it = props->find(key); it != props->end()) {
                    source_id = id_text(*it);
                }
            }
        }
        if (source_id.empty()) {
            reject("no id: give features an id or a source_id property so that re-imports "
                   "find them");
            continue;
        }
        reference = source_id;
        if (auto [it, fresh] = seen.emplace(std::pair{source, source_id}, where); !fresh) {
            reject("duplicate id " + source_id + " (first at " + it->second + ")");
            continue;
        }

        // Split the properties: our fields are validated, the rest is kept as it came.
        const auto& writable = geo::space_writable_fields();
        json flat = json::object();
        json attrs = json::object();
        if (auto a = props->find("source_attributes"); a != props->end() && !a->is_null()) {
            if (a->is_object()) {
                attrs = *a;
            } else {
                flat["source_attributes"] = *a; // let the validation say what is wrong
            }
        }
        std::optional<SpaceStatus> status;
        for (const auto& [key, value] : props->items()) {
            if (key == "source_attributes" || key == "source" || key == "source_id") {
                continue;
            }
            if (key == "status") {
                if (value.is_string()) {
                    status = parse_enum<SpaceStatus>(value.get<std::string>());
                }
                if (!status && !value.is_null()) {
                    attrs["status"] = value; // someone else's status
                }
                continue;
            }
            if (k_read_only.count(key)) {
                continue;
            }
            if (key != "geometry" &&
                std::find(writable.begin(), writable.end(), key) != writable.end()) {
                flat[key] = value;
            } else {
                attrs[key] = value;
            }
        }
        if (const json* s = string_prop(*props, "source");
            s && trim(s->get<std::string>()) != source) {
            attrs["source"] = *s; // overridden by the import: keep what the file said
        }
        // An area our export computed from the geometry is not a given area: leave it out so
        // that it is computed again (and the record compares equal on re-import).
        if (member_text(*props, "area_source") == "computed") {
            flat.erase("area_m2");
        }

        json geometry = feature.contains("geometry") ? feature["geometry"] : json(nullptr);
        if (transform && geometry.is_object() && geometry.contains("coordinates")) {
            try {
                transform_coordinates(geometry["coordinates"], *transform);
            } catch (const Error& e) {
                reject(std::string("geometry: ") + e.what());
                continue;
            }
        }
        if (!geometry.is_null()) {
            flat["geometry"] = geometry;
        }

        const bool name_missing =
            !flat.contains("name") || flat["name"].is_null() ||
            (flat["name"].is_string() && trim_view(flat["name"].get<std::string>()).empty());
        if (name_missing) {
            std::string name;
            for (const auto& alt : k_name_alternatives) {
                if (const json* v = string_prop(*props, alt)) {
                    name = truncate_utf8(collapse_whitespace(v->get<std::string>()), k_max_name);
                    break;
                }
            }
            flat["name"] = name.empty() ? "Feature " + std::to_string(n + 1) : name;
        }
        if (!flat.contains("kind") || flat["kind"].is_null()) {
            const bool point = geometry.is_object() && member_text(geometry, "type") == "Point";
            flat["kind"] = point ? "building" : "plot";
        }
        flat["source"] = source;
        flat["source_id"] = source_id;
        if (!flat.contains("source_attributes")) {
            flat["source_attributes"] = attrs;
        }

        ImportRecord r;
        r.line = line;
        try {
            r.fields = geo::read_space_fields(flat);
        } catch (const Error& e) {
            reject(reason_from(e));
            continue;
        }
        r.initial_status = status.value_or(SpaceStatus::reported);
        r.source_says_ended = status == SpaceStatus::ended;
        out.records.push_back(std::move(r));
    }
    return out;
}

} // namespace impetus::importers::detail
