// Optimality against brute force on small random calls, and determinism.
//
// The enumerator below knows nothing of the engine's model: it lists every (space, start) a
// request could get from the public helpers (incompatibilities, pair_terms), then searches
// every allocation with branch and bound on the integer units, checking capacity day by day.

#include "core/error.hpp"
#include "matching/model.hpp"
#include "matching/solve.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <gtest/gtest.h>

using namespace impetus;
using namespace impetus::matching;

namespace {

constexpr Day k_base = 20000;

Problem random_problem(std::mt19937& rng, bool flexible) {
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    Problem p;
    CallSettings& c = p.settings;
    c.weights = {1.0, pick(0, 1) * 0.5, pick(0, 1) * 0.3, pick(0, 1) * 0.2};
    c.start_step_days = flexible ? pick(1, 3) : 1;
    c.preferences_required = pick(0, 5) == 0;
    c.time_limit_seconds = 30;
    const int ns = pick(1, 4);
    const int nr = pick(1, 7);
    for (int s = 0; s < ns; ++s) {
        SpaceOffer o;
        o.id = 10 + pick(0, 3) * 10 + s; // ids not in input order
        o.area_m2 = pick(0, 4) == 0 ? std::nullopt : std::optional<double>(pick(20, 200));
        o.setting = pick(0, 1) ? Setting::indoor : Setting::outdoor;
        o.utilities = static_cast<matching::Utilities>(pick(0, 15));
        o.step_free = pick(0, 1) == 1;
        Day from = k_base + pick(0, 6);
        o.available = {from, from + pick(6, 20)};
        o.capacity = pick(1, 2);
        o.location = Location{3.0 + pick(0, 100) / 1000.0, 50.6 + pick(0, 100) / 1000.0};
        p.spaces.push_back(o);
    }
    for (int r = 0; r < nr; ++r) {
        Request q;
        q.id = 100 + pick(0, 5) * 10 + r;
        q.score = pick(0, 4) * 20 + pick(0, 1) * 5; // many ties
        q.category = pick(0, 1) ? Category::culture : Category::greening;
        if (pick(0, 2) == 0) {
            q.needs.area_min_m2 = pick(10, 100);
        }
        if (pick(0, 3) == 0) {
            q.needs.area_max_m2 = pick(100, 250);
        }
        q.needs.setting = static_cast<SettingNeed>(pick(0, 2) == 0 ? pick(1, 2) : 0);
        q.needs.utilities = pick(0, 1) ? static_cast<matching::Utilities>(pick(0, 3)) : 0;
        q.needs.step_free = pick(0, 4) == 0;
        Day start = k_base + pick(0, 10);
        if (flexible && pick(0, 2) > 0) {
            int duration = pick(2, 6);
            q.period = WantedPeriod::flexible(duration, {start, start + duration + pick(0, 6)});
        } else {
            q.period = WantedPeriod::fixed({start, start + pick(2, 8)});
        }
        for (const auto& s : p.spaces) {
            if (pick(0, 2) == 0) {
                q.preferences.push_back(s.id);
            }
        }
        std::shuffle(q.preferences.begin(), q.preferences.end(), rng);
        if (pick(0, 1)) {
            q.location = Location{3.0 + pick(0, 100) / 1000.0, 50.6 + pick(0, 100) / 1000.0};
        }
        p.requests.push_back(q);
    }
    if (pick(0, 3) == 0) {
        c.quotas[Category::greening] = pick(1, 2);
    }
    if (pick(0, 3) == 0) {
        c.exclusions.push_back({p.requests[pick(0, nr - 1)].id, p.spaces[pick(0, ns - 1)].id});
    }
    return p;
}

struct Choice {
    int space; // index into problem.spaces
    Day start;
    Day end;
    std::int64_t units;
};

// Every (space, start) each request could get, from the public helpers only.
std::vector<std::vector<Choice>> choices(const Problem& p) {
    std::vector<std::vector<Choice>> out;
    const int step = p.settings.start_step_days;
    for (const Request& q : p.requests) {
        std::vector<Choice> cs;
        for (std::size_t s = 0; s < p.spaces.size(); ++s) {
            const SpaceOffer& sp = p.spaces[s];
            if (!incompatibilities(p, q, sp).empty()) {
                continue;
            }
            auto units = static_cast<std::int64_t>(std::llround(
                contribution(p.settings.weights, pair_terms(p.settings, q, sp)) * 1e6));
            const WantedPeriod& w = q.period;
            for (Day d = w.window.from; d + w.duration_days <= w.window.to;
                 d += w.is_fixed() ? w.window.length() : step) {
                Period per{d, d + w.duration_days};
                if (sp.available.contains(per)) {
                    cs.push_back({static_cast<int>(s), per.from, per.to, units});
                }
            }
        }
        out.push_back(cs);
    }
    return out;
}

struct BruteForce {
    const Problem& p;
    std::vector<std::vector<Choice>> cs;
    std::vector<std::int64_t> best_rest; // the best units requests r.. could add
    std::vector<std::map<Day, int>> load;
    std::int64_t best = -1;

