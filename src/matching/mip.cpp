// The 0/1 programme for what the flow cannot do exactly (consecutive uses of a space, flexible
// starts), solved by CBC (COIN-OR Branch and Cut) from the root relaxation by dual simplex,
// with clique, knapsack, MIR and flow cover cuts, rounding and local search heuristics,
// starting from the greedy allocation:
//
//   minimise   - sum_o (units_o + tie_o / tie_unit) x_o      x_o in {0, 1}, o = (request, space, start)
//   subject to sum_{o of r} x_o <= 1          per request r (= 1 when an officer locked it)
//              sum_{o on s covering d} x_o <= capacity(s)
//                                             per space s and day d, d the start of an option on s
//                                             whose covering set is a maximal clique of the
//                                             interval graph (the count rises only at starts)
//              sum_{o of category c} x_o >= quota(c)
//
// The tie perturbation is scaled to less than one unit in total, as in the flow.

#include "core/error.hpp"
#include "matching/model.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <string>

#include <CbcModel.hpp>
#include <CbcHeuristic.hpp>
#include <CbcHeuristicLocal.hpp>
#include <CoinMpsIO.hpp>
#include <CoinPackedMatrix.hpp>
#include <CglClique.hpp>
#include <CglFlowCover.hpp>
#include <CglKnapsackCover.hpp>
#include <CglMixedIntegerRounding2.hpp>
#include <OsiClpSolverInterface.hpp>

namespace impetus::matching::detail {

namespace {

struct Programme {
    std::vector<int> row_index;
    std::vector<int> col_index;
    std::vector<double> element;
    std::vector<double> row_lower;
    std::vector<double> row_upper;
    std::vector<double> objective;

