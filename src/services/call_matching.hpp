#pragma once

// A call as the allocation engine sees it: the matching::Problem built from the call's spaces,
// its candidates with the jury's aggregated scores, its settings and the officers' locks and
// exclusions; the fingerprint of that input; the proposal officers review; and the decisions a
// proposal gives every submitted application.

#include "core/calls.hpp"
#include "matching/problem.hpp"
#include "matching/result.hpp"
#include "store/store.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace impetus::services {

// The applications the matching considers: submitted and eligible; only the shortlisted ones
// once the officers keep a shortlist.
std::vector<Application> matching_candidates(const std::vector<Application>& apps);

struct MatchingInput {
    std::vector<Application> apps; // every application of the call
    matching::Problem problem;
};

// The call's input as it stands in the store.
MatchingInput matching_input(Store& store, const Call& c);

// A proposal is published only while it answers the input it was computed from.
std::string fingerprint(const matching::Problem& p);

// The engine's result as officers review it, with the applications' titles, the spaces' names,
// the time it ran and the fingerprint of its input (`input`).
nlohmann::json proposal_json(Store& store, const Call& c, const MatchingInput& in,
                             const matching::Result& result);

// The decision of every submitted application, explained: the matching's verdict for the
// candidates, the eligibility reasons or the shortlist for the others.
std::map<Id, Decision> decisions_from(const nlohmann::json& proposal,
                                      const std::vector<Application>& apps);

} // namespace impetus::services
