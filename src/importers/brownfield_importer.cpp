// England brownfield land registers: the CSV data standard of the Town and Country Planning
// (Brownfield Land Register) Regulations 2017 (SI 2017/403) and its guidance "Publish your
// brownfield land data". Columns are matched by name, so the current 20-column standard and the
// 2017 28-column layout go through the same code.

#include "core/dates.hpp"
#include "geo/crs.hpp"
#include "geo/measure.hpp"
#include "importers/csv.hpp"
#include "importers/parsers.hpp"
#include "importers/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

namespace impetus::importers::detail {

using nlohmann::json;

namespace {

// Every column either layout defines, in its canonical spelling.
const std::vector<std::string_view>& canonical_columns() {
    static const std::vector<std::string_view> names{"OrganisationURI",
                                                     "OrganisationLabel",
                                                     "SiteReference",
                                                     "PreviouslyPartOf",
                                                     "SiteNameAddress",
                                                     "SiteplanURL",
                                                     "CoordinateReferenceSystem",
                                                     "GeoX",
                                                     "GeoY",
                                                     "Hectares",
                                                     "OwnershipStatus",
                                                     "Deliverable",
                                                     "PlanningStatus",
                                                     "PermissionType",
                                                     "PermissionDate",
                                                     "PlanningHistory",
                                                     "ProposedForPIP",
                                                     "MinNetDwellings",
                                                     "DevelopmentDescription",
                                                     "NonHousingDevelopment",
                                                     "Part2",
                                                     "NetDwellingsRangeFrom",
                                                     "NetDwellingsRangeTo",
                                                     "HazardousSubstances",
                                                     "SiteInformation",
                                                     "Notes",
                                                     "FirstAddedDate",
                                                     "LastUpdatedDate",
                                                     "EndDate"};
    return names;
}

const std::vector<std::string_view> k_required{"SiteReference", "GeoX", "GeoY"};
const std::vector<std::string_view> k_date_columns{"PermissionDate", "FirstAddedDate",
                                                   "LastUpdatedDate"};

// Header spelling reduced for matching: case, spaces, underscores and hyphens ignored.
std::string header_key(std::string_view s) {
    std::string out;
    for (char c : lower_ascii(trim_view(s))) {
        if (c != ' ' && c != '_' && c != '-') {
            out += c;
        }
    }
    return out;
}

// Positions further than this from the median of the file are worth a look (a typo in a
// coordinate, like SHLAA6165 in Brighton & Hove's register, lands tens of kilometres away).
constexpr double k_outlier_m = 30000.0;

struct Columns {
    std::vector<std::string> names;        // per column: canonical name, or the header as found
    std::map<std::string, std::size_t> at; // canonical name -> column index

    std::optional<std::size_t> find(std::string_view name) const {
        auto it = at.find(std::string(name));
        return it == at.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    }
};

Columns map_columns(const CsvRecord& header) {
    Columns c;
    std::map<std::string, std::string_view> by_key;
    for (auto name : canonical_columns()) {
        by_key.emplace(header_key(name), name);
    }
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const auto raw = trim(header.fields[i]);
        auto it = by_key.find(header_key(raw));
        if (it != by_key.end() && !c.at.count(std::string(it->second))) {
            c.names.emplace_back(it->second);
            c.at.emplace(std::string(it->second), i);
        } else {
            c.names.push_back(raw.empty() ? "column" + std::to_string(i + 1) : raw);
        }
    }
    return c;
}

// The last segment of a URI path: ".../unitary-authority/brighton-and-hove" -> that slug.
std::string last_segment(std::string_view uri) {
    uri = trim_view(uri);
    while (!uri.empty() && uri.back() == '/') {
        uri.remove_suffix(1);
    }
    auto slash = uri.rfind('/');
    return slugify(slash == std::string_view::npos ? uri : uri.substr(slash + 1));
}

std::string lower_words(std::string_view s) {
    return lower_ascii(collapse_whitespace(s));
}

OwnerType owner_type_of(std::string_view status) {
    // The standard's values; "not owned ..." must be tested before "owned ...".
    const auto s = lower_words(status);
    if (s == "not owned by a public authority") {
        return OwnerType::private_owner;
    }
    if (s == "owned by a public authority") {
        return OwnerType::public_owner;
    }
    if (s == "mixed ownership") {
        return OwnerType::mixed;
    }
    return OwnerType::unknown;
}

std::string format_count(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e9) {
        return std::to_string(static_cast<long long>(v));
    }
    std::string s = std::to_string(v);
    while (!s.empty() && s.back() == '0') {
        s.pop_back();
    }
    if (!s.empty() && s.back() == '.') {
        s.pop_back();
    }
    return s;
}

