#include "geo/measure.hpp"

#include "geo/bg.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <geodesic.h>

namespace impetus::geo {

using namespace detail;

namespace {

const geod_geodesic& wgs84() {
    static const geod_geodesic g = [] {
        geod_geodesic x{};
        geod_init(&x, 6378137.0, 1.0 / 298.257223563);
        return x;
    }();
    return g;
}

double ring_area(const Ring& ring) {
    geod_polygon poly{};
    geod_polygon_init(&poly, 0);
    // The ring is closed; the last position repeats the first and is left out.
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        geod_polygon_addpoint(&wgs84(), &poly, ring[i].lat, ring[i].lon);
    }
    double area = 0.0;
    geod_polygon_compute(&wgs84(), &poly, 0, 1, &area, nullptr);
    return std::fabs(area);
}

double polygon_area(const Polygon& p) {
    if (p.rings.empty()) {
        return 0.0;
    }
    double a = ring_area(p.rings[0]);
    for (std::size_t i = 1; i < p.rings.size(); ++i) {
        a -= ring_area(p.rings[i]);
    }
    return std::max(a, 0.0);
}

template <typename F> void for_each_ring(const Geometry& g, F&& f) {
    if (auto* poly = std::get_if<Polygon>(&g)) {
        for (const auto& r : poly->rings) f(r);
    } else if (auto* mp = std::get_if<MultiPolygon>(&g)) {
        for (const auto& p : mp->polygons)
            for (const auto& r : p.rings) f(r);
    }
}

bool covers_point(const Geometry& g, const Position& p) {
    BgPoint pt(p.lon, p.lat);
    if (auto* poly = std::get_if<Polygon>(&g)) {
        return bg::covered_by(pt, to_bg(*poly));
    }
    if (auto* mp = std::get_if<MultiPolygon>(&g)) {
        return bg::covered_by(pt, to_bg(*mp));
    }
    return false;
}

constexpr double k_earth_radius_m = 6371008.8;

} // namespace

BBox bbox_of(const Geometry& g) {
    BBox b;
    if (auto* pt = std::get_if<Point>(&g)) {
        b.extend(pt->position);
    }
    for_each_ring(g, [&](const Ring& r) {
        for (const auto& p : r) b.extend(p);
    });
    return b;
}

double area_m2(const Geometry& g) {
    if (auto* poly = std::get_if<Polygon>(&g)) {
        return polygon_area(*poly);
    }
    if (auto* mp = std::get_if<MultiPolygon>(&g)) {
        double a = 0.0;
        for (const auto& p : mp->polygons) a += polygon_area(p);
        return a;
    }
    return 0.0;
}

double distance_m(const Position& a, const Position& b) {
    double s12 = 0.0;
    geod_inverse(&wgs84(), a.lat, a.lon, b.lat, b.lon, &s12, nullptr, nullptr);
    return s12;
}

double distance_to_m(const Geometry& g, const Position& p) {
    if (auto* pt = std::get_if<Point>(&g)) {
        return distance_m(pt->position, p);
    }
    if (covers_point(g, p)) {
        return 0.0;
    }
    const double kx = std::cos(p.lat * std::numbers::pi / 180.0);
    Position best = p;
    double best_d2 = std::numeric_limits<double>::infinity();
    for_each_ring(g, [&](const Ring& r) {
        for (std::size_t i = 0; i + 1 < r.size(); ++i) {
            // Local frame: degrees scaled so that x and y have the same ground length.
            double ax = (r[i].lon - p.lon) * kx, ay = r[i].lat - p.lat;
            double bx = (r[i + 1].lon - p.lon) * kx, by = r[i + 1].lat - p.lat;
            double dx = bx - ax, dy = by - ay;
            double len2 = dx * dx + dy * dy;
            double t = len2 > 0.0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
            double cx = ax + t * dx, cy = ay + t * dy;
            double d2 = cx * cx + cy * cy;
            if (d2 < best_d2) {
                best_d2 = d2;
                best = Position{p.lon + (kx > 0 ? cx / kx : 0.0), p.lat + cy};
            }
        }
    });
    return distance_m(p, best);
}

