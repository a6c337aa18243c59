// GeoJSON imports (RFC 7946): field validation shared with the API, ids and source names,
// rejected features with their lines, legacy crs, idempotent re-imports and our own export.

#include "geo/space_json.hpp"
#include "importers/support.hpp"
#include "support/errors.hpp"

namespace impetus::importers {
namespace {

using nlohmann::json;
using test_support::find_row;
using test_support::StoreTest;

ImportOptions named(const std::string& file_name) {
    ImportOptions o;
    o.file_name = file_name;
    return o;
}

// Every feature starts on its own line; the line numbers are asserted below.
const std::string k_collection = R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "id": "a1", "geometry": {"type": "Polygon", "coordinates": [[[-0.14, 50.82], [-0.139, 50.82], [-0.139, 50.821], [-0.14, 50.821], [-0.14, 50.82]]]}, "properties": {"name": "Yard", "kind": "plot", "owner_type": "public", "vacancy": "complete", "colour": "red", "survey": {"year": 2024}}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.15, 50.83]}, "properties": {"source_id": "b2", "title": "Old Shop", "id": "ignored"}},
{"type": "Feature", "id": "bowtie", "geometry": {"type": "Polygon", "coordinates": [[[-0.14, 50.82], [-0.13, 50.83], [-0.13, 50.82], [-0.14, 50.83], [-0.14, 50.82]]]}, "properties": {"name": "Bow tie"}},
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.15, 50.83]}, "properties": {"name": "No id"}},
{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[-0.12, 50.82], [-0.119, 50.82], [-0.119, 50.821], [-0.12, 50.82]]]}, "properties": {"ref": "r5"}},
{"type": "Feature", "id": 6, "geometry": {"type": "Point", "coordinates": [-0.15, 50.83]}, "properties": {"name": "Castle", "kind": "castle"}},
{"type": "Feature", "id": "far", "geometry": {"type": "Point", "coordinates": [200, 50.83]}, "properties": {"name": "Nowhere"}},
{"type": "Feature", "id": "ended", "geometry": {"type": "Point", "coordinates": [-0.16, 50.84]}, "properties": {"name": "Gone", "status": "ended"}}
]}
)";

class GeoJsonImport : public StoreTest {};

TEST_F(GeoJsonImport, ValidFeaturesAreImportedAndBadOnesReportedByLine) {
    auto report = run_import(*store, workspace_id, k_collection, named("sites.geojson"));
    EXPECT_EQ(report.format, ImportFormat::geojson);
    EXPECT_EQ(report.encoding, "utf-8");
    EXPECT_EQ(report.source, "geojson:sites");
    EXPECT_EQ(report.rows, 8u);
    EXPECT_EQ(report.created, 4u);
    EXPECT_EQ(report.ended, 1u);
    ASSERT_EQ(report.rejected.size(), 4u);

    const auto* bowtie = find_row(report.rejected, "bowtie");
    ASSERT_NE(bowtie, nullptr);
    EXPECT_EQ(bowtie->line, 4u);
    EXPECT_NE(bowtie->reason.find("geometry invalid polygon"), std::string::npos) << bowtie->reason;
    const auto* no_id = find_row(report.rejected, "feature 4");
    ASSERT_NE(no_id, nullptr);
    EXPECT_EQ(no_id->line, 5u);
    EXPECT_EQ(no_id->reason, "no id: give features an id or a source_id property so that "
                             "re-imports find them");
    const auto* castle = find_row(report.rejected, "6");
    ASSERT_NE(castle, nullptr);
    EXPECT_EQ(castle->line, 7u);
    EXPECT_NE(castle->reason.find("kind 'castle' is not one of"), std::string::npos);
    const auto* far = find_row(report.rejected, "far");
    ASSERT_NE(far, nullptr);
    EXPECT_EQ(far->line, 8u);
    EXPECT_NE(far->reason.find("longitude"), std::string::npos) << far->reason;

    auto yard = by_source_id(workspace_id, "a1");
    ASSERT_TRUE(yard);
    EXPECT_EQ(yard->fields.source, "geojson:sites");
    EXPECT_EQ(yard->fields.name, "Yard");
    EXPECT_EQ(yard->fields.owner_type, OwnerType::public_owner);
    EXPECT_EQ(yard->fields.vacancy, VacancyDegree::complete);
    EXPECT_TRUE(yard->fields.area_computed);
    EXPECT_GT(*yard->fields.area_m2, 7000.0);
    EXPECT_EQ(yard->fields.source_attributes,
              (json{{"colour", "red"}, {"survey", {{"year", 2024}}}}));
    EXPECT_EQ(yard->status, SpaceStatus::reported);

    // source_id wins over "id"; a "title" names it; a point is a building.
    auto shop = by_source_id(workspace_id, "b2");
    ASSERT_TRUE(shop);
    EXPECT_EQ(shop->fields.name, "Old Shop");
    EXPECT_EQ(shop->fields.kind, SpaceKind::building);
    EXPECT_EQ(shop->fields.source_attributes, (json{{"title", "Old Shop"}}));

    // "ref" as the id; no name at all: "Feature <n>"; a polygon is a plot.
    auto r5 = by_source_id(workspace_id, "r5");
    ASSERT_TRUE(r5);
    EXPECT_EQ(r5->fields.name, "Feature 5");
    EXPECT_EQ(r5->fields.kind, SpaceKind::plot);

    EXPECT_EQ(by_source_id(workspace_id, "ended")->status, SpaceStatus::ended);
}

