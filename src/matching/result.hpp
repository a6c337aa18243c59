#pragma once

// The output of an allocation: who gets which space when, what each pair contributes, and an
// explanation for every application, so that a call's decisions can be justified to each
// candidate (public calls must treat candidates equally and explain their decisions).

#include "matching/problem.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace impetus::matching {

// The four fits of a (request, space) pair, each in [0, 1]:
//   score      = request.score / 100.
//   area_fit   = area_min / space area when the request states a minimum area (a space much
//                larger than needed is a poor use of it), otherwise 1.
//   preference = 1 - k / n for the space ranked k-th (0-based) of the request's n preferences,
//                0 for a space it did not rank (and for every space if it ranked none).
//   distance   = 1 / (1 + d / distance_half_km), d the great-circle distance in km between the
//                request's preferred location and the space; 0 if either has no location.
// contribution = weights.score * score + weights.area_fit * area_fit
//              + weights.preference * preference + weights.distance * distance.
struct Terms {
    double score = 0.0;
    double area_fit = 0.0;
    double preference = 0.0;
    double distance = 0.0;
    bool operator==(const Terms&) const = default;
};

// Solvers work in integer units of a millionth of a contribution: every pair's contribution is
// rounded to k_units_per_contribution first, so that every solver optimises the same numbers.
inline constexpr double k_units_per_contribution = 1e6;

struct Assignment {
    Id request = 0;
    Id space = 0;
    Day start = 0;
    Day end = 0;
    double contribution = 0.0;     // units / k_units_per_contribution
    std::int64_t units = 0;        // the rounded contribution the solvers optimise
    Terms terms;
    bool locked = false;
    bool operator==(const Assignment&) const = default;
};

enum class SolverKind { flow, mip, greedy };

// An assignment that occupies the capacity a request would have needed.
struct TakenBy {
    Id request = 0;
    double score = 0.0;
    double contribution = 0.0;
    Day start = 0;
    Day end = 0;
};

// Why a request did or did not get one space. Reason codes:
//   assigned                       it got this space
//   area_unknown                   it needs an area, the space's area is not known
//   area_too_small, area_too_large
//   indoor_mismatch                it needs indoor, the space is outdoor
//   outdoor_mismatch               it needs outdoor, the space is indoor
//   utility_missing:<utility>      one per missing utility (water, electricity, ...)
//   step_free_missing
//   period_outside_availability    no wanted period (on the start grid) lies in the availability
//   not_in_preferences             preferences_required and the space is not ranked
//   excluded_by_officer
//   locked_elsewhere               an officer locked the request to another space
//   capacity_taken                 compatible, but `taken_by` fill it in every wanted period
//   assigned_elsewhere             compatible and free, the request got another space
//   not_chosen                     compatible and free, left out (e.g. to meet a quota)
struct SpaceVerdict {
    Id space = 0;
    std::vector<std::string> reasons;
    std::vector<TakenBy> taken_by;
};

struct Explanation {
    Id request = 0;
    double score = 0.0;
    std::optional<Assignment> assignment;
    std::optional<int> preference_rank; // 1-based rank of the space it got, if it ranked it
    std::vector<SpaceVerdict> spaces;   // ordered by space id
};

struct Result {
    std::vector<Assignment> assignments; // ordered by request id
    double objective = 0.0;              // sum of the assignments' contributions
    std::int64_t objective_units = 0;
    SolverKind solver = SolverKind::flow;
    bool optimal = false;                // proven optimal (always false for greedy)
    double gap = 0.0;                    // relative gap (bound - objective) / objective
    double bound = 0.0;                  // best proven upper bound of the objective
    double seconds = 0.0;                // wall time of the solve
    std::vector<Explanation> explanations; // one per request, ordered by request id
};

} // namespace impetus::matching

namespace impetus {
template <> struct EnumNames<matching::SolverKind> {
    static constexpr std::array<std::pair<matching::SolverKind, std::string_view>, 3> values{
        {{matching::SolverKind::flow, "flow"},
         {matching::SolverKind::mip, "mip"},
         {matching::SolverKind::greedy, "greedy"}}};
};
} // namespace impetus
