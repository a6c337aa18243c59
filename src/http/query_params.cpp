#include "http/query_params.hpp"

#include "core/dates.hpp"
#include "http/message.hpp"

#include <charconv>
#include <cmath>

namespace impetus::http {

namespace {

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto p = s.find(sep, start);
        out.emplace_back(s.substr(start, p == std::string_view::npos ? p : p - start));
        if (p == std::string_view::npos) break;
        start = p + 1;
    }
    return out;
}

std::optional<double> to_double(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<std::int64_t> to_int(std::string_view s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

template <typename E>
void read_enum_set(QueryParams& params, std::string_view key, std::set<E>& out,
                   FieldErrors& errors) {
    for (const auto& v : params.get_list(key)) {
        if (auto e = parse_enum<E>(v)) {
            out.insert(*e);
        } else {
            errors.add_parameter(std::string(key),
                                 "'" + v + "' is not one of " + enum_choices<E>());
        }
    }
}

std::optional<bool> read_bool(QueryParams& params, std::string_view key, FieldErrors& errors) {
    auto v = params.get(key, errors);
    if (!v) return std::nullopt;
    if (*v == "true" || *v == "1" || *v == "yes") return true;
    if (*v == "false" || *v == "0" || *v == "no") return false;
    errors.add_parameter(std::string(key), "must be true or false");
    return std::nullopt;
}

std::optional<std::string> read_date(QueryParams& params, std::string_view key,
                                     FieldErrors& errors) {
    auto v = params.get(key, errors);
    if (!v) return std::nullopt;
    auto d = parse_iso_date(*v);
    if (!d) errors.add_parameter(std::string(key), "must be a date YYYY-MM-DD");
    return d;
}

// An RFC 3339 date-time or a full date; returns the calendar date it falls on (UTC).
std::optional<std::string> datetime_to_date(std::string_view s) {
    if (auto d = parse_iso_date(s)) return d;
    if (auto t = parse_rfc3339(s)) return t->substr(0, 10);
    return std::nullopt;
}

} // namespace

QueryParams::QueryParams(std::string_view raw) {
    if (raw.empty()) return;
    for (const auto& part : split(raw, '&')) {
        if (part.empty()) continue;
        auto eq = part.find('=');
        std::string key = url_decode(part.substr(0, eq), true);
        std::string value = eq == std::string::npos ? "" : url_decode(part.substr(eq + 1), true);
        m_items.emplace_back(std::move(key), std::move(value));
    }
}

std::optional<std::string> QueryParams::get(std::string_view key, FieldErrors& errors) {
    m_used.emplace(key);
    std::optional<std::string> out;
    for (const auto& [k, v] : m_items) {
        if (k != key) continue;
        if (out) {
            errors.add_parameter(std::string(key), "is given more than once");
            return std::nullopt;
        }
        out = v;
    }
    return out;
}

std::vector<std::string> QueryParams::get_list(std::string_view key) {
    m_used.emplace(key);
    std::vector<std::string> out;
    for (const auto& [k, v] : m_items) {
        if (k != key) continue;
        for (auto& item : split(v, ',')) {
            if (!item.empty()) out.push_back(std::move(item));
        }
    }
    return out;
}

bool QueryParams::has(std::string_view key) const {
    for (const auto& [k, v] : m_items) {
        if (k == key) return true;
    }
    return false;
}

std::vector<std::string> QueryParams::unused() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : m_items) {
        if (!m_used.contains(k) &&
            std::find(out.begin(), out.end(), k) == out.end()) {
            out.push_back(k);
        }
    }
    return out;
}

void reject_unused(const QueryParams& params, FieldErrors& errors) {
    for (const auto& k : params.unused()) {
        errors.add_parameter(k, "is not a known parameter");
    }
}

std::string with_param(std::string_view raw_query, std::string_view key,
                       const std::string& value) {
    std::string out;
    bool replaced = false;
    for (const auto& part : split(raw_query, '&')) {
        if (part.empty()) continue;
        auto eq = part.find('=');
        if (url_decode(part.substr(0, eq), true) == key) {
            if (replaced) continue;
            replaced = true;
            out += (out.empty() ? "" : "&") + std::string(key) + "=" + url_encode(value);
        } else {
            out += (out.empty() ? "" : "&") + part;
        }
    }
    if (!replaced) out += (out.empty() ? "" : "&") + std::string(key) + "=" + url_encode(value);
    return out;
}

