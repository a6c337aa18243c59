// GeoJSON geometry codec (RFC 7946): reading, writing and every structural error.

#include "geo/geojson.hpp"
#include "support/errors.hpp"
#include "support/shapes.hpp"

#include <gtest/gtest.h>
#include <random>

namespace impetus::geo {
namespace {

using nlohmann::json;
using test::field_names;
using test::message_for;
using test::ring;
using test::square;

std::optional<Geometry> read(const json& j, FieldErrors& errors) {
    return read_geometry(j, "/geometry", errors);
}

std::optional<Geometry> read(const char* text, FieldErrors& errors) {
    return read(json::parse(text), errors);
}

// Reads `text` and expects exactly one error, at `pointer`; returns its message.
std::string single_error(const char* text, const std::string& pointer) {
    FieldErrors errors;
    auto g = read(text, errors);
    EXPECT_FALSE(g.has_value()) << text;
    EXPECT_EQ(field_names(errors), std::vector<std::string>{pointer}) << text;
    return errors.list().empty() ? std::string() : errors.list().front().message;
}

TEST(GeoJsonRead, Point) {
    FieldErrors errors;
    auto g = read(R"({"type":"Point","coordinates":[3.0573,50.6292]})", errors);
    ASSERT_TRUE(g) << (errors.empty() ? "" : errors.list()[0].message);
    EXPECT_EQ(std::get<Point>(*g), (Point{{3.0573, 50.6292}}));
}

TEST(GeoJsonRead, PointWithAltitudeKeepsLonLat) {
    FieldErrors errors;
    auto g = read(R"({"type":"Point","coordinates":[3,50,21.5]})", errors);
    ASSERT_TRUE(g);
    EXPECT_EQ(std::get<Point>(*g), (Point{{3, 50}}));
}

TEST(GeoJsonRead, PolygonAndMultiPolygon) {
    FieldErrors errors;
    auto p = read(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]})", errors);
    ASSERT_TRUE(p);
    EXPECT_EQ(std::get<Polygon>(*p), square(0, 0, 1));
    auto mp = read(R"({"type":"MultiPolygon","coordinates":[
        [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
        [[[2,0],[3,0],[3,1],[2,1],[2,0]]]]})",
                   errors);
    ASSERT_TRUE(mp);
    EXPECT_EQ(std::get<MultiPolygon>(*mp), (MultiPolygon{{square(0, 0, 1), square(2, 0, 1)}}));
    EXPECT_TRUE(errors.empty());
}

TEST(GeoJsonRead, ClockwiseRingsAreAccepted) {
    // RFC 7946 3.1.6: parsers should not reject polygons that do not follow the right-hand rule.
    FieldErrors errors;
    auto g = read(R"({"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]})", errors);
    EXPECT_TRUE(g);
    EXPECT_TRUE(errors.empty());
}

TEST(GeoJsonRead, WrongTypes) {
    EXPECT_EQ(single_error(R"([1,2])", "/geometry"), "must be a GeoJSON geometry object");
    single_error(R"({"coordinates":[1,2]})", "/geometry/type");
    single_error(R"({"type":7,"coordinates":[1,2]})", "/geometry/type");
    auto m = single_error(R"({"type":"LineString","coordinates":[[0,0],[1,1]]})", "/geometry/type");
    EXPECT_NE(m.find("LineString"), std::string::npos);
    single_error(R"({"type":"Feature","coordinates":[1,2]})", "/geometry/type");
    single_error(R"({"type":"Point"})", "/geometry/coordinates");
}

TEST(GeoJsonRead, PositionErrors) {
    single_error(R"({"type":"Point","coordinates":[1]})", "/geometry/coordinates");
    single_error(R"({"type":"Point","coordinates":[1,2,3,4]})", "/geometry/coordinates");
    single_error(R"({"type":"Point","coordinates":"1,2"})", "/geometry/coordinates");
    single_error(R"({"type":"Point","coordinates":["1",2]})", "/geometry/coordinates");
    single_error(R"({"type":"Point","coordinates":[1,null]})", "/geometry/coordinates");
    single_error(R"({"type":"Point","coordinates":[true,2]})", "/geometry/coordinates");
}

