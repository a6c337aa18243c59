#pragma once

// Citizens' reports of vacant spaces: a point on the map, what it is, how long it has looked
// vacant, optional photos and an optional contact. Officers moderate them: accept (a new space),
// merge into a space already known nearby, or reject with a reason. The reporter follows the
// report through a private link.

#include "core/enum_names.hpp"
#include "core/geometry.hpp"
#include "core/model.hpp"

#include <optional>
#include <string>

namespace impetus {

enum class ReportStatus { pending, accepted, merged, rejected };

template <> struct EnumNames<ReportStatus> {
    static constexpr std::array<std::pair<ReportStatus, std::string_view>, 4> values{{
        {ReportStatus::pending, "pending"},
        {ReportStatus::accepted, "accepted"},
        {ReportStatus::merged, "merged"},
        {ReportStatus::rejected, "rejected"},
    }};
};

// How long the place has looked vacant to the reporter.
enum class VacantFor { unknown, under_6_months, months_6_to_12, years_1_to_3, over_3_years };

template <> struct EnumNames<VacantFor> {
    static constexpr std::array<std::pair<VacantFor, std::string_view>, 5> values{{
        {VacantFor::unknown, "unknown"},
        {VacantFor::under_6_months, "under_6_months"},
        {VacantFor::months_6_to_12, "6_to_12_months"},
        {VacantFor::years_1_to_3, "1_to_3_years"},
        {VacantFor::over_3_years, "over_3_years"},
    }};
};

struct Report {
    Id id = 0;
    Id workspace_id = 0;
    Position position;
    SpaceKind kind = SpaceKind::building;
    std::string description;
    VacantFor vacant_for = VacantFor::unknown;
    std::string contact_name;   // personal data: officers only
    std::string contact_email;  // personal data: officers only
    std::optional<Id> reporter_user_id;
    ReportStatus status = ReportStatus::pending;
    std::string decision_reason;
    std::optional<Id> space_id; // the space it became or was merged into
    std::string created_at;
    std::string decided_at;
    int photo_count = 0;
};

struct ReportPhoto {
    Id id = 0;
    Id report_id = 0;
    int width = 0;
    int height = 0;
    std::string jpeg;      // re-encoded, without metadata
    std::string thumbnail; // the same, small
};

} // namespace impetus
