// The weights file: the shipped defaults, validation with field errors, and the scores.

#include "discovery/discovery.hpp"
#include "support/errors.hpp"
#include "support/run_command.hpp"

#include <gtest/gtest.h>

namespace impetus::discovery {
namespace {

using nlohmann::json;
using test::catch_error;
using test::field_names;

const std::string k_config = std::string(IMPETUS_SOURCE_DIR) + "/config/discovery-weights.json";

TEST(Weights, ShippedFileHoldsTheDefaults) {
    EXPECT_EQ(load_weights(k_config), Weights{});
    EXPECT_EQ(parse_weights(json::object()), Weights{});
}

TEST(Weights, ShippedFileExplainsEveryFactor) {
    const auto doc = json::parse(test::read_file(k_config));
    for (const char* score : {"suitability", "greening"}) {
        for (const auto& [name, factor] : doc[score].items()) {
            if (name.starts_with("$")) continue;
            EXPECT_TRUE(factor.contains("why")) << score << "/" << name;
            EXPECT_TRUE(factor.contains("weight")) << score << "/" << name;
        }
    }
}

TEST(Weights, ReadsEveryField) {
    const auto w = parse_weights(json::parse(R"({
        "suitability": {"transit": {"weight": 1, "full_at_m": 100, "zero_at_m": 500},
                        "condition": {"values": {"ruin": 0.5}},
                        "size": {"point": 0.2}},
        "greening": {"open_land": {"weight": 2, "values": {"shop": 0.0}},
                     "green_deficit": {"target_share": 0.5}}
    })"));
    EXPECT_EQ(w.suitability.transit, 1.0);
    EXPECT_EQ(w.suitability.transit_ramp, (Ramp{100.0, 500.0}));
    EXPECT_EQ(w.suitability.condition_values.at("ruin"), 0.5);
    EXPECT_EQ(w.suitability.condition_values.at("disused"), 0.9); // untouched default
    EXPECT_EQ(w.suitability.size_point, 0.2);
    EXPECT_EQ(w.greening.open_land, 2.0);
    EXPECT_EQ(w.greening.open_land_values.at("shop"), 0.0);
    EXPECT_EQ(w.greening.green_target_share, 0.5);
}

TEST(Weights, ReportsEveryBadField) {
    const auto e = catch_error([] {
        parse_weights(json::parse(R"({
            "suitability": {"transit": {"weight": -1, "full_at_m": 100, "zero_at_m": 100},
                            "colour": 1},
            "greening": {"open_land": {"values": {"plot": 2, "lake": 1}},
                         "size": {"weight": "heavy"}},
            "extra": true
        })"));
    });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    const auto fields = field_names(e);
    for (const char* f : {"/suitability/transit/weight", "/suitability/transit/zero_at_m",
                          "/suitability/colour", "/greening/open_land/values/plot",
                          "/greening/open_land/values/lake", "/greening/size/weight", "/extra"}) {
        EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
    }
}

TEST(Weights, AllZeroIsRefused) {
    const auto e = catch_error([] {
        parse_weights(json::parse(R"({"suitability": {"transit": {"weight": 0},
            "amenities": {"weight": 0}, "shops": {"weight": 0}, "condition": {"weight": 0},
            "size": {"weight": 0}}})"));
    });
    EXPECT_EQ(field_names(e), std::vector<std::string>{"/suitability"});
    EXPECT_EQ(catch_error([] { parse_weights(json::array()); }).kind(), ErrorKind::invalid_input);
}

TEST(Weights, FileErrors) {
    test::TempDir dir;
    EXPECT_EQ(catch_error([&] { load_weights(dir.file("missing.json")); }).kind(), ErrorKind::io);
    test::write_file(dir.file("bad.json"), "{ not json");
    EXPECT_EQ(catch_error([&] { load_weights(dir.file("bad.json")); }).kind(),
              ErrorKind::invalid_input);
}

TEST(Ramp, BothDirectionsClamped) {
    const Ramp nearer{300.0, 1000.0};
    EXPECT_EQ(nearer(0.0), 1.0);
    EXPECT_EQ(nearer(300.0), 1.0);
    EXPECT_NEAR(nearer(650.0), 0.5, 1e-12);
    EXPECT_EQ(nearer(5000.0), 0.0);
    const Ramp larger{200.0, 20.0};
    EXPECT_EQ(larger(10.0), 0.0);
    EXPECT_NEAR(larger(110.0), 0.5, 1e-12);
    EXPECT_EQ(larger(1e6), 1.0);
}

} // namespace
} // namespace impetus::discovery
