// French brownfield ("friches") inventories in the CNIG Friches standard: a Table Schema CSV
// (schema.data.gouv.fr, cnigfr/schema-friches). The first version keys sites by site_numero,
// later ones by site_id; both are read. Geometry is WKT (geompoint, geomsurf) in WGS84 degrees
// or Lambert-93 (EPSG:2154) metres, or longitude/latitude columns.

#include "core/dates.hpp"
#include "geo/crs.hpp"
#include "geo/measure.hpp"
#include "geo/space_json.hpp"
#include "importers/csv.hpp"
#include "importers/parsers.hpp"
#include "importers/text.hpp"
#include "importers/wkt.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <set>

namespace impetus::importers::detail {

using nlohmann::json;

namespace {

// Table Schema "missingValues" of the friches schema.
bool missing_value(std::string_view v) {
    return v.empty() || v == "NA" || v == "NaN" || v == "N/A";
}

const std::set<std::string, std::less<>> k_geometry_columns{"geompoint", "geomsurf"};
const std::set<std::string, std::less<>> k_date_columns{"site_identif_date", "site_actu_date",
                                                        "activite_fin_date"};

// Does `lower` (lower-case UTF-8) contain `word`?
bool has(const std::string& lower, std::string_view word) {
    return lower.find(word) != std::string::npos;
}

// site_type values ("friche industrielle", "friche d'habitat", ...) to a building type.
std::optional<BuildingType> building_type_of(const std::string& site_type) {
    const auto t = lower_ascii(site_type);
    if (has(t, "mixte")) {
        return BuildingType::mixed;
    }
    if (has(t, "industri") || has(t, "logisti") || has(t, "portuaire") || has(t, "ferroviaire") ||
        has(t, "aéroportuaire") || has(t, "carrière") || has(t, "mine")) {
        return BuildingType::industrial;
    }
    if (has(t, "commercial") || has(t, "loisir") || has(t, "hôtel")) {
        return BuildingType::commercial;
    }
    if (has(t, "habitat")) {
        return BuildingType::residential;
    }
    if (has(t, "hospital") || has(t, "équipement public") || has(t, "enseignement") ||
        has(t, "militaire") || has(t, "cultuel")) {
        return BuildingType::public_building;
    }
    return std::nullopt;
}

std::optional<Condition> condition_of(const std::string& bati_etat) {
    const auto t = lower_ascii(bati_etat);
    if (has(t, "inexistante") || has(t, "faible")) {
        return Condition::good;
    }
    if (has(t, "moyenne")) {
        return Condition::needs_repair;
    }
    if (has(t, "très importante")) {
        return Condition::poor;
    }
    return std::nullopt;
}

std::optional<VacancyDegree> vacancy_of(const std::string& bati_vacance,
                                        const std::string& site_occupation) {
    const auto v = lower_ascii(bati_vacance);
    if (v == "vacant") {
        return VacancyDegree::complete;
    }
    if (has(v, "partiellement")) {
        return VacancyDegree::partial;
    }
    const auto o = lower_ascii(site_occupation);
    if (has(o, "totalement inoccup")) {
        return VacancyDegree::complete;
    }
    if (has(o, "partiellement inoccup")) {
        return VacancyDegree::partial;
    }
    return std::nullopt;
}

// Turns WKT coordinates into WGS84. Reads the CRS from an EWKT SRID, else from the values:
// degrees, or metres in the Lambert-93 extent of metropolitan France.
class CrsResolver {
  public:
    // Returns an error text, or empty when `g` now holds WGS84 longitude/latitude.
    std::string to_wgs84(WktGeometry& w, bool& swapped) {
        bool degrees = true, lambert = true, lat_first = true;
        for_each_position(w.geometry, [&](Position& p) {
            degrees = degrees && std::fabs(p.lon) <= 180.0 && std::fabs(p.lat) <= 90.0;
            lambert = lambert && p.lon >= 0.0 && p.lon <= 1.4e6 && p.lat >= 5.9e6 && p.lat <= 7.3e6;
            // The schema's own examples write "POINT(49.2527 3.9815)": latitude first. A pair
            // that reads as mainland France only that way round is taken so.
            lat_first =
                lat_first && p.lon >= 41.0 && p.lon <= 51.5 && p.lat >= -5.5 && p.lat <= 10.0;
        });
        std::string crs;
        if (w.srid && *w.srid != 4326) {
            crs = "EPSG:" + std::to_string(*w.srid);
        } else if (!w.srid && !degrees && lambert) {
            crs = "EPSG:2154";
        } else if (!degrees) {
            return "coordinates are neither WGS84 degrees nor Lambert-93 (EPSG:2154) metres";
        }
        if (crs.empty()) {
            if (lat_first) {
                for_each_position(w.geometry, [](Position& p) { std::swap(p.lon, p.lat); });
                swapped = true;
            }
            return {};
        }
        try {
            auto& t = m_transforms[crs];
            if (!t) {
                t = std::make_unique<geo::ToWgs84>(crs);
            }
            for_each_position(w.geometry, [&](Position& p) { p = t->transform(p.lon, p.lat); });
        } catch (const Error& e) {
            return e.what();
        }
        return {};
    }

