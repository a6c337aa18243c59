// Runs every scenario file of tests/data/calls/ (README.md there describes the format): the rules
// of core/calls.hpp applied to inputs written as the API writes calls and applications, each
// case with the outcome its rule's documentation gives, worked out by hand.
//
// Rules: "call_transition" (call_transition_allowed), "accepts_applications", "eligibility"
// (eligibility_reasons), "sheet_score" and "aggregation" (aggregate_scores).

#include "core/calls.hpp"
#include "core/calls_json.hpp"
#include "core/enum_names.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>

#include <gtest/gtest.h>

using nlohmann::json;
namespace fs = std::filesystem;

namespace impetus {
namespace {

fs::path scenario_dir() { return fs::path(IMPETUS_TEST_DATA) / "calls"; }

json load(const fs::path& file) {
    std::ifstream in(file);
    return json::parse(in);
}

struct Case {
    std::string file; // stem
    std::size_t index = 0;
    std::string name;
};

std::vector<Case> all_cases() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(scenario_dir())) {
        if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<Case> out;
    for (const auto& f : files) {
        const json doc = load(f);
        const auto& cases = doc.at("cases");
        for (std::size_t i = 0; i < cases.size(); ++i) {
            out.push_back({f.stem().string(), i, cases[i].at("name").get<std::string>()});
        }
    }
    return out;
}

// How GoogleTest shows the parameter of a failing test.
void PrintTo(const Case& c, std::ostream* os) { *os << c.file << ".json, case " << c.name; }

std::string test_name(const testing::TestParamInfo<Case>& info) {
    std::string s = info.param.file + "__" + info.param.name;
    for (char& c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return s;
}

template <typename E> E enum_of(const json& j) {
    auto v = parse_enum<E>(j.get<std::string>());
    if (!v) throw std::runtime_error("unknown value " + j.dump());
    return *v;
}

// An evaluation sheet as the scenario writes it: {"application_id", "evaluator_id",
// "submitted", "conflict_of_interest", "scores": {key: value}}.
Evaluation sheet_of(const json& j) {
    Evaluation e;
    e.application_id = j.value("application_id", Id{1});
    e.evaluator_id = j.value("evaluator_id", Id{0});
    e.conflict_of_interest = j.value("conflict_of_interest", false);
    if (j.value("submitted", true)) e.submitted_at = "2025-05-01T10:00:00.000Z";
    const json scores = j.value("scores", json::object()); // items() needs it alive
    for (const auto& [key, v] : scores.items()) {
        e.scores[key] = {v.get<double>(), ""};
    }
    return e;
}

void expect_near(const json& got, const json& want, const std::string& what) {
    if (want.is_null()) {
        EXPECT_TRUE(got.is_null()) << what << ": " << got.dump();
        return;
    }
    ASSERT_TRUE(got.is_number()) << what << ": " << got.dump();
    EXPECT_NEAR(got.get<double>(), want.get<double>(), 1e-6) << what;
}

class CallScenario : public testing::TestWithParam<Case> {};

TEST_P(CallScenario, FollowsTheDocumentedRule) {
    const json doc = load(scenario_dir() / (GetParam().file + ".json"));
    const json& c = doc.at("cases").at(GetParam().index);
    SCOPED_TRACE(doc.value("description", "") + " / " + c.value("description", ""));
    json input = doc.value("input", json::object());
    input.merge_patch(c.value("input", json::object())); // RFC 7396
    const json& expect = c.at("expect");
    const std::string rule = doc.at("rule");

    if (rule == "call_transition") {
        const auto from = enum_of<CallState>(input.at("from"));
        const auto to = enum_of<CallState>(input.at("to"));
        EXPECT_EQ(call_transition_allowed(from, to), expect.at("allowed").get<bool>());
        return;
    }

    const Call call = [&] {
        Call out = read_call(input.at("call"));
        if (input.contains("state")) out.state = enum_of<CallState>(input.at("state"));
        return out;
    }();

    if (rule == "accepts_applications") {
        EXPECT_EQ(accepts_applications(call, input.at("now").get<std::string>()),
                  expect.at("accepts").get<bool>())
            << "opens_at " << call.opens_at << ", closes_at " << call.closes_at << ", now "
            << input.at("now").get<std::string>();
    } else if (rule == "eligibility") {
        Application a;
        a.fields = read_application_fields(input.at("application"));
        for (const auto& name : input.value("attachments", json::array())) {
            Attachment at;
            at.name = name.get<std::string>();
            at.file_name = at.name + ".pdf";
            a.attachments.push_back(at);
        }
        const auto type = enum_of<OrganisationType>(input.at("organisation_type"));
        auto got = eligibility_reasons(call, a, type);
        auto want = expect.at("reasons").get<std::vector<std::string>>();
        // The reasons are a set: the documentation fixes no order.
        std::sort(got.begin(), got.end());
        std::sort(want.begin(), want.end());
        EXPECT_EQ(got, want);
    } else if (rule == "sheet_score") {
        const auto score = sheet_score(call, sheet_of(input.at("sheet")));
        expect_near(score ? json(*score) : json(nullptr), expect.at("score"), "score");
    } else if (rule == "aggregation") {
        std::vector<Evaluation> sheets;
        for (const auto& s : input.at("sheets")) sheets.push_back(sheet_of(s));
        const Id application_id = input.value("application_id", Id{1});
        const AggregatedScore got = aggregate_scores(call, application_id, sheets);
        EXPECT_EQ(got.application_id, application_id);
        EXPECT_EQ(got.sheets, expect.at("sheets").get<std::size_t>());
        if (expect.contains("score")) {
            expect_near(got.score ? json(*got.score) : json(nullptr), expect.at("score"),
                        "score");
        }
        for (const char* key : {"min", "max", "stddev"}) {
            if (!expect.contains(key)) continue;
            const double v = std::string(key) == "min"   ? got.min
                             : std::string(key) == "max" ? got.max
                                                         : got.stddev;
            expect_near(json(v), expect.at(key), key);
        }
        if (expect.contains("criteria_means")) {
            const json& want = expect.at("criteria_means");
            std::set<std::string> keys;
            for (const auto& [k, v] : got.criteria_means) keys.insert(k);
            for (const auto& [k, v] : want.items()) {
                ASSERT_TRUE(got.criteria_means.contains(k)) << "criteria_means has no " << k;
                expect_near(json(got.criteria_means.at(k)), v, "criteria_means." + k);
                keys.erase(k);
            }
            EXPECT_TRUE(keys.empty()) << "criteria_means has more keys than expected";
        }
    } else {
        FAIL() << "unknown rule '" << rule << "'";
    }
}

INSTANTIATE_TEST_SUITE_P(Files, CallScenario, testing::ValuesIn(all_cases()), test_name);

// The transition table is complete: every (from, to) pair of states appears exactly once, so
// that a state added later must be given its row.
TEST(CallScenarios, TheTransitionTableNamesEveryPairOnce) {
    std::set<std::pair<std::string, std::string>> seen;
    std::size_t rows = 0;
    for (const auto& e : fs::directory_iterator(scenario_dir())) {
        if (e.path().extension() != ".json") continue;
        const json doc = load(e.path());
        if (doc.at("rule") != "call_transition") continue;
        for (const auto& c : doc.at("cases")) {
            json input = doc.value("input", json::object());
            input.merge_patch(c.value("input", json::object()));
            EXPECT_TRUE(seen.emplace(input.at("from"), input.at("to")).second)
                << input.dump() << " appears twice";
            ++rows;
        }
    }
    for (const auto& [from, from_name] : EnumNames<CallState>::values) {
        for (const auto& [to, to_name] : EnumNames<CallState>::values) {
            EXPECT_TRUE(seen.contains({std::string(from_name), std::string(to_name)}))
                << from_name << " -> " << to_name << " has no row";
        }
    }
    EXPECT_EQ(rows, EnumNames<CallState>::values.size() * EnumNames<CallState>::values.size());
}

// Every coded eligibility reason of the documentation is met by some scenario, failing.
TEST(CallScenarios, EveryEligibilityRuleHasAFailingCase) {
    std::set<std::string> met;
    for (const auto& e : fs::directory_iterator(scenario_dir())) {
        if (e.path().extension() != ".json") continue;
        const json doc = load(e.path());
        if (doc.at("rule") != "eligibility") continue;
        for (const auto& c : doc.at("cases")) {
            for (const auto& r : c.at("expect").at("reasons")) {
                const std::string s = r;
                met.insert(s.substr(0, s.find(':')));
            }
        }
    }
    for (const char* reason : {"organisation_type", "duration_too_short", "duration_too_long",
                               "period_outside_call", "document_missing", "no_ranked_space"}) {
        EXPECT_TRUE(met.contains(reason)) << reason;
    }
}

} // namespace
} // namespace impetus
