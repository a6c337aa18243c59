#pragma once

// What a caller may ask of the space inventory. Every front end (REST, OGC API, CLI export)
// fills this one structure; the store answers it.

#include "core/model.hpp"

#include <optional>
#include <set>
#include <string>

namespace impetus {

enum class SpaceSort { id, name, area, created_at, updated_at, vacant_since, status, distance };

template <> struct EnumNames<SpaceSort> {
    static constexpr std::array<std::pair<SpaceSort, std::string_view>, 8> values{{
        {SpaceSort::id, "id"},
        {SpaceSort::name, "name"},
        {SpaceSort::area, "area"},
        {SpaceSort::created_at, "created_at"},
        {SpaceSort::updated_at, "updated_at"},
        {SpaceSort::vacant_since, "vacant_since"},
        {SpaceSort::status, "status"},
        {SpaceSort::distance, "distance"},
    }};
};

struct NearFilter {
    Position center;
    double radius_m = 0.0;
};

// A closed interval of dates; either end may be open.
struct DateRange {
    std::optional<std::string> from; // YYYY-MM-DD
    std::optional<std::string> to;   // YYYY-MM-DD
};

struct SpaceQuery {
    std::optional<Id> workspace_id;
    std::set<Id> ids; // only these spaces (a selection, or one space's export)
    std::set<SpaceStatus> statuses;
    std::set<SpaceKind> kinds;
    std::set<OwnerType> owner_types;
    std::optional<double> min_area_m2;
    std::optional<double> max_area_m2;
    // Words matched in the public text (name, address), and in the internal notes too when
    // `search_internal` is set: only for viewers who may read the notes (staff), or a text
    // search would tell anyone whether a note holds a word.
    std::optional<std::string> text;
    bool search_internal = false;
    std::optional<BBox> bbox;                    // exact intersection with the geometry
    std::optional<NearFilter> near;              // exact distance to the geometry
    std::optional<DateRange> available_during;   // the space's availability covers the range
    std::optional<DateRange> availability_overlaps; // OGC `datetime`: the intervals intersect
    std::optional<Id> parent_id;
    std::optional<Id> owner_organisation_id;
    std::optional<std::string> source;
    std::optional<std::string> source_id;
    std::optional<bool> step_free_access;
    std::optional<bool> water, electricity, heating, internet;

    SpaceSort sort = SpaceSort::id;
    bool descending = false;
    std::size_t limit = 100;
    std::size_t offset = 0;
    bool count_total = true; // compute SpacePage::total
};

// Limits shared by every list endpoint.
constexpr std::size_t k_default_page_size = 100;
constexpr std::size_t k_max_page_size = 10000;

struct SpacePage {
    std::vector<Space> items;
    std::optional<std::size_t> total;       // number matched, when asked
    std::vector<double> distances_m;        // parallel to items when query.near was set
};

} // namespace impetus
