// Measurements on the WGS84 ellipsoid and geometry predicates.

#include "geo/measure.hpp"
#include "support/shapes.hpp"

#include <cmath>
#include <geodesic.h>
#include <gtest/gtest.h>
#include <numbers>
#include <random>

namespace impetus::geo {
namespace {

using test::point;
using test::ring;
using test::square;

// -- reference values computed outside the code under test

constexpr double k_a = 6378137.0;           // WGS84 semi-major axis
constexpr double k_f = 1.0 / 298.257223563; // WGS84 flattening

// Area of the ellipsoidal quadrangle between two meridians and two parallels:
//   A = b^2 * dlon / 2 * [q(lat2) - q(lat1)],
//   q(phi) = sin(phi) / (1 - e^2 sin^2(phi)) + 1/(2e) * ln((1 + e sin(phi)) / (1 - e sin(phi)))
// (the authalic-latitude formula, e.g. Snyder, Map Projections - A Working Manual, eq. 3-12).
// Geodesic edges differ from the parallels by millimetres at this size.
double quadrangle_area(double lon1, double lat1, double lon2, double lat2) {
    const double b = k_a * (1 - k_f);
    const double e2 = k_f * (2 - k_f);
    const double e = std::sqrt(e2);
    auto q = [&](double lat_deg) {
        double s = std::sin(lat_deg * std::numbers::pi / 180.0);
        return s / (1 - e2 * s * s) + 1 / (2 * e) * std::log((1 + e * s) / (1 - e * s));
    };
    return b * b * ((lon2 - lon1) * std::numbers::pi / 180.0) / 2 * (q(lat2) - q(lat1));
}

// The point `distance_m` away from `from` on azimuth `azimuth_deg` (PROJ's geodesic routines,
// used here only to place test points).
Position destination(const Position& from, double azimuth_deg, double distance_m) {
    geod_geodesic g{};
    geod_init(&g, k_a, k_f);
    double lat = 0, lon = 0;
    geod_direct(&g, from.lat, from.lon, azimuth_deg, distance_m, &lat, &lon, nullptr);
    if (lon > 180) {
        lon -= 360;
    }
    if (lon < -180) {
        lon += 360;
    }
    return {lon, lat};
}

// Ray casting, strictly inside (points on an edge count as outside).
bool strictly_inside(const Ring& r, const Position& p) {
    bool in = false;
    for (std::size_t i = 0, j = r.size() - 2; i + 1 < r.size(); j = i++) {
        const auto& a = r[i];
        const auto& b = r[j];
        // On the edge?
        double cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon);
        if (std::fabs(cross) < 1e-12 && p.lon >= std::min(a.lon, b.lon) &&
            p.lon <= std::max(a.lon, b.lon) && p.lat >= std::min(a.lat, b.lat) &&
            p.lat <= std::max(a.lat, b.lat)) {
            return false;
        }
        if ((a.lat > p.lat) != (b.lat > p.lat) &&
            p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon) {
            in = !in;
        }
    }
    return in;
}

// -- bbox

TEST(BBoxOf, CoversEveryPosition) {
    auto b = bbox_of(Polygon{{ring({{1, 2}, {3, -1}, {0, 5}})}});
    EXPECT_EQ(b, (BBox{0, -1, 3, 5}));
    auto p = bbox_of(point(4, 50));
    EXPECT_EQ(p, (BBox{4, 50, 4, 50}));
    EXPECT_EQ(bbox_of(MultiPolygon{{square(0, 0, 1), square(5, 5, 1)}}), (BBox{0, 0, 6, 6}));
}

// -- area

// A 0.01 x 0.01 degree square at 50.83 N (Brussels): 783,681.3 m2 by the quadrangle formula
// above (computed in Python with the same formula: 783681.337).
TEST(Area, SquareAtBrusselsMatchesTheEllipsoidalFormula) {
    const double reference = quadrangle_area(4.35, 50.83, 4.36, 50.84);
    EXPECT_NEAR(reference, 783681.337, 0.01);
    EXPECT_NEAR(area_m2(square(4.35, 50.83, 0.01)), reference, reference * 0.005);
    // Orientation does not matter.
    Polygon clockwise{{ring({{4.35, 50.83}, {4.35, 50.84}, {4.36, 50.84}, {4.36, 50.83}})}};
    EXPECT_NEAR(area_m2(clockwise), reference, reference * 0.005);
}

TEST(Area, LargeSquareAtTheEquator) {
    // 1 x 1 degree at the equator: 12,308,463,894 m2 by the same formula.
    const double reference = quadrangle_area(0, 0, 1, 1);
    EXPECT_NEAR(reference, 12308463893.975, 1.0);
    EXPECT_NEAR(area_m2(square(0, 0, 1)), reference, reference * 0.005);
}

TEST(Area, HolesAreSubtracted) {
    // Outer 0.01 degree square, hole 0.007 degree square inside it (384,007.9 m2).
    Polygon p{{test::square_ring(4.35, 50.83, 0.01), test::square_ring(4.351, 50.831, 0.007)}};
    const double outer = quadrangle_area(4.35, 50.83, 4.36, 50.84);
    const double hole = quadrangle_area(4.351, 50.831, 4.358, 50.838);
    EXPECT_NEAR(hole, 384007.925, 0.01);
    EXPECT_NEAR(area_m2(p), outer - hole, (outer - hole) * 0.005);
}

TEST(Area, MultiPolygonsAreSummed) {
    MultiPolygon mp{{square(4.35, 50.83, 0.01), square(4.40, 50.83, 0.01)}};
    const double each = quadrangle_area(4.35, 50.83, 4.36, 50.84);
    EXPECT_NEAR(area_m2(mp), 2 * each, 2 * each * 0.005);
}

TEST(Area, PointsHaveNone) {
    EXPECT_EQ(area_m2(point(4.35, 50.83)), 0.0);
}

// -- distances

TEST(Distance, KnownGeodesics) {
    // Reference values from PROJ's geod: echo "lat1 lon1 lat2 lon2" | geod +ellps=WGS84 -I
    EXPECT_NEAR(distance_m({0, 0}, {1, 0}), 111319.491, 0.001); // 1 degree along the equator
    EXPECT_NEAR(distance_m({0, 0}, {0, 1}), 110574.389, 0.001); // 1 degree along a meridian
    // Brussels, Grand-Place to Paris, Notre-Dame.
    EXPECT_NEAR(distance_m({4.3525, 50.8467}, {2.3499, 48.8530}), 264394.919, 0.001);
    EXPECT_EQ(distance_m({4.35, 50.83}, {4.35, 50.83}), 0.0);
    EXPECT_NEAR(distance_m({2.3499, 48.8530}, {4.3525, 50.8467}),
                distance_m({4.3525, 50.8467}, {2.3499, 48.8530}), 1e-6);
}

TEST(DistanceTo, PointGeometry) {
    EXPECT_NEAR(distance_to_m(point(0, 0), {1, 0}), 111319.491, 0.001);
}

TEST(DistanceTo, InsideAndOnTheBoundaryIsZero) {
    auto sq = square(4.35, 50.83, 0.01);
    EXPECT_EQ(distance_to_m(sq, {4.355, 50.835}), 0.0);
    EXPECT_EQ(distance_to_m(sq, {4.35, 50.835}), 0.0);
    EXPECT_EQ(distance_to_m(sq, {4.36, 50.84}), 0.0);
}

TEST(DistanceTo, OutsideIsTheDistanceToTheNearestEdge) {
    auto sq = square(4.35, 50.83, 0.01);
    // Due east of the east edge: the nearest point is straight across.
    Position east{4.37, 50.835};
    double expected = distance_m({4.36, 50.835}, east);
    EXPECT_NEAR(distance_to_m(sq, east), expected, expected * 0.005);
    // Due south of the south edge.
    Position south{4.352, 50.82};
    expected = distance_m({4.352, 50.83}, south);
    EXPECT_NEAR(distance_to_m(sq, south), expected, expected * 0.005);
    // Beyond a corner: the corner is nearest.
    Position corner{4.365, 50.845};
    expected = distance_m({4.36, 50.84}, corner);
    EXPECT_NEAR(distance_to_m(sq, corner), expected, expected * 0.005);
}

TEST(DistanceTo, NearestEdgeNotNearestVertex) {
    // A long thin rectangle: a point beside the middle of a long side is far from every vertex.
    Polygon strip{{ring({{4.30, 50.83}, {4.40, 50.83}, {4.40, 50.831}, {4.30, 50.831}})}};
    Position p{4.35, 50.84};
    double expected = distance_m({4.35, 50.831}, p); // about 1 km
    EXPECT_NEAR(distance_to_m(strip, p), expected, expected * 0.005);
}

TEST(DistanceTo, InsideAHoleMeasuresToTheHoleEdge) {
    Polygon p{{test::square_ring(4.35, 50.83, 0.01), test::square_ring(4.352, 50.832, 0.006)}};
    Position centre{4.355, 50.835};
    // 0.003 degrees to every hole edge: the east and west ones are nearer (longitude degrees
    // are shorter at 50.8 N).
    double expected = distance_m({4.358, 50.835}, centre);
    EXPECT_NEAR(distance_to_m(p, centre), expected, expected * 0.005);
}

TEST(DistanceTo, MultiPolygonUsesTheNearestPart) {
    MultiPolygon mp{{square(4.35, 50.83, 0.01), square(4.40, 50.83, 0.01)}};
    Position p{4.395, 50.835};
    double expected = distance_m({4.40, 50.835}, p);
    EXPECT_NEAR(distance_to_m(mp, p), expected, expected * 0.005);
    EXPECT_EQ(distance_to_m(mp, {4.405, 50.835}), 0.0);
}

// -- intersects

TEST(Intersects, BoxesAndAPolygon) {
    auto sq = square(0, 0, 10);
    EXPECT_TRUE(intersects(sq, BBox{2, 2, 3, 3}));      // box inside the polygon
    EXPECT_TRUE(intersects(sq, BBox{-5, -5, 20, 20}));  // polygon inside the box
    EXPECT_TRUE(intersects(sq, BBox{5, 5, 15, 15}));    // crossing
    EXPECT_TRUE(intersects(sq, BBox{10, 2, 12, 3}));    // touching an edge
    EXPECT_FALSE(intersects(sq, BBox{11, 11, 12, 12})); // disjoint
    EXPECT_FALSE(intersects(sq, BBox{-3, 2, -1, 3}));
}

TEST(Intersects, BoxInsideTheBoundingBoxButOutsideTheShape) {
    // A right triangle: its bounding box is the unit square, its shape is the lower-left half.
    Polygon triangle{{ring({{0, 0}, {1, 0}, {0, 1}})}};
    EXPECT_FALSE(intersects(triangle, BBox{0.8, 0.8, 0.9, 0.9}));
    EXPECT_TRUE(intersects(triangle, BBox{0.4, 0.4, 0.9, 0.9})); // crosses the hypotenuse
    // An L shape, box in its notch.
    Polygon l{{ring({{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}})}};
    EXPECT_FALSE(intersects(l, BBox{1.2, 1.2, 1.8, 1.8}));
    EXPECT_TRUE(intersects(l, BBox{0.2, 1.2, 0.8, 1.8}));
}

TEST(Intersects, BoxInsideAHole) {
    Polygon p{{test::square_ring(0, 0, 10), test::square_ring(2, 2, 6)}};
    EXPECT_FALSE(intersects(p, BBox{3, 3, 4, 4}));
    EXPECT_TRUE(intersects(p, BBox{1, 3, 4, 4}));
}

TEST(Intersects, PointsAndMultiPolygons) {
    EXPECT_TRUE(intersects(point(1, 1), BBox{0, 0, 2, 2}));
    EXPECT_TRUE(intersects(point(2, 2), BBox{0, 0, 2, 2}));
    EXPECT_FALSE(intersects(point(3, 1), BBox{0, 0, 2, 2}));
    MultiPolygon mp{{square(0, 0, 1), square(5, 0, 1)}};
    EXPECT_FALSE(intersects(mp, BBox{2, 0, 4, 1})); // between the parts
    EXPECT_TRUE(intersects(mp, BBox{5.5, 0.5, 7, 2}));
}

// -- bbox_around

TEST(BBoxAround, NeverTooSmall) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> lon(-170, 170), lat(-85, 85), az(-180, 180), frac(0, 1);
    std::uniform_real_distribution<double> log_radius(std::log(10.0), std::log(200000.0));
    for (int i = 0; i < 500; ++i) {
        Position c{lon(rng), lat(rng)};
        double r = std::exp(log_radius(rng));
        BBox box = bbox_around(c, r);
        ASSERT_FALSE(box.empty());
        for (int k = 0; k < 40; ++k) {
            // Half the points on the circle itself, where the box is tightest.
            double d = k % 2 ? r : r * frac(rng);
            Position p = destination(c, az(rng), d);
            ASSERT_TRUE(box.contains(BBox{p.lon, p.lat, p.lon, p.lat}))
                << "centre " << c.lon << "," << c.lat << " r=" << r << " point " << p.lon << ","
                << p.lat;
        }
    }
}

