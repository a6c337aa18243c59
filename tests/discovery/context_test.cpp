// The context of a candidate on hand-made data: stops, parks, amenities, shops and the green
// area within 300 m (a union: overlaps count once, holes are left out).

#include "discovery/discovery.hpp"
#include "geo/measure.hpp"
#include "opl.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <numbers>

namespace impetus::discovery {
namespace {

using test::Opl;

constexpr double k_lon = 9.5;
constexpr double k_lat = 47.1;
constexpr double k_circle = std::numbers::pi * 300.0 * 300.0;

// Degrees for metres east and north of the centre; close enough to place things, the tests
// compare with geodesic measurements of the positions actually used.
double east(double m) {
    return k_lon + m / (111320.0 * std::cos(k_lat * std::numbers::pi / 180.0));
}
double north(double m) {
    return k_lat + m / 111195.0;
}

Candidate only(const DiscoveryResult& r) {
    EXPECT_EQ(r.candidates.size(), 1U);
    return r.candidates.empty() ? Candidate{} : r.candidates.front();
}

TEST(Context, NearestStopAmongNodesAndWays) {
    Opl opl;
    opl.node(k_lon, k_lat, {{"shop", "vacant"}});
    opl.node(east(400), k_lat, {{"highway", "bus_stop"}});
    opl.node(east(5000), k_lat, {{"railway", "station"}});
    opl.node(k_lon, north(150), {{"highway", "street_lamp"}}); // not a stop
    // a platform drawn as a short way: it counts at the mean of its nodes, 250 m north
    auto a = opl.node(east(-10), north(250)), b = opl.node(east(10), north(250));
    opl.way(10, {a, b}, {{"public_transport", "platform"}});
    const auto c = only(opl.discover());
    ASSERT_TRUE(c.context.nearest_stop_m);
    EXPECT_NEAR(*c.context.nearest_stop_m,
                geo::distance_m({k_lon, k_lat}, {(east(-10) + east(10)) / 2, north(250)}), 0.01);
}

TEST(Context, FarAndMissingStops) {
    Opl far;
    far.node(k_lon, k_lat, {{"shop", "vacant"}});
    far.node(east(30000), north(20000), {{"railway", "halt"}});
    const auto c = only(far.discover());
    ASSERT_TRUE(c.context.nearest_stop_m);
    EXPECT_NEAR(*c.context.nearest_stop_m,
                geo::distance_m({k_lon, k_lat}, {east(30000), north(20000)}), 0.01);

    Opl none;
    none.node(k_lon, k_lat, {{"shop", "vacant"}});
    const auto d = only(none.discover());
    EXPECT_FALSE(d.context.nearest_stop_m);
    EXPECT_FALSE(d.context.nearest_park_m);
    EXPECT_EQ(d.context.green_area_300m_m2, 0.0);
}

TEST(Context, AmenitiesAndShopsWithin500m) {
    Opl opl;
    opl.node(k_lon, k_lat, {{"shop", "vacant"}});
    opl.node(east(100), k_lat, {{"amenity", "cafe"}});
    opl.node(east(-300), k_lat, {{"amenity", "school"}});
    opl.node(k_lon, north(490), {{"amenity", "pub"}});
    opl.node(k_lon, north(520), {{"amenity", "pub"}});        // too far
    opl.node(east(50), k_lat, {{"amenity", "bench"}});         // street furniture
    opl.node(east(60), k_lat, {{"amenity", "waste_basket"}});  // street furniture
    opl.node(east(200), north(200), {{"shop", "bakery"}});
    opl.node(east(-200), north(-200), {{"shop", "vacant"}});   // a candidate, not a shop
    opl.rect(10, east(-50), north(-100), east(50), north(-50), {{"shop", "supermarket"}});
    const auto result = opl.discover();
    ASSERT_EQ(result.candidates.size(), 2U);
    const auto& c = result.candidates.front();
    EXPECT_EQ(c.context.amenities_500m, 3);
    EXPECT_EQ(c.context.shops_500m, 2);
}

TEST(Context, GreenAreaCoveringTheCircleCountsOnce) {
    Opl opl;
    opl.node(k_lon, k_lat, {{"shop", "vacant"}});
    // a wood over the whole circle, a park and grass overlapping it and each other
    opl.rect(10, east(-1000), north(-1000), east(1000), north(1000), {{"natural", "wood"}});
    opl.rect(11, east(-400), north(-400), east(400), north(400), {{"leisure", "park"}});
    opl.rect(12, east(-100), north(-500), east(500), north(100), {{"landuse", "grass"}});
    const auto c = only(opl.discover());
    // the equal-area 128-gon and the local frame: well within 0.1 %
    EXPECT_NEAR(c.context.green_area_300m_m2, k_circle, k_circle * 1e-3);
    ASSERT_TRUE(c.context.nearest_park_m);
    EXPECT_EQ(*c.context.nearest_park_m, 0.0); // inside the park
}

TEST(Context, GreenAreaHalfCircle) {
    Opl opl;
    opl.node(k_lon, k_lat, {{"shop", "vacant"}});
    opl.rect(10, k_lon, north(-1000), east(1000), north(1000), {{"landuse", "meadow"}});
    const auto c = only(opl.discover());
    EXPECT_NEAR(c.context.green_area_300m_m2, k_circle / 2, k_circle * 2e-3);
}

TEST(Context, GreenMultipolygonHoleIsNotGreen) {
    Opl opl;
    opl.node(k_lon, k_lat, {{"shop", "vacant"}});
    const double h0 = east(-50), h1 = east(50), v0 = north(-50), v1 = north(50);
    opl.rect(10, east(-2000), north(-2000), east(2000), north(2000));
    opl.rect(11, h0, v0, h1, v1);
    opl.relation(20, {{"w10", "outer"}, {"w11", "inner"}},
                 {{"type", "multipolygon"}, {"landuse", "forest"}});
    const auto c = only(opl.discover());
    const double hole = test::quadrangle_area(h0, v0, h1, v1);
    EXPECT_NEAR(c.context.green_area_300m_m2, k_circle - hole, k_circle * 1e-3);
}

TEST(Context, ManyVertexGreenIsClippedExactly) {
    // A wood whose boundary has hundreds of vertices (a circle of 2 km radius around the
    // candidate's east neighbour): the clipped and the exact result agree.
    Opl opl;
    opl.node(k_lon, k_lat, {{"shop", "vacant"}});
    std::vector<std::int64_t> ring;
    const int n = 720;
    for (int i = 0; i < n; ++i) {
        const double t = 2 * std::numbers::pi * i / n;
        ring.push_back(opl.node(east(2100 + 2000 * std::cos(t)), north(2000 * std::sin(t))));
    }
    ring.push_back(ring.front());
    opl.way(10, ring, {{"natural", "wood"}});
    const auto c = only(opl.discover());
    // The lens where the circle of 300 m around the candidate meets the wood's circle of 2 km
    // whose centre is 2.1 km away (the area of intersection of two circles).
    const double r = 300.0, big = 2000.0, d = 2100.0;
    const double segment =
        r * r * std::acos((d * d + r * r - big * big) / (2 * d * r)) +
        big * big * std::acos((d * d + big * big - r * r) / (2 * d * big)) -
        0.5 * std::sqrt((-d + r + big) * (d + r - big) * (d - r + big) * (d + r + big));
    EXPECT_NEAR(c.context.green_area_300m_m2, segment, segment * 0.01);
}

TEST(Context, NearestParkEdge) {
    Opl opl;
    opl.node(k_lon, k_lat, {{"shop", "vacant"}});
    opl.rect(10, east(600), north(-100), east(900), north(100), {{"leisure", "park"}});
    opl.node(east(-2000), k_lat, {{"leisure", "park"}});
    const auto c = only(opl.discover());
    ASSERT_TRUE(c.context.nearest_park_m);
    EXPECT_NEAR(*c.context.nearest_park_m, geo::distance_m({k_lon, k_lat}, {east(600), k_lat}),
                0.5);
}

TEST(Context, ScoresFollowTheContext) {
    Opl busy;
    busy.node(k_lon, k_lat, {{"shop", "vacant"}});
    busy.node(east(50), k_lat, {{"highway", "bus_stop"}});
    for (int i = 0; i < 25; ++i) {
        busy.node(east(10 * i), north(20), {{"amenity", "cafe"}});
        busy.node(east(10 * i), north(-20), {{"shop", "clothes"}});
    }
    Opl remote;
    remote.node(k_lon, k_lat, {{"shop", "vacant"}});
    remote.node(east(5000), k_lat, {{"highway", "bus_stop"}});
    const auto b = only(busy.discover());
    const auto r = only(remote.discover());
    EXPECT_GT(b.suitability.value, r.suitability.value);
    // no green and no park around either: full need
    EXPECT_EQ(b.greening.factors[0].name, "green_deficit");
    EXPECT_EQ(b.greening.factors[0].normalised, 1.0);
    double sum = 0;
    for (const auto& f : b.suitability.factors) sum += f.contribution;
    EXPECT_NEAR(sum, b.suitability.value, 1e-9);
    EXPECT_NEAR(b.suitability.value, 100.0 * (0.30 + 0.20 + 0.15 + 0.25 * 1.0 + 0.10 * 0.5), 1e-9);
}

} // namespace
} // namespace impetus::discovery
