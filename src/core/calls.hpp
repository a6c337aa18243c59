#pragma once

// Calls for temporary use and what follows them: the applications organisations send, the
// eligibility check, the jury's evaluation sheets, and the published decisions. See
// ../shared/docs/DOMAIN.md ("Calls, selection and matching"). No I/O here: the store keeps these
// records, http/ enforces who may do what in which state, matching/ allocates the spaces.

#include "core/enum_names.hpp"
#include "core/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace impetus {

// draft -> open -> closed -> evaluating -> decided. A draft is seen by staff only and changes
// freely. Once open, the published rules stay as they are (only the description may be
// clarified and the deadline pushed later) so that every applicant is judged by the same rules;
// applications are written and submitted between opens_at and closes_at (server time). Closed:
// officers check eligibility and assign evaluators. Evaluating: evaluators score, officers
// shortlist and run the matching. Decided: the decisions are published and nothing changes.
enum class CallState { draft, open, closed, evaluating, decided };

bool call_transition_allowed(CallState from, CallState to) noexcept;

enum class ProjectCategory { culture, social, education, greening, sport, economic, mixed };

// What the occupant pays, as the call offers it.
enum class FeeModel { free_of_charge, utilities_only, reduced_rent, market_rent, negotiated };

// Where a use can happen: inside a building, outside on a plot, or either.
enum class Setting { indoor, outdoor, either };

enum class ScoreAggregation { mean, median };

// A space the call offers, for a period, to `capacity` uses at a time.
struct CallSpace {
    Id space_id = 0;
    std::string available_from; // YYYY-MM-DD
    std::string available_to;   // YYYY-MM-DD, exclusive
    int capacity = 1;
    bool operator==(const CallSpace&) const = default;
};

// A criterion the jury scores on a scale, weighted in the total.
struct Criterion {
    std::string key;   // [a-z0-9_], unique in the call
    std::string label;
    std::string description;
    double weight = 1.0;
    int scale_min = 0;
    int scale_max = 10;
    bool operator==(const Criterion&) const = default;
};

struct Eligibility {
    std::vector<OrganisationType> organisation_types; // empty: any
    std::optional<int> min_duration_days;
    std::optional<int> max_duration_days;
    bool operator==(const Eligibility&) const = default;
};

// How the matching weighs its terms (each term lies in [0, 1]), the quotas it must meet, and
// whether applicants must rank the spaces they want.
struct MatchingSettings {
    double score_weight = 1.0;
    double area_weight = 0.2;
    double preference_weight = 0.3;
    double distance_weight = 0.0;
    std::map<ProjectCategory, int> quotas; // at least N allocated projects of the category
    bool preferences_required = false;     // only spaces the applicant ranked may be given
    int start_step_days = 7;               // flexible starts are tried on this grid
    ScoreAggregation aggregation = ScoreAggregation::mean;
    double time_limit_seconds = 20.0;
    bool operator==(const MatchingSettings&) const = default;
};

// What an officer fixed by hand before a rerun: the application gets this space (locked) or
// must not get it (excluded).
struct MatchingAdjustment {
    Id application_id = 0;
    Id space_id = 0;
    bool locked = true;
    bool operator==(const MatchingAdjustment&) const = default;
};

struct Call {
    Id id = 0;
    Id workspace_id = 0;
    std::string title;
    std::string description;
    std::vector<CallSpace> spaces;
    Eligibility eligibility;
    std::vector<Criterion> criteria;
    std::vector<std::string> documents_required;
    std::string opens_at;  // RFC 3339 UTC
    std::string closes_at; // RFC 3339 UTC: the deadline
    FeeModel fee_model = FeeModel::free_of_charge;
    std::string fee_details;
    MatchingSettings matching;
    std::vector<Id> evaluators;                    // user ids
    std::vector<MatchingAdjustment> adjustments;   // locks and exclusions
    CallState state = CallState::draft;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
    std::string decided_at;
};

// Whether applications may be written and submitted at `now` (RFC 3339 UTC).
bool accepts_applications(const Call& call, const std::string& now);
// Whether the call offers this space.
bool call_offers(const Call& call, Id space_id);

struct Needs {
    std::optional<double> min_area_m2;
    std::optional<double> max_area_m2;
    Setting setting = Setting::either;
    Utilities utilities; // true: needed
    bool step_free_access = false;
    bool operator==(const Needs&) const = default;
};

// A fixed period [start, end), or a duration anywhere within [earliest_start, latest_end).
struct WantedPeriod {
    std::string start;
    std::string end;
    std::optional<int> duration_days;
    std::string earliest_start;
    std::string latest_end;
    bool flexible() const { return duration_days.has_value(); }
    int length_days() const; // the duration, or end - start
    bool operator==(const WantedPeriod&) const = default;
};

struct Attachment {
    Id id = 0;
    std::string name;         // the document it is, e.g. "insurance certificate"
    std::string file_name;
    std::string content_type; // checked by content
    std::int64_t size = 0;
    std::string sha256;
    bool operator==(const Attachment&) const = default;
};

enum class ApplicationStatus { draft, submitted, withdrawn };
enum class EligibilityStatus { pending, eligible, ineligible };
enum class DecisionOutcome { none, allocated, not_allocated };

// Everything the applicant writes.
struct ApplicationFields {
    std::string title;
    std::string description;
    ProjectCategory category = ProjectCategory::mixed;
    Needs needs;
    WantedPeriod period;
    std::vector<Id> preferred_spaces; // ranked, best first
    std::optional<Position> preferred_location;
    std::string expected_impact;
    std::string team;
    std::optional<double> budget_eur;
    bool operator==(const ApplicationFields&) const = default;
};

