#pragma once

// Geometry values in WGS84 longitude/latitude degrees (RFC 7946 axis order). Plain data: the
// algorithms (validation, area, distance, GeoJSON) live in the geo module; only the counting
// behind the size limits is here.

#include <cstddef>
#include <limits>
#include <string>
#include <variant>
#include <vector>

namespace impetus {

struct Position {
    double lon = 0.0;
    double lat = 0.0;
    bool operator==(const Position&) const = default;
};

using Ring = std::vector<Position>; // closed: first == last

struct Point {
    Position position;
    bool operator==(const Point&) const = default;
};

struct Polygon {
    std::vector<Ring> rings; // rings[0] is the exterior, the rest are holes
    bool operator==(const Polygon&) const = default;
};

struct MultiPolygon {
    std::vector<Polygon> polygons;
    bool operator==(const MultiPolygon&) const = default;
};

using Geometry = std::variant<Point, Polygon, MultiPolygon>;

// How large one space's geometry may be: every list page and export that holds the space
// carries it. A workspace sets its own within the ceilings (docs/limits.md).
struct GeometryLimits {
    std::size_t max_vertices = 20000; // positions over all rings
    std::size_t max_rings = 500;      // exterior rings and holes over all polygons

    static constexpr std::size_t vertices_ceiling = 200000;
    static constexpr std::size_t rings_ceiling = 10000;
    bool operator==(const GeometryLimits&) const = default;
};

struct GeometrySize {
    std::size_t vertices = 0;
    std::size_t rings = 0;
};
GeometrySize geometry_size(const Geometry& g) noexcept;
// Why `g` is too large for `limits` ("has 25000 vertices; at most 20000 are taken"), or empty.
std::string geometry_too_large(const Geometry& g, const GeometryLimits& limits);

struct BBox {
    double min_lon = std::numeric_limits<double>::infinity();
    double min_lat = std::numeric_limits<double>::infinity();
    double max_lon = -std::numeric_limits<double>::infinity();
    double max_lat = -std::numeric_limits<double>::infinity();

    bool empty() const noexcept { return min_lon > max_lon; }
    void extend(const Position& p) noexcept {
        if (p.lon < min_lon) min_lon = p.lon;
        if (p.lon > max_lon) max_lon = p.lon;
        if (p.lat < min_lat) min_lat = p.lat;
        if (p.lat > max_lat) max_lat = p.lat;
    }
    bool intersects(const BBox& o) const noexcept {
        return !(o.min_lon > max_lon || o.max_lon < min_lon || o.min_lat > max_lat ||
                 o.max_lat < min_lat);
    }
    bool contains(const BBox& o) const noexcept {
        return o.min_lon >= min_lon && o.max_lon <= max_lon && o.min_lat >= min_lat &&
               o.max_lat <= max_lat;
    }
    bool operator==(const BBox&) const = default;
};

} // namespace impetus
