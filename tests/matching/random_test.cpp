// Optimality against brute force on small random calls, and determinism.
//
// The oracle below is written from the rules as problem.hpp, result.hpp and solve.hpp state
// them, and shares no code with the engine: its own compatibility check (needs, periods on the
// start grid, preferences, exclusions), its own contribution of a pair (the four fits and the
// weights, rounded to units), and a search over every allocation with branch and bound that
// checks capacity day by day and the quotas. The engine's optimum, and the value the oracle
// gives the engine's own allocation, must equal the oracle's optimum.

#include "core/error.hpp"
#include "matching/model.hpp"
#include "matching/solve.hpp"

#include <algorithm>
#include <array>
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

// ---------------------------------------------------------------------------------------------
// The oracle

namespace oracle {

// problem.hpp: "What an application needs of a space; every field is a hard constraint", an
// unknown area fits "only requests without area needs"; indoor/outdoor needs against the
// space's setting; every needed utility; step-free access. result.hpp adds
// not_in_preferences (preferences_required) and excluded_by_officer.
bool space_fits(const Problem& p, const Request& q, const SpaceOffer& s) {
    const Needs& n = q.needs;
    if (n.area_min_m2 || n.area_max_m2) {
        if (!s.area_m2) return false;
        if (n.area_min_m2 && *s.area_m2 < *n.area_min_m2) return false;
        if (n.area_max_m2 && *s.area_m2 > *n.area_max_m2) return false;
    }
    if (n.setting == SettingNeed::indoor && s.setting != Setting::indoor) return false;
    if (n.setting == SettingNeed::outdoor && s.setting != Setting::outdoor) return false;
    for (unsigned bit : {1u, 2u, 4u, 8u}) { // water, electricity, heating, internet
        if ((n.utilities & bit) && !(s.utilities & bit)) return false;
    }
    if (n.step_free && !s.step_free) return false;
    if (p.settings.preferences_required &&
        std::find(q.preferences.begin(), q.preferences.end(), s.id) == q.preferences.end()) {
        return false;
    }
    for (const Exclusion& e : p.settings.exclusions) {
        if (e.request == q.id && e.space == s.id) return false;
    }
    return true;
}

// "a fixed [start, end), or `duration_days` starting at any day of the call's start grid
// (window.from + k * start_step_days) and ending by window.to": every such period, whether or
// not a space has it.
std::vector<std::pair<Day, Day>> wanted_periods(const Problem& p, const Request& q) {
    const Day from = q.period.window.from;
    const Day to = q.period.window.to;
    const int length = q.period.duration_days;
    std::vector<std::pair<Day, Day>> out;
    if (length == to - from) {
        out.emplace_back(from, to);
        return out;
    }
    for (Day start = from; start + length <= to; start += p.settings.start_step_days) {
        out.emplace_back(start, start + length);
    }
    return out;
}

// The great-circle distance in km. The comment names no radius: the IUGG mean radius, through
// the angle between the two points as unit vectors.
double great_circle_km(const Location& a, const Location& b) {
    const double rad = std::acos(-1.0) / 180.0;
    auto unit = [&](const Location& l) {
        return std::array<double, 3>{std::cos(l.lat * rad) * std::cos(l.lon * rad),
                                     std::cos(l.lat * rad) * std::sin(l.lon * rad),
                                     std::sin(l.lat * rad)};
    };
    const auto u = unit(a);
    const auto v = unit(b);
    const std::array<double, 3> cross{u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                                      u[0] * v[1] - u[1] * v[0]};
    const double sine = std::sqrt(cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]);
    const double cosine = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    return 6371.0088 * std::atan2(sine, cosine);
}

// result.hpp, Terms: the four fits of a pair.
Terms fits(const Problem& p, const Request& q, const SpaceOffer& s) {
    Terms t;
    t.score = q.score / 100.0;
    t.area_fit = q.needs.area_min_m2 ? *q.needs.area_min_m2 / *s.area_m2 : 1.0;
    const auto n = static_cast<double>(q.preferences.size());
    for (std::size_t k = 0; k < q.preferences.size(); ++k) {
        if (q.preferences[k] == s.id) t.preference = 1.0 - static_cast<double>(k) / n;
    }
    if (q.location && s.location) {
        t.distance = 1.0 / (1.0 + great_circle_km(*q.location, *s.location) /
                                      p.settings.distance_half_km);
    }
    return t;
}