  private:
    std::map<std::string, std::unique_ptr<geo::ToWgs84>> m_transforms; // one per CRS and file
};

} // namespace

ParsedFile parse_cnig(const std::string& text, const ImportOptions& options) {
    const CsvTable table = read_csv(text);
    std::vector<std::string> names;
    std::map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < table.header.fields.size(); ++i) {
        auto name = lower_ascii(trim(table.header.fields[i]));
        if (name.empty()) {
            name = "column" + std::to_string(i + 1);
        }
        at.emplace(name, i);
        names.push_back(name);
    }
    auto col = [&](std::string_view name) -> std::optional<std::size_t> {
        auto it = at.find(std::string(name));
        return it == at.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    };
    const auto key_col = col("site_numero") ? col("site_numero") : col("site_id");
    const std::string key_name = col("site_numero") ? "site_numero" : "site_id";
    std::optional<std::size_t> lon_col, lat_col;
    for (auto [lo, la] :
         {std::pair{"longitude", "latitude"}, std::pair{"lon", "lat"}, std::pair{"x", "y"}}) {
        if (!lon_col && col(lo) && col(la)) {
            lon_col = col(lo);
            lat_col = col(la);
        }
    }
    const auto point_col = col("geompoint");
    const auto surf_col = col("geomsurf");
    if (!key_col || (!point_col && !surf_col && !lon_col)) {
        throw Error(ErrorKind::invalid_input,
                    !key_col ? "the friches file has no site_numero (or site_id) column"
                             : "the friches file has no geometry column",
                    "a CNIG friches CSV needs site_numero (or site_id) and geompoint, geomsurf "
                    "or longitude/latitude columns (see the CNIG Friches standard)");
    }

    ParsedFile out;
    out.format = ImportFormat::cnig;
    std::string producer;
    if (auto c = col("source_producteur"); c && !table.records.empty()) {
        producer = slugify(table.records.front().fields[*c]);
    }
    if (options.source && !options.source->empty()) {
        out.source = *options.source;
    } else {
        out.source = source_name("cnig", producer.empty() ? stem_or_default(options) : producer);
    }