    explicit BruteForce(const Problem& problem) : p(problem), cs(choices(problem)) {
        best_rest.assign(cs.size() + 1, 0);
        for (int r = static_cast<int>(cs.size()) - 1; r >= 0; --r) {
            std::int64_t top = 0;
            for (const auto& c : cs[r]) {
                top = std::max(top, c.units);
            }
            best_rest[r] = best_rest[r + 1] + top;
        }
        load.resize(p.spaces.size());
    }

    bool quotas_met(const std::map<Category, int>& count) const {
        for (const auto& [cat, q] : p.settings.quotas) {
            auto it = count.find(cat);
            if ((it == count.end() ? 0 : it->second) < q) {
                return false;
            }
        }
        return true;
    }

    void search(std::size_t r, std::int64_t value, std::map<Category, int>& count) {
        if (value + best_rest[r] <= best && !(best < 0)) {
            return;
        }
        if (r == cs.size()) {
            if (quotas_met(count) && value > best) {
                best = value;
            }
            return;
        }
        for (const Choice& c : cs[r]) {
            bool fits = true;
            for (Day d = c.start; d < c.end && fits; ++d) {
                fits = load[c.space][d] < p.spaces[c.space].capacity;
            }
            if (!fits) {
                continue;
            }
            for (Day d = c.start; d < c.end; ++d) {
                ++load[c.space][d];
            }
            ++count[p.requests[r].category];
            search(r + 1, value + c.units, count);
            --count[p.requests[r].category];
            for (Day d = c.start; d < c.end; ++d) {
                --load[c.space][d];
            }
        }
        search(r + 1, value, count);
    }

    std::int64_t solve() {
        std::map<Category, int> count;
        search(0, 0, count);
        return best; // -1: no allocation meets the quotas
    }
};

// Every hard constraint of the result, checked from the problem directly.
void expect_valid(const Problem& p, const Result& res) {
    std::map<Id, const Request*> requests;
    std::map<Id, const SpaceOffer*> spaces;
    for (const auto& q : p.requests) {
        requests[q.id] = &q;
    }
    for (const auto& s : p.spaces) {
        spaces[s.id] = &s;
    }
    std::map<Id, int> per_request;
    std::map<std::pair<Id, Day>, int> load;
    std::map<Category, int> count;
    for (const Assignment& a : res.assignments) {
        const Request& q = *requests.at(a.request);
        const SpaceOffer& s = *spaces.at(a.space);
        EXPECT_EQ(++per_request[a.request], 1) << "request " << a.request << " twice";
        EXPECT_TRUE(incompatibilities(p, q, s).empty()) << a.request << " -> " << a.space;
        EXPECT_EQ(a.end - a.start, q.period.duration_days);
        EXPECT_TRUE(q.period.window.contains({a.start, a.end}));
        EXPECT_TRUE(s.available.contains({a.start, a.end}));
        EXPECT_EQ((a.start - q.period.window.from) % p.settings.start_step_days, 0);
        for (Day d = a.start; d < a.end; ++d) {
            EXPECT_LE(++load[std::pair(a.space, d)], s.capacity) << "space " << a.space << " day " << d;
        }
        ++count[q.category];
    }
    if (res.solver != SolverKind::greedy) {
        for (const auto& [cat, n] : p.settings.quotas) {
            EXPECT_GE(count[cat], n);
        }
    }
}

std::vector<std::tuple<Id, Id, Day>> pairs(const Result& r) {
    std::vector<std::tuple<Id, Id, Day>> out;
    for (const auto& a : r.assignments) {
        out.emplace_back(a.request, a.space, a.start);
    }
    return out;
}

void run_random(std::uint32_t seed, bool flexible, int count, int& flow_cases, int& mip_cases) {
    std::mt19937 rng(seed);
    for (int i = 0; i < count; ++i) {
        Problem p = random_problem(rng, flexible);
        SCOPED_TRACE("seed " + std::to_string(seed) + " instance " + std::to_string(i));
        std::int64_t expected = BruteForce(p).solve();
        if (expected < 0) {
            EXPECT_THROW(solve(p), Error);
            continue;
        }
        Result res = solve(p);
        expect_valid(p, res);
        EXPECT_TRUE(res.optimal);
        EXPECT_EQ(res.objective_units, expected);
        EXPECT_NEAR(res.objective * 1e6, static_cast<double>(expected), 1e-6 * 1e6);
        expect_valid(p, allocate_greedy(p));
        if (flow_applies(p)) {
            ++flow_cases;
            EXPECT_EQ(res.solver, SolverKind::flow);
            Problem forced = p;
            forced.settings.solver = SolverChoice::mip;
            Result mip = solve(forced);
            EXPECT_EQ(mip.objective_units, expected);
            EXPECT_EQ(pairs(mip), pairs(res)) << "flow and mip break ties alike";
        } else {
            ++mip_cases;
            EXPECT_EQ(res.solver, SolverKind::mip);
        }
    }
}

} // namespace

