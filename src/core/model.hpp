#pragma once

// The domain model of the space registry: workspaces, organisations, spaces and their status
// lifecycle. See ../shared/docs/DOMAIN.md ("Spaces and their status").

#include "core/enum_names.hpp"
#include "core/geometry.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace impetus {

using Id = std::int64_t;

// ---------------------------------------------------------------------------------------------
// Workspaces: a city, metropolis, region or agency running its own inventory (a tenant).

struct MapView {
    double lon = 0.0;
    double lat = 0.0;
    double zoom = 2.0;
    bool operator==(const MapView&) const = default;
};

// The base map of a workspace's interface: an XYZ tile URL template and its attribution.
// Empty url: the interface's default (OpenStreetMap's standard tiles).
struct TileSettings {
    std::string url; // https://.../{z}/{x}/{y}.png
    std::string attribution;
    bool operator==(const TileSettings&) const = default;
};

struct Workspace {
    Id id = 0;
    std::string slug;                   // [a-z0-9-], 2..63, used in URLs
    std::string name;
    std::string country;                // ISO 3166-1 alpha-2, upper case
    std::vector<std::string> languages; // BCP 47 tags, first is the default
    MapView map_view;
    TileSettings tiles;
    GeometryLimits geometry_limits;
    std::string created_at;
    std::string updated_at;
};

// ---------------------------------------------------------------------------------------------
// Organisations: owners, intermediaries and (later) applicants.

enum class OrganisationType {
    public_authority,
    urban_agency,
    private_company,
    non_profit,
    cooperative,
    informal_group,
    other
};

struct Contact {
    std::string name;
    std::string email;
    std::string phone;
    std::string website;
    std::string address;
    bool operator==(const Contact&) const = default;
};

struct Organisation {
    Id id = 0;
    Id workspace_id = 0;
    std::string name;
    OrganisationType type = OrganisationType::other;
    Contact contact;
    std::string notes;
    std::string created_at;
    std::string updated_at;
};

// ---------------------------------------------------------------------------------------------
// Spaces

enum class SpaceKind { building, unit, shop, plot, open_space };
enum class OwnerType { public_owner, private_owner, mixed, unknown };
enum class Condition { good, needs_repair, poor, ruin };
enum class VacancyDegree { complete, partial };
enum class BuildingType { residential, commercial, industrial, historical, public_building, mixed };

// Lifecycle: reported -> verified -> available -> allocated -> in_use -> ended, plus the exits
// withdrawn, redeveloped and demolished. Spaces are never deleted.
enum class SpaceStatus {
    reported,
    verified,
    available,
    allocated,
    in_use,
    ended,
    withdrawn,
    redeveloped,
    demolished
};

struct Utilities {
    std::optional<bool> water;
    std::optional<bool> electricity;
    std::optional<bool> heating;
    std::optional<bool> internet;
    bool operator==(const Utilities&) const = default;
};

// Every attribute of a space that a person or an importer sets. Status and bookkeeping fields
// live in Space, which the store owns.
struct SpaceFields {
    std::string name;
    SpaceKind kind = SpaceKind::building;
    std::optional<Id> parent_id;
    Geometry geometry;
    std::optional<double> area_m2;      // given, or computed from a polygon geometry
    bool area_computed = false;         // true when area_m2 was computed from the geometry
    std::optional<double> floor_area_m2;
    std::optional<int> floors;
    std::string address;
    std::optional<Id> owner_organisation_id;
    OwnerType owner_type = OwnerType::unknown;
    std::optional<BuildingType> building_type;
    std::optional<Condition> condition;
    std::optional<VacancyDegree> vacancy;
    std::optional<std::string> vacant_since;   // YYYY-MM-DD
    Utilities utilities;
    std::optional<bool> step_free_access;
    std::optional<std::string> available_from; // YYYY-MM-DD
    std::optional<std::string> available_to;   // YYYY-MM-DD, inclusive
    std::string planned_future_use;
    std::string notes;
    std::string source;    // e.g. "brownfield:local-authority-eng:BNH", "osm", "geojson:<name>"
    std::string source_id; // unique within source
    nlohmann::json source_attributes = nlohmann::json::object(); // untouched source fields

    bool operator==(const SpaceFields&) const = default;
};

struct Space {
    Id id = 0;
    Id workspace_id = 0;
    SpaceFields fields;
    SpaceStatus status = SpaceStatus::reported;
    std::int64_t version = 1; // bumped by every change; the HTTP ETag
    std::string created_at;
    std::string updated_at;
};

struct StatusChange {
    Id id = 0;
    Id space_id = 0;
    std::string at;
    std::optional<SpaceStatus> from; // empty for the record's creation
    SpaceStatus to = SpaceStatus::reported;
    std::string reason;
};

// ---------------------------------------------------------------------------------------------
// Background jobs (a discovery scan of an OSM extract, ...): their progress and outcome.

enum class JobStatus { queued, running, succeeded, failed, cancelled };

struct Job {
    Id id = 0;
    Id workspace_id = 0;
    std::string kind;                                     // "discovery"
    JobStatus status = JobStatus::queued;
    nlohmann::json params = nlohmann::json::object();     // what was asked
    nlohmann::json progress = nlohmann::json::object();   // the runner's latest report
    nlohmann::json result;                                // on success
    std::string error;                                    // on failure: message for people
    std::string created_at;
    std::string started_at;
    std::string finished_at;
};

// The allowed status transitions; the store enforces them inside its write transaction.
bool transition_allowed(SpaceStatus from, SpaceStatus to) noexcept;
std::vector<SpaceStatus> allowed_transitions(SpaceStatus from);
// Statuses in which the space no longer takes part in the lifecycle.
bool is_terminal(SpaceStatus status) noexcept;
// Throws Error(conflict) naming the statuses allowed from `from` unless transition_allowed.
void check_transition(SpaceStatus from, SpaceStatus to);

