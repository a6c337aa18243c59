#include "core/calls.hpp"

#include "core/dates.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace impetus {

bool call_transition_allowed(CallState from, CallState to) noexcept {
    switch (from) {
    case CallState::draft: return to == CallState::open;
    case CallState::open: return to == CallState::closed;
    case CallState::closed: return to == CallState::evaluating;
    case CallState::evaluating: return to == CallState::decided;
    case CallState::decided: return false;
    }
    return false;
}

bool accepts_applications(const Call& call, const std::string& now) {
    // RFC 3339 UTC timestamps in one spelling compare as strings.
    // Timestamps compare as text once spelt alike (with milliseconds).
    const std::string at = with_milliseconds(now);
    return call.state == CallState::open && with_milliseconds(call.opens_at) <= at &&
           at < with_milliseconds(call.closes_at);
}

bool call_offers(const Call& call, Id space_id) {
    return std::any_of(call.spaces.begin(), call.spaces.end(),
                       [&](const CallSpace& cs) { return cs.space_id == space_id; });
}

int WantedPeriod::length_days() const {
    if (duration_days) return *duration_days;
    auto a = day_number(start);
    auto b = day_number(end);
    return a && b ? static_cast<int>(*b - *a) : 0;
}

Setting setting_of(SpaceKind kind) noexcept {
    return kind == SpaceKind::plot || kind == SpaceKind::open_space ? Setting::outdoor
                                                                    : Setting::indoor;
}

std::vector<std::string> eligibility_reasons(const Call& call, const Application& a,
                                             OrganisationType organisation_type) {
    std::vector<std::string> out;
    const auto& types = call.eligibility.organisation_types;
    if (!types.empty() && std::find(types.begin(), types.end(), organisation_type) == types.end()) {
        out.push_back("organisation_type");
    }
    const int days = a.fields.period.length_days();
    if (call.eligibility.min_duration_days && days < *call.eligibility.min_duration_days) {
        out.push_back("duration_too_short");
    }
    if (call.eligibility.max_duration_days && days > *call.eligibility.max_duration_days) {
        out.push_back("duration_too_long");
    }
    // The wanted period must meet the period of at least one space the call offers: a fixed
    // period lies within it; a flexible one finds its duration within both its window and the
    // offer (as the matching places it).
    const auto& p = a.fields.period;
    const bool meets = std::any_of(call.spaces.begin(), call.spaces.end(), [&](const CallSpace& s) {
        if (!p.flexible()) return s.available_from <= p.start && p.end <= s.available_to;
        const auto from = day_number(std::max(s.available_from, p.earliest_start));
        const auto to = day_number(std::min(s.available_to, p.latest_end));
        return from && to && *to - *from >= *p.duration_days;
    });
    if (!meets) out.push_back("period_outside_call");
    for (const auto& doc : call.documents_required) {
        const bool attached = std::any_of(a.attachments.begin(), a.attachments.end(),
                                          [&](const Attachment& at) { return at.name == doc; });
        if (!attached) out.push_back("document_missing:" + doc);
    }
    if (call.matching.preferences_required && a.fields.preferred_spaces.empty()) {
        out.push_back("no_ranked_space");
    }
    return out;
}

void check_sheet_editable(const std::optional<Evaluation>& stored) {
    if (stored && !stored->submitted_at.empty()) {
        throw Error(ErrorKind::conflict, "this evaluation was submitted and is final");
    }
}

std::optional<double> sheet_score(const Call& call, const Evaluation& sheet) {
    double total = 0.0;
    double weights = 0.0;
    for (const auto& c : call.criteria) {
        auto it = sheet.scores.find(c.key);
        if (it == sheet.scores.end()) return std::nullopt;
        const double span = c.scale_max - c.scale_min;
        const double unit = span > 0 ? (it->second.value - c.scale_min) / span : 0.0;
        total += c.weight * std::clamp(unit, 0.0, 1.0);
        weights += c.weight;
    }
    if (weights <= 0.0) return std::nullopt;
    return 100.0 * total / weights;
}

AggregatedScore aggregate_scores(const Call& call, Id application_id,
                                 const std::vector<Evaluation>& sheets) {
    AggregatedScore out;
    out.application_id = application_id;
    std::vector<double> values;
    std::map<std::string, double> sums;
    for (const auto& e : sheets) {
        if (e.application_id != application_id || e.submitted_at.empty() ||
            e.conflict_of_interest) {
            continue;
        }
        auto v = sheet_score(call, e);
        if (!v) continue;
        values.push_back(*v);
        for (const auto& [key, s] : e.scores) sums[key] += s.value;
    }
    out.sheets = values.size();
    if (values.empty()) return out;
    std::sort(values.begin(), values.end());
    const double n = static_cast<double>(values.size());
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
    if (call.matching.aggregation == ScoreAggregation::median) {
        const std::size_t mid = values.size() / 2;
        out.score = values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
    } else {
        out.score = mean;
    }
    out.min = values.front();
    out.max = values.back();
    double var = 0.0;
    for (double v : values) var += (v - mean) * (v - mean);
    out.stddev = std::sqrt(var / n);
    for (const auto& [key, sum] : sums) out.criteria_means[key] = sum / n;
    return out;
}

} // namespace impetus
