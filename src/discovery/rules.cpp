// The rules that make an OSM object a candidate space, the exclusions, the area logic for
// closed ways, and the tags that make an object context. Everything a reader needs to judge
// what discovery finds is in this file.

#include "discovery/tags.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

namespace impetus::discovery {

namespace {

// ---------------------------------------------------------------------------------------------
// Lifecycle prefixes (OSM wiki "Lifecycle prefix", "Key:disused:*", "Key:abandoned:*").
//
// `disused:KEY=*`: the feature is out of use but in reasonable repair and could be used again
// with little effort. `abandoned:KEY=*`: it is no longer maintained and needs substantial repair.
// Only keys whose features are places people use make a candidate: `disused:name`,
// `disused:boundary` (old cantons in the Andorra extract), `abandoned:railway=switch` (a point
// on a line) or `abandoned:highway` (a line) are not spaces.

struct PlaceKey {
    std::string_view key;
    SpaceKind kind;
};

constexpr std::array k_place_keys{
    PlaceKey{"shop", SpaceKind::shop},          // a shop is a shop, whatever building it is in
    PlaceKey{"amenity", SpaceKind::building},   // restaurant, school, cinema: premises
    PlaceKey{"building", SpaceKind::building},  // (deprecated for building + disused=yes, still used)
    PlaceKey{"office", SpaceKind::building},
    PlaceKey{"craft", SpaceKind::building},
    PlaceKey{"tourism", SpaceKind::building},   // hotel, guest house, museum
    PlaceKey{"healthcare", SpaceKind::building},
    PlaceKey{"club", SpaceKind::building},
    PlaceKey{"industrial", SpaceKind::building},// factory, depot (sub-key of landuse=industrial)
    PlaceKey{"leisure", SpaceKind::open_space}, // sports pitch, playground, park
    PlaceKey{"landuse", SpaceKind::plot},
    PlaceKey{"military", SpaceKind::plot},      // barracks, training area
};

std::string lifecycle_keys(std::string_view prefix) {
    std::string out;
    for (const auto& k : k_place_keys) {
        if (!out.empty()) out += ',';
        out += prefix;
        out += ':';
        out += k.key;
    }
    return out;
}

// The rules table. Stages are `osmium tags-filter` expression lists: OR within a stage, AND
// across stages (see discovery.hpp). Type letters: n nodes, w closed ways that are areas, r
// multipolygon relations.
std::vector<Rule> make_rules() {
    return {
        {"shop_vacant",
         {{"nwr/shop=vacant"}},
         SpaceKind::shop,
         "vacant",
         std::nullopt, // the tag says nothing about the state of the premises
         0,
         "OSM wiki Tag:shop=vacant: retail premises without a tenant; mapped as a node or the "
         "outline of the shop"},
        {"disused_prefix",
         {{"nwr/" + lifecycle_keys("disused")}},
         std::nullopt, // from the key: disused:shop is a shop, disused:landuse a plot
         "disused",
         Condition::good,
         0,
         "OSM wiki Lifecycle prefix, Key:disused:*: out of use, in reasonable repair"},
        {"abandoned_prefix",
         {{"nwr/" + lifecycle_keys("abandoned")}},
         std::nullopt,
         "abandoned",
         Condition::needs_repair,
         0,
         "OSM wiki Lifecycle prefix, Key:abandoned:*: not maintained, needs substantial repair"},
        {"building_disused",
         {{"nwr/disused=yes"}, {"building!=no"}},
         SpaceKind::building,
         "disused",
         Condition::good,
         0,
         "OSM wiki Key:disused:building recommends building=* + disused=yes for a building out "
         "of use (disused=yes on a ski piste in the Andorra extract is not a space)"},
        {"building_abandoned",
         {{"nwr/abandoned=yes"}, {"building!=no"}},
         SpaceKind::building,
         "abandoned",
         Condition::needs_repair,
         0,
         "OSM wiki Key:abandoned:building, Key:abandoned: building=* + abandoned=yes"},
        {"ruins",
         {{"nwr/building=ruins", "nwr/ruins=yes", "nwr/ruins:building,ruined:building"}},
         SpaceKind::building,
         "ruin",
         Condition::ruin,
         0,
         "OSM wiki Tag:building=ruins, Key:ruins, Key:removed:building (which points to "
         "ruins:building for a building gone to ruins)"},
        {"landuse_brownfield",
         {{"wr/landuse=brownfield"}},
         SpaceKind::plot,
         "vacant",
         std::nullopt,
         0,
         "OSM wiki Tag:landuse=brownfield: previously developed land, now cleared and unused; "
         "landuse is mapped as areas only"},
        {"landuse_greenfield",
         {{"wr/landuse=greenfield"}},
         SpaceKind::plot,
         "vacant",
         std::nullopt,
         0,
         "OSM wiki Tag:landuse=greenfield: undeveloped land scheduled for development, vacant "
         "until then"},
    };
}

// ---------------------------------------------------------------------------------------------
// Exclusions
//
// 1. Gone features. The prefixes below say the feature no longer exists (OSM wiki "Lifecycle
//    prefix"; Key:demolished:building and Key:removed:building keep a demolished outline only so
//    that nobody maps it again from old imagery). They are never evidence: no rule names them,
//    and `was:shop=vacant` is not `shop=vacant`. They do not veto other evidence on the same
//    object: a footprint tagged `demolished:building=yes` + `landuse=brownfield` is the brownfield
//    the demolition left.
// 2. Lines. An open way is never a candidate, and a closed way only when its tags make it an
//    area (is_area below): a disused railway, an abandoned road or a ruined wall that happens to
//    close on itself is a line, not a space.
// 3. Unassembled geometry. Closed ways and multipolygon relations go through libosmium's area
//    assembler; an object it rejects (self-intersecting rings, missing members) is not a
//    candidate, as `osmium export` drops it too.
const std::vector<std::string> k_removed_prefixes{"demolished:", "removed:", "razed:",
                                                  "destroyed:", "was:"};

// ---------------------------------------------------------------------------------------------
// Area logic for closed ways.
//
// OSM has no area type: a closed way is an area or a ring-shaped line depending on its tags.
// The rule used here is the common one of osm2pgsql's styles (the compatible.lua flex style: a
// list of "polygon keys", with a few values of those keys that are lines) and of the
// osm-polygon-features list behind Overpass turbo and the iD editor (keys that are areas except
// for some values, and line keys that are areas only for some values). The table below is ours,
// not a copy of either:
//   - area=yes makes any closed way an area, area=no makes it a line (OSM wiki Key:area);
//   - otherwise the way is an area when any tag is an area tag in the table below;
//   - a lifecycle prefix that keeps the feature (disused:, abandoned:, ruins:, ruined:) is
//     stripped first, so `disused:amenity=school` is an area like `amenity=school` and
//     `abandoned:highway=secondary` a line like the road (osm2pgsql's polygon keys also list
//     abandoned:amenity, abandoned:building and abandoned:landuse).
// Keys not in the table (barrier, aerialway, route, power lines, ...) are lines. `ruins=yes` is
// an attribute, not a feature: a ruined wall (barrier=wall + ruins=yes) stays a line.

enum class AreaMode { any_value, except_values, only_values };

struct AreaKey {
    std::string_view key;
    AreaMode mode;
    std::vector<std::string_view> values;
};

const std::vector<AreaKey>& area_keys() {
    static const std::vector<AreaKey> keys{
        {"building", AreaMode::any_value, {}},
        {"building:part", AreaMode::any_value, {}},
        {"landuse", AreaMode::any_value, {}},
        {"amenity", AreaMode::any_value, {}},
        {"shop", AreaMode::any_value, {}},
        {"office", AreaMode::any_value, {}},
        {"craft", AreaMode::any_value, {}},
        {"tourism", AreaMode::any_value, {}},
        {"healthcare", AreaMode::any_value, {}},
        {"club", AreaMode::any_value, {}},
        {"industrial", AreaMode::any_value, {}},
        {"place", AreaMode::any_value, {}},
        {"public_transport", AreaMode::any_value, {}},
        {"area:highway", AreaMode::any_value, {}},
        {"water", AreaMode::any_value, {}},
        {"wetland", AreaMode::any_value, {}},
        {"leisure", AreaMode::except_values, {"track", "slipway"}},
        {"historic", AreaMode::except_values, {"citywalls"}},
        {"military", AreaMode::except_values, {"trench"}},
        {"aeroway", AreaMode::except_values, {"taxiway", "runway"}},
        {"natural",
         AreaMode::except_values,
         {"coastline", "cliff", "ridge", "arete", "tree_row", "earth_bank", "valley"}},
        {"man_made",
         AreaMode::except_values,
         {"cutline", "embankment", "pipeline", "breakwater", "groyne", "dyke"}},
        {"power", AreaMode::only_values, {"plant", "substation", "generator", "transformer"}},
        {"highway", AreaMode::only_values, {"services", "rest_area"}},
        {"railway",
         AreaMode::only_values,
         {"station", "platform", "turntable", "roundhouse", "traverser", "wash"}},
        {"waterway", AreaMode::only_values, {"riverbank", "dock", "boatyard"}},
    };
    return keys;
}

constexpr std::array<std::string_view, 4> k_kept_prefixes{"disused:", "abandoned:", "ruins:",
                                                          "ruined:"};

std::string_view strip_kept_prefix(std::string_view key) noexcept {
    for (auto p : k_kept_prefixes) {
        if (key.size() > p.size() && key.starts_with(p)) {
            return key.substr(p.size());
        }
    }
    return key;
}

bool is_area_tag(std::string_view key, std::string_view value) noexcept {
    key = strip_kept_prefix(key);
    for (const auto& a : area_keys()) {
        if (a.key != key) continue;
        const bool listed = std::find(a.values.begin(), a.values.end(), value) != a.values.end();
        switch (a.mode) {
        case AreaMode::any_value: return true;
        case AreaMode::except_values: return !listed;
        case AreaMode::only_values: return listed;
        }
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Context (DOMAIN.md, "Open data about vacant land": green context and public transport).

// Street furniture is tagged amenity=* but says nothing about activity around a site.
constexpr std::array<std::string_view, 19> k_minor_amenities{
    "bench",           "waste_basket",     "waste_disposal", "recycling",  "parking_space",
    "parking_entrance", "bicycle_parking", "motorcycle_parking", "vending_machine",
    "post_box",        "letter_box",       "telephone",      "clock",      "drinking_water",
    "hunting_stand",   "grit_bin",         "feeding_place",  "watering_place", "shelter"};

bool is_one_of(std::string_view v, std::initializer_list<std::string_view> list) noexcept {
    return std::find(list.begin(), list.end(), v) != list.end();
}

// ---------------------------------------------------------------------------------------------
// Compiled rules

struct CompiledRule {
    const Rule* rule;
    std::vector<std::vector<detail::Expression>> stages;
};

struct Compiled {
    std::vector<Rule> rules;
    std::vector<CompiledRule> compiled;
    // Quick rejection of most objects: the keys of the first stages, with their values (empty:
    // any value). `building=yes` alone is rejected without running the rules.
    std::unordered_map<std::string_view, std::vector<std::string_view>> first_stage;

    bool may_match(const detail::TagRef& t) const {
        auto it = first_stage.find(t.key);
        if (it == first_stage.end()) return false;
        return it->second.empty() ||
               std::find(it->second.begin(), it->second.end(), t.value) != it->second.end();
    }
};

const Compiled& compiled() {
    static const Compiled c = [] {
        Compiled out;
        out.rules = make_rules();
        for (auto& r : out.rules) {
            CompiledRule cr{&r, {}};
            for (std::size_t s = 0; s < r.stages.size(); ++s) {
                auto& stage = cr.stages.emplace_back();
                for (const auto& text : r.stages[s]) {
                    auto e = detail::parse_expression(text);
                    if (s == 0) {
                        if (e.types == 0 || e.key_prefix) {
                            throw Error(ErrorKind::internal,
                                        "rule " + r.id + ": first stage needs type letters and "
                                        "exact keys: " + text);
                        }
                        r.types |= e.types;
                    }
                    stage.push_back(std::move(e));
                }
            }
            out.compiled.push_back(std::move(cr));
        }
        std::unordered_set<std::string_view> any_value;
        for (const auto& cr : out.compiled) {
            for (const auto& e : cr.stages.front()) {
                for (const auto& k : e.keys) {
                    auto& values = out.first_stage[k];
                    if (e.values.empty() || e.negated) {
                        any_value.insert(k);
                    } else {
                        values.insert(values.end(), e.values.begin(), e.values.end());
                    }
                }
            }
        }
        for (auto k : any_value) out.first_stage[k].clear();
        return out;
    }();
    return c;
}

// Most specific first: a shop in a building is a shop; a building on a plot is a building.
int kind_rank(SpaceKind k) noexcept {
    switch (k) {
    case SpaceKind::shop: return 0;
    case SpaceKind::unit: return 1;
    case SpaceKind::building: return 2;
    case SpaceKind::open_space: return 3;
    case SpaceKind::plot: return 4;
    }
    return 5;
}

// Most severe first.
int lifecycle_rank(std::string_view lifecycle) noexcept {
    if (lifecycle == "ruin") return 0;
    if (lifecycle == "abandoned") return 1;
    if (lifecycle == "disused") return 2;
    if (lifecycle == "vacant") return 3;
    return 4;
}

std::vector<detail::TagRef> refs_of(const TagList& tags) {
    std::vector<detail::TagRef> out;
    out.reserve(tags.size());
    for (const auto& [k, v] : tags) out.push_back({k, v});
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------

const std::vector<Rule>& rules() {
    return compiled().rules;
}

std::optional<SpaceKind> place_key_kind(std::string_view key) {
    for (const auto& k : k_place_keys) {
        if (k.key == key) return k.kind;
    }
    return std::nullopt;
}

const std::vector<std::string>& removed_prefixes() {
    return k_removed_prefixes;
}

bool is_area(const TagList& tags) {
    auto refs = refs_of(tags);
    return detail::is_area(refs);
}

std::vector<std::string> area_tag_expressions() {
    std::vector<std::string> out;
    auto add = [&](const std::string& prefix) {
        for (const auto& a : area_keys()) {
            std::string e = prefix + std::string(a.key);
            if (a.mode != AreaMode::any_value) {
                e += a.mode == AreaMode::except_values ? "!=" : "=";
                for (std::size_t i = 0; i < a.values.size(); ++i) {
                    if (i > 0) e += ',';
                    e += a.values[i];
                }
            }
            out.push_back(std::move(e));
        }
    };
    add("");
    for (auto p : k_kept_prefixes) add(std::string(p));
    return out;
}

std::optional<RuleMatch> match_rules(const TagList& tags, ObjectType type) {
    auto refs = refs_of(tags);
    return detail::match_rules(refs, type);
}

std::string address_from_tags(const std::map<std::string, std::string>& tags) {
    auto get = [&](const char* key) -> std::string {
        auto it = tags.find(key);
        return it == tags.end() ? std::string() : it->second;
    };
    if (auto full = get("addr:full"); !full.empty()) {
        return full;
    }
    // Street and number, then postcode and place: the order of the extracts' countries (LI,
    // AD, MC and most of continental Europe). The raw addr:* tags stay in the source
    // attributes for other conventions.
    std::string line1 = get("addr:street");
    if (line1.empty()) line1 = get("addr:place"); // addresses without streets (OSM wiki Key:addr:place)
    if (auto n = get("addr:housenumber"); !n.empty()) {
        line1 += line1.empty() ? n : " " + n;
    }
    if (auto u = get("addr:unit"); !u.empty()) {
        line1 += line1.empty() ? u : " / " + u;
    }
    std::string line2 = get("addr:postcode");
    std::string city = get("addr:city");
    if (city.empty()) city = get("addr:suburb");
    if (!city.empty()) {
        line2 += line2.empty() ? city : " " + city;
    }
    if (line1.empty()) return line2;
    if (line2.empty()) return line1;
    return line1 + ", " + line2;
}

namespace detail {

std::string_view tag_value(TagSpan tags, std::string_view key) noexcept {
    for (const auto& t : tags) {
        if (t.key == key) return t.value;
    }
    return {};
}

bool Expression::matches(const TagRef& tag) const noexcept {
    bool key_ok = false;
    if (key_prefix) {
        key_ok = tag.key.starts_with(keys.front());
    } else {
        for (const auto& k : keys) {
            if (tag.key == k) {
                key_ok = true;
                break;
            }
        }
    }
    if (!key_ok) return false;
    if (values.empty()) return true;
    const bool listed = std::find(values.begin(), values.end(), tag.value) != values.end();
    return negated ? !listed : listed;
}

Expression parse_expression(std::string_view text) {
    Expression e;
    auto bad = [&](const char* why) {
        return Error(ErrorKind::internal,
                     "bad tag expression '" + std::string(text) + "': " + why);
    };
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        for (char c : text.substr(0, slash)) {
            switch (c) {
            case 'n': e.types |= type_bit(ObjectType::node); break;
            case 'w': e.types |= type_bit(ObjectType::closed_way); break;
            case 'r': e.types |= type_bit(ObjectType::multipolygon); break;
            default: throw bad("type letters are n, w and r");
            }
        }
        text.remove_prefix(slash + 1);
    }
    std::string_view keys = text;
    std::string_view values;
    if (auto eq = text.find('='); eq != std::string_view::npos) {
        keys = text.substr(0, eq);
        values = text.substr(eq + 1);
        if (keys.ends_with('!')) {
            e.negated = true;
            keys.remove_suffix(1);
        }
        if (values.empty()) throw bad("empty value list");
    }
    auto split = [](std::string_view s) {
        std::vector<std::string> out;
        while (!s.empty()) {
            auto c = s.find(',');
            out.emplace_back(s.substr(0, c));
            if (c == std::string_view::npos) break;
            s.remove_prefix(c + 1);
        }
        return out;
    };
    e.keys = split(keys);
    if (e.keys.empty() || std::any_of(e.keys.begin(), e.keys.end(),
                                      [](const std::string& k) { return k.empty(); })) {
        throw bad("empty key");
    }
    if (e.keys.back().ends_with('*')) {
        if (e.keys.size() > 1) throw bad("osmium cannot mix ',' and '*' in keys");
        e.keys.back().pop_back();
        e.key_prefix = true;
    }
    if (!values.empty()) {
        e.values = split(values);
        for (const auto& v : e.values) {
            if (v.empty() || v.find('*') != std::string::npos) throw bad("values are exact");
        }
    }
    return e;
}

std::optional<RuleMatch> match_rules(TagSpan tags, ObjectType type) {
    const auto& c = compiled();
    if (std::none_of(tags.begin(), tags.end(), [&](const TagRef& t) { return c.may_match(t); })) {
        return std::nullopt;
    }

    std::optional<RuleMatch> out;
    int best_kind = 99;
    int best_lifecycle = 99;
    for (const auto& cr : c.compiled) {
        if ((cr.rule->types & type_bit(type)) == 0) continue;
        std::vector<const TagRef*> hits;
        bool holds = true;
        for (const auto& stage : cr.stages) {
            bool stage_holds = false;
            for (const auto& e : stage) {
                for (const auto& t : tags) {
                    if (e.matches(t)) {
                        stage_holds = true;
                        hits.push_back(&t);
                    }
                }
            }
            if (!stage_holds) {
                holds = false;
                break;
            }
        }
        if (!holds) continue;
        if (!out) out.emplace();
        out->rules.push_back(cr.rule->id);
        std::optional<SpaceKind> kind = cr.rule->kind;
        for (const auto* h : hits) {
            out->matched_tags.emplace(std::string(h->key), std::string(h->value));
            if (!cr.rule->kind) {
                // lifecycle-prefix rule: the kind of the prefixed key, the most specific one
                auto base = h->key.substr(h->key.find(':') + 1);
                if (auto k = place_key_kind(base); k && (!kind || kind_rank(*k) < kind_rank(*kind))) {
                    kind = k;
                }
            }
        }
        if (kind && kind_rank(*kind) < best_kind) {
            best_kind = kind_rank(*kind);
            out->kind = *kind;
        }
        if (int r = lifecycle_rank(cr.rule->lifecycle); r < best_lifecycle) {
            best_lifecycle = r;
            out->lifecycle = cr.rule->lifecycle;
            out->condition = cr.rule->condition;
        }
    }
    return out;
}

bool is_area(TagSpan tags) {
    if (auto area = tag_value(tags, "area"); area == "yes") {
        return true;
    } else if (area == "no") {
        return false;
    }
    for (const auto& t : tags) {
        if (is_area_tag(t.key, t.value)) return true;
    }
    return false;
}

unsigned context_roles(TagSpan tags) noexcept {
    unsigned roles = 0;
    for (const auto& t : tags) {
        const auto& k = t.key;
        const auto& v = t.value;
        if (k == "public_transport") {
            if (v == "platform" || v == "stop_position") roles |= role_stop;
        } else if (k == "highway") {
            if (v == "bus_stop") roles |= role_stop;
        } else if (k == "railway") {
            if (is_one_of(v, {"station", "halt", "tram_stop"})) roles |= role_stop;
        } else if (k == "leisure") {
            if (v == "park") roles |= role_green | role_park;
            else if (v == "garden") roles |= role_green; // garden:type=community included
        } else if (k == "landuse") {
            if (is_one_of(v, {"allotments", "grass", "meadow", "forest"})) roles |= role_green;
        } else if (k == "natural") {
            if (v == "scrub" || v == "wood") roles |= role_green;
        } else if (k == "amenity") {
            if (std::find(k_minor_amenities.begin(), k_minor_amenities.end(), v) ==
                k_minor_amenities.end()) {
                roles |= role_amenity;
            }
        } else if (k == "shop") {
            if (v != "vacant" && v != "no") roles |= role_shop;
        }
    }
    return roles;
}

} // namespace detail

} // namespace impetus::discovery
