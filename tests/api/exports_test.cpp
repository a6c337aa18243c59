// Exports over HTTP: GeoJSON (RFC 7946) and CSV (RFC 4180) of a workspace's spaces, with the
// list's filters.

#include "api_test.hpp"
#include "support/csv_reader.hpp"

#include <algorithm>

namespace impetus::test {
namespace {

class ExportsApi : public ApiTest {
protected:
    ExportsApi() {
        create_workspace("lille");
        create_workspace("roubaix");

        auto tricky = space_body(k_tricky_name, point_geometry(3.06, 50.63));
        tricky["status"] = "available";
        tricky["notes"] = k_tricky_notes;
        tricky["area_m2"] = 1500.5;
        tricky["utilities"] = {{"water", true}};
        tricky_id = create_space("lille", tricky).at("id").get<std::int64_t>();

        auto plot = space_body("Friche Saint-Sauveur", square_geometry(3.069, 50.624, 0.002), "plot");
        plot_id = create_space("lille", plot).at("id").get<std::int64_t>();

        auto shop = space_body("Boutique", point_geometry(3.055, 50.635), "shop");
        shop["status"] = "available";
        shop_id = create_space("lille", shop).at("id").get<std::int64_t>();

        create_space("roubaix", space_body("Filature", point_geometry(3.17, 50.69)));
    }

    static constexpr const char* k_tricky_name = "Dock \"B\", north side";
    static constexpr const char* k_tricky_notes = "First line.\nSecond line, with a comma.\r\n"
                                                  "Third line \"quoted\".";
    std::int64_t tricky_id = 0, plot_id = 0, shop_id = 0;
};

TEST_F(ExportsApi, GeoJsonIsAFeatureCollectionOfTheWorkspace) {
    auto r = http.get(spaces_path("lille") + ".geojson");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.media_type(), "application/geo+json");
    EXPECT_EQ(r.header("Content-Disposition"), "attachment; filename=\"lille-spaces.geojson\"");
    auto j = r.json();
    EXPECT_EQ(j.at("type"), "FeatureCollection");
    const auto& features = j.at("features");
    ASSERT_TRUE(features.is_array());
    EXPECT_EQ(features.size(), list(spaces_path("lille")).at("total").get<std::size_t>());
    std::set<std::int64_t> ids;
    for (const auto& f : features) {
        EXPECT_EQ(f.at("type"), "Feature");
        ASSERT_TRUE(f.at("geometry").is_object());
        const auto type = f.at("geometry").at("type").get<std::string>();
        EXPECT_TRUE(type == "Point" || type == "Polygon") << type;
        EXPECT_TRUE(f.at("geometry").at("coordinates").is_array());
        ASSERT_TRUE(f.at("properties").is_object());
        EXPECT_EQ(f.at("properties").at("workspace"), "lille");
        ids.insert(f.at("id").get<std::int64_t>());
    }
    EXPECT_EQ(ids, (std::set<std::int64_t>{tricky_id, plot_id, shop_id}));

