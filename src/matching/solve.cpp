#include "matching/solve.hpp"

#include "core/error.hpp"
#include "matching/model.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace impetus::matching {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Result run(const Problem& problem, SolverChoice choice, const SolveOptions& options) {
    auto start = Clock::now();
    detail::Model m = detail::build_model(problem);
    if (choice == SolverChoice::automatic) {
        choice = detail::flow_exact(m) ? SolverChoice::flow : SolverChoice::mip;
    }
    Result res;
    switch (choice) {
    case SolverChoice::flow:
        if (!detail::flow_exact(m)) {
            throw Error(ErrorKind::invalid_input,
                        "the min-cost flow is not exact for this call: some space could host "
                        "uses in periods that do not all overlap, or a request has several "
                        "possible starts",
                        "use the solver \"auto\" or \"mip\"");
        }
        res = detail::make_result(m, detail::solve_flow(m), SolverKind::flow, options.explain);
        res.optimal = true;
        break;
    case SolverChoice::mip: {
        auto out = detail::solve_mip(m, problem.settings.time_limit_seconds);
        res = detail::make_result(m, std::move(out.chosen), SolverKind::mip, options.explain);
        res.optimal = out.optimal;
        if (!out.optimal) {
            // the bound includes the tie perturbation, less than one unit
            res.bound = std::max(res.objective, std::floor(out.bound_units) / k_units_per_contribution);
            res.gap = res.objective > 0 ? (res.bound - res.objective) / res.objective : 0.0;
        }
        break;
    }
    case SolverChoice::greedy:
    case SolverChoice::automatic:
        res = detail::make_result(m, detail::solve_greedy(m), SolverKind::greedy, options.explain);
        res.optimal = false;
        res.bound = res.objective;
        break;
    }
    res.seconds = seconds_since(start);
    return res;
}

} // namespace

Result solve(const Problem& problem, const SolveOptions& options) {
    return run(problem, problem.settings.solver, options);
}

Result allocate_greedy(const Problem& problem, const SolveOptions& options) {
    return run(problem, SolverChoice::greedy, options);
}

bool flow_applies(const Problem& problem) {
    return detail::flow_exact(detail::build_model(problem));
}

std::vector<std::string> incompatibilities(const Problem& problem, const Request& request,
                                           const SpaceOffer& space) {
    std::uint32_t m = detail::call_mismatch(problem.settings, request, space);
    const CallSettings& c = problem.settings;
    for (const Exclusion& e : c.exclusions) {
        if (e.request == request.id && e.space == space.id) {
            m |= detail::excluded_by_officer;
        }
    }
    return detail::reason_codes(m);
}

void write_mps(const Problem& problem, const std::string& path) {
    detail::write_mip(detail::build_model(problem), path);
}

} // namespace impetus::matching
