// Spaces in SQLite: writes with their status history, reads and the filtered lists.

#include "core/dates.hpp"
#include "core/error.hpp"
#include "store/sqlite/sqlite_collation.hpp"
#include "store/sqlite/sqlite_query.hpp"
#include "store/sqlite/sqlite_rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace impetus::sqlite {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Spaces

Space SqliteStore::create_space(Id workspace_id, const SpaceFields& f, SpaceStatus status,
                                const std::string& reason) {
    return write([&](Connection& c) {
        check_references(c, workspace_id, std::nullopt, f);
        auto now = now_utc();
        Id id = insert_space(c, workspace_id, f, status, now);
        insert_change(c, id, now, std::nullopt, status, reason);
        Space out = must_load_space(c, workspace_id, id);
        record_audit(c, workspace_id, "space", id, "create", nullptr, audit_json(out));
        return out;
    });
}

Space SqliteStore::update_space(Id workspace_id, Id id, const SpaceFields& f,
                                std::optional<std::int64_t> expected_version) {
    return write([&](Connection& c) {
        Space cur = must_load_space(c, workspace_id, id);
        require_version(cur.version, expected_version, "space " + std::to_string(id));
        check_references(c, workspace_id, id, f);
        if (cur.fields == f) {
            return cur;
        }
        const auto now = now_utc();
        update_space_row(c, id, f, now);
        // A person's edit: sources that rescan their area leave this space alone from now on.
        auto mark = c.prepare("UPDATE space SET edited_at = ? WHERE id = ?");
        mark.bind(1, now).bind(2, id);
        mark.run();
        Space out = must_load_space(c, workspace_id, id);
        record_audit(c, workspace_id, "space", id, "update", audit_json(cur), audit_json(out));
        return out;
    });
}

Space SqliteStore::transition_space(Id workspace_id, Id id, SpaceStatus to,
                                    const std::string& reason,
                                    std::optional<std::int64_t> expected_version) {
    return write([&](Connection& c) {
        Space cur = must_load_space(c, workspace_id, id);
        require_version(cur.version, expected_version, "space " + std::to_string(id));
        check_transition(cur.status, to);
        auto now = now_utc();
        auto st = c.prepare("UPDATE space SET status = ?, version = version + 1, updated_at = ? "
                            "WHERE id = ?");
        st.bind(1, enum_name(to)).bind(2, now).bind(3, id);
        st.run();
        insert_change(c, id, now, cur.status, to, reason);
        Space out = must_load_space(c, workspace_id, id);
        record_audit(c, workspace_id, "space", id, "transition",
                     json{{"status", enum_name(cur.status)}, {"version", cur.version}},
                     json{{"status", enum_name(to)}, {"version", out.version},
                          {"reason", reason}});
        return out;
    });
}

std::optional<Space> SqliteStore::space(Id workspace_id, Id id) {
    auto c = reader();
    return load_space(*c, id, workspace_id);
}

std::optional<Space> SqliteStore::space_any(Id id) {
    auto c = reader();
    return load_space(*c, id, std::nullopt);
}

std::vector<StatusChange> SqliteStore::space_history(Id workspace_id, Id id) {
    auto c = reader();
    ReadTransaction snapshot(*c);
    if (!load_space(*c, id, workspace_id)) {
        throw Error(ErrorKind::not_found, "space " + std::to_string(id) + " not found");
    }
    auto st = c->prepare("SELECT id, space_id, at, from_status, to_status, reason FROM "
                         "space_status_change WHERE space_id = ? ORDER BY id");
    st.bind(1, id);
    std::vector<StatusChange> out;
    while (st.step()) {
        StatusChange ch;
        ch.id = st.int64(0);
        ch.space_id = st.int64(1);
        ch.at = st.text(2);
        ch.from = opt_enum_col<SpaceStatus>(st, 3);
        ch.to = enum_col<SpaceStatus>(st, 4);
        ch.reason = st.text(5);
        out.push_back(std::move(ch));
    }
    return out;
}

