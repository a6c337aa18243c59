#pragma once

// Measurements on the WGS84 ellipsoid and geometry predicates.

#include "core/error.hpp"
#include "core/geometry.hpp"

#include <string>

namespace impetus::geo {

BBox bbox_of(const Geometry& g);

// Area in square metres on the WGS84 ellipsoid (Karney's algorithm through PROJ's geodesic
// routines); holes are subtracted. Zero for points.
double area_m2(const Geometry& g);

// Geodesic distance between two positions, metres.
double distance_m(const Position& a, const Position& b);

// Distance from `p` to the geometry, metres: zero inside a polygon. For polygons the nearest
// edge is found in a local equirectangular frame centred on `p` (error well under 0.5 % within
// 50 km), then measured geodesically.
double distance_to_m(const Geometry& g, const Position& p);

// True when the geometry and the box share at least one point.
bool intersects(const Geometry& g, const BBox& box);

// A representative point: the position of a point, otherwise the area-weighted centroid of the
// exterior rings, moved inside when it falls outside (used for labels and CSV export).
Position representative_point(const Geometry& g);

// Checks coordinate ranges, ring structure (closed, at least four positions), and topology
// (no self-intersection, holes inside, per OGC Simple Features validity). Adds problems to
// `errors` under `pointer`.
void validate(const Geometry& g, const std::string& pointer, FieldErrors& errors);

// A bounding box for a circle of `radius_m` around `center`, conservative (never too small).
BBox bbox_around(const Position& center, double radius_m);

} // namespace impetus::geo