    void add_row(const std::vector<int>& cols, double lo, double up) {
        for (int c : cols) {
            row_index.push_back(static_cast<int>(row_lower.size()));
            col_index.push_back(c);
            element.push_back(1.0);
        }
        row_lower.push_back(lo);
        row_upper.push_back(up);
    }
};

Programme build_programme(const Model& m) {
    Programme p;
    const int n = static_cast<int>(m.requests.size());
    const double tie_scale = m.tie_unit > 1 ? 1.0 / static_cast<double>(m.tie_unit) : 0.0;
    for (const Option& o : m.options) {
        p.objective.push_back(-(static_cast<double>(o.units) + static_cast<double>(o.tie) * tie_scale));
    }
    std::vector<int> cols;
    for (int r = 0; r < n; ++r) {
        int count = m.first_option[r + 1] - m.first_option[r];
        bool locked = m.locked_space[r] >= 0;
        if (count > 1 || locked) {
            cols.clear();
            for (int i = m.first_option[r]; i < m.first_option[r + 1]; ++i) {
                cols.push_back(i);
            }
            p.add_row(cols, locked ? 1.0 : 0.0, 1.0);
        }
    }
    std::vector<std::vector<int>> on_space(m.spaces.size());
    for (std::size_t i = 0; i < m.options.size(); ++i) {
        on_space[m.options[i].space].push_back(static_cast<int>(i));
    }
    for (std::size_t s = 0; s < m.spaces.size(); ++s) {
        const int capacity = m.spaces[s]->capacity;
        if (static_cast<int>(on_space[s].size()) <= capacity) {
            continue;
        }
        std::vector<Day> points;
        for (int i : on_space[s]) {
            points.push_back(m.options[i].start);
        }
        std::sort(points.begin(), points.end());
        points.erase(std::unique(points.begin(), points.end()), points.end());
        for (std::size_t k = 0; k < points.size(); ++k) {
            const Day d = points[k];
            cols.clear();
            bool maximal = k + 1 == points.size();
            for (int i : on_space[s]) {
                const Option& o = m.options[i];
                if (o.start <= d && d < o.end) {
                    cols.push_back(i);
                    maximal = maximal || o.end <= points[k + 1];
                }
            }
            if (maximal && static_cast<int>(cols.size()) > capacity) {
                p.add_row(cols, -COIN_DBL_MAX, capacity);
            }
        }
    }
    for (const auto& [cat, quota] : m.problem->settings.quotas) {
        if (quota <= 0) {
            continue;
        }
        cols.clear();
        for (std::size_t i = 0; i < m.options.size(); ++i) {
            if (m.requests[m.options[i].request]->category == cat) {
                cols.push_back(static_cast<int>(i));
            }
        }
        p.add_row(cols, quota, COIN_DBL_MAX);
    }
    return p;
}

void load(const Model& m, const Programme& p, OsiClpSolverInterface& lp) {
    const int ncols = static_cast<int>(m.options.size());
    CoinPackedMatrix matrix(false, p.row_index.data(), p.col_index.data(), p.element.data(),
                            static_cast<CoinBigIndex>(p.element.size()));
    matrix.setDimensions(static_cast<int>(p.row_lower.size()), ncols);
    std::vector<double> col_lower(ncols, 0.0);
    std::vector<double> col_upper(ncols, 1.0);
    lp.messageHandler()->setLogLevel(0);
    lp.loadProblem(matrix, col_lower.data(), col_upper.data(), p.objective.data(),
                   p.row_lower.data(), p.row_upper.data());
    for (int i = 0; i < ncols; ++i) {
        lp.setInteger(i);
    }
    lp.setObjSense(1.0);
}

} // namespace

// From this many options on, the Lagrangian relaxation gives CBC its incumbent and a bound.
constexpr std::size_t k_lagrange_options = 5000;

MipOutcome solve_mip(const Model& m, double time_limit_seconds) {
    MipOutcome out;
    if (m.options.empty()) {
        out.optimal = true;
        return out;
    }
    Programme p = build_programme(m);
    OsiClpSolverInterface lp;
    load(m, p, lp);
    // the root relaxation of a large call is highly degenerate: the dual simplex solves it many
    // times faster than the primal that Clp would otherwise choose
    lp.setHintParam(OsiDoDualInInitial, true, OsiHintDo);
    lp.setHintParam(OsiDoPresolveInInitial, true, OsiHintDo);
    CbcModel model(lp);
    model.setLogLevel(0);
    model.messageHandler()->setLogLevel(0);
    model.solver()->messageHandler()->setLogLevel(0);
    model.setNumberThreads(0); // deterministic: one thread
    // cuts that stay cheap on large calls (Gomory and probing cuts took longer than the time
    // limit at the root of the twelve-month benchmark, and CBC checks the limit between nodes)
    CglKnapsackCover knapsack;
    CglClique clique;
    clique.setStarCliqueReport(false);
    clique.setRowCliqueReport(false);
    CglMixedIntegerRounding2 mir;
    CglFlowCover flow_cover;
    model.addCutGenerator(&knapsack, -1, "Knapsack");
    model.addCutGenerator(&clique, -1, "Clique");
    model.addCutGenerator(&mir, -1, "MixedIntegerRounding2");
    model.addCutGenerator(&flow_cover, -1, "FlowCover");
    CbcRounding rounding(model);
    model.addHeuristic(&rounding);
    CbcHeuristicLocal local(model);
    model.addHeuristic(&local);
    // The first incumbent: the greedy allocation, or on large calls the better allocation of
    // the Lagrangian relaxation, which also bounds the optimum when CBC cannot. An incumbent
    // must keep the quotas and the locks; a time limit then never ends without an allocation.
    const auto started = std::chrono::steady_clock::now();
    auto keeps_rules = [&](const std::vector<int>& chosen) {
        if (chosen.empty()) return false;
        std::map<Category, int> count;
        std::vector<char> assigned(m.requests.size(), 0);
        for (int i : chosen) {
            ++count[m.requests[m.options[i].request]->category];
            assigned[m.options[i].request] = 1;
        }
        for (const auto& [cat, quota] : m.problem->settings.quotas) {
            if (count[cat] < quota) return false;
        }
        for (std::size_t r = 0; r < m.requests.size(); ++r) {
            if (m.locked_space[r] >= 0 && !assigned[r]) return false;
        }
        return true;
    };
    auto units_of = [&](const std::vector<int>& chosen) {
        double v = 0.0;
        for (int i : chosen) v += static_cast<double>(m.options[i].units);
        return v;
    };
    std::vector<int> incumbent;
    try {
        incumbent = solve_greedy(m);
    } catch (const Error&) {
        incumbent.clear();
    }
    if (!keeps_rules(incumbent)) incumbent.clear();
    double lagrange_bound = std::numeric_limits<double>::infinity();
    if (m.options.size() >= k_lagrange_options) {
        LagrangeOutcome lag = solve_lagrangian(m, time_limit_seconds * 0.4);
        lagrange_bound = lag.bound_units;
        if (keeps_rules(lag.chosen) && units_of(lag.chosen) > units_of(incumbent)) {
            incumbent = lag.chosen;
        }
        if (!incumbent.empty() && lagrange_bound - units_of(incumbent) < 1.0) {
            out.chosen = incumbent; // the relaxation proved it optimal
            out.optimal = true;
            out.bound_units = lagrange_bound;
            return out;
        }
    }
    const double remaining = std::max(
        1.0, time_limit_seconds -
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    // wall-clock limits: on a busy machine the processor time lags behind the clock
    model.setUseElapsedTime(true);
    model.setMaximumSeconds(remaining);
    std::vector<double> start(m.options.size(), 0.0);
    double start_value = 0.0;
    for (int i : incumbent) {
        start[i] = 1.0;
        start_value += p.objective[i];
    }
    if (!incumbent.empty()) {
        model.setBestSolution(start.data(), static_cast<int>(start.size()), start_value, true);
    }
    // CBC checks its limit between nodes only; the root relaxation of a large call can take
    // longer than the whole limit, so Clp gets the limit too (the incumbent stays).
    if (auto* clp = dynamic_cast<OsiClpSolverInterface*>(model.solver())) {
        clp->getModelPtr()->setMaximumWallSeconds(remaining);
    }
    // A bound that holds whatever the solver reached: every request taking its best option,
    // or the Lagrangian bound when it is lower.
    auto fallback_bound = [&] {
        std::vector<double> best(m.requests.size(), 0.0);
        for (std::size_t i = 0; i < m.options.size(); ++i) {
            double& b = best[m.options[i].request];
            b = std::max(b, -p.objective[i]);
        }
        double sum = 0.0;
        for (double b : best) sum += b;
        return std::min(sum, lagrange_bound);
    };
    model.initialSolve();
    if (!model.solver()->isProvenOptimal() && !model.solver()->isProvenPrimalInfeasible() &&
        !incumbent.empty()) {
        // The root relaxation did not finish within the limit: the incumbent is the answer.
        out.chosen = incumbent;
        out.bound_units = fallback_bound();
        out.optimal = false;
        return out;
    }
    model.branchAndBound();
    // Once the limit has passed, relaxations stop early and CBC's own verdict and bound are
    // not proofs any more.
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const bool limit_reached = model.isSecondsLimitReached() || elapsed >= time_limit_seconds;
    if (model.isProvenInfeasible()) {
        throw Error(ErrorKind::conflict,
                    "the quotas and locks cannot all be kept together with the spaces' capacity",
                    "lower a quota or remove a lock");
    }
    const double* x = model.bestSolution();
    if (!x) {
        throw Error(ErrorKind::conflict,
                    "no allocation that keeps the quotas and locks was found within the time limit",
                    "raise the time limit, lower a quota or remove a lock");
    }
    for (std::size_t i = 0; i < m.options.size(); ++i) {
        if (x[i] > 0.5) {
            out.chosen.push_back(static_cast<int>(i));
        }
    }
    out.optimal = model.isProvenOptimal() && !limit_reached;
    out.bound_units = limit_reached ? fallback_bound() : -model.getBestPossibleObjValue();
    return out;
}

void write_mip(const Model& m, const std::string& path) {
    Programme p = build_programme(m);
    OsiClpSolverInterface lp;
    load(m, p, lp);
    std::vector<char> integer(m.options.size(), 1);
    CoinMpsIO writer;
    writer.messageHandler()->setLogLevel(0);
    writer.setMpsData(*lp.getMatrixByCol(), lp.getInfinity(), lp.getColLower(), lp.getColUpper(),
                      lp.getObjCoefficients(), integer.data(), lp.getRowLower(), lp.getRowUpper(),
                      static_cast<const char* const*>(nullptr),
                      static_cast<const char* const*>(nullptr));
    // no compression, full precision ("extra accuracy" format)
    if (writer.writeMps(path.c_str(), 0, 1, 2) != 0) {
        throw Error(ErrorKind::io, "cannot write the model to " + path);
    }
}

} // namespace impetus::matching::detail
