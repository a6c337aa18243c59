#pragma once

// Boost.Geometry adapters for the core geometry values (internal to the geo module).

#include "core/geometry.hpp"

#include <boost/geometry.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/geometry/algorithms/point_on_surface.hpp>

namespace impetus::geo::detail {

namespace bg = boost::geometry;
using BgPoint = bg::model::d2::point_xy<double>;
using BgPolygon = bg::model::polygon<BgPoint>; // clockwise exterior, closed
using BgMultiPolygon = bg::model::multi_polygon<BgPolygon>;

inline BgPolygon to_bg(const Polygon& p) {
    BgPolygon out;
    for (std::size_t r = 0; r < p.rings.size(); ++r) {
        auto& ring = r == 0 ? out.outer() : out.inners().emplace_back();
        for (const auto& pos : p.rings[r]) {
            ring.emplace_back(pos.lon, pos.lat);
        }
    }
    bg::correct(out); // orientation per Boost's convention; RFC 7946 says not to reject winding
    return out;
}

inline BgMultiPolygon to_bg(const MultiPolygon& mp) {
    BgMultiPolygon out;
    for (const auto& p : mp.polygons) {
        out.push_back(to_bg(p));
    }
    return out;
}

} // namespace impetus::geo::detail
