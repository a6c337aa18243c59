#pragma once

// The JSON form of an allocation problem and of its result: one format for scenario files, the
// benchmark and the HTTP API. Dates are ISO 8601 calendar dates "YYYY-MM-DD"; every period is
// half-open: "to"/"end"/"latest_end" is the first day no longer included.
//
//   {"call": {"weights": {"score": 1, "area_fit": 0, "preference": 0, "distance": 0},
//             "distance_half_km": 2, "start_step_days": 1, "preferences_required": false,
//             "quotas": {"greening": 1},
//             "locks": [{"request": 7, "space": 2, "start": "2025-05-01"}],
//             "exclusions": [{"request": 8, "space": 1}],
//             "time_limit_seconds": 60, "solver": "auto"},
//    "spaces": [{"id": 1, "area_m2": 120, "setting": "indoor",
//                "utilities": ["water", "electricity"], "step_free": true,
//                "available": {"from": "2025-01-01", "to": "2026-01-01"}, "capacity": 1,
//                "location": {"lon": 3.06, "lat": 50.63}}],
//    "requests": [{"id": 7, "score": 82.5, "category": "culture",
//                  "needs": {"area_min_m2": 50, "area_max_m2": 200, "setting": "either",
//                            "utilities": ["water"], "step_free": false},
//                  "period": {"start": "2025-03-01", "end": "2025-09-01"},
//                  "preferences": [2, 1], "location": {"lon": 3.05, "lat": 50.62}}]}
//
// A flexible period is {"earliest_start": ..., "latest_end": ..., "duration_days": 90}.
// Everything but ids, scores, categories, periods and a space's availability is optional.

#include "matching/problem.hpp"
#include "matching/result.hpp"

#include <nlohmann/json.hpp>

namespace impetus::matching {

// Throws Error(invalid_input) listing every failing field as a JSON Pointer.
Problem problem_from_json(const nlohmann::json& doc);
nlohmann::json to_json(const Problem& problem);
nlohmann::json to_json(const Result& result);

} // namespace impetus::matching
