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

// What a spreadsheet takes for the start of a formula (OWASP, CSV injection: = + - @ tab CR;
// ASVS 1.2.10 adds NUL; LF for the applications that trim it).
bool starts_like_a_formula(std::string_view f) {
    static constexpr std::string_view triggers("=+-@\t\r\n\0", 8);
    return !f.empty() && triggers.find(f.front()) != std::string_view::npos;
}

// -?digits[.digits][(e|E)[+-]digits], as std::to_chars and std::to_string write numbers.
bool plain_number(std::string_view f) {
    std::size_t i = 0;
    auto digits = [&] {
        const std::size_t from = i;
        while (i < f.size() && f[i] >= '0' && f[i] <= '9') ++i;
        return i > from;
    };
    if (i < f.size() && f[i] == '-') ++i;
    if (!digits()) return false;
    if (i < f.size() && f[i] == '.') {
        ++i;
        if (!digits()) return false;
    }
    if (i < f.size() && (f[i] == 'e' || f[i] == 'E')) {
        ++i;
        if (i < f.size() && (f[i] == '+' || f[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == f.size();
}

void append_csv_cell(std::string& out, const CsvCell& cell) {
    const std::string_view f = cell.value;
    if (cell.is_number && plain_number(f)) {
        out.append(f);
        return;
    }
    const bool formula = starts_like_a_formula(f);
    if (!formula && f.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(f);
        return;
    }
    out += '"';
    if (formula) out += '\'';
    for (char c : f) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
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

void append_csv_row(std::string& out, std::span<const CsvCell> cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        append_csv_cell(out, cells[i]);
    }
    out += "\r\n";
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
    append_csv_row(out, std::vector<CsvCell>(cols.begin(), cols.end()));
    std::size_t n = 0;
    store.for_each_space(q, [&](const Space& s) {
        const auto& f = s.fields;
        const Position rp = geo::representative_point(f.geometry);
        std::string lon, lat;
        geo::append_number(lon, rp.lon);
        geo::append_number(lat, rp.lat);
        const CsvCell row[] = {
            CsvCell::number(std::to_string(s.id)),
            slug(s.workspace_id),
            f.name,
            std::string(enum_name(f.kind)),
            std::string(enum_name(s.status)),
            CsvCell::number(std::move(lon)),
            CsvCell::number(std::move(lat)),
            CsvCell::number(opt_number(f.area_m2)),
            CsvCell::number(opt_number(f.floor_area_m2)),
            CsvCell::number(f.floors ? std::to_string(*f.floors) : ""),
            f.address,
            std::string(enum_name(f.owner_type)),
            CsvCell::number(
                f.owner_organisation_id ? std::to_string(*f.owner_organisation_id) : ""),
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
            CsvCell::number(f.parent_id ? std::to_string(*f.parent_id) : ""),
            s.created_at,
            s.updated_at,
            to_wkt(f.geometry),
        };
        static_assert(std::size(row) == 32);
        append_csv_row(out, row);
        ++n;
    });
    return n;
}

} // namespace impetus::exports
