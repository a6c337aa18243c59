// Runs every scenario file of tests/data/matching/: a problem in the JSON form (json.hpp) and
// the allocation it must give ("assignments", complete: a request not listed gets nothing),
// optionally the solver, objective and the reasons given for chosen (request, space) pairs
// ("verdicts"), or the error it must raise ("error": category, "error_contains": text).

#include "core/error.hpp"
#include "matching/json.hpp"
#include "matching/solve.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

using nlohmann::json;
namespace fs = std::filesystem;
namespace m = impetus::matching;

namespace {

std::vector<std::string> scenario_names() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(fs::path(IMPETUS_TEST_DATA) / "matching")) {
        if (e.path().extension() == ".json") {
            out.push_back(e.path().stem().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

json load(const std::string& name) {
    std::ifstream in(fs::path(IMPETUS_TEST_DATA) / "matching" / (name + ".json"));
    return json::parse(in);
}

class Scenario : public testing::TestWithParam<std::string> {};

} // namespace

TEST_P(Scenario, GivesTheExpectedAllocation) {
    json doc = load(GetParam());
    const json& expect = doc.at("expect");
    m::Problem problem = m::problem_from_json(doc.at("problem"));
    if (expect.contains("error")) {
        try {
            m::solve(problem);
            FAIL() << "expected an error";
        } catch (const impetus::Error& e) {
            EXPECT_EQ(impetus::to_string(e.kind()), expect.at("error").get<std::string>());
            EXPECT_NE(std::string(e.what()).find(expect.value("error_contains", "")),
                      std::string::npos)
                << e.what();
        }
        return;
    }
    m::Result res = m::solve(problem);
    json out = m::to_json(res);
    if (expect.contains("solver")) {
        EXPECT_EQ(out.at("solver"), expect.at("solver"));
    }
    if (expect.contains("optimal")) {
        EXPECT_EQ(res.optimal, expect.at("optimal").get<bool>());
    }
    if (expect.contains("objective")) {
        EXPECT_NEAR(res.objective, expect.at("objective").get<double>(), 1e-6);
    }
    const json& want = expect.at("assignments");
    ASSERT_EQ(out.at("assignments").size(), want.size()) << out.at("assignments").dump();
    for (std::size_t i = 0; i < want.size(); ++i) {
        const json& got = out.at("assignments")[i];
        for (const auto& [key, value] : want[i].items()) {
            EXPECT_EQ(got.at(key), value) << "assignment " << i << " " << key;
        }
    }
    for (const json& v : expect.value("verdicts", json::array())) {
        auto e = std::find_if(res.explanations.begin(), res.explanations.end(),
                              [&](const m::Explanation& x) { return x.request == v.at("request"); });
        ASSERT_NE(e, res.explanations.end());
        auto s = std::find_if(e->spaces.begin(), e->spaces.end(),
                              [&](const m::SpaceVerdict& x) { return x.space == v.at("space"); });
        ASSERT_NE(s, e->spaces.end());
        SCOPED_TRACE("request " + v.at("request").dump() + ", space " + v.at("space").dump());
        EXPECT_EQ(json(s->reasons), v.at("reasons"));
        std::vector<impetus::Id> taken;
        for (const auto& t : s->taken_by) {
            taken.push_back(t.request);
        }
        EXPECT_EQ(json(taken), v.value("taken_by", json::array()));
    }
    // the same allocation with the input in reverse order
    std::reverse(problem.spaces.begin(), problem.spaces.end());
    std::reverse(problem.requests.begin(), problem.requests.end());
    EXPECT_EQ(m::to_json(m::solve(problem)).at("assignments"), out.at("assignments"));
}

INSTANTIATE_TEST_SUITE_P(Files, Scenario, testing::ValuesIn(scenario_names()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(MatchingJson, ReportsEveryFailingFieldAsAPointer) {
    json doc = json::parse(R"({
        "call": {"weights": {"score": -1}, "quotas": {"farming": 1}, "solver": "fast"},
        "spaces": [{"id": 1, "setting": "attic", "available": {"from": "2025-02-30", "to": "2025-03-01"},
                    "utilities": ["gas"]}],
        "requests": [{"id": 2, "score": 120, "category": "culture",
                      "period": {"start": "2025-01-01"}, "colour": "red"}]})");
    try {
        m::problem_from_json(doc);
        FAIL() << "expected invalid_input";
    } catch (const impetus::Error& e) {
        EXPECT_EQ(e.kind(), impetus::ErrorKind::invalid_input);
        std::vector<std::string> fields;
        for (const auto& f : e.fields()) {
            fields.push_back(f.field);
        }
        for (const char* want :
             {"/call/weights/score", "/call/quotas/farming", "/call/solver", "/spaces/0/setting",
              "/spaces/0/utilities/0", "/spaces/0/available/from", "/requests/0/score",
              "/requests/0/period/end", "/requests/0/colour"}) {
            EXPECT_NE(std::find(fields.begin(), fields.end(), want), fields.end()) << want;
        }
    }
}

TEST(MatchingJson, ChecksReferencesBetweenIds) {
    json doc = load("locks_and_exclusions").at("problem");
    doc["call"]["locks"][0]["space"] = 99;
    doc["requests"][1]["preferences"] = {10, 10};
    try {
        m::problem_from_json(doc);
        FAIL() << "expected invalid_input";
    } catch (const impetus::Error& e) {
        ASSERT_EQ(e.fields().size(), 2u);
        EXPECT_EQ(e.fields()[0].field, "/requests/1/preferences/1");
        EXPECT_EQ(e.fields()[1].field, "/call/locks/0/space");
    }
}

TEST(MatchingJson, RoundTripsAProblem) {
    for (const auto& name : scenario_names()) {
        m::Problem p = m::problem_from_json(load(name).at("problem"));
        json once = m::to_json(p);
        EXPECT_EQ(m::to_json(m::problem_from_json(once)), once) << name;
    }
}

TEST(MatchingJson, DatesAreCalendarDays) {
    EXPECT_EQ(m::day_from_iso("1970-01-01"), 0);
    EXPECT_EQ(m::day_from_iso("2024-02-29"), 19782);
    EXPECT_EQ(m::day_from_iso("2023-02-29"), std::nullopt);
    EXPECT_EQ(m::iso_from_day(19782), "2024-02-29");
    EXPECT_EQ(m::iso_from_day(-1), "1969-12-31");
}

TEST(MatchingMps, WritesTheProgrammeForOtherSolvers) {
    m::Problem p = m::problem_from_json(load("consecutive_uses").at("problem"));
    auto path = fs::temp_directory_path() / "impetus_matching_test.mps";
    m::write_mps(p, path.string());
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("ROWS"), std::string::npos);
    EXPECT_NE(text.find(" BV "), std::string::npos); // binary columns
    fs::remove(path);
}
