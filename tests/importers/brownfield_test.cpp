// England brownfield land registers: the real Brighton & Hove register (Windows-1252, CRLF with
// LF inside quoted cells, GeoY before GeoX, DD/MM/YYYY dates), a hand-made 2017-layout file in
// OSGB36 eastings/northings, and a hand-made file of broken rows, all into a real SQLite store.

#include "geo/measure.hpp"
#include "importers/support.hpp"

#include <algorithm>
#include <cmath>

namespace impetus::importers {
namespace {

using test_support::find_row;
using test_support::StoreTest;
using test_support::test_data;

const std::string k_brighton =
    std::string(IMPETUS_SHARED_DATA) + "/brownfield/brighton-and-hove.csv";

ImportOptions options_for(const std::string& file_name) {
    ImportOptions o;
    o.file_name = file_name;
    return o;
}

class BrightonRegister : public StoreTest {
  protected:
    void SetUp() override {
        StoreTest::SetUp();
        if (std::filesystem::exists(k_brighton)) {
            bytes = test_support::read_bytes(k_brighton);
        }
    }
    std::string bytes;
};

TEST_F(BrightonRegister, ImportsEveryRowWithPositionsAndText) {
    IMPETUS_REQUIRE_SHARED_FILE(k_brighton);
    auto report = run_import(*store, workspace_id, bytes, options_for("brighton-and-hove.csv"));

    EXPECT_EQ(report.format, ImportFormat::brownfield);
    EXPECT_EQ(report.encoding, "windows-1252");
    EXPECT_EQ(report.source, "brownfield:brighton-and-hove");
    EXPECT_EQ(report.rows, 172u);
    EXPECT_EQ(report.created, 172u);
    EXPECT_EQ(report.updated, 0u);
    EXPECT_EQ(report.unchanged, 0u);
    EXPECT_TRUE(report.rejected.empty()) << report.rejected.front().reason;
    EXPECT_EQ(report.ended, 13u);
    EXPECT_EQ(count_spaces(workspace_id), 172u);
    EXPECT_EQ(count_spaces(workspace_id, SpaceStatus::ended), 13u);
    EXPECT_EQ(count_spaces(workspace_id, SpaceStatus::verified), 159u);

    // The one outlier (a typo in GeoY) is reported, not rejected, and nothing else is.
    const auto* far = find_row(report.warnings, "SHLAA6165");
    ASSERT_NE(far, nullptr);
    EXPECT_NE(far->reason.find("km from the median position"), std::string::npos) << far->reason;
    EXPECT_GT(far->line, 1u);
    EXPECT_EQ(report.warnings.size(), 1u);

    const Position brighton{-0.14, 50.83};
    std::size_t near = 0;
    for (const auto& s : all_spaces(workspace_id)) {
        ASSERT_TRUE(std::holds_alternative<Point>(s.fields.geometry));
        const auto& p = std::get<Point>(s.fields.geometry).position;
        // Within the United Kingdom (the register's GeoX is longitude, GeoY latitude).
        EXPECT_GT(p.lat, 49.8) << s.fields.source_id;
        EXPECT_LT(p.lat, 60.9) << s.fields.source_id;
        EXPECT_GT(p.lon, -8.7) << s.fields.source_id;
        EXPECT_LT(p.lon, 1.8) << s.fields.source_id;
        if (geo::distance_m(brighton, p) < 15000.0) {
            ++near;
        }
        EXPECT_EQ(s.fields.kind, SpaceKind::plot);
        EXPECT_EQ(s.fields.source, "brownfield:brighton-and-hove");
    }
    EXPECT_EQ(near, 171u);
}

TEST_F(BrightonRegister, FieldsOfKnownRows) {
    IMPETUS_REQUIRE_SHARED_FILE(k_brighton);
    run_import(*store, workspace_id, bytes, options_for("brighton-and-hove.csv"));

    auto oakley = by_source_id(workspace_id, "BLR0001");
    ASSERT_TRUE(oakley);
    const auto& f = oakley->fields;
    EXPECT_EQ(f.name, "Oakley House Leicester Street Brighton");
    EXPECT_EQ(std::get<Point>(f.geometry).position, (Position{-0.128851, 50.822008}));
    ASSERT_TRUE(f.area_m2);
    EXPECT_DOUBLE_EQ(*f.area_m2, 800.0);
    EXPECT_FALSE(f.area_computed);
    EXPECT_EQ(f.owner_type, OwnerType::public_owner);
    EXPECT_EQ(f.planned_future_use, "Housing: 5 dwellings; planning: not permissioned");
    EXPECT_EQ(oakley->status, SpaceStatus::verified);
    EXPECT_EQ(f.source_attributes["FirstAddedDate"], "2018-12-17");
    EXPECT_EQ(f.source_attributes["LastUpdatedDate"], "2019-12-09");
    EXPECT_EQ(f.source_attributes["GeoY"], "50.822008");
    EXPECT_FALSE(f.source_attributes.contains("EndDate")); // empty cells are left out
    EXPECT_FALSE(f.source_attributes.contains("PermissionType"));

    auto marmion = by_source_id(workspace_id, "PP4588");
    ASSERT_TRUE(marmion);
    EXPECT_EQ(marmion->fields.owner_type, OwnerType::private_owner);
    EXPECT_EQ(marmion->fields.planned_future_use,
              "Housing: at least 5 dwellings; planning: permissioned (full planning permission)");
    const auto& history = marmion->fields.source_attributes["PlanningHistory"];
    ASSERT_TRUE(history.is_array());
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].get<std::string>().rfind("https://planningapps.brighton-hove.gov.uk/", 0),
              0u);
    EXPECT_EQ(marmion->fields.source_attributes["PermissionDate"], "2015-11-03");