    // The feature carries the same data as the API's space.
    for (const auto& f : features) {
        if (f.at("id") != tricky_id) continue;
        auto s = get_space("lille", tricky_id);
        EXPECT_EQ(f.at("geometry"), s.at("geometry"));
        EXPECT_EQ(f.at("properties").at("name"), k_tricky_name);
        EXPECT_EQ(f.at("properties").at("notes"), k_tricky_notes);
        EXPECT_EQ(f.at("properties").at("status"), "available");
    }
}

TEST_F(ExportsApi, GeoJsonTakesTheListFilters) {
    auto j = list(spaces_path("lille") + ".geojson?status=available");
    std::set<std::int64_t> ids;
    for (const auto& f : j.at("features")) ids.insert(f.at("id").get<std::int64_t>());
    EXPECT_EQ(ids, (std::set<std::int64_t>{tricky_id, shop_id}));

    auto k = list(spaces_path("lille") + ".geojson?kind=plot");
    ASSERT_EQ(k.at("features").size(), 1u);
    EXPECT_EQ(k.at("features")[0].at("id"), plot_id);

    auto none = list(spaces_path("lille") + ".geojson?bbox=-1,40,0,41");
    EXPECT_EQ(none.at("type"), "FeatureCollection");
    EXPECT_EQ(none.at("features"), json::array());

    EXPECT_TRUE(is_problem(http.get(spaces_path("lille") + ".geojson?colour=red"), 400));
}

TEST_F(ExportsApi, CsvHasAHeaderAndOneRowPerSpace) {
    auto r = http.get(spaces_path("lille") + ".csv");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.media_type(), "text/csv");
    EXPECT_EQ(r.header("Content-Disposition"), "attachment; filename=\"lille-spaces.csv\"");
    auto rows = parse_csv(r.body);
    ASSERT_EQ(rows.size(), 1u + 3u) << r.body;
    const auto& header = rows[0];
    EXPECT_EQ(header[0], "id");
    for (const auto& row : rows) EXPECT_EQ(row.size(), header.size());
    auto col = [&](const std::string& name) {
        auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end()) throw std::runtime_error("no column " + name);
        return static_cast<std::size_t>(it - header.begin());
    };
    std::set<std::string> ids;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        ids.insert(rows[i][col("id")]);
        EXPECT_EQ(rows[i][col("workspace")], "lille");
    }
    EXPECT_EQ(ids, (std::set<std::string>{std::to_string(tricky_id), std::to_string(plot_id),
                                          std::to_string(shop_id)}));
}

TEST_F(ExportsApi, CsvQuotesCommasQuotesAndLineBreaks) {
    auto r = http.get(spaces_path("lille") + ".csv?status=available&sort=id");
    ASSERT_EQ(r.status, 200) << r.body;
    // RFC 4180 2.6 and 2.7: the field in quotes, inner quotes doubled.
    EXPECT_NE(r.body.find(",\"Dock \"\"B\"\", north side\","), std::string::npos) << r.body;
    auto rows = parse_csv(r.body);
    ASSERT_EQ(rows.size(), 3u);
    const auto& header = rows[0];
    auto col = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                        header.begin());
    };
    const auto& row = rows[1];
    EXPECT_EQ(row[col("id")], std::to_string(tricky_id));
    EXPECT_EQ(row[col("name")], k_tricky_name);
    EXPECT_EQ(row[col("notes")], k_tricky_notes);
    EXPECT_EQ(row[col("status")], "available");
    EXPECT_EQ(row[col("kind")], "building");
    EXPECT_EQ(row[col("water")], "true");
    EXPECT_EQ(row[col("electricity")], "");
    EXPECT_EQ(std::stod(row[col("area_m2")]), 1500.5);
    EXPECT_EQ(std::stod(row[col("longitude")]), 3.06);
    EXPECT_EQ(std::stod(row[col("latitude")]), 50.63);
    EXPECT_EQ(rows[2][col("id")], std::to_string(shop_id));
}

TEST_F(ExportsApi, CsvTakesTheListFilters) {
    auto rows = parse_csv(require_status(http.get(spaces_path("lille") + ".csv?kind=plot"), 200).body);
    ASSERT_EQ(rows.size(), 2u);
    auto empty = parse_csv(
        require_status(http.get(spaces_path("lille") + ".csv?status=ended"), 200).body);
    ASSERT_EQ(empty.size(), 1u); // the header alone
    EXPECT_EQ(empty[0][0], "id");
    EXPECT_TRUE(is_problem(http.get(spaces_path("lille") + ".csv?status=flying"), 400));
    EXPECT_TRUE(is_problem(http.get("/api/v1/workspaces/nowhere/spaces.csv"), 404));
}

TEST_F(ExportsApi, ExportsFollowChanges) {
    // Exports are cached while nothing changes; a write must show in the next export.
    auto before = list(spaces_path("lille") + ".geojson");
    create_space("lille", space_body("New one", point_geometry(3.05, 50.62)));
    auto after = list(spaces_path("lille") + ".geojson");
    EXPECT_EQ(after.at("features").size(), before.at("features").size() + 1);
    auto csv = parse_csv(require_status(http.get(spaces_path("lille") + ".csv"), 200).body);
    EXPECT_EQ(csv.size(), 1u + after.at("features").size());
}

} // namespace
} // namespace impetus::test
