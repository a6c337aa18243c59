#pragma once

// Query string parameters, and the space filters every list endpoint shares.

#include "core/error.hpp"
#include "core/query.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace impetus::http {

class QueryParams {
public:
    explicit QueryParams(std::string_view raw);

    // The value of a parameter given once; a repeated one is an error added to `errors`.
    std::optional<std::string> get(std::string_view key, FieldErrors& errors);
    // Every value, from repeated parameters and comma-separated lists.
    std::vector<std::string> get_list(std::string_view key);
    bool has(std::string_view key) const;
    // Parameters no reader asked for (for "unknown parameter" errors).
    std::vector<std::string> unused() const;
    void mark_used(std::string_view key) { m_used.emplace(key); }

private:
    std::vector<std::pair<std::string, std::string>> m_items;
    std::set<std::string, std::less<>> m_used;
};

enum class QueryStyle {
    rest, // /api/v1: available_from/available_to, sort, offset
    ogc   // OGC API Features: datetime (intervals overlap)
};

struct Paging {
    std::size_t limit = k_default_page_size;
    std::size_t offset = 0;
};

// Reads limit (capped at k_max_page_size) and offset; bad values are added to `errors`.
Paging read_paging(QueryParams& params, FieldErrors& errors);

// Reads the shared space filters, paging and sorting. Every bad parameter is added to `errors`
// with the parameter's name as its field.
SpaceQuery read_space_query(QueryParams& params, QueryStyle style, FieldErrors& errors);

// Adds an error for every parameter nobody read (OGC 17-069r4 /req/core/query-param-unknown).
void reject_unused(const QueryParams& params, FieldErrors& errors);
// A boolean parameter: true, 1 or no value; false or 0; absent is false.
bool read_flag(QueryParams& params, const char* key, FieldErrors& errors);

// The raw query string with `key` set to `value` (percent-encoded), other parameters kept in
// order: for next/prev links.
std::string with_param(std::string_view raw_query, std::string_view key, const std::string& value);

// Parses "a,b,c,d" (or six numbers with heights, per OGC API) into a WGS84 box.
std::optional<BBox> parse_bbox(std::string_view text, std::string& why);

} // namespace impetus::http