TEST_F(GeoJsonImport, ReimportIsIdempotent) {
    run_import(*store, workspace_id, k_collection, named("sites.geojson"));
    auto again = run_import(*store, workspace_id, k_collection, named("sites.geojson"));
    EXPECT_EQ(again.created, 0u);
    EXPECT_EQ(again.updated, 0u);
    EXPECT_EQ(again.unchanged, 4u);
    EXPECT_EQ(count_spaces(workspace_id), 4u);
}

TEST_F(GeoJsonImport, OwnExportReimportsFaithfully) {
    run_import(*store, workspace_id, k_collection, named("sites.geojson"));
    auto shop = by_source_id(workspace_id, "b2");
    store->transition_space(workspace_id, shop->id, SpaceStatus::verified, "checked", {});

    std::string exported = R"({"type":"FeatureCollection","features":[)";
    bool first = true;
    for (const auto& s : all_spaces(workspace_id)) {
        if (!first) {
            exported += ",\n";
        }
        first = false;
        geo::append_space_feature(exported, s, "test");
    }
    exported += "]}";

    // Into the same workspace: every space is found again and nothing changes.
    auto same = run_import(*store, workspace_id, exported, named("export.geojson"));
    EXPECT_TRUE(same.rejected.empty()) << (same.rejected.empty() ? "" : same.rejected.front().reason);
    EXPECT_EQ(same.unchanged, 4u);
    EXPECT_EQ(same.created + same.updated, 0u);

    // Into another workspace: the same fields and statuses.
    Id other = make_workspace("other");
    auto copy = run_import(*store, other, exported, named("export.geojson"));
    EXPECT_EQ(copy.created, 4u);
    for (const auto& s : all_spaces(workspace_id)) {
        auto c = by_source_id(other, s.fields.source_id);
        ASSERT_TRUE(c) << s.fields.source_id;
        EXPECT_EQ(c->fields, s.fields) << s.fields.source_id;
        EXPECT_EQ(c->status, s.status) << s.fields.source_id;
    }
}

TEST_F(GeoJsonImport, DryRunWritesNothing) {
    ImportOptions o = named("sites.geojson");
    o.dry_run = true;
    auto report = run_import(*store, workspace_id, k_collection, o);
    EXPECT_EQ(report.created, 4u);
    EXPECT_EQ(count_spaces(workspace_id), 0u);
}

