// Discovery on the real extracts in ../shared/data/osm, checked against osmium-tool: for every
// rule, the objects `osmium tags-filter` finds with the rule's own expressions and `osmium
// export` turns into points and (multi)polygons are exactly the candidates found. Areas are
// checked against an independent computation (osmium's geometry projected to the equal-area
// EPSG:3035 with PROJ, then the shoelace formula), multipolygons with holes against osmium's
// rings, and a second run must give the same result.

#include "discovery/discovery.hpp"
#include "support/run_command.hpp"

#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <proj.h>
#include <regex>
#include <set>
#include <sstream>

namespace impetus::discovery {
namespace {

using nlohmann::json;

// -- osmium

bool have_osmium() {
    if (test::program_exists("osmium")) return true;
    if (std::getenv("CI")) ADD_FAILURE() << "osmium (osmium-tool) is required in CI";
    return false;
}

#define REQUIRE_OSMIUM_AND(path)                                                               \
    if (!have_osmium()) GTEST_SKIP() << "osmium (apt-get install osmium-tool) not found";       \
    if ((path).empty()) GTEST_SKIP() << "shared data missing: " #path

void osmium(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"osmium"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = test::run_command(argv);
    ASSERT_EQ(r.exit_code, 0) << "osmium " << args.front() << ": " << r.err;
}

// "n12 v1 ..." lines of an OPL file -> {"node/12", ...}
std::set<std::string> opl_ids(const std::string& path) {
    std::set<std::string> ids;
    std::istringstream in(test::read_file(path));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const char* type = line[0] == 'n' ? "node/" : line[0] == 'w' ? "way/" : "relation/";
        ids.insert(type + line.substr(1, line.find(' ') - 1));
    }
    return ids;
}

// The objects matching every stage of a rule: each stage an `osmium tags-filter -R` run on
// the previous stage's output (-R: only the matching objects, none they reference).
std::set<std::string> osmium_rule_matches(const std::string& pbf, const Rule& rule,
                                          const test::TempDir& dir) {
    std::string input = pbf;
    for (std::size_t s = 0; s < rule.stages.size(); ++s) {
        const std::string out = dir.file(rule.id + "-" + std::to_string(s) + ".opl");
        std::vector<std::string> args{"tags-filter", "-O", "-R", input};
        args.insert(args.end(), rule.stages[s].begin(), rule.stages[s].end());
        args.insert(args.end(), {"-o", out});
        osmium(args);
        input = out;
    }
    return opl_ids(input);
}

struct Exported {
    std::string type; // GeoJSON geometry type
    json geometry;
};

// `osmium export` of everything the rules' first stages find (with the objects they
// reference, so that ways and multipolygons can be built), with the area logic of the rules
// table as its area_tags. Keyed "way/12".
std::multimap<std::string, Exported> osmium_export(const std::string& pbf,
                                                   const test::TempDir& dir) {
    std::vector<std::string> args{"tags-filter", "-O", pbf};
    for (const auto& r : rules()) args.insert(args.end(), r.stages[0].begin(), r.stages[0].end());
    const std::string filtered = dir.file("filtered.osm.pbf");
    args.insert(args.end(), {"-o", filtered});
    osmium(args);

    const json config = {{"attributes", {{"type", true}, {"id", true}}},
                         {"area_tags", area_tag_expressions()},
                         {"linear_tags", nullptr}};
    test::write_file(dir.file("export.json"), config.dump());
    const std::string out = dir.file("export.geojsonseq");
    osmium({"export", "-O", filtered, "-c", dir.file("export.json"), "-f", "geojsonseq", "-x",
            "print_record_separator=false", "-o", out});

    std::multimap<std::string, Exported> features;
    std::istringstream in(test::read_file(out));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto f = json::parse(line);
        const std::string id = f["properties"]["@type"].get<std::string>() + "/" +
                               std::to_string(f["properties"]["@id"].get<std::int64_t>());
        features.insert({id, {f["geometry"]["type"].get<std::string>(), f["geometry"]}});
    }
    return features;
}