    // Windows-1252 text decoded to UTF-8.
    auto cafe = by_source_id(workspace_id, "SHLAA6174");
    ASSERT_TRUE(cafe);
    EXPECT_NE(cafe->fields.notes.find("caf\u00e9 (A3)"), std::string::npos) << cafe->fields.notes;
    EXPECT_EQ(cafe->status, SpaceStatus::ended);
    EXPECT_EQ(cafe->fields.source_attributes["EndDate"], "2019-03-31");
    auto vyes = by_source_id(workspace_id, "SHLAA2001");
    ASSERT_TRUE(vyes);
    EXPECT_EQ(vyes->fields.name, "Vye\u2019s 19-27 Carlton Terrace Portslade");
    auto barracks = by_source_id(workspace_id, "SHLAA0014");
    ASSERT_TRUE(barracks);
    EXPECT_NE(barracks->fields.notes.find("DA3 \u2013 Lewes Road"), std::string::npos);
    // A trailing no-break space is trimmed.
    auto flats = by_source_id(workspace_id, "SHLAA0930");
    ASSERT_TRUE(flats);
    EXPECT_EQ(flats->fields.notes,
              "Complete Demolition of existing house and erection of 7no flats");

    // Multi-line notes keep their line breaks; a name cell's trailing line break goes.
    auto railway = by_source_id(workspace_id, "SHLAA0180");
    ASSERT_TRUE(railway);
    EXPECT_NE(railway->fields.notes.find("railway yard and\nindustrial site"), std::string::npos);
    auto hospital = by_source_id(workspace_id, "SHLAA6199");
    ASSERT_TRUE(hospital);
    EXPECT_EQ(hospital->fields.name, "Royal Sussex County Hospital Outpatients Department");
    EXPECT_EQ(hospital->fields.address, "Royal Sussex County Hospital Outpatients Department");
}

TEST_F(BrightonRegister, ReimportIsIdempotentAndAChangedRowUpdates) {
    IMPETUS_REQUIRE_SHARED_FILE(k_brighton);
    auto opts = options_for("brighton-and-hove.csv");
    run_import(*store, workspace_id, bytes, opts);

    auto again = run_import(*store, workspace_id, bytes, opts);
    EXPECT_EQ(again.created, 0u);
    EXPECT_EQ(again.updated, 0u);
    EXPECT_EQ(again.unchanged, 172u);
    EXPECT_EQ(count_spaces(workspace_id), 172u);

    std::string changed = bytes;
    const std::string from = "Oakley House Leicester Street Brighton";
    auto at = changed.find(from);
    ASSERT_NE(at, std::string::npos);
    changed.replace(at, from.size(), "Oakley House Leicester Street Brighton BN2");
    auto third = run_import(*store, workspace_id, changed, opts);
    EXPECT_EQ(third.created, 0u);
    EXPECT_EQ(third.updated, 1u);
    EXPECT_EQ(third.unchanged, 171u);
    EXPECT_EQ(by_source_id(workspace_id, "BLR0001")->fields.name,
              "Oakley House Leicester Street Brighton BN2");
}