TEST(MatchingOptimality, FixedPeriodsMatchBruteForce) {
    int flow = 0;
    int mip = 0;
    run_random(20261201, false, 250, flow, mip);
    EXPECT_GT(flow, 50);
    EXPECT_GT(mip, 20);
}

TEST(MatchingOptimality, FlexiblePeriodsMatchBruteForce) {
    int flow = 0;
    int mip = 0;
    run_random(777, true, 250, flow, mip);
    EXPECT_GT(mip, 100);
}

TEST(MatchingDeterminism, SameAssignmentsTwiceAndShuffled) {
    std::mt19937 rng(4242);
    for (int i = 0; i < 60; ++i) {
        Problem p = random_problem(rng, i % 2 == 1);
        p.settings.quotas.clear();
        Result a = solve(p);
        Result b = solve(p);
        EXPECT_EQ(pairs(a), pairs(b));
        Problem shuffled = p;
        std::shuffle(shuffled.spaces.begin(), shuffled.spaces.end(), rng);
        std::shuffle(shuffled.requests.begin(), shuffled.requests.end(), rng);
        Result c = solve(shuffled);
        EXPECT_EQ(pairs(a), pairs(c)) << "instance " << i;
        EXPECT_EQ(pairs(allocate_greedy(p)), pairs(allocate_greedy(shuffled)));
    }
}

// The Lagrangian relaxation that large calls start from: its bound is never below the optimum,
// its allocations keep every constraint and are never above it.
TEST(MatchingLagrange, BoundsTheOptimumAndFindsValidAllocations) {
    std::mt19937 rng(7);
    int checked = 0;
    for (int i = 0; i < 300; ++i) {
        Problem p = random_problem(rng, i % 2 == 0);
        p.settings.quotas.clear(); // the relaxation leaves quotas and locks to the programme
        SCOPED_TRACE("instance " + std::to_string(i));
        const std::int64_t expected = BruteForce(p).solve();
        if (expected < 0) continue;
        const detail::Model m = detail::build_model(p);
        const detail::LagrangeOutcome lag = detail::solve_lagrangian(m, 0.5);
        EXPECT_GE(lag.bound_units + 1e-6, static_cast<double>(expected));
        EXPECT_LE(lag.best_units, static_cast<double>(expected) + 1e-6);
        const Result res = detail::make_result(m, lag.chosen, SolverKind::mip, false);
        expect_valid(p, res);
        EXPECT_NEAR(static_cast<double>(res.objective_units), lag.best_units, 1e-6);
        ++checked;
    }
    EXPECT_GT(checked, 200);
}