// Candidates as osmium sees them: points for nodes, (multi)polygons for ways and multipolygon
// relations.
std::set<std::string> osmium_candidates(const std::set<std::string>& matches,
                                        const std::multimap<std::string, Exported>& exported,
                                        const std::set<std::string>& multipolygons) {
    std::set<std::string> out;
    for (const auto& id : matches) {
        auto [from, to] = exported.equal_range(id);
        for (auto it = from; it != to; ++it) {
            const auto& t = it->second.type;
            if (id.starts_with("node/") && t == "Point") out.insert(id);
            if (id.starts_with("way/") && (t == "Polygon" || t == "MultiPolygon")) out.insert(id);
            if (id.starts_with("relation/") && (t == "Polygon" || t == "MultiPolygon") &&
                multipolygons.count(id)) {
                out.insert(id);
            }
        }
    }
    return out;
}

// -- the reference area: EPSG:3035 (ETRS89 LAEA Europe, an equal-area projection) and the
// shoelace formula. Straight edges in the projection stand for geodesics: for these small
// polygons the difference is far below the tolerance.

class Laea {
public:
    Laea() {
        m_ctx = proj_context_create();
        PJ* p = proj_create_crs_to_crs(m_ctx, "EPSG:4326", "EPSG:3035", nullptr);
        m_pj = proj_normalize_for_visualization(m_ctx, p); // lon, lat order
        proj_destroy(p);
    }
    ~Laea() {
        proj_destroy(m_pj);
        proj_context_destroy(m_ctx);
    }
    bool ok() const { return m_pj != nullptr; }

    double ring_area(const json& ring) const {
        double twice = 0.0;
        std::vector<std::pair<double, double>> xy;
        for (const auto& pos : ring) {
            PJ_COORD c = proj_coord(pos[0].get<double>(), pos[1].get<double>(), 0, 0);
            PJ_COORD o = proj_trans(m_pj, PJ_FWD, c);
            xy.emplace_back(o.xy.x, o.xy.y);
        }
        for (std::size_t i = 0; i + 1 < xy.size(); ++i) {
            twice += xy[i].first * xy[i + 1].second - xy[i + 1].first * xy[i].second;
        }
        return std::fabs(twice) / 2.0;
    }

    double area(const json& geometry) const {
        auto polygon = [&](const json& rings) {
            double a = 0.0;
            for (std::size_t i = 0; i < rings.size(); ++i) {
                a += (i == 0 ? 1.0 : -1.0) * ring_area(rings[i]);
            }
            return a;
        };
        if (geometry["type"] == "Polygon") return polygon(geometry["coordinates"]);
        double a = 0.0;
        for (const auto& p : geometry["coordinates"]) a += polygon(p);
        return a;
    }

private:
    PJ_CONTEXT* m_ctx = nullptr;
    PJ* m_pj = nullptr;
};