TEST_F(GeoJsonImport, StrictThrowsAndWritesNothing) {
    ImportOptions o = named("sites.geojson");
    o.strict = true;
    const Error e = test::catch_error([&] { run_import(*store, workspace_id, k_collection, o); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_STREQ(e.what(), "4 rows rejected; nothing was imported");
    ASSERT_FALSE(e.fields().empty());
    EXPECT_EQ(e.fields()[0].location, FieldLocation::line);
    EXPECT_EQ(e.fields()[0].line, 4u);
    EXPECT_EQ(count_spaces(workspace_id), 0u);
}

TEST_F(GeoJsonImport, ReferenceOutsideTheWorkspaceRejectsOnlyThatFeature) {
    const std::string text = R"({"type":"FeatureCollection","features":[
{"type":"Feature","id":"x1","geometry":{"type":"Point","coordinates":[-0.1,50.8]},"properties":{"name":"A","owner_organisation_id":999}},
{"type":"Feature","id":"x2","geometry":{"type":"Point","coordinates":[-0.1,50.8]},"properties":{"name":"B"}}]})";
    auto report = run_import(*store, workspace_id, text, named("refs.geojson"));
    EXPECT_EQ(report.created, 1u);
    ASSERT_EQ(report.rejected.size(), 1u);
    EXPECT_EQ(report.rejected[0].line, 2u);
    EXPECT_EQ(report.rejected[0].reference, "x1");
    EXPECT_NE(report.rejected[0].reason.find("owner_organisation_id 999"), std::string::npos);
}

TEST(GeoJsonParse, NotJsonOrNotGeoJsonRejectsTheFile) {
    for (const char* text : {"{\"type\": \"FeatureCollection\", \"features\": [\n{,}]}",
                             "{\"type\": \"Topology\"}", "{\"type\": \"FeatureCollection\"}",
                             "{\"type\": \"FeatureCollection\", \"features\": {}}"}) {
        SCOPED_TRACE(text);
        const Error e = test::catch_error([&] { parse_file(text, named("x.geojson")); });
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
        EXPECT_NE(e.hint().find("RFC 7946"), std::string::npos);
    }
    const Error syntax = test::catch_error([] {
        parse_file("{\"type\": \"FeatureCollection\",\n \"features\": [\n{,}]}", named("x.json"));
    });
    EXPECT_EQ(std::string(syntax.what()).rfind("the file is not valid JSON (line 3, byte ", 0), 0u)
        << syntax.what();
    ImportOptions forced = named("x.txt");
    forced.format = ImportFormat::geojson;
    EXPECT_THROW(parse_file("SiteReference,GeoX,GeoY\n", forced), Error);
}

// Nesting and numbers a double cannot hold are refused while the file is parsed, naming the
// place: nothing later walks a document deeper than the limit.
TEST(GeoJsonParse, DeepNestingAndHugeNumbersAreRefused) {
    std::string deep = "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": "
                       "\"Feature\", \"properties\": {\"x\": ";
    for (int i = 0; i < 20000; ++i) deep += "[";
    for (int i = 0; i < 20000; ++i) deep += "]";
    deep += "}, \"geometry\": null}]}";
    const Error too_deep = test::catch_error([&] { parse_file(deep, named("x.geojson")); });
    EXPECT_EQ(too_deep.kind(), ErrorKind::invalid_input);
    EXPECT_NE(std::string(too_deep.what()).find("deeper than 64 levels"), std::string::npos);
    ASSERT_EQ(too_deep.fields().size(), 1u);
    EXPECT_EQ(too_deep.fields()[0].field.rfind("/features/0/properties/x/0/0/", 0), 0u);
    const Error huge = test::catch_error([] {
        parse_file("{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", "
                   "\"properties\": {\"area\": 1e400}, \"geometry\": null}]}",
                   named("x.geojson"));
    });
    EXPECT_EQ(huge.kind(), ErrorKind::invalid_input);
    ASSERT_EQ(huge.fields().size(), 1u);
    EXPECT_EQ(huge.fields()[0].field, "/features/0/properties/area");
}