TEST(GeoJsonRead, OutOfRangeCoordinates) {
    single_error(R"({"type":"Point","coordinates":[180.0001,0]})", "/geometry/coordinates/0");
    single_error(R"({"type":"Point","coordinates":[-181,0]})", "/geometry/coordinates/0");
    single_error(R"({"type":"Point","coordinates":[0,90.5]})", "/geometry/coordinates/1");
    single_error(R"({"type":"Point","coordinates":[0,-91]})", "/geometry/coordinates/1");
    // Latitude and longitude swapped: a common mistake, caught by the range.
    single_error(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,100],[0,0]]]})",
                 "/geometry/coordinates/0/2/1");
    FieldErrors errors;
    EXPECT_TRUE(read(R"({"type":"Point","coordinates":[-180,-90]})", errors));
    EXPECT_TRUE(read(R"({"type":"Point","coordinates":[180,90]})", errors));
    EXPECT_TRUE(errors.empty());
}

TEST(GeoJsonRead, RingStructure) {
    auto unclosed = single_error(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})",
                                 "/geometry/coordinates/0");
    EXPECT_NE(unclosed.find("first position"), std::string::npos) << unclosed;
    auto unclosed5 =
        single_error(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]})",
                     "/geometry/coordinates/0");
    EXPECT_EQ(unclosed5, unclosed);
    auto short_ring = single_error(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})",
                                   "/geometry/coordinates/0");
    EXPECT_NE(short_ring.find("four positions"), std::string::npos) << short_ring;
    single_error(R"({"type":"Polygon","coordinates":[]})", "/geometry/coordinates");
    single_error(R"({"type":"Polygon","coordinates":[[0,0],[1,0],[1,1],[0,0]]})",
                 "/geometry/coordinates/0/0");
    single_error(R"({"type":"Polygon","coordinates":[{"a":1}]})", "/geometry/coordinates/0");
    single_error(R"({"type":"MultiPolygon","coordinates":[]})", "/geometry/coordinates");
    single_error(R"({"type":"MultiPolygon","coordinates":[
        [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
        [[[2,0],[3,0],[3,1],[2,0]], [[2,0],[3,0],[2,0]]]]})",
                 "/geometry/coordinates/1/1");
}

TEST(GeoJsonRead, BowTieIsRejected) {
    // The ring crosses itself at (0.5, 0.5).
    auto m = single_error(R"({"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]})",
                          "/geometry");
    EXPECT_NE(m.find("invalid polygon"), std::string::npos) << m;
}

TEST(GeoJsonRead, PolygonWithAHoleIsAccepted) {
    FieldErrors errors;
    auto g = read(R"({"type":"Polygon","coordinates":[
        [[0,0],[10,0],[10,10],[0,10],[0,0]],
        [[2,2],[2,4],[4,4],[4,2],[2,2]]]})",
                  errors);
    ASSERT_TRUE(g) << errors.list()[0].message;
    EXPECT_EQ(std::get<Polygon>(*g).rings.size(), 2u);
}

TEST(GeoJsonRead, HoleOutsideItsShellIsRejected) {
    auto m = single_error(R"({"type":"Polygon","coordinates":[
        [[0,0],[10,0],[10,10],[0,10],[0,0]],
        [[20,2],[20,4],[22,4],[22,2],[20,2]]]})",
                          "/geometry");
    EXPECT_NE(m.find("invalid polygon"), std::string::npos) << m;
}

TEST(GeoJsonRead, OverlappingMultiPolygonPartsAreRejected) {
    single_error(R"({"type":"MultiPolygon","coordinates":[
        [[[0,0],[2,0],[2,2],[0,2],[0,0]]],
        [[[1,1],[3,1],[3,3],[1,3],[1,1]]]]})",
                 "/geometry");
}

TEST(GeoJsonRead, TopologyCheckCanBeSkipped) {
    FieldErrors errors;
    auto g = read_geometry(
        json::parse(R"({"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]})"), "",
        errors, false);
    EXPECT_TRUE(g);
    EXPECT_TRUE(errors.empty());
}

TEST(GeoJsonWrite, CompactText) {
    EXPECT_EQ(geometry_to_text(test::point(3.5, 50)), R"({"type":"Point","coordinates":[3.5,50]})");
    EXPECT_EQ(geometry_to_text(square(0, 0, 1)),
              R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]})");
    EXPECT_EQ(geometry_to_text(MultiPolygon{{square(0, 0, 1)}}),
              R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]})");
    EXPECT_STREQ(geometry_type_name(MultiPolygon{}), "MultiPolygon");
}

TEST(GeoJsonWrite, ShortestNumbers) {
    auto text = [](double v) {
        std::string s;
        append_number(s, v);
        return s;
    };
    EXPECT_EQ(text(0.1), "0.1");
    EXPECT_EQ(text(1.0), "1");
    EXPECT_EQ(text(-0.5), "-0.5");
    EXPECT_EQ(text(3.0573), "3.0573");
    EXPECT_EQ(text(1.0 / 3.0), "0.3333333333333333");
}