std::optional<BBox> parse_bbox(std::string_view text, std::string& why) {
    auto parts = split(text, ',');
    std::vector<double> v;
    for (const auto& p : parts) {
        auto d = to_double(p);
        if (!d) {
            why = "must be four numbers: min longitude, min latitude, max longitude, max latitude";
            return std::nullopt;
        }
        v.push_back(*d);
    }
    if (v.size() == 6) {
        v = {v[0], v[1], v[3], v[4]}; // heights are ignored: spaces are 2D
    }
    if (v.size() != 4) {
        why = "must be four numbers: min longitude, min latitude, max longitude, max latitude";
        return std::nullopt;
    }
    BBox b{v[0], v[1], v[2], v[3]};
    if (b.min_lon < -180 || b.max_lon > 180 || b.min_lat < -90 || b.max_lat > 90) {
        why = "is outside longitude -180..180 or latitude -90..90";
        return std::nullopt;
    }
    if (b.min_lat > b.max_lat) {
        why = "has its minimum latitude above its maximum";
        return std::nullopt;
    }
    if (b.min_lon > b.max_lon) {
        why = "crosses the antimeridian, which is not supported: split it in two";
        return std::nullopt;
    }
    return b;
}

SpaceQuery read_space_query(QueryParams& params, QueryStyle style, FieldErrors& errors) {
    SpaceQuery q;
    read_enum_set(params, "status", q.statuses, errors);
    read_enum_set(params, "kind", q.kinds, errors);
    read_enum_set(params, "owner_type", q.owner_types, errors);
    auto read_area = [&](const char* key) -> std::optional<double> {
        auto v = params.get(key, errors);
        if (!v) return std::nullopt;
        auto d = to_double(*v);
        if (!d || *d < 0) {
            errors.add_parameter(key, "must be a number of square metres, 0 or more");
            return std::nullopt;
        }
        return d;
    };
    q.min_area_m2 = read_area("min_area");
    q.max_area_m2 = read_area("max_area");
    if (q.min_area_m2 && q.max_area_m2 && *q.min_area_m2 > *q.max_area_m2) {
        errors.add_parameter("max_area", "must not be below min_area");
    }
    if (auto t = params.get("q", errors)) {
        if (t->size() > 200) {
            errors.add_parameter("q", "is longer than 200 characters");
        } else if (!t->empty()) {
            q.text = *t;
        }
    }
    if (auto b = params.get("bbox", errors)) {
        std::string why;
        q.bbox = parse_bbox(*b, why);
        if (!q.bbox) errors.add_parameter("bbox", why);
    }
    if (style == QueryStyle::ogc) {
        if (auto crs = params.get("bbox-crs", errors)) {
            if (*crs != "http://www.opengis.net/def/crs/OGC/1.3/CRS84") {
                errors.add_parameter("bbox-crs",
                                     "only http://www.opengis.net/def/crs/OGC/1.3/CRS84 is "
                                     "supported");
            }
        }
    }
    if (auto n = params.get("near", errors)) {
        auto parts = split(*n, ',');
        auto lon = parts.size() == 2 ? to_double(parts[0]) : std::nullopt;
        auto lat = parts.size() == 2 ? to_double(parts[1]) : std::nullopt;
        if (!lon || !lat || *lon < -180 || *lon > 180 || *lat < -90 || *lat > 90) {
            errors.add_parameter("near", "must be LON,LAT in WGS84 degrees");
        } else {
            q.near = NearFilter{Position{*lon, *lat}, 0.0};
        }
    }
    if (auto r = params.get("radius", errors)) {
        auto d = to_double(*r);
        if (!d || *d <= 0 || *d > 2e7) {
            errors.add_parameter("radius",
                                 "must be a distance in metres, above 0 and at most 20,000 km");
        } else if (!params.has("near")) {
            errors.add_parameter("radius", "needs near=LON,LAT");
        } else if (q.near) {
            q.near->radius_m = *d;
        }
    }
    if (style == QueryStyle::rest) {
        auto from = read_date(params, "available_from", errors);
        auto to = read_date(params, "available_to", errors);
        if (from && to && *to < *from) {
            errors.add_parameter("available_to", "must not be before available_from");
        }
        if (from || to) q.available_during = DateRange{from, to};
    } else if (auto dt = params.get("datetime", errors)) {
        // RFC 3339 instant, or an interval "start/end" where ".." or "" is an open end.
        auto slash = dt->find('/');
        DateRange r;
        bool ok = true;
        auto read_end = [&](std::string_view s, std::optional<std::string>& out) {
            if (s.empty() || s == "..") return;
            out = datetime_to_date(s);
            if (!out) ok = false;
        };
        if (slash == std::string::npos) {
            read_end(*dt, r.from);
            r.to = r.from;
            ok = ok && r.from.has_value();
        } else {
            read_end(std::string_view(*dt).substr(0, slash), r.from);
            read_end(std::string_view(*dt).substr(slash + 1), r.to);
        }
        if (!ok) {
            errors.add_parameter("datetime",
                                 "must be an RFC 3339 date-time or an interval start/end "
                                 "where '..' leaves an end open");
        } else if (r.from && r.to && *r.to < *r.from) {
            errors.add_parameter("datetime", "ends before it starts");
        } else {
            q.availability_overlaps = r;
        }
    }
    auto read_id = [&](const char* key) -> std::optional<Id> {
        auto v = params.get(key, errors);
        if (!v) return std::nullopt;
        auto i = to_int(*v);
        if (!i || *i < 1) {
            errors.add_parameter(key, "must be a positive integer id");
            return std::nullopt;
        }
        return i;
    };
    q.parent_id = read_id("parent_id");
    {
        const auto ids = params.get_list("id");
        if (ids.size() > 1000) errors.add_parameter("id", "lists more than 1000 ids");
        for (const auto& v : ids) {
            auto i = to_int(v);
            if (!i || *i < 1) {
                errors.add_parameter("id", "'" + v + "' is not a positive integer id");
                break;
            }
            q.ids.insert(*i);
        }
    }
    q.owner_organisation_id = read_id("owner_organisation_id");
    q.source = params.get("source", errors);
    q.source_id = params.get("source_id", errors);
    q.step_free_access = read_bool(params, "step_free_access", errors);
    q.water = read_bool(params, "water", errors);
    q.electricity = read_bool(params, "electricity", errors);
    q.heating = read_bool(params, "heating", errors);
    q.internet = read_bool(params, "internet", errors);

    if (auto s = params.get("sort", errors)) {
        std::string key = *s;
        if (!key.empty() && (key[0] == '-' || key[0] == '+')) {
            q.descending = key[0] == '-';
            key.erase(0, 1);
        }
        if (auto k = parse_enum<SpaceSort>(key)) {
            q.sort = *k;
            if (q.sort == SpaceSort::distance && !params.has("near")) {
                errors.add_parameter("sort", "distance needs near=LON,LAT");
            }
        } else {
            errors.add_parameter("sort", "'" + key + "' is not one of " +
                                             enum_choices<SpaceSort>() +
                                             " (prefix - for descending)");
        }
    } else if (q.near) {
        q.sort = SpaceSort::distance;
    }
    const Paging paging = read_paging(params, errors);
    q.limit = paging.limit;
    q.offset = paging.offset;
    return q;
}

Paging read_paging(QueryParams& params, FieldErrors& errors) {
    Paging p;
    if (auto l = params.get("limit", errors)) {
        auto i = to_int(*l);
        if (!i || *i < 1) {
            errors.add_parameter("limit", "must be a positive integer");
        } else {
            // OGC 17-069r4 7.15.3: a limit above the maximum is capped, not refused.
            p.limit = static_cast<std::size_t>(std::min<std::int64_t>(*i, k_max_page_size));
        }
    }
    if (auto o = params.get("offset", errors)) {
        auto i = to_int(*o);
        if (!i || *i < 0 || *i > 100'000'000) {
            errors.add_parameter("offset", "must be an integer, 0 or more");
        } else {
            p.offset = static_cast<std::size_t>(*i);
        }
    }
    return p;
}

bool read_flag(QueryParams& params, const char* key, FieldErrors& errors) {
    auto v = params.get(key, errors);
    if (!v) return false;
    if (*v == "true" || *v == "1" || v->empty()) return true;
    if (*v == "false" || *v == "0") return false;
    errors.add_parameter(key, "must be true or false");
    return false;
}

} // namespace impetus::http
