#pragma once

// A small reader for OGC Well-Known Text (OGC 06-103r4, Simple Features part 1, section 7):
// POINT, POLYGON and MULTIPOLYGON, with optional Z/M ordinates (dropped) and the PostGIS EWKT
// prefix "SRID=n;". Coordinates come back as written (x y), not yet transformed.

#include "core/geometry.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace impetus::importers {

struct WktGeometry {
    Geometry geometry;       // Position.lon holds x, Position.lat holds y
    std::optional<int> srid; // from an EWKT prefix
};

// Returns nullopt and sets `error` when the text is not one of the accepted forms.
std::optional<WktGeometry> read_wkt(std::string_view text, std::string& error);

// Calls f(Position&) for every position of the geometry.
template <typename F> void for_each_position(Geometry& g, F&& f) {
    if (auto* pt = std::get_if<Point>(&g)) {
        f(pt->position);
    } else if (auto* poly = std::get_if<Polygon>(&g)) {
        for (auto& r : poly->rings) {
            for (auto& p : r) {
                f(p);
            }
        }
    } else {
        for (auto& poly2 : std::get<MultiPolygon>(g).polygons) {
            for (auto& r : poly2.rings) {
                for (auto& p : r) {
                    f(p);
                }
            }
        }
    }
}

} // namespace impetus::importers
