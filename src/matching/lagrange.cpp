// Lagrangian relaxation of "a request gets at most one space" (Fisher, "The Lagrangian
// relaxation method for solving integer programming problems", 1981). With a price on each
// request, the spaces decouple: each keeps the most valuable set of uses that never exceeds its
// capacity, a weighted interval scheduling problem (dynamic programming for one use at a time,
// a min-cost flow along the space's time line otherwise). The prices plus the spaces' best sets
// bound the optimum from above; subgradient steps lower the bound, and each step's choice,
// repaired into an allocation, gives feasible solutions. Large calls with flexible starts,
// whose full 0/1 programme is too big to relax within the time limit, get both a bound and a
// starting solution from here.

#include "matching/model.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

namespace impetus::matching::detail {

namespace {

// The best set of `options` (indices into m.options) on one space for the given profits,
// at most `capacity` at any moment; returns its profit and adds the chosen ones to `out`.
double best_on_space(const Model& m, const std::vector<int>& options,
                     const std::vector<double>& profit, int capacity, std::vector<int>& out) {
    std::vector<int> useful;
    for (int i : options) {
        if (profit[i] > 0.0) useful.push_back(i);
    }
    if (useful.empty()) return 0.0;
    if (capacity == 1) {
        // weighted interval scheduling over half-open periods
        std::sort(useful.begin(), useful.end(),
                  [&](int a, int b) { return m.options[a].end < m.options[b].end; });
        const std::size_t n = useful.size();
        std::vector<double> f(n + 1, 0.0);
        std::vector<std::size_t> prev(n);
        for (std::size_t k = 0; k < n; ++k) {
            const Day start = m.options[useful[k]].start;
            // the options that end by this one's start come first in `useful`
            auto it = std::upper_bound(useful.begin(), useful.begin() + static_cast<long>(k), start,
                                       [&](Day d, int o) { return d < m.options[o].end; });
            prev[k] = static_cast<std::size_t>(it - useful.begin());
            f[k + 1] = std::max(f[k], profit[useful[k]] + f[prev[k]]);
        }
        for (std::size_t k = n; k > 0;) {
            if (f[k] == f[k - 1]) {
                --k;
            } else {
                out.push_back(useful[k - 1]);
                k = prev[k - 1];
            }
        }
        return f[n];
    }
    // min-cost flow: `capacity` units along the time line, an arc per option (profits rounded
    // up, so that the bound stays a bound)
    using Graph = lemon::SmartDigraph;
    std::vector<Day> times;
    for (int i : useful) {
        times.push_back(m.options[i].start);
        times.push_back(m.options[i].end);
    }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    Graph g;
    std::vector<Graph::Node> node;
    for (std::size_t k = 0; k < times.size(); ++k) node.push_back(g.addNode());
    Graph::ArcMap<std::int64_t> cap(g), cost(g);
    for (std::size_t k = 0; k + 1 < times.size(); ++k) {
        auto a = g.addArc(node[k], node[k + 1]);
        cap[a] = capacity;
        cost[a] = 0;
    }
    std::vector<Graph::Arc> arc;
    auto at = [&](Day d) {
        return node[static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), d) -
                                             times.begin())];
    };
    for (int i : useful) {
        auto a = g.addArc(at(m.options[i].start), at(m.options[i].end));
        cap[a] = 1;
        cost[a] = -static_cast<std::int64_t>(std::ceil(profit[i]));
        arc.push_back(a);
    }
    Graph::NodeMap<std::int64_t> supply(g, 0);
    supply[node.front()] = capacity;
    supply[node.back()] = -capacity;
    lemon::NetworkSimplex<Graph, std::int64_t, std::int64_t> ns(g);
    ns.upperMap(cap).costMap(cost).supplyMap(supply);
    if (ns.run() != lemon::NetworkSimplex<Graph, std::int64_t, std::int64_t>::OPTIMAL) return 0.0;
    double total = 0.0;
    for (std::size_t k = 0; k < useful.size(); ++k) {
        if (ns.flow(arc[k]) > 0) {
            out.push_back(useful[k]);
            total += std::ceil(profit[useful[k]]);
        }
    }
    return total;
}

