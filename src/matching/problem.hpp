#pragma once

// The input of an allocation: the spaces a call for temporary use offers, the applications it
// received (already scored by the jury) and the call's settings. See
// ../shared/docs/DOMAIN.md ("Calls, selection and matching"). Pure values; `json.hpp` reads
// and writes them.

#include "core/enum_names.hpp"
#include "core/model.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace impetus::matching {

// A calendar day as the number of days since 1970-01-01 (proleptic Gregorian).
using Day = std::int32_t;

// Day <-> ISO 8601 "YYYY-MM-DD" (through core/dates).
std::optional<Day> day_from_iso(std::string_view text);
std::string iso_from_day(Day day);

// A half-open period [from, to) of days.
struct Period {
    Day from = 0;
    Day to = 0;
    Day length() const { return to - from; }
    bool contains(const Period& p) const { return from <= p.from && p.to <= to; }
    bool overlaps(const Period& p) const { return from < p.to && p.from < to; }
    bool operator==(const Period&) const = default;
};

enum class Setting { indoor, outdoor };
enum class SettingNeed { either, indoor, outdoor };
enum class Utility : std::uint8_t { water = 1, electricity = 2, heating = 4, internet = 8 };
enum class Category { culture, social, education, greening, sport, economic, mixed };

// A set of utilities as a bit mask of Utility values.
using Utilities = std::uint8_t;
constexpr Utilities operator|(Utility a, Utility b) {
    return static_cast<Utilities>(static_cast<Utilities>(a) | static_cast<Utilities>(b));
}
constexpr Utilities operator|(Utilities a, Utility b) {
    return static_cast<Utilities>(a | static_cast<Utilities>(b));
}
constexpr bool has(Utilities set, Utility u) { return (set & static_cast<Utilities>(u)) != 0; }

struct Location {
    double lon = 0.0;
    double lat = 0.0;
    bool operator==(const Location&) const = default;
};

// A space offered by the call.
struct SpaceOffer {
    Id id = 0;
    std::optional<double> area_m2;   // unknown: only requests without area needs fit
    Setting setting = Setting::indoor;
    Utilities utilities = 0;
    bool step_free = false;
    Period available;                // when it may be used
    int capacity = 1;                // uses it can host at the same moment
    std::optional<Location> location;
};

// What an application needs of a space; every field is a hard constraint.
struct Needs {
    std::optional<double> area_min_m2;
    std::optional<double> area_max_m2;
    SettingNeed setting = SettingNeed::either;
    Utilities utilities = 0;
    bool step_free = false;
};

// The period an application wants: a fixed [start, end), or `duration_days` starting at any day
// of the call's start grid (window.from + k * start_step_days) and ending by window.to.
struct WantedPeriod {
    Period window;
    int duration_days = 0;

    static WantedPeriod fixed(Period p) { return {p, p.length()}; }
    static WantedPeriod flexible(int duration, Period window) { return {window, duration}; }
    bool is_fixed() const { return duration_days == window.length(); }
};

// An application to the call.
struct Request {
    Id id = 0;
    double score = 0.0; // 0..100, the jury's aggregated evaluation
    Category category = Category::mixed;
    Needs needs;
    WantedPeriod period;
    std::vector<Id> preferences; // ranked space ids, most wanted first
    std::optional<Location> location;
};

// How much each term counts in a pair's contribution (see `Terms` in result.hpp).
struct Weights {
    double score = 1.0;
    double area_fit = 0.0;
    double preference = 0.0;
    double distance = 0.0;
    bool operator==(const Weights&) const = default;
};

// An officer's decision: the request gets this space (and this start, if given).
struct Lock {
    Id request = 0;
    Id space = 0;
    std::optional<Day> start;
};

// An officer's decision: the request may not get this space.
struct Exclusion {
    Id request = 0;
    Id space = 0;
};

enum class SolverChoice { automatic, flow, mip, greedy };

struct CallSettings {
    Weights weights;
    double distance_half_km = 2.0;   // the distance at which the distance fit is 0.5
    int start_step_days = 1;         // the grid of flexible starts (30 = about a month)
    bool preferences_required = false; // only spaces a request ranked may be given to it
    std::map<Category, int> quotas;  // minimum number of assigned requests per category
    std::vector<Lock> locks;
    std::vector<Exclusion> exclusions;
    double time_limit_seconds = 60.0; // for the 0/1 programme
    SolverChoice solver = SolverChoice::automatic;
};

struct Problem {
    std::vector<SpaceOffer> spaces;
    std::vector<Request> requests;
    CallSettings settings;
};

} // namespace impetus::matching

namespace impetus {

template <> struct EnumNames<matching::Setting> {
    static constexpr std::array<std::pair<matching::Setting, std::string_view>, 2> values{
        {{matching::Setting::indoor, "indoor"}, {matching::Setting::outdoor, "outdoor"}}};
};
template <> struct EnumNames<matching::SettingNeed> {
    static constexpr std::array<std::pair<matching::SettingNeed, std::string_view>, 3> values{
        {{matching::SettingNeed::either, "either"},
         {matching::SettingNeed::indoor, "indoor"},
         {matching::SettingNeed::outdoor, "outdoor"}}};
};
template <> struct EnumNames<matching::Utility> {
    static constexpr std::array<std::pair<matching::Utility, std::string_view>, 4> values{
        {{matching::Utility::water, "water"},
         {matching::Utility::electricity, "electricity"},
         {matching::Utility::heating, "heating"},
         {matching::Utility::internet, "internet"}}};
};
template <> struct EnumNames<matching::Category> {
    static constexpr std::array<std::pair<matching::Category, std::string_view>, 7> values{
        {{matching::Category::culture, "culture"},
         {matching::Category::social, "social"},
         {matching::Category::education, "education"},
         {matching::Category::greening, "greening"},
         {matching::Category::sport, "sport"},
         {matching::Category::economic, "economic"},
         {matching::Category::mixed, "mixed"}}};
};
template <> struct EnumNames<matching::SolverChoice> {
    static constexpr std::array<std::pair<matching::SolverChoice, std::string_view>, 4> values{
        {{matching::SolverChoice::automatic, "auto"},
         {matching::SolverChoice::flow, "flow"},
         {matching::SolverChoice::mip, "mip"},
         {matching::SolverChoice::greedy, "greedy"}}};
};

} // namespace impetus