std::vector<std::size_t> ring_sizes(const json& geometry) {
    std::vector<std::size_t> out;
    if (geometry["type"] == "Polygon") {
        out.push_back(geometry["coordinates"].size());
    } else {
        for (const auto& p : geometry["coordinates"]) out.push_back(p.size());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::size_t> ring_sizes(const Geometry& g) {
    std::vector<std::size_t> out;
    if (const auto* p = std::get_if<Polygon>(&g)) out.push_back(p->rings.size());
    if (const auto* mp = std::get_if<MultiPolygon>(&g)) {
        for (const auto& p : mp->polygons) out.push_back(p.rings.size());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Checks every candidate against osmium: the same objects per rule, and for areas the same
// ring structure and an area within 0.5 % of the reference.
void compare_with_osmium(const std::string& pbf, const DiscoveryResult& result,
                         std::size_t* polygons_checked = nullptr) {
    test::TempDir dir;
    const auto exported = osmium_export(pbf, dir);
    const std::string mp_file = dir.file("multipolygons.opl");
    osmium({"tags-filter", "-O", "-R", pbf, "r/type=multipolygon", "-o", mp_file});
    const auto multipolygons = opl_ids(mp_file);

    for (const auto& rule : rules()) {
        const auto expected =
            osmium_candidates(osmium_rule_matches(pbf, rule, dir), exported, multipolygons);
        std::set<std::string> found;
        for (const auto& c : result.candidates) {
            if (std::find(c.rules.begin(), c.rules.end(), rule.id) != c.rules.end()) {
                found.insert(c.source_id());
            }
        }
        EXPECT_EQ(found, expected) << rule.id;
        EXPECT_EQ(result.per_rule.at(rule.id), expected.size()) << rule.id;
    }

    Laea laea;
    ASSERT_TRUE(laea.ok()) << "PROJ cannot transform to EPSG:3035 (is proj-data installed?)";
    std::size_t checked = 0;
    for (const auto& c : result.candidates) {
        if (std::holds_alternative<Point>(c.geometry)) continue;
        auto [from, to] = exported.equal_range(c.source_id());
        const Exported* e = nullptr;
        for (auto it = from; it != to; ++it) {
            if (it->second.type != "LineString") e = &it->second;
        }
        ASSERT_NE(e, nullptr) << c.source_id();
        EXPECT_EQ(ring_sizes(c.geometry), ring_sizes(e->geometry)) << c.source_id();
        const double reference = laea.area(e->geometry);
        EXPECT_NEAR(c.area_m2, reference, reference * 0.005) << c.source_id();
        ++checked;
    }
    if (polygons_checked) *polygons_checked = checked;
}

class Extract : public ::testing::TestWithParam<std::string> {};

TEST_P(Extract, CandidatesAgreeWithOsmium) {
    const std::string pbf = test::shared_data("osm/" + GetParam());
    REQUIRE_OSMIUM_AND(pbf);
    const auto result = discover(pbf, {});
    EXPECT_FALSE(result.candidates.empty());
    EXPECT_GT(result.objects_read, 100000U);
    compare_with_osmium(pbf, result);
}

TEST_P(Extract, SecondRunChangesNothing) {
    const std::string pbf = test::shared_data("osm/" + GetParam());
    if (pbf.empty()) GTEST_SKIP() << "shared data missing";
    const auto bytes_before = test::read_file(pbf);
    const auto a = discover(pbf, {});
    const auto b = discover(pbf, {});
    ASSERT_EQ(a.candidates.size(), b.candidates.size());
    for (std::size_t i = 0; i < a.candidates.size(); ++i) {
        const auto& x = a.candidates[i];
        const auto& y = b.candidates[i];
        EXPECT_EQ(x.source_id(), y.source_id());
        EXPECT_EQ(x.geometry, y.geometry);
        EXPECT_EQ(x.area_m2, y.area_m2);
        EXPECT_EQ(x.centroid, y.centroid);
        EXPECT_EQ(x.tags, y.tags);
        EXPECT_EQ(x.rules, y.rules);
        EXPECT_EQ(x.context, y.context) << x.source_id();
        EXPECT_EQ(x.suitability, y.suitability);
        EXPECT_EQ(x.greening, y.greening);
    }
    EXPECT_EQ(a.per_rule, b.per_rule);
    EXPECT_EQ(a.objects_read, b.objects_read);
    std::string ja, jb;
    write_geojson(a, ja);
    write_geojson(b, jb);
    EXPECT_EQ(ja, jb);
    EXPECT_EQ(test::read_file(pbf), bytes_before); // the input is only read
}

TEST_P(Extract, GeoJsonParsesWithOneFeaturePerCandidate) {
    const std::string pbf = test::shared_data("osm/" + GetParam());
    if (pbf.empty()) GTEST_SKIP() << "shared data missing";
    const auto result = discover(pbf, {});
    std::string out;
    write_geojson(result, out);
    const auto doc = json::parse(out);
    ASSERT_EQ(doc["features"].size(), result.candidates.size());
    for (std::size_t i = 0; i < result.candidates.size(); ++i) {
        const auto& f = doc["features"][i];
        EXPECT_EQ(f["id"], result.candidates[i].source_id());
        EXPECT_FALSE(f["properties"]["rules"].empty());
        EXPECT_EQ(f["properties"]["suitability"]["factors"].size(), 5U);
    }
}

TEST_P(Extract, ProgressReachesTheEnd) {
    const std::string pbf = test::shared_data("osm/" + GetParam());
    if (pbf.empty()) GTEST_SKIP() << "shared data missing";
    DiscoverOptions options;
    std::vector<Progress> seen;
    options.progress = [&](const Progress& p) { seen.push_back(p); };
    const auto result = discover(pbf, options);
    ASSERT_FALSE(seen.empty());
    double last = 0.0;
    for (const auto& p : seen) {
        EXPECT_GE(p.share_read, last);
        EXPECT_LE(p.share_read, 1.0);
        last = p.share_read;
    }
    EXPECT_EQ(seen.back().phase, "done");
    EXPECT_EQ(seen.back().share_read, 1.0);
    EXPECT_EQ(seen.back().objects, result.objects_read);
}

INSTANTIATE_TEST_SUITE_P(Osm, Extract,
                         ::testing::Values("liechtenstein-2024-03-04.osm.pbf",
                                           "andorra-2021-10-28.osm.pbf",
                                           "monaco-2016-03-04.osm.pbf"),
                         [](const auto& info) {
                             return info.param.substr(0, info.param.find('-'));
                         });

TEST(Extract, CountsOfTheNotableTags) {
    // ../shared/data/osm/SOURCES.md: Liechtenstein has 2 shop=vacant and 1 brownfield;
    // Andorra 1 brownfield and 1 greenfield.
    const std::string li = test::shared_data("osm/liechtenstein-2024-03-04.osm.pbf");
    const std::string ad = test::shared_data("osm/andorra-2021-10-28.osm.pbf");
    if (li.empty() || ad.empty()) GTEST_SKIP() << "shared data missing";
    const auto l = discover(li, {});
    EXPECT_EQ(l.per_rule.at("shop_vacant"), 2U);
    EXPECT_EQ(l.per_rule.at("landuse_brownfield"), 1U);
    const auto a = discover(ad, {});
    EXPECT_EQ(a.per_rule.at("landuse_brownfield"), 1U);
    EXPECT_EQ(a.per_rule.at("landuse_greenfield"), 1U);
}

TEST(Extract, RealMultipolygonsWithHoles) {
    // The extract has no candidate multipolygon with holes, but many forests, meadows and
    // residential areas with clearings and courtyards. Retagged as brownfield, they must
    // come out with the same rings as osmium export builds and the reference area.
    const std::string pbf = test::shared_data("osm/liechtenstein-2024-03-04.osm.pbf");
    REQUIRE_OSMIUM_AND(pbf);
    test::TempDir dir;
    osmium({"cat", "-O", pbf, "-f", "opl", "-o", dir.file("in.opl")});
    std::istringstream in(test::read_file(dir.file("in.opl")));
    std::ostringstream out;
    const std::regex landuse("landuse=(forest|grass|meadow|residential|farmland)");
    std::string line;
    std::size_t retagged = 0;
    while (std::getline(in, line)) {
        if (line[0] == 'r' && line.find("type=multipolygon") != std::string::npos &&
            line.find("@inner") != std::string::npos && std::regex_search(line, landuse)) {
            line = std::regex_replace(line, landuse, "landuse=brownfield");
            ++retagged;
        }
        out << line << '\n';
    }
    ASSERT_GT(retagged, 50U);
    test::write_file(dir.file("holes.opl"), out.str());
    const std::string holes = dir.file("holes.osm.pbf");
    osmium({"cat", "-O", dir.file("holes.opl"), "-o", holes});

    const auto result = discover(holes, {});
    std::size_t with_holes = 0;
    for (const auto& c : result.candidates) {
        if (c.osm_type != "relation") continue;
        for (auto n : ring_sizes(c.geometry)) with_holes += n > 1 ? 1 : 0;
    }
    EXPECT_GT(with_holes, 50U);
    std::size_t checked = 0;
    compare_with_osmium(holes, result, &checked);
    EXPECT_GT(checked, 100U);
}

} // namespace
} // namespace impetus::discovery