BBox SqliteStore::extent(std::optional<Id> workspace_id) {
    auto c = reader();
    std::string sql = "SELECT min(min_lon), min(min_lat), max(max_lon), max(max_lat) FROM space";
    if (workspace_id) sql += " WHERE workspace_id = ?";
    auto st = c->prepare(sql);
    if (workspace_id) st.bind(1, *workspace_id);
    BBox b;
    if (st.step() && !st.is_null(0)) {
        b = BBox{st.real(0), st.real(1), st.real(2), st.real(3)};
    }
    return b;
}

namespace {

std::int64_t count_matches(Connection& c, const SpaceQuery& q, std::optional<double> radius) {
    Where w = build_where(q, radius);
    auto st = c.prepare_cached("SELECT count(*) FROM space s" + w.sql);
    bind_values(st, 1, w.values);
    st.step();
    return st.int64(0);
}

// For a nearest-first query without a radius: the smallest radius (growing by 4x from 250 m)
// that holds enough matches for the page, so the exact distance is computed for few rows.
double nearest_radius(Connection& c, const SpaceQuery& q) {
    const auto needed = static_cast<std::int64_t>(q.offset + q.limit);
    double radius = 250.0;
    while (radius < 2.1e7) {
        if (count_matches(c, q, radius) >= needed) return radius;
        radius *= 4.0;
    }
    return 2.1e7; // half the equator: everything
}

template <typename F> void run_select(Connection& c, const SpaceQuery& q, std::optional<double> radius,
                                      bool paged, F&& on_row) {
    Where w = build_where(q, radius);
    std::string sql = std::string("SELECT ") + k_space_columns;
    if (q.near) sql += ", " + distance_expr() + " AS distance_m";
    sql += " FROM space s" + w.sql + order_by(q, name_collation(c, q.workspace_id));
    if (paged) sql += " LIMIT ? OFFSET ?";
    auto st = c.prepare_cached(sql);
    int i = 1;
    if (q.near) {
        st.bind(1, q.near->center.lon).bind(2, q.near->center.lat);
        i = 3;
    }
    i = bind_values(st, i, w.values);
    if (paged) {
        st.bind(i++, static_cast<std::int64_t>(q.limit));
        st.bind(i++, static_cast<std::int64_t>(q.offset));
    }
    while (st.step()) {
        on_row(st);
    }
}

void validate_query(const SpaceQuery& q) {
    if (q.sort == SpaceSort::distance && !q.near) {
        throw Error(ErrorKind::invalid_input, "sorting by distance needs a point",
                    "add near=LON,LAT", {{"sort", "distance needs near=LON,LAT"}});
    }
}

} // namespace

SpacePage SqliteStore::list_spaces(const SpaceQuery& q) {
    validate_query(q);
    auto c = reader();
    ReadTransaction snapshot(*c);
    std::optional<double> radius;
    // Only a nearest-first page lies within the smallest radius that holds it; in any other
    // order (farthest first, by name ...) every match takes part.
    if (q.near && q.near->radius_m <= 0 && q.sort == SpaceSort::distance && !q.descending) {
        radius = nearest_radius(*c, q);
    }
    SpacePage page;
    run_select(*c, q, radius, true, [&](const Statement& st) {
        page.items.push_back(read_space(st));
        if (q.near) page.distances_m.push_back(st.real(k_space_column_count));
    });
    if (q.count_total) {
        if (!radius && page.items.size() < q.limit && (q.offset == 0 || !page.items.empty())) {
            // A page that is not full holds the last match: in the same snapshot and a total
            // order, `offset` matches come before it. No second pass of the filters needed.
            page.total = q.offset + page.items.size();
        } else {
            // Every match counts: the radius found for a nearest-first page only bounds the
            // rows whose distance is computed, not what the query matches.
            page.total = static_cast<std::size_t>(count_matches(*c, q, std::nullopt));
        }
    }
    return page;
}

void SqliteStore::for_each_space(const SpaceQuery& q,
                                 const std::function<void(const Space&)>& fn) {
    validate_query(q);
    auto c = reader();
    ReadTransaction snapshot(*c);
    std::optional<double> radius;
    if (q.near && q.near->radius_m <= 0) radius = 2.1e7;
    run_select(*c, q, radius, false, [&](const Statement& st) { fn(read_space(st)); });
}

} // namespace impetus::sqlite
