#pragma once

// Internal to the discovery module: the context objects collected while reading, their
// spatial indexes, and the context of each candidate.

#include "discovery/discovery.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace impetus::discovery::detail {

struct GreenArea {
    Geometry geometry; // Polygon or MultiPolygon
    BBox box;
    bool unchecked = false; // not assembled by libosmium: validated on first use
};

struct ContextData {
    std::vector<Position> stops;
    std::vector<Position> amenities;
    std::vector<Position> shops;
    std::vector<GreenArea> greens; // parks, gardens, grass, meadow, scrub, wood, allotments
    std::vector<GreenArea> parks;  // leisure=park areas (also in greens)
    std::vector<Position> park_points;
};

// Bulk-loaded (packed) R-trees over the context; read-only, so queries run in parallel.
class ContextIndex {
public:
    explicit ContextIndex(ContextData data);
    ~ContextIndex();
    ContextIndex(const ContextIndex&) = delete;
    ContextIndex& operator=(const ContextIndex&) = delete;

    Context context_at(const Position& p) const;

    // Area of the union of green areas within `radius_m` of `p`, m2.
    double green_area_within(const Position& p, double radius_m) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Fills context and scores of every candidate, spread over `threads` threads. `tick` is called
// from the calling thread with the number of candidates done.
void compute_context(std::vector<Candidate>& candidates, const ContextIndex& index,
                     const Weights& weights, unsigned threads,
                     const std::function<void(std::size_t)>& tick);

} // namespace impetus::discovery::detail
