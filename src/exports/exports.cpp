#include "exports/exports.hpp"

#include "geo/geojson.hpp"
#include "geo/measure.hpp"
#include "geo/space_json.hpp"

namespace impetus::exports {

namespace {

void append_ring(std::string& out, const Ring& r) {
    out += '(';
    for (std::size_t i = 0; i < r.size(); ++i) {
        if (i) out += ", ";
        geo::append_number(out, r[i].lon);
        out += ' ';
        geo::append_number(out, r[i].lat);
    }
    out += ')';
}

void append_polygon(std::string& out, const Polygon& p) {
    out += '(';
    for (std::size_t i = 0; i < p.rings.size(); ++i) {
        if (i) out += ", ";
        append_ring(out, p.rings[i]);
    }
    out += ')';
}

std::string opt_bool(const std::optional<bool>& b) { return b ? (*b ? "true" : "false") : ""; }

std::string opt_number(const std::optional<double>& d) {
    std::string s;
    if (d) geo::append_number(s, *d);
    return s;
}

template <typename E> std::string opt_enum(const std::optional<E>& e) {
    return e ? std::string(enum_name(*e)) : std::string();
}

} // namespace

std::string to_wkt(const Geometry& g) {
    std::string out;
    if (auto* pt = std::get_if<Point>(&g)) {
        out = "POINT (";
        geo::append_number(out, pt->position.lon);
        out += ' ';
        geo::append_number(out, pt->position.lat);
        out += ')';
    } else if (auto* poly = std::get_if<Polygon>(&g)) {
        out = "POLYGON ";
        append_polygon(out, *poly);
    } else {
        const auto& mp = std::get<MultiPolygon>(g);
        out = "MULTIPOLYGON (";
        for (std::size_t i = 0; i < mp.polygons.size(); ++i) {
            if (i) out += ", ";
            append_polygon(out, mp.polygons[i]);
        }
        out += ')';
    }
    return out;
}

void append_csv_field(std::string& out, std::string_view f) {
    if (f.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(f);
        return;
    }
    out += '"';
    for (char c : f) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

const std::vector<std::string>& csv_columns() {
    static const std::vector<std::string> cols{
        "id",          "workspace",      "name",          "kind",
        "status",      "longitude",      "latitude",      "area_m2",
        "floor_area_m2", "floors",       "address",       "owner_type",
        "owner_organisation_id", "building_type", "condition", "vacancy",
        "vacant_since", "water",         "electricity",   "heating",
        "internet",    "step_free_access", "available_from", "available_to",
        "planned_future_use", "notes",   "source",        "source_id",
        "parent_id",   "created_at",     "updated_at",    "geometry_wkt"};
    return cols;
}

std::size_t write_geojson(Store& store, const SpaceQuery& q, const SlugOf& slug,
                          std::string& out, bool internal) {
    out += "{\"type\":\"FeatureCollection\",\"features\":[";
    std::size_t n = 0;
    store.for_each_space(q, [&](const Space& s) {
        if (n++) out += ',';
        geo::append_space_feature(out, s, slug(s.workspace_id), internal);
    });
    out += "]}";
    return n;
}

std::size_t write_csv(Store& store, const SpaceQuery& q, const SlugOf& slug, std::string& out,
                      bool internal) {
    const auto& cols = csv_columns();
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i) out += ',';
        out += cols[i];
    }
    out += "\r\n";
    std::size_t n = 0;
    store.for_each_space(q, [&](const Space& s) {
        const auto& f = s.fields;
        const Position rp = geo::representative_point(f.geometry);
        std::string lon, lat;
        geo::append_number(lon, rp.lon);
        geo::append_number(lat, rp.lat);
        const std::string row[] = {
            std::to_string(s.id),
            slug(s.workspace_id),
            f.name,
            std::string(enum_name(f.kind)),
            std::string(enum_name(s.status)),
            lon,
            lat,
            opt_number(f.area_m2),
            opt_number(f.floor_area_m2),
            f.floors ? std::to_string(*f.floors) : "",
            f.address,
            std::string(enum_name(f.owner_type)),
            f.owner_organisation_id ? std::to_string(*f.owner_organisation_id) : "",
            opt_enum(f.building_type),
            opt_enum(f.condition),
            opt_enum(f.vacancy),
            f.vacant_since.value_or(""),
            opt_bool(f.utilities.water),
            opt_bool(f.utilities.electricity),
            opt_bool(f.utilities.heating),
            opt_bool(f.utilities.internet),
            opt_bool(f.step_free_access),
            f.available_from.value_or(""),
            f.available_to.value_or(""),
            f.planned_future_use,
            internal ? f.notes : std::string(),
            f.source,
            f.source_id,
            f.parent_id ? std::to_string(*f.parent_id) : "",
            s.created_at,
            s.updated_at,
            to_wkt(f.geometry),
        };
        static_assert(std::size(row) == 32);
        for (std::size_t i = 0; i < std::size(row); ++i) {
            if (i) out += ',';
            append_csv_field(out, row[i]);
        }
        out += "\r\n";
        ++n;
    });
    return n;
}

} // namespace impetus::exports
