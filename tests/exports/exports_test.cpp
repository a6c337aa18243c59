// Exports of a filtered list of spaces (exports/exports.hpp): GeoJSON and CSV hold exactly the
// spaces the query matches, text is quoted as RFC 4180 says and neutralised against formulas,
// the internal notes only when asked, and an empty list is still a valid document.

#include "exports/exports.hpp"
#include "support/csv_reader.hpp"
#include "support/store_fixture.hpp"

#include <nlohmann/json.hpp>

namespace impetus::test {
namespace {

class Exports : public StoreTest {
protected:
    Exports() {
        dock = add("Dock \"B\", north side", point(3.06, 50.63), [](SpaceFields& f) {
                   f.notes = "First line.\nSecond, with a comma.";
                   f.address = "=HYPERLINK(\"http://evil\")";
               }).id;
        plot = add("Friche", point(3.07, 50.62), [](SpaceFields& f) { f.kind = SpaceKind::plot; }).id;
        shop = add("Boutique", point(3.05, 50.64), [](SpaceFields& f) { f.kind = SpaceKind::shop; }).id;
    }
    exports::SlugOf slug = [](Id) { return std::string("lille"); };
    Id dock = 0, plot = 0, shop = 0;
};

TEST_F(Exports, GeoJsonHoldsTheFilteredSpaces) {
    SpaceQuery q = query();
    q.kinds = {SpaceKind::plot, SpaceKind::shop};
    q.limit = 1; // ignored: an export holds every match
    std::string out;
    EXPECT_EQ(exports::write_geojson(*store, q, slug, out), 2u);
    const auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["type"], "FeatureCollection");
    std::set<Id> ids;
    for (const auto& f : j["features"]) {
        ids.insert(f["id"].get<Id>());
        EXPECT_EQ(f["properties"]["workspace"], "lille");
    }
    EXPECT_EQ(ids, (std::set<Id>{plot, shop}));
}

TEST_F(Exports, CsvQuotesTextAndNeutralisesFormulas) {
    SpaceQuery q = query();
    q.ids = {dock};
    std::string out;
    EXPECT_EQ(exports::write_csv(*store, q, slug, out), 1u);
    const auto rows = parse_csv(out);
    ASSERT_EQ(rows.size(), 2u) << out;
    ASSERT_EQ(rows[0], exports::csv_columns());
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < rows[0].size(); ++i) row[rows[0][i]] = rows[1][i];
    EXPECT_EQ(row["name"], "Dock \"B\", north side");
    EXPECT_EQ(row["notes"], "First line.\nSecond, with a comma.");
    EXPECT_EQ(row["address"], "'=HYPERLINK(\"http://evil\")");
    EXPECT_EQ(row["geometry_wkt"], "POINT (3.06 50.63)");
    EXPECT_NE(out.find("\"Dock \"\"B\"\", north side\""), std::string::npos) << out;
    // The public's export leaves the notes out.
    std::string pub;
    exports::write_csv(*store, q, slug, pub, false);
    EXPECT_EQ(pub.find("First line."), std::string::npos);
}

TEST_F(Exports, AnEmptyListIsAValidDocument) {
    SpaceQuery q = query();
    q.text = "nothing matches this";
    std::string geojson, csv;
    EXPECT_EQ(exports::write_geojson(*store, q, slug, geojson), 0u);
    EXPECT_EQ(nlohmann::json::parse(geojson),
              (nlohmann::json{{"type", "FeatureCollection"}, {"features", nlohmann::json::array()}}));
    EXPECT_EQ(exports::write_csv(*store, q, slug, csv), 0u);
    const auto rows = parse_csv(csv);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0], exports::csv_columns());
}

} // namespace
} // namespace impetus::test
