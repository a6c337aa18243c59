// The rules table on hand-made OSM data: every rule, every exclusion, multipolygon assembly,
// kinds, conditions and addresses.

#include "discovery/discovery.hpp"
#include "geo/measure.hpp"
#include "opl.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <ostream>

namespace impetus::discovery {
namespace {

using test::Opl;
using test::Tags;

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// -- the table

TEST(RulesTable, HoldsTheRulesOfTheIssueWithTheirOsmiumExpressions) {
    std::vector<std::string> ids;
    for (const auto& r : rules()) {
        ids.push_back(r.id);
        EXPECT_FALSE(r.stages.empty()) << r.id;
        EXPECT_FALSE(r.why.empty()) << r.id;
        EXPECT_FALSE(r.lifecycle.empty()) << r.id;
        EXPECT_NE(r.types, 0U) << r.id;
        for (const auto& stage : r.stages) EXPECT_FALSE(stage.empty()) << r.id;
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"shop_vacant", "disused_prefix", "abandoned_prefix",
                                             "building_disused", "building_abandoned", "ruins",
                                             "landuse_brownfield", "landuse_greenfield"}));
    const auto& shop = rules().front();
    EXPECT_EQ(shop.stages, (std::vector<std::vector<std::string>>{{"nwr/shop=vacant"}}));
    EXPECT_EQ(shop.types, type_bit(ObjectType::node) | type_bit(ObjectType::closed_way) |
                              type_bit(ObjectType::multipolygon));
    // landuse is mapped on areas only (OSM wiki Key:landuse)
    for (const auto& r : rules()) {
        if (r.id.starts_with("landuse_")) {
            EXPECT_EQ(r.types & type_bit(ObjectType::node), 0U) << r.id;
        }
    }
}

TEST(RulesTable, LifecyclePrefixesOnlyForPlaces) {
    EXPECT_EQ(place_key_kind("shop"), SpaceKind::shop);
    EXPECT_EQ(place_key_kind("amenity"), SpaceKind::building);
    EXPECT_EQ(place_key_kind("landuse"), SpaceKind::plot);
    EXPECT_EQ(place_key_kind("leisure"), SpaceKind::open_space);
    EXPECT_EQ(place_key_kind("name"), std::nullopt);
    EXPECT_EQ(place_key_kind("boundary"), std::nullopt);
    EXPECT_EQ(place_key_kind("railway"), std::nullopt);
    EXPECT_EQ(place_key_kind("highway"), std::nullopt);
    const auto& removed = removed_prefixes();
    for (const char* p : {"demolished:", "removed:", "razed:", "was:"}) EXPECT_TRUE(has(removed, p));
}

TEST(RulesTable, MatchesOnTagLists) {
    auto m = match_rules({{"building", "yes"}, {"disused", "yes"}}, ObjectType::closed_way);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->rules, std::vector<std::string>{"building_disused"});
    EXPECT_EQ(m->matched_tags,
              (std::map<std::string, std::string>{{"building", "yes"}, {"disused", "yes"}}));
    EXPECT_EQ(m->kind, SpaceKind::building);
    EXPECT_EQ(m->lifecycle, "disused");
    EXPECT_EQ(m->condition, Condition::good);

    EXPECT_FALSE(match_rules({{"building", "no"}, {"disused", "yes"}}, ObjectType::closed_way));
    EXPECT_FALSE(match_rules({{"building", "yes"}}, ObjectType::closed_way));
    EXPECT_FALSE(match_rules({{"landuse", "brownfield"}}, ObjectType::node));
    EXPECT_TRUE(match_rules({{"landuse", "brownfield"}}, ObjectType::multipolygon));
}

