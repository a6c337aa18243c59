// Coordinate transforms through PROJ.

#include "geo/crs.hpp"
#include "geo/measure.hpp"
#include "support/errors.hpp"

#include <gtest/gtest.h>

namespace impetus::geo {
namespace {

// Reference values from PROJ's command line tool, with the same database and without network
// grids (the deployment's setting):
//   echo "530000 180000" | cs2cs -d 8 EPSG:27700 EPSG:4326        -> 51.50399083 -0.12835394
//   echo "651409.903 313177.270" | cs2cs -d 8 EPSG:27700 EPSG:4326 -> 52.65797860 1.71605199
// The second is Ordnance Survey's worked example point (Caister water tower).
TEST(ToWgs84, BritishNationalGrid) {
    ToWgs84 t("EPSG:27700");
    Position london = t.transform(530000, 180000);
    EXPECT_LT(distance_m(london, {-0.12835394, 51.50399083}), 1.0)
        << london.lon << "," << london.lat;
    Position caister = t.transform(651409.903, 313177.270);
    EXPECT_LT(distance_m(caister, {1.71605199, 52.65797860}), 1.0)
        << caister.lon << "," << caister.lat;
}

TEST(ToWgs84, Wgs84IsTheIdentityInLonLatOrder) {
    ToWgs84 t("EPSG:4326");
    Position p = t.transform(4.35, 50.83); // x = longitude after normalisation
    EXPECT_NEAR(p.lon, 4.35, 1e-9);
    EXPECT_NEAR(p.lat, 50.83, 1e-9);
}

TEST(ToWgs84, UnknownCrsIsInvalidInput) {
    auto e = test::catch_error([] { ToWgs84 t("EPSG:99999999"); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    auto e2 = test::catch_error([] { ToWgs84 t("no such thing"); });
    EXPECT_EQ(e2.kind(), ErrorKind::invalid_input);
}

TEST(ToWgs84, UntransformablePointIsInvalidInput) {
    ToWgs84 t("EPSG:27700");
    auto e = test::catch_error([&] { t.transform(1e30, 1e30); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
}

} // namespace
} // namespace impetus::geo