// How an import from a source (importers/, discovery/) treats the spaces of that source.
// The status a new space from the source gets: ended when the source gives an end.
SpaceStatus imported_status(SpaceStatus initial, bool source_says_ended) noexcept;
// Whether people took a space from a source in hand: its status moved on from the one the
// import gives new spaces, or someone edited it. An import may be told to leave those alone.
bool import_reviewed(SpaceStatus status, SpaceStatus initial, bool edited) noexcept;
// The fields a record of the source writes over a space: the source's, keeping the parent and
// the owner people set where the source names none.
SpaceFields import_merge(const SpaceFields& current, const SpaceFields& incoming);
// Whether a record whose source gives an end ends the space (once, and only where the
// lifecycle lets it).
bool import_ends(SpaceStatus status, bool source_says_ended) noexcept;
// What a batch that covers the whole of its source does with a space of that source it no
// longer holds: nothing when the space is over already, keep it when people reviewed it and
// the batch protects reviewed spaces or when it cannot end from its status, or end it.
enum class MissingFromSource { ignore, keep, end };
MissingFromSource missing_from_source(SpaceStatus status, bool protected_review) noexcept;

// A space's place in the tree of spaces as a store reads it: its workspace and its parent.
struct ParentLink {
    Id workspace_id = 0;
    std::optional<Id> parent_id;
};
// What is wrong with the parent a space names, if anything: it must be a space of the same
// workspace, and neither the space itself (`self`, empty for a new space) nor inside it.
// `link` reads a space's ParentLink, empty when there is no such space; the walk up the tree
// stops after 64 steps.
std::optional<std::string> parent_problem(
    Id workspace_id, std::optional<Id> self, Id parent_id,
    const std::function<std::optional<ParentLink>(Id)>& link);

// ---------------------------------------------------------------------------------------------
// Enum names (the stable external spelling).

template <> struct EnumNames<OrganisationType> {
    static constexpr std::array<std::pair<OrganisationType, std::string_view>, 7> values{{
        {OrganisationType::public_authority, "public_authority"},
        {OrganisationType::urban_agency, "urban_agency"},
        {OrganisationType::private_company, "private_company"},
        {OrganisationType::non_profit, "non_profit"},
        {OrganisationType::cooperative, "cooperative"},
        {OrganisationType::informal_group, "informal_group"},
        {OrganisationType::other, "other"},
    }};
};

template <> struct EnumNames<SpaceKind> {
    static constexpr std::array<std::pair<SpaceKind, std::string_view>, 5> values{{
        {SpaceKind::building, "building"},
        {SpaceKind::unit, "unit"},
        {SpaceKind::shop, "shop"},
        {SpaceKind::plot, "plot"},
        {SpaceKind::open_space, "open_space"},
    }};
};

template <> struct EnumNames<OwnerType> {
    static constexpr std::array<std::pair<OwnerType, std::string_view>, 4> values{{
        {OwnerType::public_owner, "public"},
        {OwnerType::private_owner, "private"},
        {OwnerType::mixed, "mixed"},
        {OwnerType::unknown, "unknown"},
    }};
};

template <> struct EnumNames<Condition> {
    static constexpr std::array<std::pair<Condition, std::string_view>, 4> values{{
        {Condition::good, "good"},
        {Condition::needs_repair, "needs_repair"},
        {Condition::poor, "poor"},
        {Condition::ruin, "ruin"},
    }};
};

template <> struct EnumNames<VacancyDegree> {
    static constexpr std::array<std::pair<VacancyDegree, std::string_view>, 2> values{{
        {VacancyDegree::complete, "complete"},
        {VacancyDegree::partial, "partial"},
    }};
};

template <> struct EnumNames<BuildingType> {
    static constexpr std::array<std::pair<BuildingType, std::string_view>, 6> values{{
        {BuildingType::residential, "residential"},
        {BuildingType::commercial, "commercial"},
        {BuildingType::industrial, "industrial"},
        {BuildingType::historical, "historical"},
        {BuildingType::public_building, "public"},
        {BuildingType::mixed, "mixed"},
    }};
};

template <> struct EnumNames<JobStatus> {
    static constexpr std::array<std::pair<JobStatus, std::string_view>, 5> values{{
        {JobStatus::queued, "queued"},
        {JobStatus::running, "running"},
        {JobStatus::succeeded, "succeeded"},
        {JobStatus::failed, "failed"},
        {JobStatus::cancelled, "cancelled"},
    }};
};

template <> struct EnumNames<SpaceStatus> {
    static constexpr std::array<std::pair<SpaceStatus, std::string_view>, 9> values{{
        {SpaceStatus::reported, "reported"},
        {SpaceStatus::verified, "verified"},
        {SpaceStatus::available, "available"},
        {SpaceStatus::allocated, "allocated"},
        {SpaceStatus::in_use, "in_use"},
        {SpaceStatus::ended, "ended"},
        {SpaceStatus::withdrawn, "withdrawn"},
        {SpaceStatus::redeveloped, "redeveloped"},
        {SpaceStatus::demolished, "demolished"},
    }};
};

// Optimistic locking, one convention for every record: a write made under a version read
// earlier (HTTP If-Match) fails with Error(precondition) when the record has changed since
// (`what` names it: "space 12", "the call"). Without an expected version it passes.
void require_version(std::int64_t stored, std::optional<std::int64_t> expected,
                     const std::string& what);

} // namespace impetus
