// Imports over HTTP: the file is the request body of POST /api/v1/workspaces/{ws}/imports.
// The real Brighton & Hove brownfield register (../shared/data) is the main case.

#include "api_test.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace impetus::test {
namespace {

std::optional<std::string> read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const std::filesystem::path k_brighton =
    std::filesystem::path(IMPETUS_SHARED_DATA) / "brownfield" / "brighton-and-hove.csv";

class ImportsApi : public ApiTest {
protected:
    ImportsApi() {
        create_workspace("brighton");
        create_workspace("hove");
    }

    HttpResponse upload(const std::string& ws, const std::string& body,
                        const std::string& query = {},
                        const std::string& content_type = "text/csv") {
        return http.send_body("POST",
                              "/api/v1/workspaces/" + ws + "/imports" +
                                  (query.empty() ? "" : "?" + query),
                              body, content_type);
    }
};

// The register, or a skip (a failure on CI, where the shared data must be present).
#define LOAD_BRIGHTON(var)                                                                        \
    auto var##_file = read_file(k_brighton);                                                      \
    if (!var##_file) {                                                                            \
        if (std::getenv("CI")) FAIL() << "missing " << k_brighton;                                \
        GTEST_SKIP() << "missing " << k_brighton;                                                 \
    }                                                                                             \
    const std::string& var = *var##_file

TEST_F(ImportsApi, BrightonRegisterCreatesEverySiteAndEndsTheEndedOnes) {
    LOAD_BRIGHTON(file);
    auto r = upload("brighton", file, "file_name=brighton-and-hove.csv");
    ASSERT_EQ(r.status, 200) << r.body;
    auto rep = r.json();
    EXPECT_EQ(rep.at("format"), "brownfield");
    EXPECT_EQ(rep.at("encoding"), "windows-1252");
    EXPECT_EQ(rep.at("file_name"), "brighton-and-hove.csv");
    EXPECT_EQ(rep.at("dry_run"), false);
    EXPECT_EQ(rep.at("rows"), 172);
    EXPECT_EQ(rep.at("created"), 172);
    EXPECT_EQ(rep.at("updated"), 0);
    EXPECT_EQ(rep.at("unchanged"), 0);
    EXPECT_EQ(rep.at("ended"), 13);
    EXPECT_EQ(rep.at("rejected"), json::array()) << rep.dump(2);

    EXPECT_EQ(space_count("brighton"), 172);
    EXPECT_EQ(space_count("hove"), 0);
    EXPECT_EQ(list(spaces_path("brighton") + "?status=ended&limit=1").at("total"), 13);
    // The sites are in Brighton: all but the one mistyped latitude (SOURCES.md) in this box.
    EXPECT_GE(list(spaces_path("brighton") + "?bbox=-0.3,50.78,0.0,50.9&limit=1").at("total"), 171);
    // Text from the Windows-1252 bytes arrives as UTF-8.
    auto cafe = list(spaces_path("brighton") + "?q=caf%C3%A9");
    bool found = false;
    for (const auto& s : cafe.at("items")) {
        found = found || s.at("notes").get<std::string>().find("café") != std::string::npos;
    }
    EXPECT_TRUE(found) << cafe.dump(1);
}

TEST_F(ImportsApi, SecondUploadOfTheSameRegisterChangesNothing) {
    LOAD_BRIGHTON(file);
    require_status(upload("brighton", file, "file_name=brighton-and-hove.csv"), 200);
    auto before = list(spaces_path("brighton") + "?limit=1000");

    auto r = upload("brighton", file, "file_name=brighton-and-hove.csv");
    ASSERT_EQ(r.status, 200) << r.body;
    auto rep = r.json();
    EXPECT_EQ(rep.at("created"), 0);
    EXPECT_EQ(rep.at("updated"), 0);
    EXPECT_EQ(rep.at("unchanged"), 172);

    auto after = list(spaces_path("brighton") + "?limit=1000");
    EXPECT_EQ(after.at("total"), 172);
    EXPECT_EQ(after.at("items"), before.at("items")); // same versions, same timestamps
}

TEST_F(ImportsApi, DryRunReportsButWritesNothing) {
    LOAD_BRIGHTON(file);
    auto r = upload("hove", file, "dry_run=true");
    ASSERT_EQ(r.status, 200) << r.body;
    auto rep = r.json();
    EXPECT_EQ(rep.at("dry_run"), true);
    EXPECT_EQ(rep.at("created"), 172);
    EXPECT_EQ(rep.at("ended"), 13);
    EXPECT_EQ(space_count("hove"), 0);
    EXPECT_EQ(list("/api/v1/spaces?limit=1").at("total"), 0);
}

TEST_F(ImportsApi, StrictImportOfABrokenFileIsRefusedWhole) {
    auto file = read_file(std::filesystem::path(IMPETUS_TEST_DATA) / "import-brownfield-broken.csv");
    ASSERT_TRUE(file);
    auto r = upload("brighton", *file, "strict=true&file_name=broken.csv");
    ASSERT_TRUE(is_problem(r, 400));
    auto p = r.json();
    ASSERT_TRUE(p.contains("errors")) << r.body;
    EXPECT_GE(p.at("errors").size(), 3u) << r.body; // the bad rows, each listed
    // Each names its line of the file, a number, and the row's reference in its detail.
    for (const auto& e : p.at("errors")) {
        ASSERT_TRUE(e.contains("line") && e.at("line").is_number_integer()) << e.dump();
        EXPECT_FALSE(e.contains("parameter") || e.contains("pointer")) << e.dump();
    }
    const auto& errors = p.at("errors");
    auto bad_xy = std::find_if(errors.begin(), errors.end(),
                               [](const json& e) { return e.at("line") == 3; });
    ASSERT_NE(bad_xy, errors.end()) << r.body;
    EXPECT_EQ(bad_xy->at("detail").get<std::string>().rfind("BADXY: ", 0), 0u) << r.body;
    EXPECT_EQ(space_count("brighton"), 0);

    // Without strict the good rows go in and the bad ones are reported.
    auto lenient = upload("brighton", *file, "file_name=broken.csv");
    ASSERT_EQ(lenient.status, 200) << lenient.body;
    auto rep = lenient.json();
    EXPECT_FALSE(rep.at("rejected").empty());
    EXPECT_GT(rep.at("created").get<int>(), 0);
    EXPECT_EQ(space_count("brighton"), rep.at("created").get<int>());
}

TEST_F(ImportsApi, GeoJsonFeatureCollectionIsImported) {
    json fc{{"type", "FeatureCollection"},
            {"features",
             {{{"type", "Feature"},
               {"id", "a1"},
               {"geometry", point_geometry(-0.14, 50.82)},
               {"properties", {{"name", "Old garage"}}}},
              {{"type", "Feature"},
               {"id", "a2"},
               {"geometry", square_geometry(-0.15, 50.83, 0.001)},
               {"properties", {{"name", "Yard"}}}}}}};
    auto r = upload("brighton", fc.dump(), "format=geojson&source=survey", "application/geo+json");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("created"), 2);
    EXPECT_EQ(space_count("brighton"), 2);
}

