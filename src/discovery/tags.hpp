#pragma once

// Internal to the discovery module: the rules table compiled for matching tags without copying
// them, and the tags that make an object context (stops, green areas, parks, amenities, shops).

#include "discovery/discovery.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace impetus::discovery::detail {

struct TagRef {
    std::string_view key;
    std::string_view value;
};
using TagSpan = std::span<const TagRef>;

std::string_view tag_value(TagSpan tags, std::string_view key) noexcept;

// One parsed `osmium tags-filter` expression.
struct Expression {
    unsigned types = 0;            // ObjectType bits from the "nwr/" letters; 0 when none given
    std::vector<std::string> keys; // alternatives; with key_prefix a single prefix
    bool key_prefix = false;
    std::vector<std::string> values; // empty: any value
    bool negated = false;            // KEY!=VALUES

    bool matches(const TagRef& tag) const noexcept;
};

// Throws Error(internal): the table is code, a bad expression is a bug.
Expression parse_expression(std::string_view text);

std::optional<RuleMatch> match_rules(TagSpan tags, ObjectType type);
bool is_area(TagSpan tags);

// What an object contributes to the context of candidates (bits).
enum ContextRole : unsigned {
    role_stop = 1U,
    role_green = 2U,
    role_park = 4U,
    role_amenity = 8U,
    role_shop = 16U,
};
unsigned context_roles(TagSpan tags) noexcept;

} // namespace impetus::discovery::detail
