#pragma once

// The query builder of the space lists (internal to the store module): a WHERE clause with its
// bound values, always bound, never spliced.

#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_rows.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace impetus::sqlite {

using Value = std::variant<std::int64_t, double, std::string>;

struct Where {
    std::string sql = " WHERE 1 = 1";
    std::vector<Value> values;

    void add(const std::string& clause) { sql += " AND " + clause; }
    template <typename T> void add(const std::string& clause, T v) {
        sql += " AND " + clause;
        values.emplace_back(std::move(v));
    }
    template <typename E> void add_in(const std::string& column, const std::set<E>& set) {
        if (set.empty()) return;
        sql += " AND " + column + " IN (" + placeholders(static_cast<int>(set.size())) + ")";
        for (auto e : set) values.emplace_back(std::string(enum_name(e)));
    }
};

// Binds the values from parameter i on; returns the next parameter's index.
int bind_values(Statement& st, int i, const std::vector<Value>& values);

// The exact distance in metres from the space to the two bound parameters (lon, lat).
std::string distance_expr();

// Builds the WHERE clause for a query; `radius_override` replaces the near filter's radius
// when set.
Where build_where(const SpaceQuery& q, std::optional<double> radius_override = std::nullopt);

// The ORDER BY clause of a query, total (the id breaks ties) so that pages are stable.
std::string order_by(const SpaceQuery& q, const std::string& name_collation);

} // namespace impetus::sqlite
