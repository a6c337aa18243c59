// GIS clients read the OGC API: GDAL's OAPIF driver (ogrinfo, ogr2ogr from Debian's gdal-bin)
// against the real server.

#include "support/run_command.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <regex>

using namespace impetus::test;
using nlohmann::json;

namespace {

class GdalClient : public ::testing::Test {
protected:
    void SetUp() override {
        if (!program_exists("ogrinfo")) {
            if (std::getenv("CI")) FAIL() << "ogrinfo (gdal-bin) is not installed";
            GTEST_SKIP() << "ogrinfo (gdal-bin) is not installed";
        }
        auto r = run_impetus({"workspace", "create", "demo", "--name", "Demo", "--db", db});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        r = run_impetus({"import", std::string(IMPETUS_SOURCE_DIR) + "/data/demo/spaces.geojson",
                         "--workspace", "demo", "--db", db});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        expected = 10;
        auto brighton = shared_data("brownfield/brighton-and-hove.csv");
        if (!brighton.empty()) {
            run_impetus({"workspace", "create", "brighton", "--name", "Brighton", "--db", db});
            r = run_impetus({"import", brighton, "--workspace", "brighton", "--db", db});
            ASSERT_EQ(r.exit_code, 0) << r.err;
            expected += 172;
        }
        r = run_impetus({"user", "create", "analyst@example.org", "--admin", "--password-stdin",
                         "--db", db},
                        "a long passphrase\n");
        ASSERT_EQ(r.exit_code, 0) << r.err;
        server = std::make_unique<ServeProcess>(db);
        token = personal_token("analyst@example.org", "a long passphrase");
        ASSERT_FALSE(token.empty());
    }

    // A read-only personal API token, made as an analyst would: sign in, then create one.
    std::string personal_token(const std::string& email, const std::string& password) {
        const std::string jar = dir.file("cookies");
        auto login = run_command({"curl", "-sf", "-c", jar, "-H", "Content-Type: application/json",
                                  "-d", json{{"email", email}, {"password", password}}.dump(),
                                  server->base_url() + "/api/v1/auth/login"});
        if (login.exit_code != 0) return {};
        const std::string csrf = json::parse(login.out)["csrf_token"];
        auto created = run_command(
            {"curl", "-sf", "-b", jar, "-H", "Content-Type: application/json", "-H",
             "X-CSRF-Token: " + csrf, "-d", R"({"name": "GDAL", "scopes": ["read"]})",
             server->base_url() + "/api/v1/me/tokens"});
        if (created.exit_code != 0) return {};
        return json::parse(created.out)["secret"];
    }

    // GDAL sends the token with every request of the OAPIF driver.
    std::vector<std::string> with_token(std::vector<std::string> argv) const {
        argv.insert(argv.begin() + 1, {"--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer " + token});
        return argv;
    }

    std::string url() const { return "OAPIF:" + server->base_url() + "/ogc"; }

    TempDir dir;
    std::string db = dir.file("gis.db");
    std::unique_ptr<ServeProcess> server;
    std::string token;
    int expected = 0;
};

int feature_count(const std::string& ogrinfo_out) {
    std::smatch m;
    static const std::regex re("Feature Count: (\\d+)");
    if (!std::regex_search(ogrinfo_out, m, re)) return -1;
    return std::stoi(m[1]);
}

} // namespace

TEST_F(GdalClient, OgrinfoSeesTheLayerItsFieldsAndCount) {
    auto r = run_command({"ogrinfo", "-ro", "-so", url(), "spaces"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(feature_count(r.out), expected) << r.out;
    for (const char* field : {"name:", "status:", "kind:", "area_m2:", "workspace:"}) {
        EXPECT_NE(r.out.find(field), std::string::npos) << field << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("EPSG\",4326"), std::string::npos) << r.out;
}

TEST_F(GdalClient, OgrinfoSpatialFilterMatchesTheApi) {
    // Around the Lille demo spaces only.
    auto r = run_command({"ogrinfo", "-ro", "-al", "-q", "-spat", "3.04", "50.62", "3.066",
                          "50.637", url(), "spaces"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::size_t features = 0;
    for (std::size_t p = r.out.find("OGRFeature("); p != std::string::npos;
         p = r.out.find("OGRFeature(", p + 1)) {
        ++features;
    }
    auto api = run_command({"curl", "-sf", server->base_url() +
                                               "/ogc/collections/spaces/items?bbox=3.04,50.62,"
                                               "3.066,50.637&limit=1000"});
    ASSERT_EQ(api.exit_code, 0);
    auto fc = json::parse(api.out);
    EXPECT_GT(fc["numberReturned"].get<int>(), 0);
    EXPECT_EQ(features, fc["numberReturned"].get<std::size_t>()) << r.out;
}

TEST_F(GdalClient, Ogr2ogrCopiesEveryFeatureThroughThePages) {
    auto out = dir.file("copy.geojson");
    // With an analyst's token: internal fields (the notes) come too.
    auto r = run_command(with_token({"ogr2ogr", "-f", "GeoJSON", "-oo", "PAGE_SIZE=25", out,
                                     url(), "spaces"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto fc = json::parse(read_file(out));
    ASSERT_EQ(fc["features"].size(), static_cast<std::size_t>(expected));
    bool polygon = false;
    bool cafe = expected == 10; // the register's "café" row only when it was loaded
    for (const auto& f : fc["features"]) {
        if (f["geometry"]["type"] == "Polygon") polygon = true;
        if (f["properties"]["notes"].is_string() &&
            f["properties"]["notes"].get<std::string>().find("café") != std::string::npos) {
            cafe = true;
        }
    }
    EXPECT_TRUE(polygon);
    EXPECT_TRUE(cafe) << "UTF-8 text did not survive the trip";

    // Without it, the public view: the same features, no internal notes.
    const auto public_out = dir.file("public.geojson");
    r = run_command({"ogr2ogr", "-f", "GeoJSON", "-oo", "PAGE_SIZE=25", public_out, url(),
                     "spaces"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto pub = json::parse(read_file(public_out));
    ASSERT_EQ(pub["features"].size(), static_cast<std::size_t>(expected));
    for (const auto& f : pub["features"]) {
        const auto& notes = f["properties"]["notes"];
        EXPECT_TRUE(notes.is_null() || notes == "") << f["properties"].dump();
    }
}
