// The min-cost flow formulation (LEMON NetworkSimplex; Kiraly & Kovacs, "Efficient
// implementations of minimum-cost flow algorithms", 2012):
//
//   source -> category c   lower bound quota(c), capacity = requests of c
//   category -> request    capacity 1
//   request -> space       capacity 1, cost -(units * tie_unit + tie); lower bound 1 if locked
//   space -> sink          capacity = the space's capacity
//   source -> sink         capacity N, cost 0 (requests left without a space)
//
// with N units of supply at the source. Exact when flow_exact holds (solve.hpp).

#include "core/error.hpp"
#include "matching/model.hpp"

#include <algorithm>
#include <map>

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

namespace impetus::matching::detail {

bool flow_exact(const Model& m) {
    const int n = static_cast<int>(m.requests.size());
    std::vector<Day> latest_start(m.spaces.size(), std::numeric_limits<Day>::min());
    std::vector<Day> earliest_end(m.spaces.size(), std::numeric_limits<Day>::max());
    for (int r = 0; r < n; ++r) {
        for (int i = m.first_option[r]; i < m.first_option[r + 1]; ++i) {
            const Option& o = m.options[i];
            if (i > m.first_option[r] && m.options[i - 1].space == o.space) {
                return false; // more than one possible start on one space
            }
            latest_start[o.space] = std::max(latest_start[o.space], o.start);
            earliest_end[o.space] = std::min(earliest_end[o.space], o.end);
        }
    }
    for (std::size_t s = 0; s < m.spaces.size(); ++s) {
        // Helly: intervals that pairwise overlap share a day iff the latest start precedes
        // the earliest end
        if (latest_start[s] >= earliest_end[s] &&
            latest_start[s] != std::numeric_limits<Day>::min()) {
            return false;
        }
    }
    return true;
}

std::vector<int> solve_flow(const Model& m) {
    using Graph = lemon::SmartDigraph;
    using Value = long long;
    Graph g;
    const int n = static_cast<int>(m.requests.size());
    const int ns = static_cast<int>(m.spaces.size());
    g.reserveNode(n + ns + 16);
    g.reserveArc(static_cast<int>(m.options.size()) + 2 * n + ns + 16);
    Graph::Node source = g.addNode();
    Graph::Node sink = g.addNode();
    Graph::ArcMap<Value> lower(g, 0);
    Graph::ArcMap<Value> upper(g, 0);
    Graph::ArcMap<Value> cost(g, 0);

    std::map<Category, Graph::Node> category_node;
    std::map<Category, Graph::Arc> category_arc;
    for (int r = 0; r < n; ++r) {
        category_node.try_emplace(m.requests[r]->category, Graph::Node());
    }
    for (auto& [cat, node] : category_node) {
        node = g.addNode();
        Graph::Arc a = g.addArc(source, node);
        category_arc[cat] = a;
        auto q = m.problem->settings.quotas.find(cat);
        lower[a] = q == m.problem->settings.quotas.end() ? 0 : q->second;
    }
    std::vector<Graph::Node> space_node(ns);
    for (int s = 0; s < ns; ++s) {
        space_node[s] = g.addNode();
        Graph::Arc a = g.addArc(space_node[s], sink);
        upper[a] = m.spaces[s]->capacity;
    }
    std::vector<Graph::Arc> option_arc(m.options.size());
    for (int r = 0; r < n; ++r) {
        Graph::Node rn = g.addNode();
        Category cat = m.requests[r]->category;
        Graph::Arc in = g.addArc(category_node[cat], rn);
        upper[in] = 1;
        upper[category_arc[cat]] += 1;
        for (int i = m.first_option[r]; i < m.first_option[r + 1]; ++i) {
            Graph::Arc a = g.addArc(rn, space_node[m.options[i].space]);
            option_arc[i] = a;
            upper[a] = 1;
            lower[a] = m.locked_space[r] >= 0 ? 1 : 0;
            cost[a] = -m.value(m.options[i]);
        }
    }
    Graph::Arc bypass = g.addArc(source, sink);
    upper[bypass] = n;

    lemon::NetworkSimplex<Graph, Value, Value> ns_solver(g);
    ns_solver.lowerMap(lower).upperMap(upper).costMap(cost).stSupply(source, sink, n);
    auto status = ns_solver.run();
    if (status != lemon::NetworkSimplex<Graph, Value, Value>::OPTIMAL) {
        throw Error(ErrorKind::conflict,
                    "the quotas and locks cannot all be kept together with the spaces' capacity",
                    "lower a quota or remove a lock");
    }
    std::vector<int> chosen;
    for (std::size_t i = 0; i < m.options.size(); ++i) {
        if (ns_solver.flow(option_arc[i]) > 0) {
            chosen.push_back(static_cast<int>(i));
        }
    }
    return chosen;
}

} // namespace impetus::matching::detail