TEST(BBoxAround, IsNotWildlyLarge) {
    BBox b = bbox_around({4.35, 50.83}, 1000);
    double height_m = distance_m({4.35, b.min_lat}, {4.35, b.max_lat});
    double width_m = distance_m({b.min_lon, 50.83}, {b.max_lon, 50.83});
    EXPECT_GT(height_m, 2000);
    EXPECT_LT(height_m, 2100);
    EXPECT_GT(width_m, 2000);
    EXPECT_LT(width_m, 2100);
}

TEST(BBoxAround, CircleAroundAPole) {
    Position c{10, 89.9};
    BBox b = bbox_around(c, 50000); // the circle holds the pole
    EXPECT_EQ(b.max_lat, 90.0);
    EXPECT_EQ(b.min_lon, -180.0);
    EXPECT_EQ(b.max_lon, 180.0);
    for (double az = -180; az < 180; az += 7.5) {
        Position p = destination(c, az, 50000);
        EXPECT_TRUE(b.contains(BBox{p.lon, p.lat, p.lon, p.lat})) << az;
    }
}

TEST(BBoxAround, CircleAcrossTheAntimeridian) {
    // A circle at Fiji reaching over 180 degrees: the box cannot wrap, so it must widen.
    Position c{179.99, -17.7};
    const double r = 5000;
    BBox b = bbox_around(c, r);
    for (double az = -180; az < 180; az += 7.5) {
        Position p = destination(c, az, r);
        EXPECT_TRUE(b.contains(BBox{p.lon, p.lat, p.lon, p.lat}))
            << "azimuth " << az << " point " << p.lon << "," << p.lat;
    }
}

