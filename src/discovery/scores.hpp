#pragma once

// Internal to the discovery module: the two scores of a candidate from its context.

#include "discovery/discovery.hpp"

namespace impetus::discovery::detail {

// How well the space suits a temporary use now: reachable by public transport, with activity
// around it, in a usable state and of a usable size.
Score suitability(const Candidate& c, const Weights& weights);

// How much greening the space would add: little green and no park nearby, open land rather
// than a building, and room for it.
Score greening(const Candidate& c, const Weights& weights);

} // namespace impetus::discovery::detail