// The pair's contribution, rounded to units first ("every pair's contribution is rounded to
// k_units_per_contribution first").
std::int64_t units(const Problem& p, const Request& q, const SpaceOffer& s) {
    const Terms t = fits(p, q, s);
    const Weights& w = p.settings.weights;
    const double c = w.score * t.score + w.area_fit * t.area_fit + w.preference * t.preference +
                     w.distance * t.distance;
    return static_cast<std::int64_t>(std::llround(c * 1e6));
}

struct Choice {
    int space; // index into problem.spaces
    Day start;
    Day end;
    std::int64_t units;
};

// The best total (in units) of any allocation that keeps every hard constraint of solve.hpp:
// needs, periods in the availability, capacity at every moment (day by day), at most one
// space per request, the quotas; -1 when none meets the quotas. Locks are not modelled: the
// random calls have none.
class BruteForce {
public:
    explicit BruteForce(const Problem& problem) : p(problem) {
        for (const Request& q : p.requests) {
            std::vector<Choice> cs;
            for (std::size_t s = 0; s < p.spaces.size(); ++s) {
                const SpaceOffer& sp = p.spaces[s];
                if (!space_fits(p, q, sp)) continue;
                const std::int64_t value = units(p, q, sp);
                for (const auto& [from, to] : wanted_periods(p, q)) {
                    if (sp.available.from <= from && to <= sp.available.to) {
                        cs.push_back({static_cast<int>(s), from, to, value});
                    }
                }
            }
            choices.push_back(std::move(cs));
        }
        best_rest.assign(choices.size() + 1, 0);
        for (int r = static_cast<int>(choices.size()) - 1; r >= 0; --r) {
            std::int64_t top = 0;
            for (const auto& c : choices[r]) top = std::max(top, c.units);
            best_rest[r] = best_rest[r + 1] + top;
        }
        load.resize(p.spaces.size());
    }

    std::int64_t solve() {
        std::map<Category, int> count;
        search(0, 0, count);
        return best;
    }

private:
    bool quotas_met(const std::map<Category, int>& count) const {
        for (const auto& [cat, q] : p.settings.quotas) {
            auto it = count.find(cat);
            if ((it == count.end() ? 0 : it->second) < q) return false;
        }
        return true;
    }

    void search(std::size_t r, std::int64_t value, std::map<Category, int>& count) {
        if (best >= 0 && value + best_rest[r] <= best) return;
        if (r == choices.size()) {
            if (quotas_met(count)) best = std::max(best, value);
            return;
        }
        for (const Choice& c : choices[r]) {
            bool free = true;
            for (Day d = c.start; d < c.end && free; ++d) {
                free = load[c.space][d] < p.spaces[c.space].capacity;
            }
            if (!free) continue;
            for (Day d = c.start; d < c.end; ++d) ++load[c.space][d];
            ++count[p.requests[r].category];
            search(r + 1, value + c.units, count);
            --count[p.requests[r].category];
            for (Day d = c.start; d < c.end; ++d) --load[c.space][d];
        }
        search(r + 1, value, count);
    }

    const Problem& p;
    std::vector<std::vector<Choice>> choices;
    std::vector<std::int64_t> best_rest; // the most units requests r.. could add
    std::vector<std::map<Day, int>> load;
    std::int64_t best = -1;
};

} // namespace oracle

// Every hard constraint of an allocation, checked by the oracle's rules; returns the value the
// oracle gives it, in units.
std::int64_t expect_valid(const Problem& p, const Result& res, bool with_quotas = true) {
    std::map<Id, const Request*> requests;
    std::map<Id, const SpaceOffer*> spaces;
    for (const auto& q : p.requests) requests[q.id] = &q;
    for (const auto& s : p.spaces) spaces[s.id] = &s;
    std::map<Id, int> per_request;
    std::map<std::pair<Id, Day>, int> load;
    std::map<Category, int> count;
    std::int64_t value = 0;
    for (const Assignment& a : res.assignments) {
        const auto qi = requests.find(a.request);
        const auto si = spaces.find(a.space);
        if (qi == requests.end() || si == spaces.end()) {
            ADD_FAILURE() << "an assignment of " << a.request << " to " << a.space
                          << " names what the problem does not hold";
            continue;
        }
        const Request& q = *qi->second;
        const SpaceOffer& s = *si->second;
        EXPECT_EQ(++per_request[a.request], 1) << "request " << a.request << " twice";
        EXPECT_TRUE(oracle::space_fits(p, q, s)) << a.request << " -> " << a.space;
        const auto periods = oracle::wanted_periods(p, q);
        EXPECT_NE(std::find(periods.begin(), periods.end(), std::pair(a.start, a.end)), periods.end())
            << a.request << " -> " << a.space << ": [" << a.start << ", " << a.end
            << ") is not a period it wants";
        EXPECT_TRUE(s.available.from <= a.start && a.end <= s.available.to)
            << a.request << " -> " << a.space << " outside the availability";
        for (Day d = a.start; d < a.end; ++d) {
            EXPECT_LE(++load[std::pair(a.space, d)], s.capacity) << "space " << a.space << " day " << d;
        }
        ++count[q.category];
        // The terms the engine reports are the oracle's.
        const Terms t = oracle::fits(p, q, s);
        EXPECT_NEAR(a.terms.score, t.score, 1e-9) << a.request << " -> " << a.space;
        EXPECT_NEAR(a.terms.area_fit, t.area_fit, 1e-9) << a.request << " -> " << a.space;
        EXPECT_NEAR(a.terms.preference, t.preference, 1e-9) << a.request << " -> " << a.space;
        EXPECT_NEAR(a.terms.distance, t.distance, 1e-9) << a.request << " -> " << a.space;
        const std::int64_t u = oracle::units(p, q, s);
        EXPECT_LE(std::abs(a.units - u), 1) << a.request << " -> " << a.space;
        value += u;
    }
    if (with_quotas) {
        for (const auto& [cat, n] : p.settings.quotas) EXPECT_GE(count[cat], n);
    }
    return value;
}