TEST(GeoJsonParse, SingleFeatureAndSharedSource) {
    auto p = parse_file(R"({"type":"Feature","id":7,"geometry":{"type":"Point",
        "coordinates":[2.35,48.85]},"properties":{"nom":"Halle","source":"osm"}})",
                        named("one.geojson"));
    ASSERT_EQ(p.records.size(), 1u);
    EXPECT_EQ(p.source, "osm");
    EXPECT_EQ(p.records[0].line, 1u);
    EXPECT_EQ(p.records[0].fields.source, "osm");
    EXPECT_EQ(p.records[0].fields.source_id, "7");
    EXPECT_EQ(p.records[0].fields.name, "Halle");

    ImportOptions given = named("one.geojson");
    given.source = "survey-2024";
    auto q = parse_file(R"({"type":"FeatureCollection","features":[
        {"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[2.35,48.85]},
         "properties":{"source":"osm"}}]})",
                        given);
    EXPECT_EQ(q.source, "survey-2024");
    ASSERT_EQ(q.records.size(), 1u);
    EXPECT_EQ(q.records[0].fields.source, "survey-2024");
    EXPECT_EQ(q.records[0].fields.source_attributes["source"], "osm");
}

TEST(GeoJsonParse, DuplicateIdsAreRejected) {
    auto p = parse_file(R"({"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[2.35,48.85]},"properties":{}},
{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[2.36,48.86]},"properties":{}}]})",
                        named("dup.geojson"));
    ASSERT_EQ(p.records.size(), 1u);
    ASSERT_EQ(p.rejected.size(), 1u);
    EXPECT_EQ(p.rejected[0].line, 3u);
    EXPECT_EQ(p.rejected[0].reason, "duplicate id a (first at line 2)");
}

TEST(GeoJsonParse, LegacyCrsIsTransformed) {
    // British National Grid easting/northing; expected values from `cs2cs EPSG:27700 EPSG:4326`.
    auto p = parse_file(R"({"type":"FeatureCollection",
        "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},
        "features":[{"type":"Feature","id":"g","geometry":{"type":"Point",
        "coordinates":[530800,104300]},"properties":{"name":"Grid"}}]})",
                        named("grid.geojson"));
    ASSERT_EQ(p.records.size(), 1u) << (p.rejected.empty() ? "" : p.rejected.front().reason);
    const auto& pos = std::get<Point>(p.records[0].fields.geometry).position;
    EXPECT_NEAR(pos.lat, 50.82347580, 1e-6);
    EXPECT_NEAR(pos.lon, -0.14433951, 1e-6);
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_NE(p.warnings[0].reason.find("27700"), std::string::npos);

    auto q = parse_file(R"({"type":"FeatureCollection",
        "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features":[{"type":"Feature","id":"g","geometry":{"type":"Point",
        "coordinates":[-0.14,50.82]},"properties":{}}]})",
                        named("crs84.geojson"));
    ASSERT_EQ(q.records.size(), 1u);
    EXPECT_EQ(std::get<Point>(q.records[0].fields.geometry).position, (Position{-0.14, 50.82}));
    EXPECT_TRUE(q.warnings.empty());
}

TEST(GeoJsonParse, Windows1252TextIsDecoded) {
    std::string text = "{\"type\":\"Feature\",\"id\":\"c\",\"geometry\":{\"type\":\"Point\","
                       "\"coordinates\":[2.35,48.85]},\"properties\":{\"name\":\"Caf\xE9\"}}";
    auto p = parse_file(text, named("cafe.geojson"));
    EXPECT_EQ(p.encoding, "windows-1252");
    ASSERT_EQ(p.records.size(), 1u);
    EXPECT_EQ(p.records[0].fields.name, "Caf\u00e9");
}

} // namespace
} // namespace impetus::importers