TEST(RulesTable, AreaLogicForClosedWays) {
    EXPECT_TRUE(is_area({{"building", "yes"}}));
    EXPECT_TRUE(is_area({{"landuse", "brownfield"}}));
    EXPECT_TRUE(is_area({{"disused:amenity", "school"}}));
    EXPECT_TRUE(is_area({{"abandoned:building", "yes"}}));
    EXPECT_FALSE(is_area({{"highway", "pedestrian"}}));
    EXPECT_TRUE(is_area({{"highway", "pedestrian"}, {"area", "yes"}}));
    EXPECT_FALSE(is_area({{"building", "yes"}, {"area", "no"}}));
    EXPECT_FALSE(is_area({{"barrier", "wall"}, {"ruins", "yes"}}));
    EXPECT_FALSE(is_area({{"abandoned:railway", "rail"}}));
    EXPECT_TRUE(is_area({{"railway", "station"}}));
    EXPECT_FALSE(is_area({{"natural", "cliff"}}));
    EXPECT_TRUE(is_area({{"natural", "wood"}}));
    EXPECT_FALSE(is_area({{"leisure", "track"}}));
    EXPECT_FALSE(is_area({{"ruins", "yes"}})); // an attribute, not a feature

    // the same logic as `osmium export` configuration (used by the extract tests)
    const auto exprs = area_tag_expressions();
    EXPECT_TRUE(has(exprs, "building"));
    EXPECT_TRUE(has(exprs, "leisure!=track,slipway"));
    EXPECT_TRUE(has(exprs, "highway=services,rest_area"));
    EXPECT_TRUE(has(exprs, "disused:amenity"));
    EXPECT_FALSE(has(exprs, "barrier"));
}

// -- every rule on each object type it applies to

struct RuleCase {
    std::string rule;
    Tags tags;
    SpaceKind kind;
    std::string lifecycle;
    std::optional<Condition> condition;
};

// readable test names in CTest (gtest_discover_tests prints the parameter)
void PrintTo(const RuleCase& c, std::ostream* os) {
    *os << c.rule;
    for (const auto& [k, v] : c.tags) *os << " " << k << "=" << v;
}

class EveryRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(EveryRule, FindsNodesClosedWaysAndMultipolygons) {
    const auto& c = GetParam();
    const Rule* rule = nullptr;
    for (const auto& r : rules()) {
        if (r.id == c.rule) rule = &r;
    }
    ASSERT_NE(rule, nullptr);

    Opl opl;
    const auto n = opl.node(9.52, 47.14, c.tags);
    opl.rect(10, 9.500, 47.100, 9.501, 47.101, c.tags);
    opl.rect(11, 9.510, 47.100, 9.511, 47.101);
    Tags rel = c.tags;
    rel.emplace_back("type", "multipolygon");
    opl.relation(20, {{"w11", "outer"}}, rel);
    const auto result = opl.discover();

    auto check = [&](const std::string& id, bool expected) {
        const auto* cand = test::find(result, id);
        if (!expected) {
            EXPECT_EQ(cand, nullptr) << c.rule << " " << id;
            return;
        }
        ASSERT_NE(cand, nullptr) << c.rule << " " << id;
        EXPECT_TRUE(has(cand->rules, c.rule)) << id;
        EXPECT_EQ(cand->kind, c.kind) << id;
        EXPECT_EQ(cand->lifecycle, c.lifecycle) << id;
        EXPECT_EQ(cand->condition, c.condition) << id;
        EXPECT_FALSE(cand->matched_tags.empty());
        for (const auto& [k, v] : cand->matched_tags) EXPECT_EQ(cand->tags.at(k), v);
    };
    check("node/" + std::to_string(n), (rule->types & type_bit(ObjectType::node)) != 0);
    check("way/10", (rule->types & type_bit(ObjectType::closed_way)) != 0);
    check("relation/20", (rule->types & type_bit(ObjectType::multipolygon)) != 0);
    EXPECT_EQ(result.per_rule.at(c.rule), result.candidates.size());
}

INSTANTIATE_TEST_SUITE_P(
    Rules, EveryRule,
    ::testing::Values(
        RuleCase{"shop_vacant", {{"shop", "vacant"}}, SpaceKind::shop, "vacant", std::nullopt},
        RuleCase{"disused_prefix", {{"disused:shop", "bakery"}}, SpaceKind::shop, "disused",
                 Condition::good},
        RuleCase{"disused_prefix", {{"disused:amenity", "school"}}, SpaceKind::building,
                 "disused", Condition::good},
        RuleCase{"disused_prefix", {{"disused:landuse", "military"}}, SpaceKind::plot, "disused",
                 Condition::good},
        RuleCase{"abandoned_prefix", {{"abandoned:building", "yes"}}, SpaceKind::building,
                 "abandoned", Condition::needs_repair},
        RuleCase{"abandoned_prefix", {{"abandoned:leisure", "pitch"}}, SpaceKind::open_space,
                 "abandoned", Condition::needs_repair},
        RuleCase{"building_disused", {{"building", "industrial"}, {"disused", "yes"}},
                 SpaceKind::building, "disused", Condition::good},
        RuleCase{"building_abandoned", {{"building", "yes"}, {"abandoned", "yes"}},
                 SpaceKind::building, "abandoned", Condition::needs_repair},
        RuleCase{"ruins", {{"building", "ruins"}}, SpaceKind::building, "ruin", Condition::ruin},
        RuleCase{"ruins", {{"historic", "castle"}, {"ruins", "yes"}}, SpaceKind::building, "ruin",
                 Condition::ruin},
        RuleCase{"ruins", {{"ruins:building", "farm"}}, SpaceKind::building, "ruin",
                 Condition::ruin},
        RuleCase{"landuse_brownfield", {{"landuse", "brownfield"}}, SpaceKind::plot, "vacant",
                 std::nullopt},
        RuleCase{"landuse_greenfield", {{"landuse", "greenfield"}}, SpaceKind::plot, "vacant",
                 std::nullopt}),
    [](const auto& info) {
        return info.param.rule + "_" + std::to_string(info.index);
    });

