// match_bench: generated calls for the allocation engine, as bench/matching/run.sh measures them.
//
//   match_bench flow|greedy [--requests 10000 --spaces 2000]
//       one period for everybody (a one-period call): solved by min-cost flow, or greedily
//   match_bench mip [--requests 3000 --spaces 1000 --seconds 60]
//       twelve months of 30 days, flexible starts on a monthly grid, durations of 1-6 months
//   match_bench mps FILE [...]   writes the 0/1 programme of the twelve-month call for `cbc`
//   match_bench pairs [--months] [...]   counts the compatible (request, space) pairs
//
// Prints one JSON line: objective, optimal, gap, bound, assignments, seconds (building the
// model and solving), peak RSS (getrusage). Fixed seed: reruns are equal.

#include "matching/solve.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>
#include <random>
#include <string>

namespace m = impetus::matching;

namespace {

struct Args {
    std::string mode;
    std::string file;
    int requests = 0;
    int spaces = 0;
    double seconds = 60;
};

constexpr m::Day k_year = 20089; // 2025-01-01

// Compatibility comes from the needs: a request wants one setting (1/2 of the spaces), two
// given utilities (1/4) and an area range that holds `area_share` of the spaces' areas
// (uniform 20..2020 m2), so that about spaces * area_share / 8 spaces fit each request.
m::Problem generate(int n_requests, int n_spaces, double area_share, bool months, double seconds) {
    std::mt19937_64 rng(20261129);
    auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    m::Problem p;
    p.settings.weights = {1.0, 0.3, 0.3, 0.2};
    p.settings.start_step_days = months ? 30 : 1;
    p.settings.time_limit_seconds = seconds;
    const m::Period year{k_year, k_year + (months ? 360 : 365)};
    for (int s = 0; s < n_spaces; ++s) {
        m::SpaceOffer o;
        o.id = s + 1;
        o.area_m2 = uniform(20, 2020);
        o.setting = pick(0, 1) ? m::Setting::indoor : m::Setting::outdoor;
        o.utilities = static_cast<m::Utilities>(pick(0, 15));
        o.step_free = pick(0, 1) == 1;
        o.available = year;
        o.capacity = months ? 1 : pick(1, 3);
        o.location = m::Location{uniform(2.95, 3.25), uniform(50.55, 50.75)};
        p.spaces.push_back(o);
    }
    constexpr m::Utility k_utilities[] = {m::Utility::water, m::Utility::electricity,
                                          m::Utility::heating, m::Utility::internet};
    for (int r = 0; r < n_requests; ++r) {
        m::Request q;
        q.id = r + 1;
        q.score = std::round(uniform(20, 100) * 10) / 10;
        q.category = static_cast<m::Category>(pick(0, 6));
        double lo = uniform(20, 2020 - 2000 * area_share);
        q.needs.area_min_m2 = lo;
        q.needs.area_max_m2 = lo + 2000 * area_share;
        q.needs.setting = pick(0, 1) ? m::SettingNeed::indoor : m::SettingNeed::outdoor;
        int a = pick(0, 3);
        int b = (a + pick(1, 3)) % 4;
        q.needs.utilities = k_utilities[a] | k_utilities[b];
        if (months) {
            int duration = pick(1, 6);
            int first = pick(0, 12 - duration);
            int last = std::min(12, first + duration + pick(0, 3));
            q.period = m::WantedPeriod::flexible(duration * 30, {k_year + first * 30, k_year + last * 30});
        } else {
            q.period = m::WantedPeriod::fixed(year);
        }
        for (int k = 0; k < 3; ++k) {
            impetus::Id want = pick(1, n_spaces);
            if (std::find(q.preferences.begin(), q.preferences.end(), want) == q.preferences.end()) {
                q.preferences.push_back(want);
            }
        }
        q.location = m::Location{uniform(2.95, 3.25), uniform(50.55, 50.75)};
        p.requests.push_back(q);
    }
    return p;
}

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

} // namespace

int main(int argc, char** argv) {
    Args a;
    if (argc < 2) {
        std::cerr << "usage: match_bench flow|greedy|mip|mps [FILE] [--requests N] [--spaces N] "
                     "[--seconds S]\n";
        return 2;
    }
    a.mode = argv[1];
    int i = 2;
    if (a.mode == "mps" && argc > 2) {
        a.file = argv[i++];
    }
    for (; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--months")) {
            --i;
            continue;
        }
        if (!std::strcmp(argv[i], "--requests")) {
            a.requests = std::stoi(argv[i + 1]);
        } else if (!std::strcmp(argv[i], "--spaces")) {
            a.spaces = std::stoi(argv[i + 1]);
        } else if (!std::strcmp(argv[i], "--seconds")) {
            a.seconds = std::stod(argv[i + 1]);
        }
    }
    bool months = a.mode == "mip" || a.mode == "mps";
    for (int k = 2; k < argc; ++k) {
        months = months || !std::strcmp(argv[k], "--months");
    }
    if (a.requests == 0) {
        a.requests = months ? 3000 : 10000;
    }
    if (a.spaces == 0) {
        a.spaces = months ? 1000 : 2000;
    }
    // about 50 compatible spaces of 2,000 (one period); about 10 of 1,000 (twelve months)
    const double area_share = months ? 0.08 : 0.2;
    m::Problem p = generate(a.requests, a.spaces, area_share, months, a.seconds);
    if (a.mode == "pairs") {
        std::size_t compatible = 0;
        for (const auto& q : p.requests) {
            for (const auto& s : p.spaces) {
                compatible += m::incompatibilities(p, q, s).empty() ? 1 : 0;
            }
        }
        std::cout << "{\"compatible_pairs\":" << compatible << "}\n";
        return 0;
    }
    if (a.mode == "mps") {
        m::write_mps(p, a.file);
        std::cout << "{\"written\":\"" << a.file << "\"}\n";
        return 0;
    }
    m::SolveOptions options;
    options.explain = false;
    if (a.mode == "flow") {
        p.settings.solver = m::SolverChoice::flow;
    } else if (a.mode == "mip") {
        p.settings.solver = m::SolverChoice::mip;
    }
    auto t0 = std::chrono::steady_clock::now();
    m::Result res = a.mode == "greedy" ? m::allocate_greedy(p, options) : m::solve(p, options);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout.precision(10);
    std::cout << "{\"mode\":\"" << a.mode << "\",\"requests\":" << a.requests
              << ",\"spaces\":" << a.spaces
              << ",\"assignments\":" << res.assignments.size() << ",\"objective\":" << res.objective
              << ",\"optimal\":" << (res.optimal ? "true" : "false") << ",\"gap\":" << res.gap
              << ",\"bound\":" << res.bound << ",\"seconds\":" << secs
              << ",\"peak_rss_kb\":" << peak_rss_kb() << "}\n";
    return 0;
}