TEST(GeoJsonWrite, EveryNumberReadsBackEqual) {
    std::mt19937_64 rng(20240501);
    std::uniform_real_distribution<double> lon(-180, 180), lat(-90, 90);
    for (int i = 0; i < 2000; ++i) {
        Point p{{lon(rng), lat(rng)}};
        auto text = geometry_to_text(p);
        FieldErrors errors;
        auto back = read_geometry(json::parse(text), "", errors);
        ASSERT_TRUE(back) << text;
        ASSERT_EQ(std::get<Point>(*back), p) << text; // bit-exact
        ASSERT_EQ(geometry_from_text(text), Geometry(p));
    }
}

TEST(GeoJsonWrite, PolygonRoundTrip) {
    Polygon p{{ring({{4.351234567890123, 50.83},
                     {4.36, 50.830000000000005},
                     {4.36, 50.84},
                     {4.35, 50.84}}),
               ring({{4.352, 50.832}, {4.352, 50.834}, {4.354, 50.834}, {4.354, 50.832}})}};
    Geometry g = p;
    EXPECT_EQ(geometry_from_text(geometry_to_text(g)), g);
    FieldErrors errors;
    EXPECT_EQ(read_geometry(geometry_to_json(g), "", errors), g);
    EXPECT_TRUE(errors.empty());
}

// What the general reader (json::parse and read_geometry) makes of `text`.
Geometry general(std::string_view text) {
    FieldErrors errors;
    auto g = read_geometry(json::parse(text), "", errors, false);
    EXPECT_TRUE(g) << text;
    return g ? *g : Geometry{};
}

TEST(GeoJsonFromText, Points) {
    EXPECT_EQ(geometry_from_text(R"({"type":"Point","coordinates":[3.0573,50.6292]})"),
              Geometry(Point{{3.0573, 50.6292}}));
    EXPECT_EQ(geometry_from_text(R"({"type":"Point","coordinates":[-180,90,12.5]})"),
              Geometry(Point{{-180, 90}}));
    for (const char* text :
         {R"({"type":"Point","coordinates":[3,50]})",
          R"({"type":"Point","coordinates":[1e-7,-5E+1]})",
          R"({"type":"Point","coordinates":[0.1,0.30000000000000004]})",
          R"({"type":"Point","coordinates":[179.99999999999997,-89.99999999999999]})",
          " {\n \"coordinates\" : [ 3.5 , 50.25 ] ,\t\"type\":\"Point\" }\r\n",
          R"({"bbox":[3,50,3,50],"type":"Point","crs":{"a":[true,false,null,"x"]},)"
          R"("coordinates":[3,50]})"}) {
        EXPECT_EQ(geometry_from_text(text), general(text)) << text;
    }
}

TEST(GeoJsonFromText, MinusZeroReadsAsNlohmannReadsIt) {
    // nlohmann reads the integer -0 as 0 and the decimal -0.0 as -0.0; the text written back
    // (std::to_chars) shows the difference, so the dedicated reader must make the same choice.
    for (const char* text : {R"({"type":"Point","coordinates":[-0,-0.0]})",
                             R"({"type":"Point","coordinates":[-0e0,0]})"}) {
        const Geometry g = geometry_from_text(text);
        EXPECT_EQ(geometry_to_text(g), geometry_to_text(general(text))) << text;
    }
    EXPECT_EQ(geometry_to_text(geometry_from_text(R"({"type":"Point","coordinates":[-0,-0.0]})")),
              R"({"type":"Point","coordinates":[0,-0]})");
}

TEST(GeoJsonFromText, PolygonWithHoles) {
    const char* text = R"({"type":"Polygon","coordinates":[
        [[0,0],[10,0],[10,10],[0,10],[0,0]],
        [[1,1],[1,2],[2,2],[2,1],[1,1]],
        [[5,5],[5,6],[6,6],[6,5],[5,5]]]})";
    const Geometry g = geometry_from_text(text);
    ASSERT_TRUE(std::holds_alternative<Polygon>(g));
    EXPECT_EQ(std::get<Polygon>(g).rings.size(), 3u);
    EXPECT_EQ(std::get<Polygon>(g).rings[2][1], (Position{5, 6}));
    EXPECT_EQ(g, general(text));
}