    CrsResolver crs;
    bool swapped = false;
    std::map<std::string, std::size_t> seen;
    for (const auto& rec : table.records) {
        ++out.rows;
        const std::string id = trim(rec.fields[*key_col]);
        auto reject = [&](std::string reason) {
            out.rejected.push_back({rec.line, id, std::move(reason)});
        };
        if (!rec.problem.empty()) {
            reject(rec.problem);
            continue;
        }
        if (missing_value(id)) {
            reject(key_name + " is empty");
            continue;
        }
        if (id.size() > k_max_source) {
            reject(key_name + " is longer than " + std::to_string(k_max_source) + " bytes");
            continue;
        }
        if (auto [it, fresh] = seen.emplace(id, rec.line); !fresh) {
            reject("duplicate " + key_name + " " + id + " (first on line " +
                   std::to_string(it->second) + ")");
            continue;
        }

        // Values by column, missing values left out.
        std::map<std::string, std::string> v;
        for (std::size_t i = 0; i < rec.fields.size(); ++i) {
            auto value = collapse_whitespace(rec.fields[i]);
            if (!missing_value(value)) {
                v[names[i]] = value;
            }
        }
        auto get = [&](const std::string& k) {
            auto it = v.find(k);
            return it == v.end() ? std::string() : it->second;
        };

        // Geometry: the perimeter when it reads and is valid, else the centroid point.
        std::optional<Geometry> geometry;
        std::vector<std::string> geometry_errors;
        auto try_wkt = [&](const std::string& column) {
            const auto wkt = get(column);
            if (geometry || wkt.empty()) {
                return;
            }
            std::string error;
            auto w = read_wkt(wkt, error);
            if (w) {
                error = crs.to_wgs84(*w, swapped);
            }
            if (w && error.empty()) {
                FieldErrors errors;
                geo::validate(w->geometry, "", errors);
                for (const auto& e : errors.list()) {
                    error += (error.empty() ? "" : "; ") + e.message;
                }
            }
            if (error.empty()) {
                geometry = std::move(w->geometry);
            } else {
                geometry_errors.push_back(column + ": " + error);
            }
        };
        try_wkt("geomsurf");
        try_wkt("geompoint");
        if (!geometry && lon_col) {
            auto x = parse_number(rec.fields[*lon_col]);
            auto y = parse_number(rec.fields[*lat_col]);
            if (x && y) {
                WktGeometry w{Point{Position{*x, *y}}, std::nullopt};
                auto error = crs.to_wgs84(w, swapped);
                if (error.empty()) {
                    geometry = w.geometry;
                } else {
                    geometry_errors.push_back(names[*lon_col] + "/" + names[*lat_col] + ": " +
                                              error);
                }
            } else {
                geometry_errors.push_back(names[*lon_col] + "/" + names[*lat_col] +
                                          ": not numbers");
            }
        }
        if (!geometry) {
            std::string reason = geometry_errors.empty() ? "no geometry: geompoint and geomsurf "
                                                           "are empty"
                                                         : "";
            for (const auto& e : geometry_errors) {
                reason += (reason.empty() ? "" : "; ") + e;
            }
            reject(reason);
            continue;
        }
        for (const auto& e : geometry_errors) {
            out.warnings.push_back({rec.line, id, e + " (the site's point is used instead)"});
        }

        ImportRecord r;
        r.line = rec.line;
        r.initial_status = SpaceStatus::reported;
        const auto statut = lower_ascii(get("site_statut"));
        r.source_says_ended = has(statut, "reconverti") || statut == "reconverted";

        SpaceFields& f = r.fields;
        f.geometry = std::move(*geometry);
        f.name = truncate_utf8(get("site_nom").empty() ? id : get("site_nom"), k_max_name);
        std::string address = get("site_adresse");
        if (auto commune = get("comm_nom");
            !commune.empty() &&
            lower_ascii(address).find(lower_ascii(commune)) == std::string::npos) {
            address += (address.empty() ? "" : ", ") + commune;
        }
        f.address = truncate_utf8(address, k_max_address);
        f.building_type = building_type_of(get("site_type"));
        auto buildings = parse_number(get("bati_nombre"));
        auto floor_area = parse_number(get("bati_surface"));
        if (floor_area && *floor_area > 0.0 && *floor_area <= 1e10) {
            f.floor_area_m2 = floor_area;
        }
        // A site with buildings is a building to let; bare land is a plot.
        f.kind = (buildings && *buildings >= 1.0) || f.floor_area_m2 ? SpaceKind::building
                                                                     : SpaceKind::plot;
        f.vacancy = vacancy_of(get("bati_vacance"), get("site_occupation"));
        f.condition = condition_of(get("bati_etat"));
        if (auto a = parse_number(get("unite_fonciere_surface")); a && *a > 0.0 && *a <= 1e10) {
            f.area_m2 = a;
            f.area_computed = false;
        }
        geo::complete_area(f);
        if (auto d = parse_date_lenient(get("activite_fin_date"))) {
            f.vacant_since = d;
        }

        std::vector<std::string> use;
        if (has(statut, "avec projet")) {
            std::string p = "reconversion project";
            auto url = get("site_projet_url").empty() ? get("site_projet") : get("site_projet_url");
            if (!url.empty()) {
                p += " (" + url + ")";
            }
            use.push_back(p);
        }
        if (auto t = get("site_reconv_type"); !t.empty()) {
            use.push_back("reconverted to " + t);
        }
        for (const auto& u : use) {
            f.planned_future_use += (f.planned_future_use.empty() ? "" : "; ") + u;
        }
        f.planned_future_use = truncate_utf8(f.planned_future_use, k_max_planned_use);
        if (auto pollution = get("sol_pollution_existe"); !pollution.empty()) {
            f.notes = "Soil pollution: " + pollution;
            if (auto c = get("sol_pollution_commentaire"); !c.empty()) {
                f.notes += " (" + c + ")";
            }
        }

        json attrs = json::object();
        for (const auto& [name, value] : v) {
            if (k_geometry_columns.count(name)) {
                continue;
            }
            if (k_date_columns.count(name)) {
                auto d = parse_date_lenient(value);
                if (!d) {
                    out.warnings.push_back(
                        {rec.line, id,
                         name + " '" + value + "' is not a date (YYYY-MM-DD); kept as written"});
                }
                attrs[name] = d ? *d : value;
            } else {
                attrs[name] = value;
            }
        }
        f.source = out.source;
        f.source_id = id;
        f.source_attributes = std::move(attrs);
        out.records.push_back(std::move(r));
    }
    if (swapped) {
        out.warnings.insert(out.warnings.begin(),
                            {0, "",
                             "some WKT coordinates were written latitude first (as in the "
                             "schema's examples) and were read that way"});
    }
    return out;
}

} // namespace impetus::importers::detail