// -- exclusions

struct ExclusionCase {
    std::string name;
    Tags tags;
    bool closed; // a closed way (else an open one)
};

void PrintTo(const ExclusionCase& c, std::ostream* os) {
    *os << c.name;
}

class Exclusion : public ::testing::TestWithParam<ExclusionCase> {};

TEST_P(Exclusion, IsNoCandidate) {
    const auto& c = GetParam();
    Opl opl;
    auto a = opl.node(9.500, 47.100), b = opl.node(9.501, 47.100), d = opl.node(9.501, 47.101),
         e = opl.node(9.500, 47.101);
    if (c.closed) {
        opl.way(10, {a, b, d, e, a}, c.tags);
    } else {
        opl.way(10, {a, b, d, e}, c.tags);
    }
    opl.node(9.52, 47.12, c.tags); // the same tags on a node
    const auto result = opl.discover();
    const auto* way = test::find(result, "way/10");
    EXPECT_EQ(way, nullptr) << c.name << ": " << (way ? way->rules.front() : "");
    if (c.name.starts_with("removed_")) {
        EXPECT_TRUE(result.candidates.empty()) << c.name;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, Exclusion,
    ::testing::Values(
        // gone features (OSM wiki Lifecycle prefix): never evidence
        ExclusionCase{"removed_demolished_building", {{"demolished:building", "yes"}}, true},
        ExclusionCase{"removed_was_shop", {{"was:shop", "bakery"}}, true},
        ExclusionCase{"removed_was_shop_vacant", {{"was:shop", "vacant"}}, true},
        ExclusionCase{"removed_removed_amenity", {{"removed:amenity", "restaurant"}}, true},
        ExclusionCase{"removed_razed_building", {{"razed:building", "yes"}}, true},
        // lines
        ExclusionCase{"open_disused_railway", {{"disused:railway", "rail"}}, false},
        ExclusionCase{"open_way_with_a_candidate_tag", {{"disused:amenity", "school"}}, false},
        ExclusionCase{"closed_abandoned_railway", {{"abandoned:railway", "rail"}}, true},
        ExclusionCase{"closed_highway_ring_with_ruins", {{"highway", "path"}, {"ruins", "yes"}},
                      true},
        ExclusionCase{"closed_ruined_wall", {{"barrier", "wall"}, {"ruins", "yes"}}, true},
        ExclusionCase{"area_no", {{"building", "ruins"}, {"area", "no"}}, true},
        // lifecycle prefixes on keys that are not places
        ExclusionCase{"disused_name", {{"disused:name", "Old Mill"}, {"building", "yes"}}, true},
        ExclusionCase{"disused_boundary", {{"disused:boundary", "administrative"}}, true}),
    [](const auto& info) { return info.param.name; });

TEST(Exclusion, AreaYesMakesAClosedHighwayAnArea) {
    Opl opl;
    opl.rect(10, 9.500, 47.100, 9.501, 47.101,
             {{"highway", "pedestrian"}, {"area", "yes"}, {"ruins", "yes"}});
    const auto result = opl.discover();
    ASSERT_NE(test::find(result, "way/10"), nullptr);
}

TEST(Exclusion, RemovedPrefixesDoNotVetoOtherEvidence) {
    // The brownfield a demolition left, and a vacant shop whose former use is recorded.
    Opl opl;
    const auto shop = opl.node(9.52, 47.12, {{"shop", "vacant"}, {"was:shop", "bakery"}});
    opl.rect(10, 9.500, 47.100, 9.501, 47.101,
             {{"demolished:building", "yes"}, {"landuse", "brownfield"}});
    const auto result = opl.discover();
    const auto* way = test::find(result, "way/10");
    ASSERT_NE(way, nullptr);
    EXPECT_EQ(way->rules, std::vector<std::string>{"landuse_brownfield"});
    EXPECT_EQ(way->matched_tags.count("demolished:building"), 0U);
    ASSERT_NE(test::find(result, "node/" + std::to_string(shop)), nullptr);
}

TEST(Exclusion, MultipolygonNeedsTypeMultipolygon) {
    Opl opl;
    opl.rect(11, 9.510, 47.100, 9.511, 47.101);
    opl.relation(20, {{"w11", "outer"}}, {{"type", "boundary"}, {"landuse", "brownfield"}});
    opl.relation(21, {{"w11", "outer"}}, {{"type", "site"}, {"landuse", "brownfield"}});
    EXPECT_TRUE(opl.discover().candidates.empty());
}

TEST(Exclusion, SelfIntersectingRingIsDropped) {
    // A bow tie: libosmium's assembler refuses it, as osmium export does.
    Opl opl;
    auto a = opl.node(9.500, 47.100), b = opl.node(9.501, 47.101), c = opl.node(9.501, 47.100),
         d = opl.node(9.500, 47.101);
    opl.way(10, {a, b, c, d, a}, {{"landuse", "brownfield"}});
    EXPECT_TRUE(opl.discover().candidates.empty());
}

// -- multipolygons

TEST(Multipolygon, HoleIsSubtracted) {
    Opl opl;
    opl.rect(11, 9.500, 47.100, 9.510, 47.110);
    opl.rect(12, 9.503, 47.103, 9.506, 47.106);
    opl.relation(20, {{"w11", "outer"}, {"w12", "inner"}},
                 {{"type", "multipolygon"}, {"landuse", "brownfield"}, {"name", "Old works"}});
    const auto result = opl.discover();
    ASSERT_EQ(result.candidates.size(), 1U);
    const auto& c = result.candidates.front();
    EXPECT_EQ(c.source_id(), "relation/20");
    EXPECT_EQ(c.name, "Old works");
    const auto* poly = std::get_if<Polygon>(&c.geometry);
    ASSERT_NE(poly, nullptr);
    ASSERT_EQ(poly->rings.size(), 2U);
    const double expected = test::quadrangle_area(9.500, 47.100, 9.510, 47.110) -
                            test::quadrangle_area(9.503, 47.103, 9.506, 47.106);
    EXPECT_NEAR(c.area_m2, expected, expected * 1e-4);
    // the centroid of a square with a hole off-centre is still inside the solid part
    EXPECT_GT(c.centroid.lon, 9.500);
    EXPECT_LT(c.centroid.lon, 9.510);
    // RFC 7946 winding: exterior counterclockwise, hole clockwise
    auto signed_area = [](const Ring& r) {
        double s = 0;
        for (std::size_t i = 0; i + 1 < r.size(); ++i) {
            s += r[i].lon * r[i + 1].lat - r[i + 1].lon * r[i].lat;
        }
        return s;
    };
    EXPECT_GT(signed_area(poly->rings[0]), 0.0);
    EXPECT_LT(signed_area(poly->rings[1]), 0.0);
}

TEST(Multipolygon, TwoOutersAndAHoleInOne) {
    Opl opl;
    opl.rect(11, 9.500, 47.100, 9.502, 47.102);
    opl.rect(12, 9.510, 47.100, 9.513, 47.103);
    opl.rect(13, 9.511, 47.101, 9.512, 47.102);
    opl.relation(20, {{"w11", "outer"}, {"w12", "outer"}, {"w13", "inner"}},
                 {{"type", "multipolygon"}, {"disused:landuse", "railway"}});
    const auto result = opl.discover();
    ASSERT_EQ(result.candidates.size(), 1U);
    const auto& c = result.candidates.front();
    const auto* mp = std::get_if<MultiPolygon>(&c.geometry);
    ASSERT_NE(mp, nullptr);
    ASSERT_EQ(mp->polygons.size(), 2U);
    std::size_t rings = 0;
    for (const auto& p : mp->polygons) rings += p.rings.size();
    EXPECT_EQ(rings, 3U);
    const double expected = test::quadrangle_area(9.500, 47.100, 9.502, 47.102) +
                            test::quadrangle_area(9.510, 47.100, 9.513, 47.103) -
                            test::quadrangle_area(9.511, 47.101, 9.512, 47.102);
    EXPECT_NEAR(c.area_m2, expected, expected * 1e-4);
    EXPECT_EQ(c.kind, SpaceKind::plot);
}

TEST(Multipolygon, OuterBuiltFromSeveralWays) {
    // One ring split over two ways, as large areas are mapped.
    Opl opl;
    auto a = opl.node(9.500, 47.100), b = opl.node(9.510, 47.100), c = opl.node(9.510, 47.110),
         d = opl.node(9.500, 47.110);
    opl.way(11, {a, b, c});
    opl.way(12, {c, d, a});
    opl.relation(20, {{"w11", "outer"}, {"w12", "outer"}},
                 {{"type", "multipolygon"}, {"landuse", "greenfield"}});
    const auto result = opl.discover();
    ASSERT_EQ(result.candidates.size(), 1U);
    const double expected = test::quadrangle_area(9.500, 47.100, 9.510, 47.110);
    EXPECT_NEAR(result.candidates.front().area_m2, expected, expected * 1e-4);
}

TEST(Multipolygon, MissingMemberMeansNoCandidate) {
    Opl opl;
    opl.rect(11, 9.500, 47.100, 9.510, 47.110);
    opl.relation(20, {{"w11", "outer"}, {"w99", "outer"}},
                 {{"type", "multipolygon"}, {"landuse", "brownfield"}});
    EXPECT_TRUE(opl.discover().candidates.empty());
}

// -- kinds, conditions, names and addresses

TEST(Candidate, KindAndConditionFromTheMostSpecificAndSevereRule) {
    Opl opl;
    opl.rect(10, 9.500, 47.100, 9.501, 47.101, {{"building", "retail"}, {"shop", "vacant"}});
    opl.rect(11, 9.502, 47.100, 9.503, 47.101,
             {{"building", "ruins"}, {"abandoned", "yes"}, {"disused:amenity", "pub"}});
    opl.rect(12, 9.504, 47.100, 9.505, 47.101,
             {{"landuse", "brownfield"}, {"disused:building", "industrial"}});
    const auto result = opl.discover();
    ASSERT_EQ(result.candidates.size(), 3U);
    const auto* shop = test::find(result, "way/10");
    EXPECT_EQ(shop->kind, SpaceKind::shop);
    const auto* ruin = test::find(result, "way/11");
    EXPECT_EQ(ruin->kind, SpaceKind::building);
    EXPECT_EQ(ruin->lifecycle, "ruin");
    EXPECT_EQ(ruin->condition, Condition::ruin);
    EXPECT_EQ(ruin->rules, (std::vector<std::string>{"disused_prefix", "building_abandoned", "ruins"}));
    EXPECT_EQ(ruin->matched_tags.at("abandoned"), "yes");
    EXPECT_EQ(ruin->matched_tags.at("building"), "ruins");
    EXPECT_EQ(ruin->matched_tags.at("disused:amenity"), "pub");
    const auto* site = test::find(result, "way/12");
    EXPECT_EQ(site->kind, SpaceKind::building);
    EXPECT_EQ(site->lifecycle, "disused");
    EXPECT_EQ(result.per_rule.at("ruins"), 1U);
    EXPECT_EQ(result.per_rule.at("disused_prefix"), 2U);
}

TEST(Candidate, AddressFromAddrTags) {
    EXPECT_EQ(address_from_tags({{"addr:street", "Landstrasse"},
                                 {"addr:housenumber", "120"},
                                 {"addr:postcode", "9490"},
                                 {"addr:city", "Vaduz"},
                                 {"addr:country", "LI"}}),
              "Landstrasse 120, 9490 Vaduz");
    EXPECT_EQ(address_from_tags({{"addr:full", "Rue Grimaldi 3, Monaco"},
                                 {"addr:street", "Ignored"}}),
              "Rue Grimaldi 3, Monaco");
    EXPECT_EQ(address_from_tags({{"addr:place", "Masescha"}, {"addr:housenumber", "52"}}),
              "Masescha 52");
    EXPECT_EQ(address_from_tags({{"addr:city", "Schaan"}}), "Schaan");
    EXPECT_EQ(address_from_tags({{"addr:street", "Zollstrasse"},
                                 {"addr:housenumber", "22"},
                                 {"addr:unit", "B"}}),
              "Zollstrasse 22 / B");
    EXPECT_EQ(address_from_tags({{"name", "no address"}}), "");

    Opl opl;
    opl.node(9.52, 47.12,
             {{"shop", "vacant"}, {"addr:street", "Städtle"}, {"addr:housenumber", "5"},
              {"addr:postcode", "9490"}, {"addr:city", "Vaduz"}});
    const auto result = opl.discover();
    ASSERT_EQ(result.candidates.size(), 1U);
    EXPECT_EQ(result.candidates.front().address, "Städtle 5, 9490 Vaduz");
    EXPECT_EQ(result.candidates.front().area_m2, 0.0);
}

TEST(Candidate, ImportRecordForTheStore) {
    Opl opl;
    opl.node(9.52, 47.12, {{"shop", "vacant"}});
    opl.rect(10, 9.500, 47.100, 9.501, 47.101,
             {{"building", "yes"}, {"disused", "yes"}, {"name", "Alte Mühle"}});
    const auto result = opl.discover();
    ASSERT_EQ(result.candidates.size(), 2U);

    const auto shop = to_import_record(result.candidates[0]);
    EXPECT_EQ(shop.fields.source, "osm");
    EXPECT_EQ(shop.fields.source_id, "node/1");
    EXPECT_EQ(shop.fields.name, "Vacant shop (OSM node 1)");
    EXPECT_EQ(shop.fields.kind, SpaceKind::shop);
    EXPECT_FALSE(shop.fields.area_m2.has_value());
    EXPECT_EQ(shop.initial_status, SpaceStatus::reported);

    const auto mill = to_import_record(result.candidates[1]);
    EXPECT_EQ(mill.fields.source_id, "way/10");
    EXPECT_EQ(mill.fields.name, "Alte Mühle");
    ASSERT_TRUE(mill.fields.area_m2.has_value());
    EXPECT_TRUE(mill.fields.area_computed);
    EXPECT_NEAR(*mill.fields.area_m2, test::quadrangle_area(9.500, 47.100, 9.501, 47.101), 1.0);
    EXPECT_EQ(mill.fields.condition, Condition::good);
    const auto& attrs = mill.fields.source_attributes;
    EXPECT_EQ(attrs["osm"]["type"], "way");
    EXPECT_EQ(attrs["osm"]["id"], 10);
    EXPECT_EQ(attrs["rules"], nlohmann::json::array({"building_disused"}));
    EXPECT_EQ(attrs["matched_tags"]["disused"], "yes");
    EXPECT_EQ(attrs["tags"]["name"], "Alte Mühle");
    EXPECT_TRUE(attrs.contains("context"));
    EXPECT_EQ(attrs["suitability"]["factors"].size(), 5U);
    EXPECT_EQ(attrs["greening"]["factors"].size(), 4U);
    EXPECT_TRUE(attrs["attribution"].get<std::string>().find("OpenStreetMap") != std::string::npos);
}

TEST(Candidate, GeoJsonHasOneFeaturePerCandidate) {
    Opl opl;
    opl.node(9.52, 47.12, {{"shop", "vacant"}, {"name", "Quote \" and , comma"}});
    opl.rect(10, 9.500, 47.100, 9.501, 47.101, {{"landuse", "brownfield"}});
    const auto result = opl.discover();
    std::string out;
    write_geojson(result, out);
    const auto doc = nlohmann::json::parse(out);
    EXPECT_EQ(doc["type"], "FeatureCollection");
    ASSERT_EQ(doc["features"].size(), 2U);
    const auto& f = doc["features"][1];
    EXPECT_EQ(f["type"], "Feature");
    EXPECT_EQ(f["id"], "way/10");
    EXPECT_EQ(f["geometry"]["type"], "Polygon");
    const auto& p = f["properties"];
    EXPECT_EQ(p["kind"], "plot");
    EXPECT_EQ(p["condition"], nullptr);
    EXPECT_EQ(p["rules"], nlohmann::json::array({"landuse_brownfield"}));
    EXPECT_GT(p["area_m2"].get<double>(), 0.0);
    EXPECT_EQ(p["osm_type"], "way");
    EXPECT_EQ(p["osm_id"], 10);
    EXPECT_EQ(p["suitability_score"], p["suitability"]["value"]);
    for (const char* k : {"osm", "name", "address", "lifecycle", "matched_tags", "tags",
                          "context", "suitability", "greening", "centroid", "greening_score"}) {
        EXPECT_TRUE(p.contains(k)) << k;
    }
    EXPECT_EQ(doc["features"][0]["properties"]["name"], "Quote \" and , comma");
}

} // namespace
} // namespace impetus::discovery