// "Housing: 5–10 dwellings; planning: permissioned (full planning permission)".
std::string planned_use(const std::map<std::string, std::string>& v) {
    auto get = [&](const char* k) {
        auto it = v.find(k);
        return it == v.end() ? std::string() : it->second;
    };
    std::vector<std::string> parts;
    auto from = parse_number(get("NetDwellingsRangeFrom"));
    auto to = parse_number(get("NetDwellingsRangeTo"));
    if (!from) {
        from = parse_number(get("MinNetDwellings"));
    }
    if (from && to && *from != *to) {
        parts.push_back("Housing: " + format_count(*from) + "\u2013" + format_count(*to) +
                        " dwellings");
    } else if (from && to) {
        parts.push_back("Housing: " + format_count(*from) + " dwellings");
    } else if (from) {
        parts.push_back("Housing: at least " + format_count(*from) + " dwellings");
    } else if (to) {
        parts.push_back("Housing: up to " + format_count(*to) + " dwellings");
    }
    if (auto status = lower_words(get("PlanningStatus")); !status.empty()) {
        std::string p = "planning: " + status;
        if (auto type = lower_words(get("PermissionType")); !type.empty()) {
            p += " (" + type + ")";
        }
        parts.push_back(std::move(p));
    }
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) {
            out += "; ";
        }
        out += p;
    }
    return out;
}

struct Lines {
    std::string name;
    std::string address;
};

// SiteNameAddress: the first line names the site, the whole cell is the address.
Lines name_and_address(std::string_view cell) {
    Lines out;
    const std::string text = normalise_newlines(trim_view(cell));
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        auto line = collapse_whitespace(std::string_view(text).substr(start, end - start));
        if (!line.empty()) {
            if (out.name.empty()) {
                out.name = line;
            }
            if (!out.address.empty()) {
                out.address += ", ";
            }
            out.address += line;
        }
        start = end + 1;
    }
    out.name = truncate_utf8(out.name, k_max_name);
    out.address = truncate_utf8(out.address, k_max_address);
    return out;
}

std::string format_position(const Position& p) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f, %.6f", p.lat, p.lon);
    return buf;
}

bool says_osgb(std::string_view crs) {
    const auto s = lower_ascii(crs);
    return s.find("osgb") != std::string::npos || s.find("27700") != std::string::npos ||
           s.find("british national grid") != std::string::npos;
}

} // namespace