TEST_F(BrightonRegister, DryRunWritesNothing) {
    IMPETUS_REQUIRE_SHARED_FILE(k_brighton);
    auto opts = options_for("brighton-and-hove.csv");
    opts.dry_run = true;
    auto report = run_import(*store, workspace_id, bytes, opts);
    EXPECT_TRUE(report.dry_run);
    EXPECT_EQ(report.created, 172u);
    EXPECT_EQ(report.ended, 13u);
    EXPECT_EQ(count_spaces(workspace_id), 0u);
    EXPECT_EQ(to_json(report)["dry_run"], true);
}

// ---------------------------------------------------------------------------------------------

class Brownfield2017 : public StoreTest {};

TEST_F(Brownfield2017, Osgb36EastingsNorthingsWindows1252AndDmyDates) {
    auto report = run_import(*store, workspace_id, test_data("import-brownfield-2017.csv"),
                             options_for("import-brownfield-2017.csv"));
    EXPECT_EQ(report.encoding, "windows-1252");
    EXPECT_EQ(report.source, "brownfield:example-district");
    EXPECT_EQ(report.rows, 3u);
    EXPECT_EQ(report.created, 3u);
    EXPECT_TRUE(report.rejected.empty());

    // Expected positions from `cs2cs EPSG:27700 EPSG:4326` (PROJ, no network grids).
    struct Expect {
        const char* ref;
        double lat, lon;
    };
    for (auto e :
         {Expect{"EX001", 50.82347580, -0.14433951}, Expect{"EX002", 50.83072203, -0.20511482},
          Expect{"EX003", 50.81746757, -0.10624666}}) {
        auto s = by_source_id(workspace_id, e.ref);
        ASSERT_TRUE(s) << e.ref;
        const auto& p = std::get<Point>(s->fields.geometry).position;
        EXPECT_NEAR(p.lat, e.lat, 1e-6) << e.ref;
        EXPECT_NEAR(p.lon, e.lon, 1e-6) << e.ref;
    }

    auto cafe = by_source_id(workspace_id, "EX001");
    const auto& f = cafe->fields;
    EXPECT_EQ(f.name, "Old Caf\u00e9, 12 North Street");
    EXPECT_EQ(f.address, "Old Caf\u00e9, 12 North Street, Brighton");
    EXPECT_EQ(f.notes, "Rent \u00a3 per year; owner\u2019s agent");
    EXPECT_DOUBLE_EQ(*f.area_m2, 2500.0);
    EXPECT_EQ(f.owner_type, OwnerType::public_owner);
    EXPECT_EQ(f.planned_future_use,
              "Housing: 10\u201315 dwellings; planning: permissioned (full planning permission)");
    EXPECT_EQ(f.source_attributes["PermissionDate"], "2017-06-01");
    EXPECT_EQ(f.source_attributes["FirstAddedDate"], "2017-11-30");
    EXPECT_EQ(f.source_attributes["DevelopmentDescription"], "Flats \u2013 3 storeys");
    EXPECT_EQ(f.source_attributes["CoordinateReferenceSystem"], "OSGB36");
    EXPECT_EQ(f.source_attributes["MinNetDwellings"], "10");
    EXPECT_EQ(f.source_attributes["SiteReference"], "EX001"); // header " siteReference " matched
    EXPECT_EQ(f.source_attributes["PlanningHistory"],
              (nlohmann::json{"http://example.org/app/1", "http://example.org/app/2"}));

    auto hove = by_source_id(workspace_id, "EX002");
    EXPECT_EQ(hove->fields.owner_type, OwnerType::mixed);
    EXPECT_EQ(hove->fields.planned_future_use,
              "Housing: at least 40 dwellings; planning: not permissioned");
    EXPECT_EQ(hove->fields.source_attributes["PreviouslyPartOf"], "EX000");
    // An unreadable date other than EndDate is kept as written, with a warning.
    EXPECT_EQ(hove->fields.source_attributes["LastUpdatedDate"], "Dec 2017");
    const auto* w = find_row(report.warnings, "EX002");
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->line, 4u); // EX001's name cell spans lines 2 and 3
    EXPECT_NE(w->reason.find("LastUpdatedDate 'Dec 2017'"), std::string::npos);

    auto yard = by_source_id(workspace_id, "EX003");
    EXPECT_EQ(yard->fields.owner_type, OwnerType::private_owner);
    EXPECT_FALSE(yard->fields.area_m2);
    EXPECT_EQ(yard->fields.planned_future_use,
              "Housing: 5 dwellings; planning: pending decision (outline planning permission)");
}

