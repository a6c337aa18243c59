#pragma once

// Internal to matching/: the problem prepared for the solvers. Requests and spaces sorted by
// id, every possible (request, space, start) as an Option with its integer value, locks and
// exclusions applied.

#include "core/error.hpp"
#include "matching/problem.hpp"
#include "matching/result.hpp"

#include <cstdint>
#include <vector>

namespace impetus::matching::detail {

// Bits of the reasons a pair is incompatible, before periods and capacity.
enum Mismatch : std::uint32_t {
    area_unknown = 1u << 0,
    area_too_small = 1u << 1,
    area_too_large = 1u << 2,
    indoor_mismatch = 1u << 3,
    outdoor_mismatch = 1u << 4,
    step_free_missing = 1u << 5,
    not_in_preferences = 1u << 6,
    excluded_by_officer = 1u << 7,
    locked_elsewhere = 1u << 8,
    period_outside_availability = 1u << 9,
    utility_shift = 16, // utility_missing:<u> is bit (16 + log2 u)
};

std::uint32_t needs_mismatch(const Request& request, const SpaceOffer& space);
std::vector<std::string> reason_codes(std::uint32_t mismatch);
// The starts on the request's grid (every day of a fixed period's start) that put its period
// inside the space's availability.
std::vector<Day> possible_starts(const Request& request, const SpaceOffer& space, int step_days);
// The largest number of `uses` covering one day of `period`.
int max_overlap(const std::vector<Period>& uses, const Period& period);
// 0-based rank of `space` in the request's preferences, -1 if not ranked.
int preference_rank(const Request& request, Id space);

struct Option {
    int request = 0; // index into Model::requests
    int space = 0;   // index into Model::spaces
    Day start = 0;
    Day end = 0;
    std::int64_t units = 0; // rounded contribution
    std::int64_t tie = 0;   // the tie-breaking perturbation (see solve.hpp)
    Terms terms;
};

struct Model {
    const Problem* problem = nullptr;
    std::vector<const Request*> requests; // sorted by id
    std::vector<const SpaceOffer*> spaces; // sorted by id
    std::vector<Option> options;           // ordered by request, space, start
    std::vector<int> first_option;         // options of request r: [first_option[r], first_option[r+1])
    std::vector<int> locked_space;         // per request, the space index an officer locked, or -1
    std::vector<std::pair<int, int>> excluded; // (request, space) indices, sorted
    std::int64_t tie_unit = 1;             // a pair's value is units * tie_unit + tie

    std::int64_t value(const Option& o) const { return o.units * tie_unit + o.tie; }
    int space_index(Id id) const;
    int request_index(Id id) const;
};

// Adds an error for every field of the problem that is out of range or names what does not
// exist, as a JSON Pointer into its JSON form (json.hpp).
void validate(const Problem& problem, FieldErrors& errors);

// Validates (Error invalid_input), applies locks and exclusions (Error conflict when a lock is
// impossible) and checks each quota against the requests that fit somewhere (Error conflict).
Model build_model(const Problem& problem);

// The reasons from the needs, the periods and preferences_required (no locks, no exclusions).
std::uint32_t call_mismatch(const CallSettings& settings, const Request& request,
                            const SpaceOffer& space);
// Every reason `space` is impossible for request r, including periods, exclusions and locks.
std::uint32_t pair_mismatch(const Model& model, int r, int s);

// Which options are chosen (indices into model.options), to a Result with explanations.
Result make_result(const Model& model, std::vector<int> chosen, SolverKind solver, bool explain);

// Solvers: indices of the chosen options. Throw Error(conflict) when infeasible.
std::vector<int> solve_greedy(const Model& model);
bool flow_exact(const Model& model);
std::vector<int> solve_flow(const Model& model);
struct MipOutcome {
    std::vector<int> chosen;
    bool optimal = false;
    double bound_units = 0.0; // best proven bound of the total units
};
MipOutcome solve_mip(const Model& model, double time_limit_seconds);
// Lagrangian relaxation (lagrange.cpp): the best allocation its steps found (ignores locks and
// quotas) and an upper bound of the optimum, both in units, within `seconds`.
struct LagrangeOutcome {
    std::vector<int> chosen;
    double best_units = 0.0;
    double bound_units = 0.0;
};
LagrangeOutcome solve_lagrangian(const Model& model, double seconds);
void write_mip(const Model& model, const std::string& path);

} // namespace impetus::matching::detail