// -- representative_point

TEST(RepresentativePoint, ConvexPolygonGivesTheCentroid) {
    auto p = representative_point(square(4.35, 50.83, 0.01));
    EXPECT_NEAR(p.lon, 4.355, 1e-9);
    EXPECT_NEAR(p.lat, 50.835, 1e-9);
    EXPECT_EQ(representative_point(point(3, 4)), (Position{3, 4}));
}

TEST(RepresentativePoint, InsideAUShapedPolygon) {
    // The centroid (1.5, 1.36) falls in the notch of the U.
    Ring u = ring({{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}});
    auto p = representative_point(Polygon{{u}});
    EXPECT_TRUE(strictly_inside(u, p)) << p.lon << "," << p.lat;
    // Same shape, clockwise.
    Ring cw(u.rbegin(), u.rend());
    auto q = representative_point(Polygon{{cw}});
    EXPECT_TRUE(strictly_inside(u, q)) << q.lon << "," << q.lat;
}

TEST(RepresentativePoint, InsideOneOfTwoParts) {
    MultiPolygon mp{{square(0, 0, 1), square(5, 0, 1)}}; // centroid (3, 0.5) is between them
    auto p = representative_point(mp);
    EXPECT_TRUE(strictly_inside(test::square_ring(0, 0, 1), p) ||
                strictly_inside(test::square_ring(5, 0, 1), p))
        << p.lon << "," << p.lat;
}

TEST(RepresentativePoint, RingWithAHoleAroundTheCentroid) {
    Polygon p{{test::square_ring(0, 0, 10), test::square_ring(3, 3, 4)}};
    auto r = representative_point(p);
    EXPECT_TRUE(strictly_inside(p.rings[0], r) && !strictly_inside(p.rings[1], r) &&
                !(r.lon >= 3 && r.lon <= 7 && r.lat >= 3 && r.lat <= 7))
        << r.lon << "," << r.lat;
}

// -- validate

TEST(Validate, ReportsUnderThePointer) {
    FieldErrors errors;
    validate(square(0, 0, 1), "/geometry", errors);
    EXPECT_TRUE(errors.empty());
    validate(point(200, 0), "/a", errors);
    validate(Polygon{{ring({{0, 0}, {1, 1}, {1, 0}, {0, 1}})}}, "/b", errors);
    validate(Polygon{{Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}, "/c", errors); // not closed
    ASSERT_EQ(errors.list().size(), 3u);
    EXPECT_EQ(errors.list()[0].field, "/a");
    EXPECT_EQ(errors.list()[1].field, "/b");
    EXPECT_EQ(errors.list()[2].field, "/c");
}

} // namespace
} // namespace impetus::geo