TEST_F(Brownfield2017, SourceOverrideAndLabelFallback) {
    ImportOptions o = options_for("import-brownfield-2017.csv");
    o.source = "brownfield:custom";
    o.dry_run = true;
    EXPECT_EQ(run_import(*store, workspace_id, test_data("import-brownfield-2017.csv"), o).source,
              "brownfield:custom");

    const std::string label_only = "OrganisationLabel,SiteReference,GeoX,GeoY\n"
                                   "Brighton & Hove City Council,A1,-0.14,50.83\n";
    auto p = parse_file(label_only, options_for("x.csv"));
    EXPECT_EQ(p.source, "brownfield:brighton-hove-city-council");
    auto q = parse_file("SiteReference,GeoX,GeoY\nA1,-0.14,50.83\n", options_for("dir/reg.csv"));
    EXPECT_EQ(q.source, "brownfield:reg");
}

// ---------------------------------------------------------------------------------------------

class BrokenRegister : public StoreTest {};

TEST_F(BrokenRegister, EachBadRowIsReportedWithLineAndReasonAndTheGoodOnesImported) {
    auto report = run_import(*store, workspace_id, test_data("import-brownfield-broken.csv"),
                             options_for("import-brownfield-broken.csv"));
    EXPECT_EQ(report.encoding, "utf-8-bom");
    EXPECT_EQ(report.source, "brownfield:example");
    EXPECT_EQ(report.rows, 10u);   // line 14 is swallowed by the unclosed quote on line 13
    EXPECT_EQ(report.created, 4u); // GOOD1, GOOD2, GOOD3, SHORT
    EXPECT_EQ(report.ended, 1u);
    EXPECT_EQ(count_spaces(workspace_id), 4u);

    auto expect_rejected = [&](const std::string& ref, std::size_t line, const std::string& part) {
        auto it = std::find_if(report.rejected.begin(), report.rejected.end(),
                               [&](const RejectedRow& r) { return r.line == line; });
        ASSERT_NE(it, report.rejected.end()) << "line " << line;
        EXPECT_EQ(it->reference, ref);
        EXPECT_NE(it->reason.find(part), std::string::npos) << it->reason;
    };
    ASSERT_EQ(report.rejected.size(), 6u);
    expect_rejected("BADXY", 3, "GeoY 'abc' is not a number");
    expect_rejected("BADEND", 4, "EndDate '31/02/2019' is not a date");
    expect_rejected("GOOD1", 5, "duplicate SiteReference GOOD1 (first on line 2)");
    expect_rejected("TOOMANY", 6, "has 10 fields, the header has 9");
    expect_rejected("FARAWAY", 10, "neither WGS84 degrees nor British National Grid");
    expect_rejected("TRUNC", 13, "quoted field opened on line 13 is not closed");

    // The first GOOD1 is the one kept.
    EXPECT_EQ(by_source_id(workspace_id, "GOOD1")->fields.name, "1 Good Street");
    auto good2 = by_source_id(workspace_id, "GOOD2");
    ASSERT_TRUE(good2);
    EXPECT_EQ(good2->fields.notes, "first line\nsecond line");
    EXPECT_EQ(by_source_id(workspace_id, "GOOD3")->status, SpaceStatus::ended);
    // A row short of trailing fields is read with them empty, and said so.
    const auto* short_row = find_row(report.warnings, "SHORT");
    ASSERT_NE(short_row, nullptr);
    EXPECT_EQ(short_row->line, 12u);
    EXPECT_NE(short_row->reason.find("has 5 fields, the header has 9"), std::string::npos);
}

