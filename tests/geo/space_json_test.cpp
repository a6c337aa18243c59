// The JSON form of spaces: reading and validating the writable fields, and writing them back.

#include "geo/geojson.hpp"
#include "geo/measure.hpp"
#include "geo/space_json.hpp"
#include "support/errors.hpp"
#include "support/shapes.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <random>

namespace impetus::geo {
namespace {

using nlohmann::json;
using test::catch_error;
using test::field_names;
using test::message_for;

const json k_square = json::parse(
    R"({"type":"Polygon","coordinates":[[[4.35,50.83],[4.36,50.83],[4.36,50.84],[4.35,50.84],[4.35,50.83]]]})");

json merge(json doc, const json& patch) {
    doc.merge_patch(patch);
    return doc;
}

json minimal() {
    return json{{"name", "Ancienne filature"}, {"kind", "building"}, {"geometry", k_square}};
}

json full() {
    return json{{"name", "Halle Saint-Sauveur"},
                {"kind", "building"},
                {"parent_id", 3},
                {"geometry", k_square},
                {"area_m2", 1500.5},
                {"floor_area_m2", 3200},
                {"floors", 2},
                {"address", "17 boulevard Jean-Baptiste Lebas, Lille"},
                {"owner_organisation_id", 4},
                {"owner_type", "public"},
                {"building_type", "industrial"},
                {"condition", "needs_repair"},
                {"vacancy", "partial"},
                {"vacant_since", "2019-06-30"},
                {"utilities", {{"water", true}, {"electricity", false}, {"heating", nullptr}}},
                {"step_free_access", true},
                {"available_from", "2025-01-01"},
                {"available_to", "2026-12-31"},
                {"planned_future_use", "housing"},
                {"notes", "Ancienne gare de marchandises."},
                {"source", "geojson:lille"},
                {"source_id", "LIL-042"},
                {"source_attributes", {{"ref", "A-12"}, {"height", 12.5}}}};
}

// Applies `change` to the minimal document and expects exactly the fields in `expected`.
void expect_errors(const json& change, const std::vector<std::string>& expected) {
    json doc = minimal();
    doc.merge_patch(change); // nlohmann's RFC 7396: a null value removes the key
    auto e = catch_error([&] { read_space_fields(doc); });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_EQ(field_names(e), expected) << change.dump();
}

TEST(ReadSpaceFields, MinimalDocumentComputesTheArea) {
    auto f = read_space_fields(minimal());
    EXPECT_EQ(f.name, "Ancienne filature");
    EXPECT_EQ(f.kind, SpaceKind::building);
    EXPECT_EQ(f.owner_type, OwnerType::unknown);
    ASSERT_TRUE(f.area_m2);
    EXPECT_TRUE(f.area_computed);
    EXPECT_NEAR(*f.area_m2, 783681.34, 783681.34 * 0.005);
    EXPECT_EQ(*f.area_m2, std::round(*f.area_m2 * 100) / 100); // rounded to cm2
    EXPECT_TRUE(f.source_attributes.is_object());
}

TEST(ReadSpaceFields, FullDocument) {
    auto f = read_space_fields(full());
    EXPECT_EQ(f.parent_id, 3);
    EXPECT_EQ(f.area_m2, 1500.5);
    EXPECT_FALSE(f.area_computed); // given, not computed
    EXPECT_EQ(f.floor_area_m2, 3200);
    EXPECT_EQ(f.floors, 2);
    EXPECT_EQ(f.owner_organisation_id, 4);
    EXPECT_EQ(f.owner_type, OwnerType::public_owner);
    EXPECT_EQ(f.building_type, BuildingType::industrial);
    EXPECT_EQ(f.condition, Condition::needs_repair);
    EXPECT_EQ(f.vacancy, VacancyDegree::partial);
    EXPECT_EQ(f.vacant_since, "2019-06-30");
    EXPECT_EQ(f.utilities, (Utilities{true, false, std::nullopt, std::nullopt}));
    EXPECT_EQ(f.step_free_access, true);
    EXPECT_EQ(f.available_from, "2025-01-01");
    EXPECT_EQ(f.available_to, "2026-12-31");
    EXPECT_EQ(f.source, "geojson:lille");
    EXPECT_EQ(f.source_id, "LIL-042");
    EXPECT_EQ(f.source_attributes["ref"], "A-12");
}

TEST(ReadSpaceFields, PointsHaveNoComputedArea) {
    json doc = minimal();
    doc["geometry"] = json::parse(R"({"type":"Point","coordinates":[3.06,50.63]})");
    auto f = read_space_fields(doc);
    EXPECT_FALSE(f.area_m2);
    EXPECT_FALSE(f.area_computed);
    doc["area_m2"] = 120;
    auto g = read_space_fields(doc);
    EXPECT_EQ(g.area_m2, 120);
    EXPECT_FALSE(g.area_computed);
}

TEST(ReadSpaceFields, FeatureInputIsFlattened) {
    json feature{{"type", "Feature"},
                 {"id", 12},
                 {"geometry", k_square},
                 {"properties", {{"name", "Friche"}, {"kind", "plot"}, {"area_m2", 10}}}};
    auto f = read_space_fields(feature);
    EXPECT_EQ(f.name, "Friche");
    EXPECT_EQ(f.kind, SpaceKind::plot);
    EXPECT_EQ(f.area_m2, 10);
    EXPECT_TRUE(std::holds_alternative<Polygon>(f.geometry));

    auto flat = flatten_feature(feature);
    EXPECT_FALSE(flat.contains("type"));
    EXPECT_FALSE(flat.contains("id"));
    EXPECT_EQ(flat["geometry"], k_square);
    EXPECT_EQ(flatten_feature(minimal()), minimal()); // anything else is left as it is

    // Errors in a Feature point into the flat document.
    feature["properties"]["kind"] = "castle";
    auto e = catch_error([&] { read_space_fields(feature); });
    EXPECT_EQ(field_names(e), (std::vector<std::string>{"/kind"}));
}

TEST(ReadSpaceFields, TypeThatIsNoStringIsAnUnknownField) {
    for (const json& type : {json(7), json(nullptr), json::array({"Feature"})}) {
        json doc = minimal();
        doc["type"] = type;
        auto e = catch_error([&] { read_space_fields(doc); });
        EXPECT_EQ(field_names(e), (std::vector<std::string>{"/type"})) << type.dump();
        EXPECT_EQ(flatten_feature(doc), doc);
    }
}

TEST(ReadSpaceFields, FeatureWithoutPropertiesReportsRequiredFields) {
    json feature{{"type", "Feature"}, {"geometry", k_square}, {"properties", nullptr}};
    auto e = catch_error([&] { read_space_fields(feature); });
    EXPECT_EQ(field_names(e), (std::vector<std::string>{"/name", "/kind"}));
}

TEST(ReadSpaceFields, NameAndKind) {
    expect_errors({{"name", nullptr}}, {"/name"});
    expect_errors({{"name", ""}}, {"/name"});
    expect_errors({{"name", "   "}}, {"/name"});
    expect_errors({{"name", 7}}, {"/name"});
    expect_errors({{"name", std::string(301, 'x')}}, {"/name"});
    expect_errors({{"kind", nullptr}}, {"/kind"});
    expect_errors({{"kind", "castle"}}, {"/kind"});
    expect_errors({{"kind", "Building"}}, {"/kind"});
}

TEST(ReadSpaceFields, Geometry) {
    expect_errors({{"geometry", nullptr}}, {"/geometry"});
    expect_errors({{"geometry", "POINT(1 2)"}}, {"/geometry"});
    expect_errors({{"geometry", {{"type", "Point"}, {"coordinates", {200, 0}}}}},
                  {"/geometry/coordinates/0"});
    expect_errors(
        {{"geometry",
          json::parse(R"({"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]})")}},
        {"/geometry"});
}

TEST(ReadSpaceFields, Numbers) {
    expect_errors({{"parent_id", 0}}, {"/parent_id"});
    expect_errors({{"parent_id", -1}}, {"/parent_id"});
    expect_errors({{"parent_id", "3"}}, {"/parent_id"});
    expect_errors({{"parent_id", 1.5}}, {"/parent_id"});
    expect_errors({{"area_m2", -1}}, {"/area_m2"});
    expect_errors({{"area_m2", 2e10}}, {"/area_m2"});
    expect_errors({{"area_m2", "100"}}, {"/area_m2"});
    expect_errors({{"floor_area_m2", -0.5}}, {"/floor_area_m2"});
    expect_errors({{"floors", 301}}, {"/floors"});
    expect_errors({{"floors", -1}}, {"/floors"});
    expect_errors({{"floors", 2.5}}, {"/floors"});
    expect_errors({{"owner_organisation_id", 0}}, {"/owner_organisation_id"});
    EXPECT_EQ(read_space_fields(merge(minimal(), {{"floors", 0}})).floors, 0);
}

TEST(ReadSpaceFields, Enumerations) {
    expect_errors({{"owner_type", "state"}}, {"/owner_type"});
    expect_errors({{"owner_type", "public_owner"}}, {"/owner_type"}); // the C++ name is internal
    expect_errors({{"building_type", "castle"}}, {"/building_type"});
    expect_errors({{"condition", "bad"}}, {"/condition"});
    expect_errors({{"vacancy", "total"}}, {"/vacancy"});
}

TEST(ReadSpaceFields, Dates) {
    expect_errors({{"vacant_since", "31/02/2024"}}, {"/vacant_since"});
    expect_errors({{"vacant_since", "2024-02-30"}}, {"/vacant_since"});
    expect_errors({{"available_from", "2025-13-01"}}, {"/available_from"});
    expect_errors({{"available_to", 2025}}, {"/available_to"});
    expect_errors({{"available_from", "2025-06-01"}, {"available_to", "2025-05-31"}},
                  {"/available_to"});
    // One day is a valid window.
    EXPECT_NO_THROW(read_space_fields(
        merge(minimal(), {{"available_from", "2025-06-01"}, {"available_to", "2025-06-01"}})));
}

TEST(ReadSpaceFields, UtilitiesAndFlags) {
    expect_errors({{"utilities", "all"}}, {"/utilities"});
    expect_errors({{"utilities", {{"water", "yes"}}}}, {"/utilities/water"});
    expect_errors({{"utilities", {{"gas", true}}}}, {"/utilities/gas"});
    expect_errors({{"step_free_access", 1}}, {"/step_free_access"});
}

TEST(ReadSpaceFields, TextsAndSource) {
    expect_errors({{"address", std::string(1001, 'a')}}, {"/address"});
    expect_errors({{"planned_future_use", std::string(2001, 'a')}}, {"/planned_future_use"});
    expect_errors({{"notes", std::string(20001, 'a')}}, {"/notes"});
    expect_errors({{"source", std::string(201, 'a')}}, {"/source"});
    expect_errors({{"source_id", "17"}}, {"/source"}); // an id needs its source
    expect_errors({{"source_attributes", {1, 2}}}, {"/source_attributes"});
    expect_errors({{"source_attributes", {{"big", std::string(70000, 'x')}}}},
                  {"/source_attributes"});
}

TEST(ReadSpaceFields, UnknownReadOnlyAndExtraFields) {
    json doc = minimal();
    doc["id"] = 3;
    doc["version"] = 2;
    doc["area_source"] = "computed";
    doc["status"] = "available";
    doc["colour"] = "red";
    auto e = catch_error([&] { read_space_fields(doc); });
    EXPECT_EQ(message_for(e.fields(), "/id"), "is read-only");
    EXPECT_EQ(message_for(e.fields(), "/version"), "is read-only");
    EXPECT_EQ(message_for(e.fields(), "/area_source"), "is read-only");
    EXPECT_EQ(message_for(e.fields(), "/status"), "is not a known field");
    EXPECT_EQ(message_for(e.fields(), "/colour"), "is not a known field");
    EXPECT_EQ(e.fields().size(), 5u);

    // A caller that handles "status" itself names it as extra.
    json ok = minimal();
    ok["status"] = "available";
    EXPECT_NO_THROW(read_space_fields(ok, {"status"}));
}

TEST(ReadSpaceFields, EveryProblemAtOnce) {
    auto e = catch_error([] {
        read_space_fields(json{{"kind", "castle"}, {"floors", -2}, {"vacancy", "total"}});
    });
    EXPECT_EQ(field_names(e),
              (std::vector<std::string>{"/name", "/kind", "/geometry", "/floors", "/vacancy"}));
    auto e2 = catch_error([] { read_space_fields(json::array()); });
    EXPECT_EQ(field_names(e2), (std::vector<std::string>{""}));
}

TEST(SpaceWritableJson, ReadsBackToTheSameFields) {
    auto f = read_space_fields(full());
    EXPECT_EQ(read_space_fields(space_writable_json(f)), f);
    auto g = read_space_fields(minimal()); // computed area: left out, computed again
    auto j = space_writable_json(g);
    EXPECT_FALSE(j.contains("area_m2"));
    EXPECT_EQ(read_space_fields(j), g);
    for (auto name : space_writable_fields()) {
        if (name != "area_m2") {
            EXPECT_TRUE(j.contains(name)) << name;
        }
    }
}

TEST(SpaceWritableJson, NewGeometryGetsANewComputedArea) {
    auto f = read_space_fields(minimal());
    json patch{
        {"geometry",
         json::parse(
             R"({"type":"Polygon","coordinates":[[[4.35,50.83],[4.355,50.83],[4.355,50.835],[4.35,50.835],[4.35,50.83]]]})")}};
    auto g = read_space_fields(merge(space_writable_json(f), patch));
    ASSERT_TRUE(g.area_m2);
    EXPECT_NEAR(*g.area_m2, *f.area_m2 / 4, *f.area_m2 * 0.001);
}

TEST(SpaceToJson, PropertiesAndFeature) {
    Space s;
    s.id = 9;
    s.workspace_id = 2;
    s.fields = read_space_fields(minimal());
    s.status = SpaceStatus::available;
    s.version = 4;
    auto j = space_to_json(s);
    EXPECT_EQ(j["id"], 9);
    EXPECT_EQ(j["status"], "available");
    EXPECT_EQ(j["area_source"], "computed");
    EXPECT_EQ(j["allowed_transitions"].size(), allowed_transitions(SpaceStatus::available).size());
    EXPECT_EQ(j["geometry"], k_square);

    std::string out;
    append_space_feature(out, s, "lille");
    auto feature = json::parse(out);
    EXPECT_EQ(feature["type"], "Feature");
    EXPECT_EQ(feature["id"], 9);
    EXPECT_EQ(feature["geometry"], k_square);
    EXPECT_EQ(feature["properties"]["workspace"], "lille");
    EXPECT_EQ(feature["properties"]["version"], 4);
    EXPECT_FALSE(feature["properties"].contains("geometry"));
}

TEST(SpaceToJson, FeatureIsByteForByteWhatNlohmannWrites) {
    // append_space_feature writes numbers and source attributes itself; the reference is the
    // JSON tree of space_to_json dumped by nlohmann.
    std::mt19937_64 rng(9457);
    const double specials[] = {0.0, -0.0, 1.0, 1500.5, 3200, 1e10, 1e-7, 0.1, 123456789.125,
                               1e21, 5e-324, std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity()};
    std::uniform_real_distribution<double> unit(0, 1);
    std::uniform_int_distribution<int> pick(0, static_cast<int>(std::size(specials)) - 1);
    auto number = [&]() -> double {
        switch (rng() % 4) {
        case 0: return specials[pick(rng)];
        case 1: return std::round(unit(rng) * 1e6) / 100.0;
        case 2: return std::ldexp(unit(rng), static_cast<int>(rng() % 200) - 100);
        default: return unit(rng) * 1e4;
        }
    };
    const json attributes[] = {
        json::object(),
        json{{"cadastre", "59000-A811"}},
        json{{"z", 1}, {"a", -2}, {"m", std::uint64_t{18446744073709551615u}}},
        json{{"list", {1, 2.5, "x", nullptr, true, false}}, {"nested", {{"k", "caf\u00e9"}}}},
        json{{"text", "quote \" backslash \\ tab \t control \x01 \xc3\xa9"}},
        json{{"bad", std::string("\xff\xfe invalid")}},
    };
    for (int i = 0; i < 2000; ++i) {
        Space s;
        s.id = i + 1;
        s.workspace_id = 1 + i % 3;
        s.fields = read_space_fields(i % 2 ? full() : minimal());
        if (i % 5) s.fields.area_m2 = number();
        s.fields.area_computed = i % 3 == 0;
        s.fields.floor_area_m2 = i % 7 ? std::optional<double>(number()) : std::nullopt;
        s.fields.source_attributes = attributes[i % std::size(attributes)];
        if (i % 11 == 0) s.fields.source_attributes["x"] = number();
        s.status = SpaceStatus::available;
        s.version = i;
        const std::string slug = i % 2 ? "lille" : "";

        json expected = space_to_json(s);
        expected.erase("id");
        expected.erase("geometry");
        if (!slug.empty()) expected["workspace"] = slug;
        std::string out;
        append_space_feature(out, s, slug);
        const std::string props = out.substr(out.find(",\"properties\":") + 14);
        ASSERT_EQ(props, expected.dump(-1, ' ', false, json::error_handler_t::replace) + "}")
            << i;
    }
}

} // namespace
} // namespace impetus::geo
