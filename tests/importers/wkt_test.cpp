// The WKT reader used for CNIG friches geometry (OGC 06-103r4 section 7).

#include "importers/wkt.hpp"

#include <gtest/gtest.h>

namespace impetus::importers {
namespace {

TEST(Wkt, Point) {
    std::string err;
    auto w = read_wkt("POINT(2.3458 48.8562)", err);
    ASSERT_TRUE(w) << err;
    EXPECT_FALSE(w->srid);
    EXPECT_EQ(std::get<Point>(w->geometry).position, (Position{2.3458, 48.8562}));
}

TEST(Wkt, PointWithSridAndZ) {
    std::string err;
    auto w = read_wkt(" srid=2154; point z ( 652000 6862000 35 ) ", err);
    ASSERT_TRUE(w) << err;
    EXPECT_EQ(w->srid, 2154);
    EXPECT_EQ(std::get<Point>(w->geometry).position, (Position{652000, 6862000}));
}

TEST(Wkt, PolygonWithHole) {
    std::string err;
    auto w = read_wkt("POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))", err);
    ASSERT_TRUE(w) << err;
    const auto& p = std::get<Polygon>(w->geometry);
    ASSERT_EQ(p.rings.size(), 2u);
    EXPECT_EQ(p.rings[0].size(), 5u);
    EXPECT_EQ(p.rings[1][1], (Position{3, 2}));
}

TEST(Wkt, MultiPolygon) {
    std::string err;
    auto w = read_wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))", err);
    ASSERT_TRUE(w) << err;
    EXPECT_EQ(std::get<MultiPolygon>(w->geometry).polygons.size(), 2u);
}

TEST(Wkt, Errors) {
    std::string err;
    EXPECT_FALSE(read_wkt("LINESTRING(0 0, 1 1)", err));
    EXPECT_NE(err.find("LINESTRING"), std::string::npos);
    EXPECT_FALSE(read_wkt("POINT EMPTY", err));
    EXPECT_FALSE(read_wkt("POINT(1)", err));
    EXPECT_FALSE(read_wkt("POINT(1 2", err));
    EXPECT_FALSE(read_wkt("POLYGON((49.33 3.95, 49.38 3.89, ...))", err));
    EXPECT_FALSE(read_wkt("POINT(1 2) trailing", err));
    EXPECT_FALSE(read_wkt("", err));
}

TEST(Wkt, SridBeyondAnIntIsRefused) {
    std::string err;
    EXPECT_FALSE(read_wkt("SRID=4E32;POINT(1 2)", err));
    EXPECT_EQ(err, "SRID is out of range");
    EXPECT_FALSE(read_wkt("SRID=-1e300;POINT(1 2)", err));
    EXPECT_EQ(err, "SRID is out of range");
}

} // namespace
} // namespace impetus::importers