TEST_F(BrokenRegister, StrictThrowsAndWritesNothing) {
    const std::string good = "SiteReference,GeoX,GeoY\nA1,-0.14,50.83\n";
    run_import(*store, workspace_id, good, options_for("good.csv"));
    ASSERT_EQ(count_spaces(workspace_id), 1u);

    ImportOptions o = options_for("import-brownfield-broken.csv");
    o.strict = true;
    try {
        run_import(*store, workspace_id, test_data("import-brownfield-broken.csv"), o);
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
        EXPECT_STREQ(e.what(), "6 rows rejected; nothing was imported");
        ASSERT_EQ(e.fields().size(), 6u);
        EXPECT_EQ(e.fields()[0].location, FieldLocation::line);
        EXPECT_EQ(e.fields()[0].line, 3u);
        EXPECT_EQ(e.fields()[0].message.rfind("BADXY: ", 0), 0u) << e.fields()[0].message;
        EXPECT_NE(e.fields()[0].message.find("GeoY 'abc'"), std::string::npos);
        EXPECT_FALSE(e.hint().empty());
    }
    EXPECT_EQ(count_spaces(workspace_id), 1u);
}

TEST_F(BrokenRegister, MissingRequiredColumnRejectsTheFile) {
    try {
        parse_file("SiteReference,Easting,GeoY\nA1,1,2\n", options_for("x.csv"));
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
        EXPECT_NE(std::string(e.what()).find("GeoX"), std::string::npos) << e.what();
        ASSERT_EQ(e.fields().size(), 1u);
        EXPECT_EQ(e.fields()[0].field, "GeoX");
    }
}

TEST_F(BrokenRegister, NothingAcceptedStillReports) {
    auto report = run_import(*store, workspace_id, "SiteReference,GeoX,GeoY\nA1,x,y\n",
                             options_for("bad.csv"));
    EXPECT_EQ(report.rows, 1u);
    EXPECT_EQ(report.created, 0u);
    ASSERT_EQ(report.rejected.size(), 1u);
    EXPECT_EQ(report.rejected[0].line, 2u);
    EXPECT_EQ(count_spaces(workspace_id), 0u);
}

TEST(BrownfieldParse, GridReferencesWithoutACrsColumnAndSemicolons) {
    ImportOptions o;
    o.file_name = "grid.csv";
    auto p = parse_file("SiteReference;GeoX;GeoY;Hectares\nG1;530800;104300;abc\n", o);
    ASSERT_EQ(p.records.size(), 1u);
    const auto& pos = std::get<Point>(p.records[0].fields.geometry).position;
    EXPECT_NEAR(pos.lat, 50.82347580, 1e-6);
    EXPECT_NEAR(pos.lon, -0.14433951, 1e-6);
    EXPECT_EQ(p.records[0].fields.name, "G1"); // no SiteNameAddress: the reference names it
    EXPECT_FALSE(p.records[0].fields.area_m2);
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_NE(p.warnings[0].reason.find("Hectares 'abc'"), std::string::npos);
}

TEST(BrownfieldParse, AShortRowLackingARequiredColumnIsRejected) {
    ImportOptions o;
    o.file_name = "short.csv";
    auto p = parse_file(
        "SiteReference,SiteNameAddress,GeoX,GeoY\nA1,Somewhere\nA2,There,-0.1,50.8\n", o);
    ASSERT_EQ(p.rejected.size(), 1u);
    EXPECT_EQ(p.rejected[0].line, 2u);
    EXPECT_EQ(p.rejected[0].reference, "A1");
    EXPECT_EQ(p.rejected[0].reason, "has 2 fields, the header has 4");
    EXPECT_EQ(p.records.size(), 1u);
}

TEST(BrownfieldParse, MissingColumnsAreNamedAtTheHeaderLine) {
    ImportOptions o;
    o.file_name = "columns.csv";
    o.format = ImportFormat::brownfield;
    try {
        parse_file("\nSiteReference,GeoY,Notes\nA1,50.8,x\n", o);
        FAIL() << "a register without GeoX was read";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
        const std::vector<FieldError> expected{FieldError::at_line(2, "is missing", "GeoX")};
        EXPECT_EQ(e.fields(), expected);
    }
}

} // namespace
} // namespace impetus::importers
