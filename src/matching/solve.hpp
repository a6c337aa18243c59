#pragma once

// The allocation engine of a call for temporary use: given spaces, scored applications and the
// call's settings, choose who gets which space when, maximising the sum of the pairs'
// contributions (result.hpp) under the hard constraints:
//   - the space meets the request's needs (area range, indoor/outdoor, utilities, step-free);
//   - the period (fixed, or the chosen start + duration) lies in the space's availability;
//   - at no moment does a space host more uses than its capacity;
//   - a request gets at most one space; locks are kept, exclusions respected, quotas met.
//
// Solvers (`solve` picks one unless the call forces it):
//   flow   min-cost flow (LEMON NetworkSimplex), exact when every (request, space) pair has at
//          most one possible period and, per space, all possible periods share a day: then by
//          Helly's property for intervals, "capacity at every moment" is "at most capacity
//          uses". Covers a call with one period for everybody.
//   mip    a 0/1 programme x[request, space, start] solved by CBC within the call's time limit
//          (consecutive uses of one space, flexible starts); reports the proven gap.
//   greedy by score (highest first, ties by lower id), each takes its best compatible option
//          still free; ignores quotas. The benchmark's baseline.
//
// Ties: solvers optimise integer units (k_units_per_contribution). Among allocations of equal
// total units the engine prefers, by a perturbation smaller than one unit in total, first the
// larger sum of (N - rank of request id) over the assigned requests, then the larger sum of
// (N - rank of request id) * (M - rank of space id): an application with a lower id wins a tie
// against one with a higher id, and equal pairs are matched lower ids with lower ids. Between
// starts of one pair that are worth the same, the choice is the solver's. On very large
// instances where the perturbation would overflow 64-bit costs, the second part (then all of
// it) is dropped; results stay deterministic (inputs are sorted by id first, so their order
// never matters).
//
// Invalid input throws Error(invalid_input) listing every failing field as a JSON Pointer into
// the problem's JSON form (json.hpp); quotas or locks that cannot all be kept throw
// Error(conflict) naming the cause.

#include "matching/problem.hpp"
#include "matching/result.hpp"

#include <string>
#include <vector>

namespace impetus::matching {

struct SolveOptions {
    bool explain = true; // fill Result::explanations (one verdict per request and space)
};

// Solves with the solver the call's settings choose (automatic: flow where it is exact,
// otherwise mip).
Result solve(const Problem& problem, const SolveOptions& options = {});

// The greedy allocation alone (whatever the settings say).
Result allocate_greedy(const Problem& problem, const SolveOptions& options = {});

// Whether the min-cost flow is exact for this problem (the dispatch rule above).
bool flow_applies(const Problem& problem);

// The reason codes (result.hpp) that make `space` impossible for `request`, empty when it
// is compatible. Ignores locks and capacity.
std::vector<std::string> incompatibilities(const Problem& problem, const Request& request,
                                           const SpaceOffer& space);

// The fits of a pair and the contribution they make under `settings`.
Terms pair_terms(const CallSettings& settings, const Request& request, const SpaceOffer& space);
double contribution(const Weights& weights, const Terms& terms);

// Writes the 0/1 programme `solve` would give CBC as a free MPS file (a minimisation of the
// negated contribution units), for comparison with other solvers. Throws Error(io) on failure.
void write_mps(const Problem& problem, const std::string& path);

} // namespace impetus::matching