bool intersects(const Geometry& g, const BBox& box) {
    const BBox gb = bbox_of(g);
    if (!box.intersects(gb)) {
        return false;
    }
    if (std::holds_alternative<Point>(g) || box.contains(gb)) {
        return true;
    }
    bg::model::box<BgPoint> bbox(BgPoint(box.min_lon, box.min_lat),
                                 BgPoint(box.max_lon, box.max_lat));
    if (auto* poly = std::get_if<Polygon>(&g)) {
        return bg::intersects(to_bg(*poly), bbox);
    }
    return bg::intersects(to_bg(std::get<MultiPolygon>(g)), bbox);
}

Position representative_point(const Geometry& g) {
    if (auto* pt = std::get_if<Point>(&g)) {
        return pt->position;
    }
    BgPoint c;
    BgPoint inside(0.0, 0.0);
    bool within = false;
    if (auto* poly = std::get_if<Polygon>(&g)) {
        auto bp = to_bg(*poly);
        bg::centroid(bp, c);
        within = bg::covered_by(c, bp);
        if (!within) bg::point_on_surface(bp, inside);
    } else {
        auto bp = to_bg(std::get<MultiPolygon>(g));
        bg::centroid(bp, c);
        within = bg::covered_by(c, bp);
        if (!within) bg::point_on_surface(bp, inside);
    }
    const auto& r = within ? c : inside;
    return Position{r.x(), r.y()};
}

void validate(const Geometry& g, const std::string& pointer, FieldErrors& errors) {
    auto check_range = [&](const Position& p) {
        return std::isfinite(p.lon) && std::isfinite(p.lat) && p.lon >= -180.0 &&
               p.lon <= 180.0 && p.lat >= -90.0 && p.lat <= 90.0;
    };
    if (auto* pt = std::get_if<Point>(&g)) {
        if (!check_range(pt->position)) {
            errors.add(pointer, "coordinates out of range: longitude -180..180, latitude -90..90");
        }
        return;
    }
    bool ranges_ok = true;
    bool rings_ok = true;
    for_each_ring(g, [&](const Ring& r) {
        for (const auto& p : r) ranges_ok = ranges_ok && check_range(p);
        rings_ok = rings_ok && r.size() >= 4 && r.front() == r.back();
    });
    if (!ranges_ok) {
        errors.add(pointer, "coordinates out of range: longitude -180..180, latitude -90..90");
        return;
    }
    if (!rings_ok) {
        errors.add(pointer, "every ring needs at least four positions and must be closed");
        return;
    }
    std::string reason;
    bool valid = true;
    if (auto* poly = std::get_if<Polygon>(&g)) {
        valid = bg::is_valid(to_bg(*poly), reason);
    } else {
        valid = bg::is_valid(to_bg(std::get<MultiPolygon>(g)), reason);
    }
    if (!valid) {
        errors.add(pointer, "invalid polygon: " + reason);
    }
}

BBox bbox_around(const Position& c, double radius_m) {
    // Degrees of latitude per metre is nearly constant; longitude shrinks with cos(latitude).
    // A 1 % margin covers the ellipsoid's departure from the sphere used here.
    const double dlat = radius_m * 1.01 / (k_earth_radius_m * std::numbers::pi / 180.0);
    const double max_lat = std::min(90.0, std::fabs(c.lat) + dlat);
    double coslat = std::cos(max_lat * std::numbers::pi / 180.0);
    double dlon = coslat > 1e-9 ? dlat / coslat : 360.0;
    BBox b;
    b.min_lat = std::max(-90.0, c.lat - dlat);
    b.max_lat = std::min(90.0, c.lat + dlat);
    // A box cannot wrap around the antimeridian: a circle that crosses it gets every longitude.
    if (dlon >= 180.0 || c.lon - dlon < -180.0 || c.lon + dlon > 180.0) {
        b.min_lon = -180.0;
        b.max_lon = 180.0;
    } else {
        b.min_lon = std::max(-180.0, c.lon - dlon);
        b.max_lon = std::min(180.0, c.lon + dlon);
    }
    return b;
}

} // namespace impetus::geo
