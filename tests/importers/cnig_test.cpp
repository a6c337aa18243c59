// French CNIG friches files: semicolon CSV, WKT geometry in WGS84 or Lambert-93 (EPSG:2154).

#include "geo/space_json.hpp"
#include "importers/support.hpp"

namespace impetus::importers {
namespace {

using test_support::find_row;
using test_support::StoreTest;
using test_support::test_data;

class CnigImport : public StoreTest {};

TEST_F(CnigImport, HandMadeFile) {
    ImportOptions o;
    o.file_name = "import-friches.csv";
    auto report = run_import(*store, workspace_id, test_data("import-friches.csv"), o);
    EXPECT_EQ(report.format, ImportFormat::cnig);
    EXPECT_EQ(report.source, "cnig:ddt-de-test");
    EXPECT_EQ(report.rows, 6u);
    EXPECT_EQ(report.created, 5u);
    EXPECT_EQ(report.ended, 1u);

    // FR-004 has no geometry at all.
    ASSERT_EQ(report.rejected.size(), 1u);
    EXPECT_EQ(report.rejected[0].reference, "FR-004");
    EXPECT_EQ(report.rejected[0].line, 5u);
    EXPECT_NE(report.rejected[0].reason.find("no geometry"), std::string::npos);

    // The perimeter is used when valid; its given surface is the area.
    auto usine = by_source_id(workspace_id, "FR-001");
    ASSERT_TRUE(usine);
    const auto& f = usine->fields;
    EXPECT_TRUE(std::holds_alternative<Polygon>(f.geometry));
    EXPECT_EQ(f.name, "Ancienne usine Dupont");
    EXPECT_EQ(f.address, "12 rue des Forges, Paris");
    EXPECT_EQ(f.kind, SpaceKind::building);
    EXPECT_EQ(f.building_type, BuildingType::industrial);
    EXPECT_EQ(f.vacancy, VacancyDegree::complete);
    EXPECT_EQ(f.condition, Condition::needs_repair);
    EXPECT_EQ(f.floor_area_m2, 2400.0);
    EXPECT_EQ(f.area_m2, 16750.0);
    EXPECT_FALSE(f.area_computed);
    EXPECT_EQ(f.notes, "Soil pollution: pollution suppos\u00e9e");
    EXPECT_EQ(f.source_attributes["comm_insee"], "75056");
    EXPECT_EQ(f.source_attributes["site_identif_date"], "2020-05-18");
    EXPECT_FALSE(f.source_attributes.contains("geomsurf"));
    EXPECT_EQ(usine->status, SpaceStatus::reported);

    // EWKT with SRID=2154, and Lambert-93 recognised from the values; expected positions from
    // `cs2cs EPSG:2154 EPSG:4326`.
    for (const char* id : {"FR-002", "FR-003"}) {
        auto s = by_source_id(workspace_id, id);
        ASSERT_TRUE(s) << id;
        const auto& p = std::get<Point>(s->fields.geometry).position;
        EXPECT_NEAR(p.lat, 48.85624814, 1e-6) << id;
        EXPECT_NEAR(p.lon, 2.34581196, 1e-6) << id;
    }
    auto gare = by_source_id(workspace_id, "FR-002");
    EXPECT_EQ(gare->status, SpaceStatus::ended); // "friche reconvertie"
    EXPECT_EQ(gare->fields.kind, SpaceKind::plot);
    EXPECT_FALSE(gare->fields.vacancy);
    EXPECT_FALSE(gare->fields.source_attributes.contains("bati_vacance")); // "NA" is missing

    auto entrepot = by_source_id(workspace_id, "FR-003");
    EXPECT_EQ(entrepot->fields.vacancy, VacancyDegree::partial);
    EXPECT_EQ(entrepot->fields.planned_future_use, "reconversion project");
    EXPECT_EQ(entrepot->fields.source_attributes["site_identif_date"], "2020-05-18");

    // An invalid perimeter falls back to the point, with a warning.
    auto papeterie = by_source_id(workspace_id, "FR-005");
    ASSERT_TRUE(papeterie);
    EXPECT_TRUE(std::holds_alternative<Point>(papeterie->fields.geometry));
    const auto* w = find_row(report.warnings, "FR-005");
    ASSERT_NE(w, nullptr);
    EXPECT_NE(w->reason.find("geomsurf"), std::string::npos);

    // Latitude-first WKT, as the schema's example writes it, is read the right way round.
    auto halle = by_source_id(workspace_id, "FR-006");
    ASSERT_TRUE(halle);
    EXPECT_EQ(std::get<Point>(halle->fields.geometry).position, (Position{2.3458, 48.8562}));
    EXPECT_EQ(halle->fields.name, "Halle du sch\u00e9ma");

    auto again = run_import(*store, workspace_id, test_data("import-friches.csv"), o);
    EXPECT_EQ(again.unchanged, 5u);
    EXPECT_EQ(again.created + again.updated, 0u);
}

TEST(CnigParse, CurrentSchemaKeyAndLongitudeLatitudeColumns) {
    ImportOptions o;
    o.file_name = "friches-2024.csv";
    auto p = parse_file(
        "site_id,site_nom,longitude,latitude\nS1,Halle,2.35,48.85\n,Vide,2.35,48.85\n", o);
    EXPECT_EQ(p.format, ImportFormat::cnig);
    EXPECT_EQ(p.source, "cnig:friches-2024");
    ASSERT_EQ(p.records.size(), 1u);
    EXPECT_EQ(p.records[0].fields.source_id, "S1");
    ASSERT_EQ(p.rejected.size(), 1u);
    EXPECT_EQ(p.rejected[0].reason, "site_id is empty");
}

TEST(CnigParse, SourceFromALongProducerFitsWhatTheApiTakes) {
    ImportOptions o;
    o.file_name = "friches.csv";
    const std::string producer(300, 'p');
    auto p = parse_file("site_id,site_nom,longitude,latitude,source_producteur\n"
                        "S1,Halle,2.35,48.85," + producer + "\n", o);
    EXPECT_EQ(p.source, "cnig:" + std::string(195, 'p'));
    ASSERT_EQ(p.records.size(), 1u);
    EXPECT_EQ(p.records[0].fields.source, p.source);
    // A space made of the record can be edited through the API later.
    EXPECT_NO_THROW(geo::read_space_fields(geo::space_writable_json(p.records[0].fields)));

    o.source = std::string(201, 's');
    EXPECT_THROW(parse_file("site_id,site_nom,longitude,latitude\nS1,Halle,2.35,48.85\n", o),
                 Error);
}

TEST(CnigParse, MissingKeyOrGeometryColumnRejectsTheFile) {
    ImportOptions o;
    o.format = ImportFormat::cnig;
    EXPECT_THROW(parse_file("site_nom;geompoint\nA;POINT(1 2)\n", o), Error);
    EXPECT_THROW(parse_file("site_numero;site_nom\nA;B\n", o), Error);
}

} // namespace
} // namespace impetus::importers