ParsedFile parse_brownfield(const std::string& text, const ImportOptions& options) {
    const CsvTable table = read_csv(text);
    const Columns cols = map_columns(table.header);

    std::vector<std::string> missing;
    for (auto name : k_required) {
        if (!cols.find(name)) {
            missing.emplace_back(name);
        }
    }
    if (!missing.empty()) {
        std::string list;
        std::vector<FieldError> fields;
        for (const auto& m : missing) {
            list += (list.empty() ? "" : ", ") + m;
            fields.push_back(FieldError::at_line(table.header.line > 0 ? table.header.line : 1,
                                                 "is missing", m));
        }
        throw Error(ErrorKind::invalid_input,
                    "the brownfield register lacks the column" +
                        std::string(missing.size() > 1 ? "s " : " ") + list,
                    "a brownfield land register needs SiteReference, GeoX and GeoY columns "
                    "(see the brownfield land register data standard)",
                    std::move(fields));
    }
    const std::size_t ref_col = *cols.find("SiteReference");
    const std::size_t x_col = *cols.find("GeoX");
    const std::size_t y_col = *cols.find("GeoY");
    const auto crs_col = cols.find("CoordinateReferenceSystem");
    const std::size_t last_required = std::max({ref_col, x_col, y_col});

    ParsedFile out;
    out.format = ImportFormat::brownfield;

    // The source name: given, or the publishing organisation, or the file.
    auto first_value = [&](std::string_view column) -> std::string {
        auto c = cols.find(column);
        if (!c || table.records.empty()) {
            return {};
        }
        return trim(table.records.front().fields[*c]);
    };
    if (options.source && !options.source->empty()) {
        out.source = *options.source;
    } else if (auto seg = last_segment(first_value("OrganisationURI")); !seg.empty()) {
        out.source = source_name("brownfield", seg);
    } else if (auto label = slugify(first_value("OrganisationLabel")); !label.empty()) {
        out.source = source_name("brownfield", label);
    } else {
        out.source = source_name("brownfield", stem_or_default(options));
    }

    // One PROJ transformer for the whole file, made when the first grid reference needs it.
    std::optional<geo::ToWgs84> bng;
    std::map<std::string, std::size_t> seen; // SiteReference -> line of its first row

    for (const auto& rec : table.records) {
        ++out.rows;
        const std::string ref = trim(rec.fields[ref_col]);
        auto reject = [&](std::string reason) {
            out.rejected.push_back({rec.line, ref, std::move(reason)});
        };
        if (!rec.problem.empty()) {
            reject(rec.problem);
            continue;
        }
        const std::size_t present = rec.fields.size() - rec.missing;
        if (rec.missing > 0 && last_required >= present) {
            reject("has " + std::to_string(present) + " fields, the header has " +
                   std::to_string(rec.fields.size()));
            continue;
        }
        if (ref.empty()) {
            reject("SiteReference is empty");
            continue;
        }
        if (ref.size() > k_max_source) {
            reject("SiteReference is longer than " + std::to_string(k_max_source) + " bytes");
            continue;
        }
        if (auto [it, fresh] = seen.emplace(ref, rec.line); !fresh) {
            reject("duplicate SiteReference " + ref + " (first on line " +
                   std::to_string(it->second) + ")");
            continue;
        }

        // Coordinates: WGS84 degrees (GeoX longitude, GeoY latitude) as the current standard
        // asks, or OSGB36 British National Grid eastings/northings as older registers give.
        const std::string xs = trim(rec.fields[x_col]);
        const std::string ys = trim(rec.fields[y_col]);
        auto x = parse_number(xs);
        auto y = parse_number(ys);
        if (!x || !y) {
            std::string bad = !x ? "GeoX '" + xs + "'" : "GeoY '" + ys + "'";
            reject(bad + " is not a number");
            continue;
        }
        Position pos;
        const bool crs_says_grid = crs_col && says_osgb(rec.fields[*crs_col]);
        const bool degrees = std::fabs(*x) <= 180.0 && std::fabs(*y) <= 90.0;
        const bool grid_like = *x >= 0.0 && *x <= 700000.0 && *y >= 0.0 && *y <= 1300000.0;
        if (degrees) {
            pos = Position{*x, *y}; // ETRS89 and WGS84 agree to well under a metre here
        } else if (crs_says_grid || grid_like) {
            try {
                if (!bng) {
                    bng.emplace("EPSG:27700");
                }
                pos = bng->transform(*x, *y);
            } catch (const Error& e) {
                reject("GeoX/GeoY " + xs + " " + ys + ": " + e.what());
                continue;
            }
        } else {
            reject("GeoX/GeoY " + xs + " " + ys +
                   " are neither WGS84 degrees nor British National Grid metres");
            continue;
        }
        if (!(pos.lon >= -180.0 && pos.lon <= 180.0 && pos.lat >= -90.0 && pos.lat <= 90.0)) {
            reject("GeoX/GeoY " + xs + " " + ys + " are out of range");
            continue;
        }

        // Attributes: every non-empty column by its canonical name; dates in ISO 8601.
        json attrs = json::object();
        std::map<std::string, std::string> values; // canonical name -> trimmed text
        std::vector<RejectedRow> row_warnings;
        std::optional<std::string> end_date;
        bool bad_end_date = false;
        for (std::size_t i = 0; i < rec.fields.size(); ++i) {
            const std::string& name = cols.names[i];
            std::string value = name == "Notes" || name == "SiteNameAddress"
                                    ? normalise_newlines(trim_view(rec.fields[i]))
                                    : collapse_whitespace(rec.fields[i]);
            if (value.empty()) {
                continue;
            }
            values[name] = value;
            if (name == "PlanningHistory") {
                json urls = json::array();
                std::size_t s = 0;
                while (s <= value.size()) {
                    auto e = value.find('|', s);
                    if (e == std::string::npos) {
                        e = value.size();
                    }
                    auto u = trim(std::string_view(value).substr(s, e - s));
                    if (!u.empty()) {
                        urls.push_back(u);
                    }
                    s = e + 1;
                }
                attrs[name] = std::move(urls);
            } else if (name == "EndDate") {
                end_date = parse_date_lenient(value);
                bad_end_date = !end_date;
                attrs[name] = end_date ? *end_date : value;
            } else if (std::find(k_date_columns.begin(), k_date_columns.end(), name) !=
                       k_date_columns.end()) {
                auto d = parse_date_lenient(value);
                if (!d) {
                    row_warnings.push_back({rec.line, ref,
                                            name + " '" + value +
                                                "' is not a date (YYYY-MM-DD or DD/MM/YYYY); "
                                                "kept as written"});
                }
                attrs[name] = d ? *d : value;
            } else {
                attrs[name] = value;
            }
        }
        if (bad_end_date) {
            reject("EndDate '" + values["EndDate"] +
                   "' is not a date (YYYY-MM-DD or DD/MM/YYYY); an end date decides whether "
                   "the site has left the register");
            continue;
        }

        ImportRecord r;
        r.line = rec.line;
        r.initial_status = SpaceStatus::verified; // an official register, published by the LPA
        r.source_says_ended = end_date.has_value();
        SpaceFields& f = r.fields;
        auto [name, address] = name_and_address(values["SiteNameAddress"]);
        f.name = name.empty() ? ref : name;
        f.address = address;
        f.kind = SpaceKind::plot;
        f.geometry = Point{pos};
        if (auto it = values.find("Hectares"); it != values.end()) {
            auto ha = parse_number(it->second);
            if (ha && *ha >= 0.0 && *ha <= 1e6) {
                f.area_m2 = std::round(*ha * 10000.0 * 100.0) / 100.0; // to the cm2, as computed
                f.area_computed = false;
            } else {
                row_warnings.push_back(
                    {rec.line, ref,
                     "Hectares '" + it->second + "' is not an area in hectares; kept as written"});
            }
        }
        f.owner_type = owner_type_of(values["OwnershipStatus"]);
        if (values["Notes"].size() > k_max_notes) {
            row_warnings.push_back(
                {rec.line, ref,
                 "Notes is longer than " + std::to_string(k_max_notes) + " bytes and was cut"});
        }
        f.notes = truncate_utf8(values["Notes"], k_max_notes);
        f.planned_future_use = truncate_utf8(planned_use(values), k_max_planned_use);
        f.source = out.source;
        f.source_id = ref;
        f.source_attributes = std::move(attrs);
        out.records.push_back(std::move(r));
        if (rec.missing > 0) {
            out.warnings.push_back({rec.line, ref,
                                    "has " + std::to_string(present) + " fields, the header has " +
                                        std::to_string(rec.fields.size()) +
                                        "; the missing trailing fields are read as empty"});
        }
        for (auto& w : row_warnings) {
            out.warnings.push_back(std::move(w));
        }
    }

    // A position far from the others is most likely a typo in GeoX or GeoY: say so, keep it.
    if (!out.records.empty()) {
        std::vector<double> lons, lats;
        for (const auto& r : out.records) {
            const auto& p = std::get<Point>(r.fields.geometry).position;
            lons.push_back(p.lon);
            lats.push_back(p.lat);
        }
        auto median = [](std::vector<double> v) {
            std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
            return v[v.size() / 2];
        };
        const Position centre{median(lons), median(lats)};
        for (const auto& r : out.records) {
            const auto& p = std::get<Point>(r.fields.geometry).position;
            const double d = geo::distance_m(centre, p);
            if (d > k_outlier_m) {
                out.warnings.push_back(
                    {r.line, r.fields.source_id,
                     "position " + format_position(p) + " is " +
                         std::to_string(static_cast<long long>(std::lround(d / 1000.0))) +
                         " km from the median position of the file (" + format_position(centre) +
                         "): check GeoX and GeoY"});
            }
        }
    }
    std::stable_sort(out.warnings.begin(), out.warnings.end(),
                     [](const RejectedRow& a, const RejectedRow& b) { return a.line < b.line; });
    return out;
}

} // namespace impetus::importers::detail