// The eligibility verdict: computed where the rules allow, confirmed or overruled by an officer,
// with coded reasons ("organisation_type", "duration_too_short", "duration_too_long",
// "period_outside_call", "document_missing:<name>", "no_ranked_space", "other").
struct EligibilityCheck {
    EligibilityStatus status = EligibilityStatus::pending;
    std::vector<std::string> reasons;
    std::string note;
    bool by_officer = false;
    bool operator==(const EligibilityCheck&) const = default;
};

struct Decision {
    DecisionOutcome outcome = DecisionOutcome::none;
    std::optional<Id> space_id;
    std::string start;
    std::string end;
    nlohmann::json explanation; // as matching/ explains it
    bool operator==(const Decision&) const = default;
};

struct Application {
    Id id = 0;
    Id workspace_id = 0;
    Id call_id = 0;
    Id organisation_id = 0;
    Id created_by = 0; // user
    ApplicationFields fields;
    std::vector<Attachment> attachments;
    ApplicationStatus status = ApplicationStatus::draft;
    EligibilityCheck eligibility;
    bool shortlisted = false;
    Decision decision;
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
    std::string submitted_at;
};

// The rules of the call applied to an application: the coded reasons it is not eligible (empty:
// eligible as far as rules can tell).
std::vector<std::string> eligibility_reasons(const Call& call, const Application& application,
                                             OrganisationType organisation_type);

// One evaluator's sheet for one application.
struct CriterionScore {
    double value = 0.0;
    std::string comment;
    bool operator==(const CriterionScore&) const = default;
};

struct Evaluation {
    Id application_id = 0;
    Id evaluator_id = 0;
    bool conflict_of_interest = false;
    std::string conflict_note;
    std::map<std::string, CriterionScore> scores; // by criterion key
    std::string submitted_at;                      // empty: still a draft
    std::string updated_at;
    bool operator==(const Evaluation&) const = default;
};

// A sheet is final once submitted: throws Error(conflict) when the evaluator's sheet as stored
// (`stored`, empty when there is none yet) was submitted.
void check_sheet_editable(const std::optional<Evaluation>& stored);

// The weighted score of one sheet on 0..100: each criterion's value mapped from its scale to
// [0, 1], weighted, divided by the total weight. Nullopt when a criterion has no score.
std::optional<double> sheet_score(const Call& call, const Evaluation& sheet);

// The jury's view of one application: the submitted sheets without a conflict of interest,
// aggregated as the call says, with the spread.
struct AggregatedScore {
    Id application_id = 0;
    std::size_t sheets = 0;
    std::optional<double> score; // 0..100
    double min = 0.0;
    double max = 0.0;
    double stddev = 0.0;
    std::map<std::string, double> criteria_means; // by key, on the criterion's scale
};

AggregatedScore aggregate_scores(const Call& call, Id application_id,
                                 const std::vector<Evaluation>& sheets);

// Indoor or outdoor, from the kind of space.
Setting setting_of(SpaceKind kind) noexcept;

// ---------------------------------------------------------------------------------------------
// Enum names (the stable external spelling).

template <> struct EnumNames<CallState> {
    static constexpr std::array<std::pair<CallState, std::string_view>, 5> values{{
        {CallState::draft, "draft"},
        {CallState::open, "open"},
        {CallState::closed, "closed"},
        {CallState::evaluating, "evaluating"},
        {CallState::decided, "decided"},
    }};
};

template <> struct EnumNames<ProjectCategory> {
    static constexpr std::array<std::pair<ProjectCategory, std::string_view>, 7> values{{
        {ProjectCategory::culture, "culture"},
        {ProjectCategory::social, "social"},
        {ProjectCategory::education, "education"},
        {ProjectCategory::greening, "greening"},
        {ProjectCategory::sport, "sport"},
        {ProjectCategory::economic, "economic"},
        {ProjectCategory::mixed, "mixed"},
    }};
};

template <> struct EnumNames<FeeModel> {
    static constexpr std::array<std::pair<FeeModel, std::string_view>, 5> values{{
        {FeeModel::free_of_charge, "free"},
        {FeeModel::utilities_only, "utilities_only"},
        {FeeModel::reduced_rent, "reduced_rent"},
        {FeeModel::market_rent, "market_rent"},
        {FeeModel::negotiated, "negotiated"},
    }};
};

template <> struct EnumNames<Setting> {
    static constexpr std::array<std::pair<Setting, std::string_view>, 3> values{{
        {Setting::indoor, "indoor"},
        {Setting::outdoor, "outdoor"},
        {Setting::either, "either"},
    }};
};

template <> struct EnumNames<ScoreAggregation> {
    static constexpr std::array<std::pair<ScoreAggregation, std::string_view>, 2> values{{
        {ScoreAggregation::mean, "mean"},
        {ScoreAggregation::median, "median"},
    }};
};

template <> struct EnumNames<ApplicationStatus> {
    static constexpr std::array<std::pair<ApplicationStatus, std::string_view>, 3> values{{
        {ApplicationStatus::draft, "draft"},
        {ApplicationStatus::submitted, "submitted"},
        {ApplicationStatus::withdrawn, "withdrawn"},
    }};
};

template <> struct EnumNames<EligibilityStatus> {
    static constexpr std::array<std::pair<EligibilityStatus, std::string_view>, 3> values{{
        {EligibilityStatus::pending, "pending"},
        {EligibilityStatus::eligible, "eligible"},
        {EligibilityStatus::ineligible, "ineligible"},
    }};
};

template <> struct EnumNames<DecisionOutcome> {
    static constexpr std::array<std::pair<DecisionOutcome, std::string_view>, 3> values{{
        {DecisionOutcome::none, "none"},
        {DecisionOutcome::allocated, "allocated"},
        {DecisionOutcome::not_allocated, "not_allocated"},
    }};
};

} // namespace impetus
