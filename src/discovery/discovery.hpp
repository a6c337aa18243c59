#pragma once

// Discovery of candidate spaces in an OpenStreetMap extract: vacant shops, disused and abandoned
// features, ruins, brownfield and greenfield land (see ../shared/docs/DOMAIN.md, "Open data
// about vacant land"). Libosmium reads the file in two passes (the first only over the blocks
// that hold the relations) and finds the candidates and the context around them (public
// transport, green areas, parks, amenities and shops); the context gives each candidate a
// suitability and a greening-potential score whose factors are kept for the explanation shown
// in the back office.
//
// The tag rules are one table (rules.cpp, `rules()`); the weights of the scores come from a
// JSON file (config/discovery-weights.json documents every default and why it was chosen).

#include "core/error.hpp"
#include "core/geometry.hpp"
#include "core/model.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace impetus::discovery {

// ---------------------------------------------------------------------------------------------
// The rules table

// Which kinds of OSM object a rule applies to (a bit set). An open way is never a candidate:
// spaces are places and areas, not lines.
enum class ObjectType : unsigned {
    node = 1U,         // a point
    closed_way = 2U,   // a closed way whose tags make it an area (see is_area())
    multipolygon = 4U, // a relation type=multipolygon, assembled with its holes
};
constexpr unsigned type_bit(ObjectType t) noexcept { return static_cast<unsigned>(t); }

// A rule is written as the `osmium tags-filter` expressions that find the same objects, so the
// table reads like the command and the tests can run osmium on exactly these strings.
// Supported forms: `[nwr/]KEY[,KEY...][=VALUE[,VALUE...]]`, `KEY!=VALUE[,...]` and a key prefix
// `KEY*` (osmium-tags-filter(1), "FILTER EXPRESSIONS"). The object-type letters of the first
// stage say which objects the rule applies to: n nodes, w closed ways that are areas, r
// multipolygon relations.
struct Rule {
    std::string id;
    // One expression list per stage, stages chained (the output of one `osmium tags-filter`
    // run is the input of the next): expressions within a stage are alternatives (OR), stages
    // must all hold (AND).
    std::vector<std::vector<std::string>> stages;
    // The kind of space; empty when it follows from the matched key (lifecycle-prefix rules:
    // `disused:shop` is a shop, `disused:landuse` a plot; see place_key_kind()).
    std::optional<SpaceKind> kind;
    std::string lifecycle;              // "vacant", "disused", "abandoned" or "ruin"
    std::optional<Condition> condition; // what the lifecycle says about the condition
    unsigned types = 0;                 // ObjectType bits, from the first stage's letters
    std::string why;                    // the OSM wiki page or the reasoning behind the rule
};

const std::vector<Rule>& rules();

// Keys whose lifecycle-prefixed forms (disused:KEY, abandoned:KEY) make a candidate, with the
// kind of space each stands for. Prefixed keys outside this list (disused:name,
// disused:boundary, abandoned:railway=switch, ...) are not spaces.
std::optional<SpaceKind> place_key_kind(std::string_view key);

// Prefixes that mean the feature is gone (OSM wiki "Lifecycle prefix"): never evidence.
const std::vector<std::string>& removed_prefixes();

// Tags as plain pairs, for the pure functions below (tests, tools).
using TagList = std::vector<std::pair<std::string, std::string>>;

// True when a closed way with these tags is an area (see rules.cpp for the logic and sources).
bool is_area(const TagList& tags);

// The osmium export configuration value "area_tags" equivalent to is_area() (without the
// area=yes/area=no overrides, which osmium export applies itself). Used by the tests.
std::vector<std::string> area_tag_expressions();

struct RuleMatch {
    std::vector<std::string> rules;                   // ids, in table order
    std::map<std::string, std::string> matched_tags;  // the tags that made the matches
    SpaceKind kind = SpaceKind::building;
    std::string lifecycle;
    std::optional<Condition> condition;
};

// The rules that hold for an object of the given type; nullopt when none does.
std::optional<RuleMatch> match_rules(const TagList& tags, ObjectType type);

// "Landstrasse 120, 9490 Vaduz" from addr:* (addr:full wins); empty when there is none.
std::string address_from_tags(const std::map<std::string, std::string>& tags);

// ---------------------------------------------------------------------------------------------
// Scores

struct Context {
    std::optional<double> nearest_stop_m; // empty: no stop in the extract
    double green_area_300m_m2 = 0.0;      // union of green areas within 300 m, m2
    std::optional<double> nearest_park_m; // 0 inside a park; empty: no park in the extract
    int amenities_500m = 0;
    int shops_500m = 0;
    bool operator==(const Context&) const = default;
};

// One factor of a score: the raw value, its normalised form in [0, 1], the weight, and the
// points it contributes (contributions add up to the score's value).
struct Factor {
    std::string name;
    double value = 0.0;
    double normalised = 0.0;
    double weight = 0.0;
    double contribution = 0.0;
    bool operator==(const Factor&) const = default;
};

struct Score {
    double value = 0.0; // 0..100
    std::vector<Factor> factors;
    bool operator==(const Score&) const = default;
};

