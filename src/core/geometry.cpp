#include "core/geometry.hpp"

namespace impetus {

namespace {

void add(GeometrySize& size, const Polygon& p) {
    size.rings += p.rings.size();
    for (const auto& r : p.rings) size.vertices += r.size();
}

} // namespace

GeometrySize geometry_size(const Geometry& g) noexcept {
    GeometrySize size;
    if (const auto* p = std::get_if<Point>(&g)) {
        (void)p;
        size.vertices = 1;
    } else if (const auto* poly = std::get_if<Polygon>(&g)) {
        add(size, *poly);
    } else {
        for (const auto& part : std::get<MultiPolygon>(g).polygons) add(size, part);
    }
    return size;
}

std::string geometry_too_large(const Geometry& g, const GeometryLimits& limits) {
    const GeometrySize size = geometry_size(g);
    if (size.vertices > limits.max_vertices) {
        return "has " + std::to_string(size.vertices) + " vertices; at most " +
               std::to_string(limits.max_vertices) + " are taken (simplify the outline)";
    }
    if (size.rings > limits.max_rings) {
        return "has " + std::to_string(size.rings) + " rings; at most " +
               std::to_string(limits.max_rings) + " are taken (simplify the outline)";
    }
    return {};
}

} // namespace impetus
