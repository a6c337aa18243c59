// `impetus discover` on the real binary: candidates into a workspace (and again, unchanged),
// GeoJSON without the store, progress on standard error, and bad extracts refused with the
// store left as it was.

#include "support/run_command.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace impetus::test;
using nlohmann::json;

namespace {

// Made from tests/data/discovery/town.opl at build time (tests/CMakeLists.txt).
const std::string k_town = std::string(IMPETUS_GENERATED_DATA) + "/discovery/town.osm.pbf";

bool contains(const std::string& s, const std::string& what) {
    return s.find(what) != std::string::npos;
}

class Discover : public ::testing::Test {
protected:
    Discover() {
        auto r = impetus({"workspace", "create", "lille", "--name", "Lille"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }

    RunResult impetus(std::vector<std::string> args) {
        args.push_back("--db");
        args.push_back(db);
        return run_impetus(args);
    }

    json discover_json(const std::string& file) {
        auto r = impetus({"discover", file, "--workspace", "lille", "--json", "-q"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out, nullptr, false);
    }

    // Every space of the workspace as GeoJSON features, in id order.
    json spaces() {
        auto r = impetus({"export", "--workspace", "lille"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out)["features"];
    }

    TempDir dir;
    std::string db = dir.file("test.db");
};

TEST_F(Discover, PutsCandidatesIntoTheWorkspaceAsReportedSpaces) {
    auto r = impetus({"discover", k_town, "--workspace", "lille"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "town.osm.pbf: 5 candidates in workspace lille: 5 created"))
        << r.out;
    EXPECT_TRUE(contains(r.out, "shop_vacant: 1")) << r.out;
    // Progress goes to standard error (a line per step when it is not a terminal).
    EXPECT_TRUE(contains(r.err, "100% done")) << r.err;

    const json features = spaces();
    ASSERT_EQ(features.size(), 5u);
    std::set<std::string> ids;
    for (const auto& f : features) {
        const auto& p = f["properties"];
        EXPECT_EQ(p["status"], "reported");
        EXPECT_EQ(p["source"], "osm");
        ids.insert(p["source_id"].get<std::string>());
    }
    EXPECT_EQ(ids, (std::set<std::string>{"node/1", "node/2", "way/100", "way/101", "way/103"}));
}

TEST_F(Discover, ASecondScanChangesNothing) {
    json first = discover_json(k_town);
    EXPECT_EQ(first["created"], 5);
    const json before = spaces();
    json second = discover_json(k_town);
    EXPECT_EQ(second["created"], 0);
    EXPECT_EQ(second["updated"], 0);
    EXPECT_EQ(second["unchanged"], 5);
    EXPECT_EQ(second["ended"], 0);
    EXPECT_EQ(spaces(), before);
}

TEST_F(Discover, DryRunChangesNothing) {
    auto r = impetus({"discover", k_town, "--workspace", "lille", "--dry-run", "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "dry run: town.osm.pbf: 5 candidates")) << r.out;
    EXPECT_EQ(spaces().size(), 0u);
}

TEST_F(Discover, GeoJsonIsWrittenWithoutTheStore) {
    const std::string out = dir.file("candidates.geojson");
    const std::string other_db = dir.file("untouched.db");
    auto r = run_impetus({"discover", k_town, "--geojson", out, "--db", other_db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "5 candidates written to")) << r.err;
    const json doc = json::parse(read_file(out));
    EXPECT_EQ(doc["type"], "FeatureCollection");
    EXPECT_EQ(doc["features"].size(), 5u);
    EXPECT_FALSE(std::filesystem::exists(other_db)) << "--geojson must not open the store";

    // to standard output
    r = run_impetus({"discover", k_town, "--geojson", "-", "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["features"].size(), 5u);
}

TEST_F(Discover, TheRealExtractFindsItsCandidates) {
    const std::string li = shared_data("osm/liechtenstein-2024-03-04.osm.pbf");
    if (li.empty()) GTEST_SKIP() << "the Liechtenstein extract is missing";
    json first = discover_json(li);
    EXPECT_EQ(first["candidates"], 19);
    EXPECT_EQ(first["created"], 19);
    json second = discover_json(li);
    EXPECT_EQ(second["unchanged"], 19);
    // A scan is the whole of the workspace's OSM source: another extract ends what it lacks.
    json town = discover_json(k_town);
    EXPECT_EQ(town["created"], 5);
    EXPECT_EQ(town["ended"], 19) << "a scan is the whole of the workspace's OSM source";
}

TEST_F(Discover, BadExtractsAreRefusedAndChangeNothing) {
    ASSERT_EQ(discover_json(k_town)["created"], 5);
    const json before = spaces();

    const std::string town = read_file(k_town);
    const std::string empty = dir.file("empty.osm.pbf");
    write_file(empty, "");
    const std::string text = dir.file("notes.osm.pbf");
    write_file(text, "this is not an extract\n");
    const std::string xml = dir.file("town.osm");
    write_file(xml, "<?xml version='1.0'?><osm version='0.6'></osm>\n");
    const std::string truncated = dir.file("truncated.osm.pbf");
    write_file(truncated, town.substr(0, town.size() * 2 / 3));
    std::string flipped = town;
    for (std::size_t i = flipped.size() / 2; i < flipped.size() / 2 + 64 && i < flipped.size(); ++i) {
        flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    }
    const std::string corrupt = dir.file("corrupt.osm.pbf");
    write_file(corrupt, flipped);

    const std::vector<std::pair<std::string, std::string>> cases{
        {empty, "is empty"},
        {text, "is not an OSM PBF file"},
        {xml, "looks like OSM XML"},
        {truncated, "truncated"},
        {corrupt, "corrupt"},
    };
    for (const auto& [file, message] : cases) {
        SCOPED_TRACE(file);
        auto r = impetus({"discover", file, "--workspace", "lille"});
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_TRUE(contains(r.err, "impetus: error: ")) << r.err;
        EXPECT_TRUE(contains(r.err, message)) << r.err;
        EXPECT_TRUE(contains(r.err, "hint: ")) << r.err;
        EXPECT_EQ(spaces(), before) << "a refused scan must not end or change anything";
    }
    // and --geojson leaves no file behind
    const std::string out = dir.file("out.geojson");
    auto r = run_impetus({"discover", truncated, "--geojson", out, "-q"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_FALSE(std::filesystem::exists(out + ".part"));
}

TEST_F(Discover, UsageErrors) {
    auto r = impetus({"discover", k_town});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "--workspace")) << r.err;

    r = impetus({"discover", k_town, "--workspace", "nowhere"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(contains(r.err, "workspace 'nowhere' not found")) << r.err;

    r = impetus({"discover", k_town, "--workspace", "lille", "--geojson", dir.file("x.geojson")});
    EXPECT_EQ(r.exit_code, 2) << "one destination at a time";

    r = impetus({"discover", dir.file("missing.osm.pbf"), "--workspace", "lille"});
    EXPECT_EQ(r.exit_code, 5);
    EXPECT_TRUE(contains(r.err, "no such file")) << r.err;

    const std::string weights = dir.file("weights.json");
    write_file(weights, R"({"suitability": {"transit": "lots"}})");
    r = impetus({"discover", k_town, "--workspace", "lille", "--weights", weights});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "/suitability/transit")) << r.err;
    EXPECT_EQ(spaces().size(), 0u);
}

} // namespace
