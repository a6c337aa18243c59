#include "matching/model.hpp"

#include "core/dates.hpp"
#include "core/error.hpp"
#include "matching/solve.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <unordered_map>

namespace impetus::matching {

// Calendar days are core's (core/dates.hpp); the matching works in 32-bit day numbers.
std::optional<Day> day_from_iso(std::string_view text) {
    auto d = day_number(text);
    if (!d) return std::nullopt;
    return static_cast<Day>(*d);
}

std::string iso_from_day(Day day) { return date_of_day(day); }

namespace {

double distance_km(const Location& a, const Location& b) {
    // haversine on the mean Earth radius (IUGG, 6371.0088 km): plenty for a preference term
    constexpr double k_rad = 3.14159265358979323846 / 180.0;
    double dlat = (b.lat - a.lat) * k_rad;
    double dlon = (b.lon - a.lon) * k_rad;
    double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
               std::cos(a.lat * k_rad) * std::cos(b.lat * k_rad) * std::sin(dlon / 2) *
                   std::sin(dlon / 2);
    return 2.0 * 6371.0088 * std::asin(std::min(1.0, std::sqrt(h)));
}

} // namespace

Terms pair_terms(const CallSettings& settings, const Request& request, const SpaceOffer& space) {
    Terms t;
    t.score = std::clamp(request.score / 100.0, 0.0, 1.0);
    t.area_fit = 1.0;
    if (request.needs.area_min_m2 && space.area_m2 && *space.area_m2 > 0) {
        t.area_fit = std::clamp(*request.needs.area_min_m2 / *space.area_m2, 0.0, 1.0);
    }
    int rank = detail::preference_rank(request, space.id);
    if (rank >= 0) {
        t.preference = 1.0 - static_cast<double>(rank) / static_cast<double>(request.preferences.size());
    }
    if (request.location && space.location && settings.distance_half_km > 0) {
        t.distance = 1.0 / (1.0 + distance_km(*request.location, *space.location) /
                                      settings.distance_half_km);
    }
    return t;
}

double contribution(const Weights& w, const Terms& t) {
    return w.score * t.score + w.area_fit * t.area_fit + w.preference * t.preference +
           w.distance * t.distance;
}

namespace detail {

int preference_rank(const Request& request, Id space) {
    auto it = std::find(request.preferences.begin(), request.preferences.end(), space);
    return it == request.preferences.end() ? -1 : static_cast<int>(it - request.preferences.begin());
}

std::uint32_t needs_mismatch(const Request& r, const SpaceOffer& s) {
    std::uint32_t m = 0;
    const Needs& n = r.needs;
    if (n.area_min_m2 || n.area_max_m2) {
        if (!s.area_m2) {
            m |= area_unknown;
        } else if (n.area_min_m2 && *s.area_m2 < *n.area_min_m2) {
            m |= area_too_small;
        } else if (n.area_max_m2 && *s.area_m2 > *n.area_max_m2) {
            m |= area_too_large;
        }
    }
    if (n.setting == SettingNeed::indoor && s.setting != Setting::indoor) {
        m |= indoor_mismatch;
    } else if (n.setting == SettingNeed::outdoor && s.setting != Setting::outdoor) {
        m |= outdoor_mismatch;
    }
    Utilities missing = n.utilities & static_cast<Utilities>(~s.utilities);
    m |= static_cast<std::uint32_t>(missing) << utility_shift;
    if (n.step_free && !s.step_free) {
        m |= step_free_missing;
    }
    return m;
}

std::vector<std::string> reason_codes(std::uint32_t m) {
    static constexpr std::pair<std::uint32_t, const char*> k_codes[] = {
        {area_unknown, "area_unknown"},
        {area_too_small, "area_too_small"},
        {area_too_large, "area_too_large"},
        {indoor_mismatch, "indoor_mismatch"},
        {outdoor_mismatch, "outdoor_mismatch"},
    };
    std::vector<std::string> out;
    for (const auto& [bit, name] : k_codes) {
        if (m & bit) {
            out.emplace_back(name);
        }
    }
    for (const auto& [u, name] : EnumNames<Utility>::values) {
        if (m & (static_cast<std::uint32_t>(u) << utility_shift)) {
            out.push_back("utility_missing:" + std::string(name));
        }
    }
    static constexpr std::pair<std::uint32_t, const char*> k_more[] = {
        {step_free_missing, "step_free_missing"},
        {period_outside_availability, "period_outside_availability"},
        {not_in_preferences, "not_in_preferences"},
        {excluded_by_officer, "excluded_by_officer"},
        {locked_elsewhere, "locked_elsewhere"},
    };
    for (const auto& [bit, name] : k_more) {
        if (m & bit) {
            out.emplace_back(name);
        }
    }
    return out;
}

std::vector<Day> possible_starts(const Request& r, const SpaceOffer& s, int step_days) {
    std::vector<Day> out;
    const WantedPeriod& w = r.period;
    if (w.is_fixed()) {
        if (s.available.contains(w.window)) {
            out.push_back(w.window.from);
        }
        return out;
    }
    const Day last = std::min(w.window.to, s.available.to) - w.duration_days;
    Day first = w.window.from;
    if (s.available.from > first) {
        first += (s.available.from - first + step_days - 1) / step_days * step_days;
    }
    for (Day d = first; d <= last; d += step_days) {
        out.push_back(d);
    }
    return out;
}

int max_overlap(const std::vector<Period>& uses, const Period& period) {
    int best = 0;
    auto count_at = [&](Day d) {
        return static_cast<int>(std::count_if(uses.begin(), uses.end(), [d](const Period& u) {
            return u.from <= d && d < u.to;
        }));
    };
    // the count only rises where a use starts, so the starts inside the period suffice
    best = count_at(period.from);
    for (const Period& u : uses) {
        if (u.from > period.from && u.from < period.to) {
            best = std::max(best, count_at(u.from));
        }
    }
    return best;
}

int Model::space_index(Id id) const {
    auto it = std::lower_bound(spaces.begin(), spaces.end(), id,
                               [](const SpaceOffer* s, Id v) { return s->id < v; });
    return (it != spaces.end() && (*it)->id == id) ? static_cast<int>(it - spaces.begin()) : -1;
}

int Model::request_index(Id id) const {
    auto it = std::lower_bound(requests.begin(), requests.end(), id,
                               [](const Request* r, Id v) { return r->id < v; });
    return (it != requests.end() && (*it)->id == id) ? static_cast<int>(it - requests.begin())
                                                     : -1;
}

void validate(const Problem& p, FieldErrors& errors) {
    const CallSettings& c = p.settings;
    const Weights& w = c.weights;
    for (auto [name, v] : {std::pair{"score", w.score}, std::pair{"area_fit", w.area_fit},
                           std::pair{"preference", w.preference}, std::pair{"distance", w.distance}}) {
        if (!std::isfinite(v) || v < 0 || v > 100) {
            errors.add(std::string("/call/weights/") + name, "must be between 0 and 100");
        }
    }
    if (c.start_step_days < 1) {
        errors.add("/call/start_step_days", "must be at least 1");
    }
    if (!(c.distance_half_km > 0)) {
        errors.add("/call/distance_half_km", "must be greater than 0");
    }
    if (!(c.time_limit_seconds > 0)) {
        errors.add("/call/time_limit_seconds", "must be greater than 0");
    }
    for (const auto& [cat, q] : c.quotas) {
        if (q < 0) {
            errors.add("/call/quotas/" + std::string(enum_name(cat)), "must not be negative");
        }
    }
    std::set<Id> space_ids;
    for (std::size_t i = 0; i < p.spaces.size(); ++i) {
        const SpaceOffer& s = p.spaces[i];
        std::string at = "/spaces/" + std::to_string(i);
        if (!space_ids.insert(s.id).second) {
            errors.add(at + "/id", "repeats the id of another space");
        }
        if (s.capacity < 1) {
            errors.add(at + "/capacity", "must be at least 1");
        }
        if (s.available.length() <= 0) {
            errors.add(at + "/available", "must end after it starts");
        }
        if (s.area_m2 && !(*s.area_m2 >= 0)) {
            errors.add(at + "/area_m2", "must not be negative");
        }
    }
    std::set<Id> request_ids;
    for (std::size_t i = 0; i < p.requests.size(); ++i) {
        const Request& r = p.requests[i];
        std::string at = "/requests/" + std::to_string(i);
        if (!request_ids.insert(r.id).second) {
            errors.add(at + "/id", "repeats the id of another request");
        }
        if (!(r.score >= 0 && r.score <= 100)) {
            errors.add(at + "/score", "must be between 0 and 100");
        }
        if (r.needs.area_min_m2 && r.needs.area_max_m2 && *r.needs.area_min_m2 > *r.needs.area_max_m2) {
            errors.add(at + "/needs/area_max_m2", "must not be less than area_min_m2");
        }
        if (r.period.window.length() <= 0) {
            errors.add(at + "/period", "must end after it starts");
        } else if (r.period.duration_days < 1 || r.period.duration_days > r.period.window.length()) {
            errors.add(at + "/period/duration_days", "must be between 1 and the window's length");
        }
        std::set<Id> seen;
        for (std::size_t k = 0; k < r.preferences.size(); ++k) {
            std::string pk = at + "/preferences/" + std::to_string(k);
            if (!space_ids.count(r.preferences[k])) {
                errors.add(pk, "is not the id of a space of the call");
            } else if (!seen.insert(r.preferences[k]).second) {
                errors.add(pk, "ranks the same space twice");
            }
        }
    }
    auto check_pair = [&](const std::string& at, Id request, Id space) {
        if (!request_ids.count(request)) {
            errors.add(at + "/request", "is not the id of a request");
        }
        if (!space_ids.count(space)) {
            errors.add(at + "/space", "is not the id of a space");
        }
    };
    std::set<Id> locked;
    for (std::size_t i = 0; i < c.locks.size(); ++i) {
        std::string at = "/call/locks/" + std::to_string(i);
        check_pair(at, c.locks[i].request, c.locks[i].space);
        if (!locked.insert(c.locks[i].request).second) {
            errors.add(at + "/request", "is locked twice");
        }
    }
    for (std::size_t i = 0; i < c.exclusions.size(); ++i) {
        check_pair("/call/exclusions/" + std::to_string(i), c.exclusions[i].request,
                   c.exclusions[i].space);
    }
}

namespace {

// The tie-breaking perturbation (solve.hpp): the largest tier whose values cannot overflow.
// The check is done in long double, whose 64-bit mantissa is ample for a bound.
void set_ties(Model& m) {
    const auto n = static_cast<std::int64_t>(m.requests.size());
    const auto sp = static_cast<std::int64_t>(m.spaces.size());
    std::int64_t max_units = 0;
    for (const Option& o : m.options) {
        max_units = std::max(max_units, o.units);
    }
    const long double ln = static_cast<long double>(n);
    const long double ls = static_cast<long double>(sp);
    // tier 2: (N - r) * K + (N - r) * (M - s), K above any sum of the second part, so that the
    // first part (which requests) decides before the second (which request with which space:
    // by the rearrangement inequality, lower request ids with lower space ids)
    const long double k = ls * ln * (ln + 1) / 2 + 1;
    for (int tier = 2; tier >= 1; --tier) {
        long double bound = tier == 2 ? (k + ls) * ln * (ln + 1) / 2 : ln * (ln + 1) / 2;
        if ((static_cast<long double>(max_units) + 1) * (bound + 1) * (ln + 1) >= 4e18L) {
            continue;
        }
        m.tie_unit = static_cast<std::int64_t>(bound) + 1;
        const auto ki = static_cast<std::int64_t>(k);
        for (Option& o : m.options) {
            o.tie = tier == 2 ? (n - o.request) * (ki + sp - o.space) : n - o.request;
        }
        return;
    }
    m.tie_unit = 1;
}

} // namespace

std::uint32_t call_mismatch(const CallSettings& c, const Request& req, const SpaceOffer& sp) {
    std::uint32_t mm = needs_mismatch(req, sp);
    if (possible_starts(req, sp, std::max(1, c.start_step_days)).empty()) {
        mm |= period_outside_availability;
    }
    if (c.preferences_required && preference_rank(req, sp.id) < 0) {
        mm |= not_in_preferences;
    }
    return mm;
}

std::uint32_t pair_mismatch(const Model& m, int r, int s) {
    std::uint32_t mm = call_mismatch(m.problem->settings, *m.requests[r], *m.spaces[s]);
    if (std::binary_search(m.excluded.begin(), m.excluded.end(), std::pair{r, s})) {
        mm |= excluded_by_officer;
    }
    if (m.locked_space[r] >= 0 && m.locked_space[r] != s) {
        mm |= locked_elsewhere;
    }
    return mm;
}

Model build_model(const Problem& p) {
    FieldErrors errors;
    validate(p, errors);
    errors.throw_if_any("invalid allocation problem");
    Model m;
    m.problem = &p;
    const CallSettings& c = p.settings;
    for (const auto& r : p.requests) {
        m.requests.push_back(&r);
    }
    for (const auto& s : p.spaces) {
        m.spaces.push_back(&s);
    }
    std::sort(m.requests.begin(), m.requests.end(),
              [](const Request* a, const Request* b) { return a->id < b->id; });
    std::sort(m.spaces.begin(), m.spaces.end(),
              [](const SpaceOffer* a, const SpaceOffer* b) { return a->id < b->id; });
    const int n = static_cast<int>(m.requests.size());
    const int ns = static_cast<int>(m.spaces.size());
    for (const Exclusion& e : c.exclusions) {
        m.excluded.emplace_back(m.request_index(e.request), m.space_index(e.space));
    }
    std::sort(m.excluded.begin(), m.excluded.end());
    m.locked_space.assign(n, -1);
    std::vector<std::optional<Day>> locked_start(n);
    for (const Lock& l : c.locks) {
        int r = m.request_index(l.request);
        m.locked_space[r] = m.space_index(l.space);
        locked_start[r] = l.start;
    }

    m.first_option.reserve(n + 1);
    for (int r = 0; r < n; ++r) {
        m.first_option.push_back(static_cast<int>(m.options.size()));
        const Request& req = *m.requests[r];
        const int lock = m.locked_space[r];
        for (int s = (lock >= 0 ? lock : 0); s < (lock >= 0 ? lock + 1 : ns); ++s) {
            const SpaceOffer& sp = *m.spaces[s];
            if (needs_mismatch(req, sp) != 0 ||
                (c.preferences_required && preference_rank(req, sp.id) < 0) ||
                std::binary_search(m.excluded.begin(), m.excluded.end(), std::pair{r, s})) {
                continue;
            }
            auto starts = possible_starts(req, sp, c.start_step_days);
            if (lock >= 0 && locked_start[r]) {
                // an officer may choose a start off the grid, within the window and availability
                Period want{*locked_start[r], *locked_start[r] + req.period.duration_days};
                starts.clear();
                if (req.period.window.contains(want) && sp.available.contains(want)) {
                    starts.push_back(want.from);
                }
            }
            if (starts.empty()) {
                continue;
            }
            Terms t = pair_terms(c, req, sp);
            auto units = static_cast<std::int64_t>(
                std::llround(contribution(c.weights, t) * k_units_per_contribution));
            for (Day d : starts) {
                m.options.push_back(Option{r, s, d, d + req.period.duration_days, units, 0, t});
            }
        }
        if (lock >= 0 && m.first_option.back() == static_cast<int>(m.options.size())) {
            std::uint32_t why = pair_mismatch(m, r, lock) & ~static_cast<std::uint32_t>(locked_elsewhere);
            std::string reasons;
            for (const auto& code : reason_codes(why)) {
                reasons += (reasons.empty() ? "" : ", ") + code;
            }
            if (reasons.empty()) {
                reasons = "the locked start is outside the wanted window or the availability";
            }
            throw Error(ErrorKind::conflict,
                        "the lock of request " + std::to_string(req.id) + " to space " +
                            std::to_string(m.spaces[lock]->id) + " cannot be kept: " + reasons,
                        "remove the lock or change the request's needs or the space");
        }
    }
    m.first_option.push_back(static_cast<int>(m.options.size()));
    set_ties(m);

    for (const auto& [cat, quota] : c.quotas) {
        int fit = 0;
        int total = 0;
        for (int r = 0; r < n; ++r) {
            if (m.requests[r]->category == cat) {
                ++total;
                fit += m.first_option[r + 1] > m.first_option[r] ? 1 : 0;
            }
        }
        if (fit < quota) {
            std::string name(enum_name(cat));
            throw Error(ErrorKind::conflict,
                        "the quota of " + std::to_string(quota) + " " + name +
                            " applications cannot be met: " + std::to_string(fit) + " of the " +
                            std::to_string(total) + " " + name +
                            " applications fit any space",
                        "lower the quota or offer spaces that fit these applications");
        }
    }
    return m;
}

} // namespace detail
} // namespace impetus::matching