std::vector<std::tuple<Id, Id, Day>> pairs(const Result& r) {
    std::vector<std::tuple<Id, Id, Day>> out;
    for (const auto& a : r.assignments) {
        out.emplace_back(a.request, a.space, a.start);
    }
    return out;
}

// The rounding of one pair may differ by a unit between two correct computations of the same
// contribution (the order of floating-point operations): the optimum may differ by a unit per
// assigned request.
std::int64_t rounding_slack(const Problem& p) { return static_cast<std::int64_t>(p.requests.size()); }

void run_random(std::uint32_t seed, bool flexible, int count, int& flow_cases, int& mip_cases) {
    std::mt19937 rng(seed);
    int feasible = 0;
    for (int i = 0; i < count; ++i) {
        Problem p = random_problem(rng, flexible);
        SCOPED_TRACE("seed " + std::to_string(seed) + " instance " + std::to_string(i));
        const std::int64_t expected = oracle::BruteForce(p).solve();
        if (expected < 0) {
            EXPECT_THROW(solve(p), Error) << "no allocation meets the quotas";
            continue;
        }
        ++feasible;
        Result res = solve(p);
        const std::int64_t value = expect_valid(p, res);
        EXPECT_TRUE(res.optimal);
        EXPECT_LE(std::abs(res.objective_units - expected), rounding_slack(p))
            << "the engine's optimum " << res.objective_units << ", the oracle's " << expected;
        EXPECT_LE(std::abs(value - expected), rounding_slack(p))
            << "the oracle values the engine's allocation at " << value << ", its optimum at "
            << expected;
        EXPECT_NEAR(res.objective * 1e6, static_cast<double>(res.objective_units), 1.0);
        expect_valid(p, allocate_greedy(p), false); // greedy ignores quotas
        if (flow_applies(p)) {
            ++flow_cases;
            EXPECT_EQ(res.solver, SolverKind::flow);
            Problem forced = p;
            forced.settings.solver = SolverChoice::mip;
            Result mip = solve(forced);
            EXPECT_EQ(mip.objective_units, res.objective_units);
            EXPECT_EQ(pairs(mip), pairs(res)) << "flow and mip break ties alike";
        } else {
            ++mip_cases;
            EXPECT_EQ(res.solver, SolverKind::mip);
        }
    }
    EXPECT_GT(feasible, count / 2) << "the random calls are mostly feasible";
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
        const std::int64_t expected = oracle::BruteForce(p).solve();
        if (expected < 0) continue;
        const double slack = static_cast<double>(rounding_slack(p));
        const detail::Model m = detail::build_model(p);
        const detail::LagrangeOutcome lag = detail::solve_lagrangian(m, 0.5);
        EXPECT_GE(lag.bound_units + slack, static_cast<double>(expected));
        EXPECT_LE(lag.best_units, static_cast<double>(expected) + slack);
        const Result res = detail::make_result(m, lag.chosen, SolverKind::mip, false);
        EXPECT_LE(expect_valid(p, res), expected) << "an allocation worth more than the optimum";
        EXPECT_NEAR(static_cast<double>(res.objective_units), lag.best_units, 1e-6);
        ++checked;
    }
    EXPECT_GT(checked, 200);
}

