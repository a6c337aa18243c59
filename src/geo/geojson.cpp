#include "geo/geojson.hpp"

#include "geo/measure.hpp"

#include <charconv>
#include <cmath>

namespace impetus::geo {

using nlohmann::json;

namespace {

std::optional<Position> read_position(const json& j, const std::string& ptr, FieldErrors& errors) {
    if (!j.is_array() || j.size() < 2 || j.size() > 3) {
        errors.add(ptr, "a position is an array of two numbers [longitude, latitude]");
        return std::nullopt;
    }
    for (const auto& v : j) {
        if (!v.is_number()) {
            errors.add(ptr, "a position holds numbers only");
            return std::nullopt;
        }
    }
    Position p{j[0].get<double>(), j[1].get<double>()};
    bool ok = true; // both numbers are checked, so that both are reported
    if (!std::isfinite(p.lon) || p.lon < -180.0 || p.lon > 180.0) {
        errors.add(ptr + "/0", "longitude must be between -180 and 180 degrees");
        ok = false;
    }
    if (!std::isfinite(p.lat) || p.lat < -90.0 || p.lat > 90.0) {
        errors.add(ptr + "/1", "latitude must be between -90 and 90 degrees");
        ok = false;
    }
    if (!ok) {
        return std::nullopt;
    }
    return p;
}

std::optional<Ring> read_ring(const json& j, const std::string& ptr, FieldErrors& errors) {
    if (!j.is_array()) {
        errors.add(ptr, "a linear ring is an array of positions");
        return std::nullopt;
    }
    Ring ring;
    ring.reserve(j.size());
    bool positions_ok = true; // every bad position is reported, not only the first
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto p = read_position(j[i], ptr + "/" + std::to_string(i), errors);
        if (!p) {
            positions_ok = false;
            if (!j[i].is_array()) {
                return std::nullopt; // not a ring of positions at all: one error says it
            }
            continue;
        }
        ring.push_back(*p);
    }
    if (!positions_ok) {
        return std::nullopt;
    }
    if (ring.size() < 4) {
        errors.add(ptr, "a linear ring needs at least four positions (RFC 7946 3.1.6)");
        return std::nullopt;
    }
    if (!(ring.front() == ring.back())) {
        errors.add(ptr, "a linear ring must end at its first position");
        return std::nullopt;
    }
    return ring;
}

std::optional<Polygon> read_polygon(const json& j, const std::string& ptr, FieldErrors& errors) {
    if (!j.is_array() || j.empty()) {
        errors.add(ptr, "a polygon is a non-empty array of linear rings");
        return std::nullopt;
    }
    Polygon poly;
    for (std::size_t i = 0; i < j.size(); ++i) {
        auto r = read_ring(j[i], ptr + "/" + std::to_string(i), errors);
        if (!r) {
            return std::nullopt;
        }
        poly.rings.push_back(std::move(*r));
    }
    return poly;
}

} // namespace

std::optional<Geometry> read_geometry(const json& j, const std::string& pointer,
                                      FieldErrors& errors, bool check_topology) {
    if (!j.is_object()) {
        errors.add(pointer, "must be a GeoJSON geometry object");
        return std::nullopt;
    }
    auto type_it = j.find("type");
    auto coords_it = j.find("coordinates");
    if (type_it == j.end() || !type_it->is_string()) {
        errors.add(pointer + "/type", "is required: Point, Polygon or MultiPolygon");
        return std::nullopt;
    }
    if (coords_it == j.end()) {
        errors.add(pointer + "/coordinates", "is required");
        return std::nullopt;
    }
    const auto type = type_it->get<std::string>();
    const auto cptr = pointer + "/coordinates";
    std::optional<Geometry> out;
    if (type == "Point") {
        if (auto p = read_position(*coords_it, cptr, errors)) {
            out = Point{*p};
        }
    } else if (type == "Polygon") {
        if (auto p = read_polygon(*coords_it, cptr, errors)) {
            out = std::move(*p);
        }
    } else if (type == "MultiPolygon") {
        if (!coords_it->is_array() || coords_it->empty()) {
            errors.add(cptr, "a multipolygon is a non-empty array of polygons");
            return std::nullopt;
        }
        MultiPolygon mp;
        for (std::size_t i = 0; i < coords_it->size(); ++i) {
            auto p = read_polygon((*coords_it)[i], cptr + "/" + std::to_string(i), errors);
            if (!p) {
                return std::nullopt;
            }
            mp.polygons.push_back(std::move(*p));
        }
        out = std::move(mp);
    } else {
        errors.add(pointer + "/type",
                   "'" + type + "' is not accepted: use Point, Polygon or MultiPolygon");
        return std::nullopt;
    }
    if (out && check_topology) {
        std::size_t before = errors.list().size();
        validate(*out, pointer, errors);
        if (errors.list().size() != before) {
            return std::nullopt;
        }
    }
    return out;
}

Geometry geometry_from_text(std::string_view text) {
    FieldErrors errors;
    auto j = json::parse(text, nullptr, false);
    auto g = j.is_discarded() ? std::nullopt : read_geometry(j, "", errors, false);
    if (!g) {
        throw Error(ErrorKind::storage, "stored geometry cannot be read",
                    "run 'impetus db check' on the database");
    }
    return std::move(*g);
}

void append_number(std::string& out, double v) {
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, p);
}

namespace {

void append_position(std::string& out, const Position& p) {
    out += '[';
    append_number(out, p.lon);
    out += ',';
    append_number(out, p.lat);
    out += ']';
}

void append_polygon(std::string& out, const Polygon& poly) {
    out += '[';
    for (std::size_t r = 0; r < poly.rings.size(); ++r) {
        if (r) out += ',';
        out += '[';
        for (std::size_t i = 0; i < poly.rings[r].size(); ++i) {
            if (i) out += ',';
            append_position(out, poly.rings[r][i]);
        }
        out += ']';
    }
    out += ']';
}

} // namespace

const char* geometry_type_name(const Geometry& g) noexcept {
    switch (g.index()) {
    case 0: return "Point";
    case 1: return "Polygon";
    default: return "MultiPolygon";
    }
}

void append_geometry_text(std::string& out, const Geometry& g) {
    out += "{\"type\":\"";
    out += geometry_type_name(g);
    out += "\",\"coordinates\":";
    if (auto* pt = std::get_if<Point>(&g)) {
        append_position(out, pt->position);
    } else if (auto* poly = std::get_if<Polygon>(&g)) {
        append_polygon(out, *poly);
    } else {
        const auto& mp = std::get<MultiPolygon>(g);
        out += '[';
        for (std::size_t i = 0; i < mp.polygons.size(); ++i) {
            if (i) out += ',';
            append_polygon(out, mp.polygons[i]);
        }
        out += ']';
    }
    out += '}';
}

std::string geometry_to_text(const Geometry& g) {
    std::string out;
    append_geometry_text(out, g);
    return out;
}

json geometry_to_json(const Geometry& g) { return json::parse(geometry_to_text(g)); }

} // namespace impetus::geo