// An allocation from a relaxed choice: `first` in order of value, then every other option,
// each taken when its request is free and its space has room during its period.
std::vector<int> repair(const Model& m, const std::vector<int>& first,
                        const std::vector<int>& by_value) {
    std::vector<char> taken(m.requests.size(), 0);
    std::vector<std::vector<Period>> uses(m.spaces.size());
    std::vector<int> chosen;
    auto try_take = [&](int i) {
        const Option& o = m.options[i];
        if (taken[o.request]) return;
        const Period p{o.start, o.end};
        if (max_overlap(uses[o.space], p) >= m.spaces[o.space]->capacity) return;
        taken[o.request] = 1;
        uses[o.space].push_back(p);
        chosen.push_back(i);
    };
    std::vector<int> order = first;
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return m.options[a].units > m.options[b].units; });
    for (int i : order) try_take(i);
    for (int i : by_value) try_take(i);
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

} // namespace

LagrangeOutcome solve_lagrangian(const Model& m, double seconds) {
    const auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    const std::size_t n = m.requests.size();
    std::vector<std::vector<int>> on_space(m.spaces.size());
    for (std::size_t i = 0; i < m.options.size(); ++i) {
        on_space[m.options[i].space].push_back(static_cast<int>(i));
    }
    std::vector<int> by_value(m.options.size());
    std::iota(by_value.begin(), by_value.end(), 0);
    std::stable_sort(by_value.begin(), by_value.end(),
                     [&](int a, int b) { return m.options[a].units > m.options[b].units; });

    LagrangeOutcome out;
    out.chosen = repair(m, {}, by_value);
    for (int i : out.chosen) out.best_units += static_cast<double>(m.options[i].units);
    out.bound_units = std::numeric_limits<double>::infinity();

    std::vector<double> price(n, 0.0);
    std::vector<double> profit(m.options.size());
    double theta = 2.0;
    int stale = 0;
    for (int iteration = 0; elapsed() < seconds && theta > 1e-4; ++iteration) {
        for (std::size_t i = 0; i < m.options.size(); ++i) {
            profit[i] = static_cast<double>(m.options[i].units) - price[m.options[i].request];
        }
        std::vector<int> picked;
        double bound = std::accumulate(price.begin(), price.end(), 0.0);
        for (std::size_t s = 0; s < m.spaces.size(); ++s) {
            bound += best_on_space(m, on_space[s], profit, m.spaces[s]->capacity, picked);
        }
        if (bound < out.bound_units - 0.5) {
            out.bound_units = bound;
            stale = 0;
        } else if (++stale >= 10) {
            theta /= 2.0;
            stale = 0;
        }
        if (iteration % 3 == 0) {
            std::vector<int> candidate = repair(m, picked, by_value);
            double value = 0.0;
            for (int i : candidate) value += static_cast<double>(m.options[i].units);
            if (value > out.best_units) {
                out.best_units = value;
                out.chosen = std::move(candidate);
            }
        }
        if (out.bound_units - out.best_units < 1.0) break; // proven optimal
        // subgradient of the relaxed rows "at most one option per request"
        std::vector<int> count(n, 0);
        for (int i : picked) ++count[m.options[i].request];
        double norm = 0.0;
        for (std::size_t r = 0; r < n; ++r) {
            const double g = count[r] - 1.0;
            if (g > 0.0 || price[r] > 0.0) norm += g * g;
        }
        if (norm == 0.0) {
            // every request picked once at most, and those with a price exactly once: the
            // relaxed choice is an allocation, and an optimal one
            std::sort(picked.begin(), picked.end());
            out.chosen = picked;
            out.best_units = 0.0;
            for (int i : picked) out.best_units += static_cast<double>(m.options[i].units);
            out.bound_units = std::min(out.bound_units, out.best_units);
            break;
        }
        const double step = theta * (bound - out.best_units) / norm;
        for (std::size_t r = 0; r < n; ++r) {
            price[r] = std::max(0.0, price[r] + step * (count[r] - 1.0));
        }
    }
    return out;
}

} // namespace impetus::matching::detail
