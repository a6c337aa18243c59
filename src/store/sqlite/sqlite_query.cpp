#include "store/sqlite/sqlite_query.hpp"

#include "geo/measure.hpp"

#include <cctype>

namespace impetus::sqlite {

namespace {

// FTS5 query: each word a prefix term, all required, in the public columns only unless
// `internal`. Quotes make every word a literal. Empty when the text has no word.
std::string fts_query(const std::string& text, bool internal) {
    std::string out;
    std::string word;
    auto flush = [&] {
        if (word.empty()) return;
        if (!out.empty()) out += ' ';
        out += '"' + word + "\"*";
        word.clear();
    };
    for (unsigned char c : text) {
        if (std::isalnum(c) || c >= 0x80) {
            word += static_cast<char>(c);
        } else {
            flush();
        }
    }
    flush();
    if (out.empty() || internal) return out;
    return "{name address} : (" + out + ")";
}

} // namespace

int bind_values(Statement& st, int i, const std::vector<Value>& values) {
    for (const auto& v : values) {
        std::visit([&](const auto& x) { st.bind(i++, x); }, v);
    }
    return i;
}

std::string distance_expr() {
    return "impetus_distance(s.geometry, s.min_lon, s.min_lat, s.max_lon, s.max_lat, ?, ?)";
}

Where build_where(const SpaceQuery& q, std::optional<double> radius_override) {
    Where w;
    if (q.workspace_id) w.add("s.workspace_id = ?", *q.workspace_id);
    if (!q.ids.empty()) {
        w.add("s.id IN (" + placeholders(static_cast<int>(q.ids.size())) + ")");
        for (Id id : q.ids) w.values.emplace_back(id);
    }
    w.add_in("s.status", q.statuses);
    w.add_in("s.kind", q.kinds);
    w.add_in("s.owner_type", q.owner_types);
    if (q.min_area_m2) w.add("s.area_m2 >= ?", *q.min_area_m2);
    if (q.max_area_m2) w.add("s.area_m2 <= ?", *q.max_area_m2);
    if (q.text) {
        auto fts = fts_query(*q.text, q.search_internal);
        if (!fts.empty()) {
            w.add("s.id IN (SELECT rowid FROM space_fts WHERE space_fts MATCH ?)", fts);
        } else {
            w.add("0"); // text without a word (only punctuation) matches nothing
        }
    }
    if (q.bbox) {
        const auto& b = *q.bbox;
        w.add("s.id IN (SELECT id FROM space_rtree WHERE max_lon >= ? AND min_lon <= ? AND "
              "max_lat >= ? AND min_lat <= ?)");
        w.values.insert(w.values.end(), {b.min_lon, b.max_lon, b.min_lat, b.max_lat});
        w.add("impetus_intersects(s.geometry, s.min_lon, s.min_lat, s.max_lon, s.max_lat, ?, ?, "
              "?, ?) = 1");
        w.values.insert(w.values.end(), {b.min_lon, b.min_lat, b.max_lon, b.max_lat});
    }
    if (q.near) {
        double radius = radius_override.value_or(q.near->radius_m);
        if (radius > 0) {
            auto b = geo::bbox_around(q.near->center, radius);
            w.add("s.id IN (SELECT id FROM space_rtree WHERE max_lon >= ? AND min_lon <= ? AND "
                  "max_lat >= ? AND min_lat <= ?)");
            w.values.insert(w.values.end(), {b.min_lon, b.max_lon, b.min_lat, b.max_lat});
            w.add(distance_expr() + " <= ?");
            w.values.insert(w.values.end(), {q.near->center.lon, q.near->center.lat, radius});
        }
    }
    if (q.available_during) {
        // The space's availability window covers the whole requested period; an open end on
        // the space's side means "no limit".
        const auto& r = *q.available_during;
        auto start = r.from ? r.from : r.to;
        auto end = r.to ? r.to : r.from;
        if (start) w.add("(s.available_from IS NULL OR s.available_from <= ?)", *start);
        if (end) w.add("(s.available_to IS NULL OR s.available_to >= ?)", *end);
    }
    if (q.availability_overlaps) {
        const auto& r = *q.availability_overlaps;
        if (r.to) w.add("(s.available_from IS NULL OR s.available_from <= ?)", *r.to);
        if (r.from) w.add("(s.available_to IS NULL OR s.available_to >= ?)", *r.from);
    }
    if (q.parent_id) w.add("s.parent_id = ?", *q.parent_id);
    if (q.owner_organisation_id) w.add("s.owner_organisation_id = ?", *q.owner_organisation_id);
    if (q.source) w.add("s.source = ?", *q.source);
    if (q.source_id) {
        // The extra term lets SQLite use the partial index space_source for a real id.
        w.add(q.source_id->empty() ? "s.source_id = ?" : "s.source_id = ? AND s.source_id <> ''",
              *q.source_id);
    }
    auto flag = [&](const char* col, const std::optional<bool>& v) {
        if (v) w.add(std::string("s.") + col + " = ?", static_cast<std::int64_t>(*v ? 1 : 0));
    };
    flag("step_free_access", q.step_free_access);
    flag("water", q.water);
    flag("electricity", q.electricity);
    flag("heating", q.heating);
    flag("internet", q.internet);
    return w;
}

std::string order_by(const SpaceQuery& q, const std::string& name_collation) {
    const char* dir = q.descending ? " DESC" : " ASC";
    std::string key;
    switch (q.sort) {
    case SpaceSort::id: return std::string(" ORDER BY s.id") + dir;
    case SpaceSort::name: key = "s.name COLLATE " + name_collation; break;
    case SpaceSort::area: key = "s.area_m2"; break;
    case SpaceSort::created_at: key = "s.created_at"; break;
    case SpaceSort::updated_at: key = "s.updated_at"; break;
    case SpaceSort::vacant_since: key = "s.vacant_since"; break;
    case SpaceSort::status: key = "s.status"; break;
    case SpaceSort::distance: key = "distance_m"; break;
    }
    // Missing values sort last whatever the direction; the id makes the order total (stable
    // pages).
    return " ORDER BY (" + key + ") IS NULL, " + key + dir + ", s.id" + dir;
}

} // namespace impetus::sqlite