// A linear ramp: 1 at `full_at`, 0 at `zero_at`, straight in between, clamped outside (either
// direction: full_at < zero_at makes "nearer is better").
struct Ramp {
    double full_at = 0.0;
    double zero_at = 1.0;
    double operator()(double x) const;
    bool operator==(const Ramp&) const = default;
};

struct Weights {
    struct Suitability {
        double transit = 0.30;
        Ramp transit_ramp{300.0, 1000.0}; // metres to the nearest stop
        double amenities = 0.20;
        double amenities_saturation = 20.0; // this many within 500 m count as 1
        double shops = 0.15;
        double shops_saturation = 20.0;
        double condition = 0.25;
        // by lifecycle word: vacant, disused, abandoned, ruin, and "unknown" for anything else
        std::map<std::string, double> condition_values{
            {"vacant", 1.0}, {"disused", 0.9}, {"abandoned", 0.4}, {"ruin", 0.1}, {"unknown", 0.6}};
        double size = 0.10;
        Ramp size_ramp{200.0, 20.0}; // m2
        double size_point = 0.5;     // normalised size of a point (area unknown)
        bool operator==(const Suitability&) const = default;
    } suitability;
    struct Greening {
        double green_deficit = 0.35;
        double green_target_share = 0.25; // green share of the 300 m circle that counts as enough
        double park_distance = 0.25;
        Ramp park_ramp{1000.0, 300.0}; // metres to the nearest park: far is more need
        double open_land = 0.25;
        std::map<std::string, double> open_land_values{
            {"plot", 1.0}, {"open_space", 1.0}, {"building", 0.3}, {"unit", 0.1}, {"shop", 0.1}};
        double size = 0.15;
        Ramp size_ramp{2000.0, 100.0}; // m2
        bool operator==(const Greening&) const = default;
    } greening;
    bool operator==(const Weights&) const = default;
};

// Reads and validates a weights document: every failing field is reported (JSON Pointers) in
// one Error(invalid_input). Absent fields keep their defaults.
Weights parse_weights(const nlohmann::json& doc);
// Reads the file; Error(io) when it cannot be read, Error(invalid_input) when it is not JSON.
Weights load_weights(const std::string& path);

// ---------------------------------------------------------------------------------------------
// Candidates and the run

struct Candidate {
    std::string osm_type; // "node", "way" or "relation"
    std::int64_t osm_id = 0;
    Geometry geometry;
    double area_m2 = 0.0;  // WGS84 ellipsoid (Karney); 0 for points
    Position centroid;     // area-weighted centroid, moved inside the polygon when outside
    std::string name;
    std::string address;
    SpaceKind kind = SpaceKind::building;
    std::optional<Condition> condition;
    std::string lifecycle;
    std::vector<std::string> rules;
    std::map<std::string, std::string> matched_tags;
    std::map<std::string, std::string> tags;
    Context context;
    Score suitability;
    Score greening;

    // "node/123", the source id in the registry
    std::string source_id() const { return osm_type + "/" + std::to_string(osm_id); }
};

struct Progress {
    double share_read = 0.0;     // 0..1 of the file
    std::uint64_t objects = 0;   // OSM objects read so far
    double objects_per_second = 0.0;
    double seconds_left = 0.0;   // estimate; 0 when unknown
    std::string phase;           // "relations", "objects", "context", "done"
};

struct DiscoverOptions {
    Weights weights;
    std::function<void(const Progress&)> progress; // called from the calling thread
    std::function<bool()> cancelled;               // polled; true stops with Error(conflict)
    std::string display_name; // names the file in error messages (default: its path)
};

struct DiscoveryResult {
    std::vector<Candidate> candidates; // ordered by type (node, way, relation), then id
    std::map<std::string, std::size_t> per_rule;
    std::uint64_t objects_read = 0;
    double seconds = 0.0;
    // wall time of each phase: "relations" (pass 1), "objects" (pass 2), "context"
    std::map<std::string, double> phase_seconds;
};

// Reads an OSM PBF file (sorted, as extracts are) and returns its candidates with context and
// scores. Throws Error(invalid_input) for an empty file, a file that is not PBF, or a truncated
// or corrupt one (each with a message naming the problem and a hint), Error(io) when the file
// cannot be read, Error(conflict) when cancelled. Nothing outside the result is changed.
DiscoveryResult discover(const std::string& pbf_path, const DiscoverOptions& options);

// The checks discover() makes before it reads: the file exists, is not empty and starts like an
// OSM PBF file. Returns its size; throws as discover() does, naming the file `display_name`
// (default: its path). For refusing an upload before it is queued.
std::uint64_t check_extract(const std::string& pbf_path, const std::string& display_name = {});

// The same for OSM data in memory in any format libosmium reads ("opl", "osm" for XML, "pbf").
// For tests and small inputs.
DiscoveryResult discover_buffer(const std::string& data, const std::string& format,
                                const DiscoverOptions& options);

// RFC 7946 FeatureCollection of the candidates, appended to `out`.
void write_geojson(const DiscoveryResult& result, std::string& out);

// The candidate as a record for Store::apply_import: source "osm", source_id "way/123".
ImportRecord to_import_record(const Candidate& c);

// The candidate's explanation (rules, matched tags, context, both scores with their factors),
// as stored in source_attributes and written in GeoJSON properties.
nlohmann::json explanation_json(const Candidate& c);

} // namespace impetus::discovery
