// Format detection and the report's JSON form.

#include "core/error.hpp"
#include "importers/import.hpp"

#include <gtest/gtest.h>

namespace impetus::importers {
namespace {

TEST(DetectFormat, JsonObjectIsGeoJson) {
    EXPECT_EQ(detect_format("  \n{\"type\":\"FeatureCollection\",\"features\":[]}"),
              ImportFormat::geojson);
    EXPECT_EQ(detect_format("\xEF\xBB\xBF{}"), ImportFormat::geojson);
}

TEST(DetectFormat, BrownfieldHeaderAnyCaseAnyOrder) {
    EXPECT_EQ(detect_format("OrganisationURI,SiteReference,GeoY,GeoX\n"), ImportFormat::brownfield);
    EXPECT_EQ(detect_format("\xEF\xBB\xBFgeox;geoy;sitereference\r\n"), ImportFormat::brownfield);
    EXPECT_EQ(detect_format("\"Site Reference\",\"GeoX\",\"GeoY\"\n"), ImportFormat::brownfield);
}

TEST(DetectFormat, CnigHeader) {
    EXPECT_EQ(detect_format("site_numero;site_nom;geompoint\n"), ImportFormat::cnig);
    EXPECT_EQ(detect_format("site_id,site_nom,site_type,geompoint\n"), ImportFormat::cnig);
}

TEST(DetectFormat, EmptyFile) {
    try {
        detect_format(" \r\n\t");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
        EXPECT_STREQ(e.what(), "the file is empty");
    }
}

TEST(DetectFormat, UnknownFormatNamesTheAcceptedOnes) {
    try {
        detect_format("name,lat,lon\nx,1,2\n");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::unsupported_media);
        EXPECT_NE(e.hint().find("GeoJSON"), std::string::npos);
        EXPECT_NE(e.hint().find("SiteReference"), std::string::npos);
        EXPECT_NE(e.hint().find("site_numero"), std::string::npos);
    }
    EXPECT_THROW(detect_format("[1,2,3]"), Error);
}

TEST(ImportReport, ToJson) {
    ImportReport r;
    r.format = ImportFormat::brownfield;
    r.source = "brownfield:x";
    r.encoding = "windows-1252";
    r.file_name = "x.csv";
    r.rows = 3;
    r.created = 1;
    r.updated = 1;
    r.unchanged = 0;
    r.ended = 1;
    r.rejected.push_back({4, "BAD", "GeoX 'a' is not a number"});
    r.warnings.push_back({2, "FAR", "far away"});
    auto j = to_json(r);
    EXPECT_EQ(j["format"], "brownfield");
    EXPECT_EQ(j["source"], "brownfield:x");
    EXPECT_EQ(j["encoding"], "windows-1252");
    EXPECT_EQ(j["file_name"], "x.csv");
    EXPECT_EQ(j["dry_run"], false);
    EXPECT_EQ(j["rows"], 3);
    EXPECT_EQ(j["created"], 1);
    EXPECT_EQ(j["updated"], 1);
    EXPECT_EQ(j["unchanged"], 0);
    EXPECT_EQ(j["ended"], 1);
    EXPECT_EQ(j["rejected"][0]["line"], 4);
    EXPECT_EQ(j["rejected"][0]["reference"], "BAD");
    EXPECT_EQ(j["rejected"][0]["reason"], "GeoX 'a' is not a number");
    EXPECT_EQ(j["warnings"][0]["reference"], "FAR");
}

} // namespace
} // namespace impetus::importers