TEST_F(ImportsApi, FilesLargerThanAJsonBodyAreAccepted) {
    // Imports may be up to 64 MiB, far above the 1 MiB of a JSON request: here 2 MiB (most of
    // it white space after the collection, which JSON allows).
    json fc{{"type", "FeatureCollection"},
            {"features",
             {{{"type", "Feature"},
               {"id", "big1"},
               {"geometry", point_geometry(-0.14, 50.82)},
               {"properties", {{"name", "Depot"}}}}}}};
    std::string body = fc.dump() + std::string(2 << 20, ' ');
    auto r = upload("brighton", body, "format=geojson&source=survey", "application/geo+json");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("created"), 1);

    // Over 64 MiB is refused from the declared length alone (to an officer: the anonymous are
    // refused before, for want of a sign-in).
    RawConnection c(server.host(), server.port());
    c.send("POST /api/v1/workspaces/brighton/imports HTTP/1.1\r\nHost: x\r\n"
           "Authorization: Bearer " + server.admin_token() + "\r\n"
           "Content-Type: text/csv\r\nContent-Length: 70000000\r\n\r\n");
    auto got = c.read_until_closed(std::chrono::seconds(5));
    EXPECT_EQ(raw_status(got.data), 413) << got.data;
    EXPECT_EQ(space_count("brighton"), 1);
}

TEST_F(ImportsApi, UnrecognisedFormatIsUnsupportedMediaType) {
    auto r = upload("brighton", "hello,world\nthis,is not a register\n");
    EXPECT_TRUE(is_problem(r, 415));
    EXPECT_EQ(space_count("brighton"), 0);

    // An unknown format name is a bad parameter.
    auto named = upload("brighton", "a,b\n1,2\n", "format=shapefile");
    EXPECT_TRUE(is_problem(named, 400));
    EXPECT_EQ(error_parameters(named), std::set<std::string>{"format"});
}

TEST_F(ImportsApi, EmptyBodyAndUnknownWorkspaceAreRefused) {
    EXPECT_TRUE(is_problem(upload("brighton", ""), 400));
    EXPECT_TRUE(is_problem(upload("nowhere", "SiteReference\nX\n"), 404));
    EXPECT_TRUE(is_problem(upload("brighton", "SiteReference\nX\n", "colour=red"), 400));
}

} // namespace
} // namespace impetus::test