TEST(GeoJsonFromText, MultiPolygons) {
    const char* text = R"({"type":"MultiPolygon","coordinates":[
        [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
        [[[2,0],[3,0],[3,1],[2,1],[2,0]],[[2.2,0.2],[2.2,0.4],[2.4,0.4],[2.4,0.2],[2.2,0.2]]]]})";
    const Geometry g = geometry_from_text(text);
    ASSERT_TRUE(std::holds_alternative<MultiPolygon>(g));
    EXPECT_EQ(std::get<MultiPolygon>(g).polygons.size(), 2u);
    EXPECT_EQ(std::get<MultiPolygon>(g).polygons[1].rings.size(), 2u);
    EXPECT_EQ(g, general(text));
    // The coordinates may come first: they are read once the type is known.
    const char* late = R"({"coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]],"type":"MultiPolygon"})";
    EXPECT_EQ(geometry_from_text(late), general(late));
}

TEST(GeoJsonFromText, RandomGeometriesReadBackExactly) {
    std::mt19937_64 rng(7946);
    std::uniform_real_distribution<double> lon(-180, 180), lat(-90, 90), size(1e-9, 1);
    for (int i = 0; i < 500; ++i) {
        MultiPolygon mp;
        for (int p = 0; p < 1 + i % 3; ++p) {
            Polygon poly;
            for (int r = 0; r < 1 + i % 2; ++r) {
                Ring ring;
                const double x = lon(rng) * 0.9, y = lat(rng) * 0.9, d = size(rng);
                ring = {{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}};
                poly.rings.push_back(ring);
            }
            mp.polygons.push_back(poly);
        }
        for (const Geometry& g : {Geometry(mp), Geometry(mp.polygons[0]),
                                  Geometry(Point{mp.polygons[0].rings[0][1]})}) {
            const std::string text = geometry_to_text(g);
            ASSERT_EQ(geometry_from_text(text), g) << text;
            ASSERT_EQ(geometry_to_text(geometry_from_text(text)), text);
        }
    }
}

TEST(GeoJsonFromText, BadTextSaysWhatAndWhere) {
    struct Case {
        const char* text;
        const char* says;
    };
    for (const auto& [text, says] : std::initializer_list<Case>{
             {"", "expected a GeoJSON geometry object at byte 0"},
             {R"({"type":"Point","coordinates":[3,50])", "expected ',' or '}' at byte 36"},
             {R"({"type":"Point","coordinates":[3]})", "two or three numbers"},
             {R"({"type":"Point","coordinates":[3,50,1,2]})", "two or three numbers"},
             {R"({"type":"Point","coordinates":[181,50]})", "longitude out of range"},
             {R"({"type":"Point","coordinates":[3,-91]})", "latitude out of range"},
             {R"({"type":"Point","coordinates":[03,50]})", "expected a number at byte 31"},
             {R"({"type":"Point","coordinates":[3.,50]})", "digits after the decimal point"},
             {R"({"type":"Point","coordinates":[1e999,50]})", "number out of range"},
             {R"({"type":"Point","coordinates":[NaN,50]})", "expected a number"},
             {R"({"type":"Point"})", "the coordinates are missing"},
             {R"({"coordinates":[3,50]})", "the type is missing"},
             {R"({"type":"LineString","coordinates":[[3,50],[4,51]]})", "not Point, Polygon"},
             {R"({"type":"Polygon","coordinates":[]})", "expected a linear ring"},
             {R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})", "at least four"},
             {R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})",
              "must end where it starts"},
             {R"({"type":"MultiPolygon","coordinates":[]})", "expected a polygon"},
             {R"({"type":"Point","coordinates":[3,50]} x)", "unexpected text after the geometry"},
         }) {
        auto e = test::catch_error([&] { geometry_from_text(text); });
        EXPECT_EQ(e.kind(), ErrorKind::storage) << text;
        EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << text << ": " << e.what();
    }
}

TEST(GeoJsonFromText, TextOnlyTheGeneralReaderTakesStillReads) {
    // Escapes in a member name and a byte-order mark are JSON the dedicated reader leaves to
    // json::parse.
    for (const char* text : {R"({"typ\u0065":"Point","coordinates":[3,50]})",
                             "\xEF\xBB\xBF{\"type\":\"Point\",\"coordinates\":[3,50]}"}) {
        EXPECT_EQ(geometry_from_text(text), Geometry(Point{{3, 50}})) << text;
    }
}

TEST(GeoJsonFromText, DamagedTextIsAStorageError) {
    for (const char* bad : {"", "{", "not json", R"({"type":"Point"})",
                            R"({"type":"Point","coordinates":[500,0]})"}) {
        auto e = test::catch_error([&] { geometry_from_text(bad); });
        EXPECT_EQ(e.kind(), ErrorKind::storage) << bad;
    }
}

} // namespace
} // namespace impetus::geo
