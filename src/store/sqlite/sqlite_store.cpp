#include "store/sqlite/sqlite_store.hpp"

#include "core/dates.hpp"
#include "core/error.hpp"
#include "core/records_json.hpp"
#include "geo/geojson.hpp"
#include "geo/measure.hpp"
#include "geo/space_json.hpp"
#include "store/sqlite/migrations.hpp"

#include <cmath>
#include <filesystem>
#include <set>
#include <variant>

#include <sqlite3.h>

namespace impetus::sqlite {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// SQL functions for the exact geometry test after the R*Tree (registered on every connection).

// impetus_intersects(geometry, min_lon, min_lat, max_lon, max_lat, q_min_lon, q_min_lat,
//                    q_max_lon, q_max_lat): 1 when the geometry meets the query box.
void fn_intersects(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    if (argc != 9) {
        sqlite3_result_error(ctx, "impetus_intersects takes 9 arguments", -1);
        return;
    }
    double v[8];
    for (int i = 0; i < 8; ++i) v[i] = sqlite3_value_double(argv[i + 1]);
    BBox own{v[0], v[1], v[2], v[3]};
    BBox q{v[4], v[5], v[6], v[7]};
    if (!q.intersects(own)) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    if (q.contains(own) || (own.min_lon == own.max_lon && own.min_lat == own.max_lat)) {
        sqlite3_result_int(ctx, 1);
        return;
    }
    try {
        auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        auto g = geo::geometry_from_text(text ? text : "");
        sqlite3_result_int(ctx, geo::intersects(g, q) ? 1 : 0);
    } catch (const std::exception& e) {
        sqlite3_result_error(ctx, e.what(), -1);
    }
}

// impetus_distance(geometry, min_lon, min_lat, max_lon, max_lat, lon, lat): metres.
void fn_distance(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    if (argc != 7) {
        sqlite3_result_error(ctx, "impetus_distance takes 7 arguments", -1);
        return;
    }
    double v[6];
    for (int i = 0; i < 6; ++i) v[i] = sqlite3_value_double(argv[i + 1]);
    Position p{v[4], v[5]};
    if (v[0] == v[2] && v[1] == v[3]) {
        sqlite3_result_double(ctx, geo::distance_m(Position{v[0], v[1]}, p));
        return;
    }
    try {
        auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        auto g = geo::geometry_from_text(text ? text : "");
        sqlite3_result_double(ctx, geo::distance_to_m(g, p));
    } catch (const std::exception& e) {
        sqlite3_result_error(ctx, e.what(), -1);
    }
}

void register_functions(Connection& c) {
    constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    sqlite3_create_function(c.handle(), "impetus_intersects", 9, flags, nullptr, fn_intersects,
                            nullptr, nullptr);
    sqlite3_create_function(c.handle(), "impetus_distance", 7, flags, nullptr, fn_distance,
                            nullptr, nullptr);
}

// ---------------------------------------------------------------------------------------------
// Row mapping

constexpr const char* k_space_columns =
    "s.id, s.workspace_id, s.name, s.kind, s.parent_id, s.geometry, s.area_m2, s.area_computed, "
    "s.floor_area_m2, s.floors, s.address, s.owner_organisation_id, s.owner_type, "
    "s.building_type, s.condition, s.vacancy, s.vacant_since, s.water, s.electricity, "
    "s.heating, s.internet, s.step_free_access, s.available_from, s.available_to, "
    "s.planned_future_use, s.notes, s.source, s.source_id, s.source_attributes, s.status, "
    "s.version, s.created_at, s.updated_at";
constexpr int k_space_column_count = 33;

template <typename E> E enum_col(const Statement& st, int col) {
    auto v = parse_enum<E>(st.text_view(col));
    if (!v) {
        throw Error(ErrorKind::storage, "unknown value '" + st.text(col) + "' in the database",
                    "run 'impetus db check'");
    }
    return *v;
}

template <typename E> std::optional<E> opt_enum_col(const Statement& st, int col) {
    if (st.is_null(col)) return std::nullopt;
    return enum_col<E>(st, col);
}

std::optional<bool> opt_bool(const Statement& st, int col) {
    if (st.is_null(col)) return std::nullopt;
    return st.int64(col) != 0;
}

Space read_space(const Statement& st) {
    Space s;
    s.id = st.int64(0);
    s.workspace_id = st.int64(1);
    auto& f = s.fields;
    f.name = st.text(2);
    f.kind = enum_col<SpaceKind>(st, 3);
    f.parent_id = st.opt_int64(4);
    f.geometry = geo::geometry_from_text(st.text_view(5));
    f.area_m2 = st.opt_real(6);
    f.area_computed = st.int64(7) != 0;
    f.floor_area_m2 = st.opt_real(8);
    if (auto fl = st.opt_int64(9)) f.floors = static_cast<int>(*fl);
    f.address = st.text(10);
    f.owner_organisation_id = st.opt_int64(11);
    f.owner_type = enum_col<OwnerType>(st, 12);
    f.building_type = opt_enum_col<BuildingType>(st, 13);
    f.condition = opt_enum_col<Condition>(st, 14);
    f.vacancy = opt_enum_col<VacancyDegree>(st, 15);
    f.vacant_since = st.opt_text(16);
    f.utilities.water = opt_bool(st, 17);
    f.utilities.electricity = opt_bool(st, 18);
    f.utilities.heating = opt_bool(st, 19);
    f.utilities.internet = opt_bool(st, 20);
    f.step_free_access = opt_bool(st, 21);
    f.available_from = st.opt_text(22);
    f.available_to = st.opt_text(23);
    f.planned_future_use = st.text(24);
    f.notes = st.text(25);
    f.source = st.text(26);
    f.source_id = st.text(27);
    f.source_attributes = json::parse(st.text_view(28), nullptr, false);
    if (!f.source_attributes.is_object()) f.source_attributes = json::object();
    s.status = enum_col<SpaceStatus>(st, 29);
    s.version = st.int64(30);
    s.created_at = st.text(31);
    s.updated_at = st.text(32);
    return s;
}

template <typename E> std::optional<std::string> opt_name(const std::optional<E>& v) {
    if (!v) return std::nullopt;
    return std::string(enum_name(*v));
}

std::optional<std::int64_t> opt_int(const std::optional<bool>& b) {
    if (!b) return std::nullopt;
    return *b ? 1 : 0;
}

// The field columns in the order bind_fields binds them.
constexpr const char* k_field_columns =
    "name, kind, parent_id, geometry, min_lon, min_lat, max_lon, max_lat, area_m2, "
    "area_computed, floor_area_m2, floors, address, owner_organisation_id, owner_type, "
    "building_type, condition, vacancy, vacant_since, water, electricity, heating, internet, "
    "step_free_access, available_from, available_to, planned_future_use, notes, source, "
    "source_id, source_attributes";
constexpr int k_field_count = 31;

int bind_fields(Statement& st, int i, const SpaceFields& f) {
    const BBox b = geo::bbox_of(f.geometry);
    st.bind(i++, f.name);
    st.bind(i++, enum_name(f.kind));
    st.bind(i++, f.parent_id);
    st.bind(i++, geo::geometry_to_text(f.geometry));
    st.bind(i++, b.min_lon);
    st.bind(i++, b.min_lat);
    st.bind(i++, b.max_lon);
    st.bind(i++, b.max_lat);
    st.bind(i++, f.area_m2);
    st.bind(i++, static_cast<std::int64_t>(f.area_computed ? 1 : 0));
    st.bind(i++, f.floor_area_m2);
    st.bind(i++, f.floors ? std::optional<std::int64_t>(*f.floors) : std::nullopt);
    st.bind(i++, f.address);
    st.bind(i++, f.owner_organisation_id);
    st.bind(i++, enum_name(f.owner_type));
    st.bind(i++, opt_name(f.building_type));
    st.bind(i++, opt_name(f.condition));
    st.bind(i++, opt_name(f.vacancy));
    st.bind(i++, f.vacant_since);
    st.bind(i++, opt_int(f.utilities.water));
    st.bind(i++, opt_int(f.utilities.electricity));
    st.bind(i++, opt_int(f.utilities.heating));
    st.bind(i++, opt_int(f.utilities.internet));
    st.bind(i++, opt_int(f.step_free_access));
    st.bind(i++, f.available_from);
    st.bind(i++, f.available_to);
    st.bind(i++, f.planned_future_use);
    st.bind(i++, f.notes);
    st.bind(i++, f.source);
    st.bind(i++, f.source_id);
    st.bind(i++, f.source_attributes.dump());
    return i;
}

std::string placeholders(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += i ? ", ?" : "?";
    return s;
}

Workspace read_workspace_row(const Statement& st) {
    Workspace w;
    w.id = st.int64(0);
    w.slug = st.text(1);
    w.name = st.text(2);
    w.country = st.text(3);
    auto langs = json::parse(st.text_view(4), nullptr, false);
    if (langs.is_array()) {
        for (const auto& l : langs) {
            if (l.is_string()) w.languages.push_back(l.get<std::string>());
        }
    }
    w.map_view = MapView{st.real(5), st.real(6), st.real(7)};
    w.created_at = st.text(8);
    w.updated_at = st.text(9);
    w.tiles = TileSettings{st.text(10), st.text(11)};
    w.geometry_limits.max_vertices = static_cast<std::size_t>(st.int64(12));
    w.geometry_limits.max_rings = static_cast<std::size_t>(st.int64(13));
    return w;
}

constexpr const char* k_workspace_columns =
    "id, slug, name, country, languages, map_lon, map_lat, map_zoom, created_at, updated_at, "
    "tile_url, tile_attribution, max_vertices, max_rings";

Organisation read_organisation_row(const Statement& st) {
    Organisation o;
    o.id = st.int64(0);
    o.workspace_id = st.int64(1);
    o.name = st.text(2);
    o.type = enum_col<OrganisationType>(st, 3);
    auto c = json::parse(st.text_view(4), nullptr, false);
    if (c.is_object()) {
        o.contact.name = c.value("name", "");
        o.contact.email = c.value("email", "");
        o.contact.phone = c.value("phone", "");
        o.contact.website = c.value("website", "");
        o.contact.address = c.value("address", "");
    }
    o.notes = st.text(5);
    o.created_at = st.text(6);
    o.updated_at = st.text(7);
    return o;
}

constexpr const char* k_organisation_columns =
    "id, workspace_id, name, type, contact, notes, created_at, updated_at";

std::string contact_json(const Contact& c) {
    return json{{"name", c.name},
                {"email", c.email},
                {"phone", c.phone},
                {"website", c.website},
                {"address", c.address}}
        .dump();
}

// ---------------------------------------------------------------------------------------------
// Query building: a WHERE clause with its bound values, always bound, never spliced.

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

int bind_values(Statement& st, int i, const std::vector<Value>& values) {
    for (const auto& v : values) {
        std::visit([&](const auto& x) { st.bind(i++, x); }, v);
    }
    return i;
}

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

std::string distance_expr() {
    return "impetus_distance(s.geometry, s.min_lon, s.min_lat, s.max_lon, s.max_lat, ?, ?)";
}

// Builds the WHERE clause for a query; `radius_m` replaces the near filter's radius when set.
Where build_where(const SpaceQuery& q, std::optional<double> radius_override = std::nullopt) {
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

std::string order_by(const SpaceQuery& q) {
    const char* dir = q.descending ? " DESC" : " ASC";
    std::string key;
    switch (q.sort) {
    case SpaceSort::id: return std::string(" ORDER BY s.id") + dir;
    case SpaceSort::name: key = "s.name COLLATE NOCASE"; break;
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

struct ParentCheck {
    Id workspace_id;
    std::optional<Id> self;
};

void check_references(Connection& c, Id workspace_id, std::optional<Id> self,
                      const SpaceFields& f) {
    FieldErrors errors;
    if (f.parent_id) {
        auto st = c.prepare("SELECT workspace_id, parent_id FROM space WHERE id = ?");
        Id cur = *f.parent_id;
        int depth = 0;
        bool first = true;
        for (;;) {
            if (self && cur == *self) {
                errors.add("/parent_id", "a space cannot be inside itself");
                break;
            }
            st.reset();
            st.bind(1, cur);
            if (!st.step() || st.int64(0) != workspace_id) {
                if (first) errors.add("/parent_id", "no such space in this workspace");
                break;
            }
            first = false;
            if (st.is_null(1) || ++depth > 64) break;
            cur = st.int64(1);
        }
    }
    if (f.owner_organisation_id) {
        auto st = c.prepare("SELECT 1 FROM organisation WHERE id = ? AND workspace_id = ?");
        st.bind(1, *f.owner_organisation_id).bind(2, workspace_id);
        if (!st.step()) {
            errors.add("/owner_organisation_id", "no such organisation in this workspace");
        }
    }
    if (!f.source_id.empty()) {
        auto st = c.prepare(
            "SELECT id FROM space WHERE workspace_id = ? AND source = ? AND source_id = ? AND "
            "source_id <> ''"); // lets SQLite use the partial index space_source
        st.bind(1, workspace_id).bind(2, f.source).bind(3, f.source_id);
        if (st.step() && (!self || st.int64(0) != *self)) {
            throw Error(ErrorKind::conflict,
                        "space " + std::to_string(st.int64(0)) +
                            " already has this source and source_id",
                        "update that space instead", {{"/source_id", "is already used"}});
        }
    }
    errors.throw_if_any("invalid space");
}

std::optional<Space> load_space(Connection& c, Id id, std::optional<Id> workspace_id) {
    std::string sql = std::string("SELECT ") + k_space_columns + " FROM space s WHERE s.id = ?";
    if (workspace_id) sql += " AND s.workspace_id = ?";
    auto st = c.prepare(sql);
    st.bind(1, id);
    if (workspace_id) st.bind(2, *workspace_id);
    if (!st.step()) return std::nullopt;
    return read_space(st);
}

Space must_load_space(Connection& c, Id workspace_id, Id id) {
    auto s = load_space(c, id, workspace_id);
    if (!s) {
        throw Error(ErrorKind::not_found, "space " + std::to_string(id) + " not found");
    }
    return *s;
}

void insert_change(Connection& c, Id space_id, const std::string& at,
                   std::optional<SpaceStatus> from, SpaceStatus to, const std::string& reason) {
    auto st = c.prepare("INSERT INTO space_status_change (space_id, at, from_status, to_status, "
                        "reason) VALUES (?, ?, ?, ?, ?)");
    st.bind(1, space_id).bind(2, at).bind(3, opt_name(from)).bind(4, enum_name(to)).bind(5, reason);
    st.run();
}

Id insert_space(Connection& c, Id workspace_id, const SpaceFields& f, SpaceStatus status,
                const std::string& now) {
    auto st = c.prepare(std::string("INSERT INTO space (workspace_id, ") + k_field_columns +
                        ", status, version, created_at, updated_at) VALUES (?, " +
                        placeholders(k_field_count) + ", ?, 1, ?, ?)");
    int i = 1;
    st.bind(i++, workspace_id);
    i = bind_fields(st, i, f);
    st.bind(i, enum_name(status)).bind(i + 1, now).bind(i + 2, now);
    st.run();
    return c.last_insert_rowid();
}

void update_space_row(Connection& c, Id id, const SpaceFields& f, const std::string& now) {
    std::string sets;
    std::string cols = k_field_columns;
    std::size_t pos = 0;
    while (pos < cols.size()) {
        auto comma = cols.find(',', pos);
        auto name = cols.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        while (!name.empty() && name.front() == ' ') name.erase(0, 1);
        sets += (sets.empty() ? "" : ", ") + name + " = ?";
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    auto st = c.prepare("UPDATE space SET " + sets +
                        ", version = version + 1, updated_at = ? WHERE id = ?");
    int i = bind_fields(st, 1, f);
    st.bind(i, now).bind(i + 1, id);
    st.run();
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Connections

SqliteStore::SqliteStore(const StoreOptions& options) : m_options(options) {
    if (m_options.location.empty()) {
        throw Error(ErrorKind::invalid_input, "no database path given", "pass --db PATH");
    }
    if (!m_options.create && !std::filesystem::exists(m_options.location)) {
        throw Error(ErrorKind::not_found, "database " + m_options.location + " does not exist",
                    "check --db, or run 'impetus db migrate' to create it");
    }
    m_writer = open_connection(true);
    if (m_options.migrate) {
        migrate(*m_writer);
    } else {
        int v = check_version(*m_writer);
        if (v < latest_schema_version()) {
            throw Error(ErrorKind::storage,
                        "the database schema is version " + std::to_string(v) + ", this program "
                            "needs " + std::to_string(latest_schema_version()),
                        "run 'impetus db migrate' first");
        }
    }
}

SqliteStore::~SqliteStore() = default;

std::unique_ptr<Connection> SqliteStore::open_connection(bool writer) {
    int flags = SQLITE_OPEN_READWRITE | (writer && m_options.create ? SQLITE_OPEN_CREATE : 0);
    auto c = std::make_unique<Connection>(m_options.location, flags, m_options.busy_timeout_ms);
    if (writer) {
        // Refuse a foreign file before WAL mode changes its header.
        check_version(*c);
        c->exec("PRAGMA journal_mode = WAL");
    } else {
        c->exec("PRAGMA query_only = 1");
    }
    // In WAL mode FULL flushes the log at every commit; NORMAL only at checkpoints (see
    // Durability). Only the writer commits; readers follow the same setting for simplicity.
    c->exec(m_options.durability == Durability::full ? "PRAGMA synchronous = FULL"
                                                      : "PRAGMA synchronous = NORMAL");
    // Readers share the file through the OS page cache instead of each filling its own.
    c->exec("PRAGMA mmap_size = 268435456");
    c->exec("PRAGMA foreign_keys = ON");
    c->exec("PRAGMA temp_store = MEMORY");
    register_functions(*c);
    return c;
}

namespace {
// The store whose transaction() this thread is running, if any.
thread_local const SqliteStore* t_transaction_of = nullptr;
} // namespace

bool SqliteStore::in_transaction() const noexcept { return t_transaction_of == this; }

void SqliteStore::transaction(const std::function<void()>& fn) {
    if (in_transaction()) { // already inside: the work simply joins it
        fn();
        return;
    }
    std::lock_guard lock(m_write_mutex);
    WriteTransaction tx(*m_writer);
    t_transaction_of = this;
    m_transaction_changed = false;
    try {
        fn();
        if (m_transaction_changed) {
            m_writer->exec("UPDATE meta SET value = value + 1 WHERE key = 'generation'");
        }
        tx.commit();
    } catch (...) {
        t_transaction_of = nullptr;
        throw;
    }
    t_transaction_of = nullptr;
}

SqliteStore::ReaderLease SqliteStore::reader() {
    if (in_transaction()) return ReaderLease(*this, *m_writer);
    {
        std::lock_guard lock(m_pool_mutex);
        if (!m_idle.empty()) {
            auto c = std::move(m_idle.back());
            m_idle.pop_back();
            return ReaderLease(*this, std::move(c));
        }
    }
    return ReaderLease(*this, open_connection(false));
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

// Every committed write that changes data bumps meta 'generation', in this process or in
// another one (an import from the command line beside a running server). Reading that row on
// every call costs a statement preparation; instead one connection keeps two statements and
// reads the row again only when PRAGMA data_version says that some other connection, this
// store's writer included, committed since the last look. That check reads SQLite's
// shared-memory WAL index: no statement to prepare, no B-tree to walk.
std::uint64_t SqliteStore::data_generation() {
    std::lock_guard lock(m_generation_mutex);
    if (!m_watcher) {
        m_watcher = open_connection(false);
        m_data_version = std::make_unique<Statement>(m_watcher->prepare("PRAGMA data_version"));
        m_read_generation = std::make_unique<Statement>(
            m_watcher->prepare("SELECT value FROM meta WHERE key = 'generation'"));
    }
    // Reset before and after: a statement left stepped would hold its read transaction open.
    m_data_version->reset();
    const std::int64_t version = m_data_version->step() ? m_data_version->int64(0) : 0;
    m_data_version->reset();
    if (version != m_seen_data_version) {
        // Read after the version: a commit between the two shows as a new version next time.
        m_read_generation->reset();
        m_generation = m_read_generation->step()
                           ? static_cast<std::uint64_t>(m_read_generation->int64(0))
                           : 0;
        m_read_generation->reset();
        m_seen_data_version = version;
    }
    return m_generation;
}

// The space as the audit log records it.
static json audit_json(const Space& sp) {
    json j = geo::space_to_json(sp);
    j.erase("allowed_transitions");
    return j;
}

// ---------------------------------------------------------------------------------------------
// Workspaces

Workspace SqliteStore::create_workspace(const Workspace& w) {
    return write([&](Connection& c) {
        auto exists = c.prepare("SELECT 1 FROM workspace WHERE slug = ?");
        exists.bind(1, w.slug);
        if (exists.step()) {
            throw Error(ErrorKind::conflict, "workspace '" + w.slug + "' already exists",
                        "choose another slug", {{"/slug", "is already used"}});
        }
        auto now = now_utc();
        auto st = c.prepare("INSERT INTO workspace (slug, name, country, languages, map_lon, "
                            "map_lat, map_zoom, created_at, updated_at, tile_url, "
                            "tile_attribution, max_vertices, max_rings) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, w.slug).bind(2, w.name).bind(3, w.country).bind(4, json(w.languages).dump());
        st.bind(5, w.map_view.lon).bind(6, w.map_view.lat).bind(7, w.map_view.zoom);
        st.bind(8, now).bind(9, now).bind(10, w.tiles.url).bind(11, w.tiles.attribution);
        st.bind(12, static_cast<std::int64_t>(w.geometry_limits.max_vertices));
        st.bind(13, static_cast<std::int64_t>(w.geometry_limits.max_rings));
        st.run();
        Workspace out = w;
        out.id = c.last_insert_rowid();
        out.created_at = out.updated_at = now;
        record_audit(c, out.id, "workspace", out.id, "create", nullptr, to_json(out));
        return out;
    });
}

Workspace SqliteStore::update_workspace(Id id, const Workspace& w) {
    return write([&](Connection& c) {
        auto old = c.prepare(std::string("SELECT ") + k_workspace_columns +
                             " FROM workspace WHERE id = ?");
        old.bind(1, id);
        const json before = old.step() ? to_json(read_workspace_row(old)) : json(nullptr);
        auto clash = c.prepare("SELECT 1 FROM workspace WHERE slug = ? AND id <> ?");
        clash.bind(1, w.slug).bind(2, id);
        if (clash.step()) {
            throw Error(ErrorKind::conflict, "workspace '" + w.slug + "' already exists",
                        "choose another slug", {{"/slug", "is already used"}});
        }
        auto now = now_utc();
        auto st = c.prepare("UPDATE workspace SET slug = ?, name = ?, country = ?, languages = "
                            "?, map_lon = ?, map_lat = ?, map_zoom = ?, updated_at = ?, "
                            "tile_url = ?, tile_attribution = ?, max_vertices = ?, max_rings = ? "
                            "WHERE id = ?");
        st.bind(1, w.slug).bind(2, w.name).bind(3, w.country).bind(4, json(w.languages).dump());
        st.bind(5, w.map_view.lon).bind(6, w.map_view.lat).bind(7, w.map_view.zoom);
        st.bind(8, now).bind(9, w.tiles.url).bind(10, w.tiles.attribution);
        st.bind(11, static_cast<std::int64_t>(w.geometry_limits.max_vertices));
        st.bind(12, static_cast<std::int64_t>(w.geometry_limits.max_rings)).bind(13, id);
        st.run();
        if (c.changes() == 0) {
            throw Error(ErrorKind::not_found, "workspace not found");
        }
        auto rd = c.prepare(std::string("SELECT ") + k_workspace_columns +
                            " FROM workspace WHERE id = ?");
        rd.bind(1, id);
        rd.step();
        Workspace out = read_workspace_row(rd);
        record_audit(c, id, "workspace", id, "update", before, to_json(out));
        return out;
    });
}

std::optional<Workspace> SqliteStore::workspace_by_slug(std::string_view slug) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_workspace_columns +
                         " FROM workspace WHERE slug = ?");
    st.bind(1, slug);
    if (!st.step()) return std::nullopt;
    return read_workspace_row(st);
}

std::optional<Workspace> SqliteStore::workspace_by_id(Id id) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_workspace_columns +
                         " FROM workspace WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return read_workspace_row(st);
}

std::vector<Workspace> SqliteStore::list_workspaces() {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_workspace_columns +
                         " FROM workspace ORDER BY slug");
    std::vector<Workspace> out;
    while (st.step()) out.push_back(read_workspace_row(st));
    return out;
}

// ---------------------------------------------------------------------------------------------
// Organisations

Organisation SqliteStore::create_organisation(Id workspace_id, const Organisation& o) {
    return write([&](Connection& c) {
        auto now = now_utc();
        auto st = c.prepare("INSERT INTO organisation (workspace_id, name, type, contact, notes, "
                            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, workspace_id).bind(2, o.name).bind(3, enum_name(o.type));
        st.bind(4, contact_json(o.contact)).bind(5, o.notes).bind(6, now).bind(7, now);
        st.run();
        Organisation out = o;
        out.id = c.last_insert_rowid();
        out.workspace_id = workspace_id;
        out.created_at = out.updated_at = now;
        record_audit(c, workspace_id, "organisation", out.id, "create", nullptr, to_json(out));
        return out;
    });
}

Organisation SqliteStore::update_organisation(Id workspace_id, Id id, const Organisation& o) {
    return write([&](Connection& c) {
        auto old = c.prepare(std::string("SELECT ") + k_organisation_columns +
                             " FROM organisation WHERE id = ? AND workspace_id = ?");
        old.bind(1, id).bind(2, workspace_id);
        const json before = old.step() ? to_json(read_organisation_row(old)) : json(nullptr);
        auto now = now_utc();
        auto st = c.prepare("UPDATE organisation SET name = ?, type = ?, contact = ?, notes = ?, "
                            "updated_at = ? WHERE id = ? AND workspace_id = ?");
        st.bind(1, o.name).bind(2, enum_name(o.type)).bind(3, contact_json(o.contact));
        st.bind(4, o.notes).bind(5, now).bind(6, id).bind(7, workspace_id);
        st.run();
        if (c.changes() == 0) {
            throw Error(ErrorKind::not_found, "organisation " + std::to_string(id) + " not found");
        }
        auto rd = c.prepare(std::string("SELECT ") + k_organisation_columns +
                            " FROM organisation WHERE id = ?");
        rd.bind(1, id);
        rd.step();
        Organisation out = read_organisation_row(rd);
        record_audit(c, workspace_id, "organisation", id, "update", before, to_json(out));
        return out;
    });
}

std::optional<Organisation> SqliteStore::organisation(Id workspace_id, Id id) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_organisation_columns +
                         " FROM organisation WHERE id = ? AND workspace_id = ?");
    st.bind(1, id).bind(2, workspace_id);
    if (!st.step()) return std::nullopt;
    return read_organisation_row(st);
}

std::vector<Organisation> SqliteStore::list_organisations(Id workspace_id, std::size_t limit,
                                                          std::size_t offset,
                                                          std::size_t* total) {
    auto c = reader();
    ReadTransaction snapshot(*c);
    if (total) {
        auto n = c->prepare("SELECT count(*) FROM organisation WHERE workspace_id = ?");
        n.bind(1, workspace_id);
        n.step();
        *total = static_cast<std::size_t>(n.int64(0));
    }
    auto st = c->prepare(std::string("SELECT ") + k_organisation_columns +
                         " FROM organisation WHERE workspace_id = ? ORDER BY name COLLATE "
                         "NOCASE, id LIMIT ? OFFSET ?");
    st.bind(1, workspace_id)
        .bind(2, static_cast<std::int64_t>(limit))
        .bind(3, static_cast<std::int64_t>(offset));
    std::vector<Organisation> out;
    while (st.step()) out.push_back(read_organisation_row(st));
    return out;
}

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
        if (expected_version && *expected_version != cur.version) {
            throw Error(ErrorKind::precondition,
                        "space " + std::to_string(id) + " has changed since version " +
                            std::to_string(*expected_version),
                        "fetch it again and reapply your change");
        }
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
        if (expected_version && *expected_version != cur.version) {
            throw Error(ErrorKind::precondition,
                        "space " + std::to_string(id) + " has changed since version " +
                            std::to_string(*expected_version),
                        "fetch it again and retry");
        }
        if (!transition_allowed(cur.status, to)) {
            std::string allowed;
            for (auto s : allowed_transitions(cur.status)) {
                allowed += (allowed.empty() ? "" : ", ") + std::string(enum_name(s));
            }
            throw Error(ErrorKind::conflict,
                        "a space cannot go from " + std::string(enum_name(cur.status)) + " to " +
                            std::string(enum_name(to)),
                        allowed.empty() ? "this status is final"
                                        : "allowed from here: " + allowed,
                        {{"/to", "not allowed from " + std::string(enum_name(cur.status))}});
        }
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
    sql += " FROM space s" + w.sql + order_by(q);
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

ImportBatchResult SqliteStore::apply_import(Id workspace_id,
                                            const std::vector<ImportRecord>& records,
                                            const std::string& reason,
                                            const ImportPolicy& policy) {
    return write([&](Connection& c) {
        ImportBatchResult result;
        auto& out = result.outcomes;
        out.reserve(records.size());
        std::set<std::pair<std::string, std::string>> seen;
        auto reviewed = c.prepare("SELECT edited_at IS NOT NULL FROM space WHERE id = ?");
        auto is_reviewed = [&](const Space& s, SpaceStatus initial) {
            reviewed.reset();
            reviewed.bind(1, s.id);
            return s.status != initial || (reviewed.step() && reviewed.int64(0) != 0);
        };
        auto find = c.prepare(
            "SELECT id FROM space WHERE workspace_id = ? AND source = ? AND source_id = ? AND "
            "source_id <> ''"); // lets SQLite use the partial index space_source
        const auto now = now_utc();
        for (std::size_t i = 0; i < records.size(); ++i) {
            const auto& r = records[i];
            if (r.fields.source.empty() || r.fields.source_id.empty()) {
                throw Error(ErrorKind::internal, "import record without source id");
            }
            seen.emplace(r.fields.source, r.fields.source_id);
            find.reset();
            find.bind(1, workspace_id).bind(2, r.fields.source).bind(3, r.fields.source_id);
            ImportOutcome o;
            o.index = i;
            if (!find.step()) {
                check_references(c, workspace_id, std::nullopt, r.fields);
                auto status = r.source_says_ended ? SpaceStatus::ended : r.initial_status;
                o.space_id = insert_space(c, workspace_id, r.fields, status, now);
                o.kind = ImportOutcomeKind::created;
                insert_change(c, o.space_id, now, std::nullopt, status, reason);
                record_audit(c, workspace_id, "space", o.space_id, "import", nullptr,
                             audit_json(must_load_space(c, workspace_id, o.space_id)));
                out.push_back(o);
                continue;
            }
            o.space_id = find.int64(0);
            Space cur = must_load_space(c, workspace_id, o.space_id);
            if (policy.protect_reviewed && is_reviewed(cur, r.initial_status)) {
                o.kind = ImportOutcomeKind::kept;
                out.push_back(o);
                continue;
            }
            // Keep what people added that the source does not carry.
            SpaceFields merged = r.fields;
            if (!merged.owner_organisation_id) {
                merged.owner_organisation_id = cur.fields.owner_organisation_id;
            }
            if (!merged.parent_id) merged.parent_id = cur.fields.parent_id;
            bool changed = !(cur.fields == merged);
            if (changed) {
                // The same checks as a creation: the source may name a parent or owner too.
                check_references(c, workspace_id, o.space_id, merged);
                update_space_row(c, o.space_id, merged, now);
            }
            bool ends = r.source_says_ended && cur.status != SpaceStatus::ended &&
                        transition_allowed(cur.status, SpaceStatus::ended);
            if (ends) {
                auto st = c.prepare("UPDATE space SET status = 'ended', version = version + 1, "
                                    "updated_at = ? WHERE id = ?");
                st.bind(1, now).bind(2, o.space_id);
                st.run();
                insert_change(c, o.space_id, now, cur.status, SpaceStatus::ended,
                              reason + " (the source gives an end date)");
            }
            o.kind = (changed || ends) ? ImportOutcomeKind::updated : ImportOutcomeKind::unchanged;
            if (changed || ends) {
                record_audit(c, workspace_id, "space", o.space_id, "import", audit_json(cur),
                             audit_json(must_load_space(c, workspace_id, o.space_id)));
            }
            out.push_back(o);
        }
        if (policy.end_missing) {
            // The batch covers the whole of its source: what it no longer holds is gone.
            if (policy.source.empty()) {
                throw Error(ErrorKind::internal, "end_missing needs the batch's source");
            }
            const std::set<std::string> sources{policy.source};
            auto all = c.prepare("SELECT id, source_id FROM space WHERE workspace_id = ? AND "
                                 "source = ? AND status NOT IN ('ended', 'redeveloped', "
                                 "'demolished')");
            for (const auto& source : sources) {
                std::vector<Id> gone;
                all.reset();
                all.bind(1, workspace_id).bind(2, source);
                while (all.step()) {
                    if (!seen.contains({source, all.text(1)})) gone.push_back(all.int64(0));
                }
                for (Id id : gone) {
                    Space cur = must_load_space(c, workspace_id, id);
                    if ((policy.protect_reviewed && is_reviewed(cur, SpaceStatus::reported)) ||
                        !transition_allowed(cur.status, SpaceStatus::ended)) {
                        result.kept_missing.push_back(id);
                        continue;
                    }
                    auto st = c.prepare("UPDATE space SET status = 'ended', version = version "
                                        "+ 1, updated_at = ? WHERE id = ?");
                    st.bind(1, now).bind(2, id);
                    st.run();
                    insert_change(c, id, now, cur.status, SpaceStatus::ended,
                                  reason + " (no longer in the source)");
                    record_audit(c, workspace_id, "space", id, "import",
                                 json{{"status", enum_name(cur.status)}},
                                 json{{"status", "ended"},
                                      {"reason", reason + " (no longer in the source)"}});
                    result.ended_missing.push_back(id);
                }
            }
        }
        return result;
    }, !policy.dry_run);
}

// ---------------------------------------------------------------------------------------------
// Citizens' reports

namespace {

constexpr const char* k_report_columns =
    "r.id, r.workspace_id, r.lon, r.lat, r.kind, r.description, r.vacant_for, r.contact_name, "
    "r.contact_email, r.reporter_user_id, r.status, r.decision_reason, r.space_id, r.created_at, "
    "r.decided_at, (SELECT count(*) FROM report_photo p WHERE p.report_id = r.id)";

Report read_report(const Statement& st) {
    Report r;
    r.id = st.int64(0);
    r.workspace_id = st.int64(1);
    r.position = Position{st.real(2), st.real(3)};
    r.kind = enum_col<SpaceKind>(st, 4);
    r.description = st.text(5);
    r.vacant_for = parse_enum<VacantFor>(st.text_view(6)).value_or(VacantFor::unknown);
    r.contact_name = st.text(7);
    r.contact_email = st.text(8);
    r.reporter_user_id = st.opt_int64(9);
    r.status = enum_col<ReportStatus>(st, 10);
    r.decision_reason = st.text(11);
    r.space_id = st.opt_int64(12);
    r.created_at = st.text(13);
    r.decided_at = st.text(14);
    r.photo_count = static_cast<int>(st.int64(15));
    return r;
}

std::optional<Report> load_report(Connection& c, std::optional<Id> workspace_id, Id id) {
    auto st = c.prepare(std::string("SELECT ") + k_report_columns + " FROM report r WHERE r.id = ?" +
                        (workspace_id ? " AND r.workspace_id = ?" : ""));
    st.bind(1, id);
    if (workspace_id) st.bind(2, *workspace_id);
    if (!st.step()) return std::nullopt;
    return read_report(st);
}

// The report as the audit log keeps it: no contact (personal data lives in one place only).
json report_audit_json(const Report& r) {
    return {{"lon", r.position.lon},
            {"lat", r.position.lat},
            {"kind", enum_name(r.kind)},
            {"description", r.description},
            {"vacant_for", enum_name(r.vacant_for)},
            {"status", enum_name(r.status)},
            {"decision_reason", r.decision_reason},
            {"space_id", r.space_id ? json(*r.space_id) : json(nullptr)}};
}

Report pending_report(Connection& c, Id workspace_id, Id id) {
    auto r = load_report(c, workspace_id, id);
    if (!r) throw Error(ErrorKind::not_found, "report " + std::to_string(id) + " not found");
    if (r->status != ReportStatus::pending) {
        throw Error(ErrorKind::conflict,
                    "report " + std::to_string(id) + " is already " +
                        std::string(enum_name(r->status)),
                    "a report is decided once");
    }
    return *r;
}

Report decide(Connection& c, const Report& before, ReportStatus status, const std::string& reason,
              std::optional<Id> space_id) {
    auto st = c.prepare("UPDATE report SET status = ?, decision_reason = ?, space_id = ?, "
                        "decided_at = ? WHERE id = ?");
    st.bind(1, enum_name(status)).bind(2, reason).bind(3, space_id).bind(4, now_utc());
    st.bind(5, before.id);
    st.run();
    Report after = *load_report(c, before.workspace_id, before.id);
    record_audit(c, before.workspace_id, "report", before.id, std::string(enum_name(status)),
                 report_audit_json(before), report_audit_json(after));
    return after;
}

} // namespace

Report SqliteStore::create_report(const Report& r, const std::string& follow_hash) {
    return write([&](Connection& c) {
        auto st = c.prepare("INSERT INTO report (workspace_id, lon, lat, kind, description, "
                            "vacant_for, contact_name, contact_email, reporter_user_id, "
                            "follow_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st.bind(1, r.workspace_id).bind(2, r.position.lon).bind(3, r.position.lat);
        st.bind(4, enum_name(r.kind)).bind(5, r.description).bind(6, enum_name(r.vacant_for));
        st.bind(7, r.contact_name).bind(8, r.contact_email).bind(9, r.reporter_user_id);
        st.bind(10, follow_hash).bind(11, now_utc());
        st.run();
        Report out = *load_report(c, r.workspace_id, c.last_insert_rowid());
        record_audit(c, r.workspace_id, "report", out.id, "create", nullptr,
                     report_audit_json(out));
        return out;
    });
}

std::optional<Report> SqliteStore::report(Id workspace_id, Id id) {
    auto c = reader();
    return load_report(*c, workspace_id, id);
}

std::optional<Report> SqliteStore::report_by_follow_hash(const std::string& follow_hash) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_report_columns +
                         " FROM report r WHERE r.follow_hash = ?");
    st.bind(1, follow_hash);
    if (!st.step()) return std::nullopt;
    return read_report(st);
}

std::vector<Report> SqliteStore::list_reports(Id workspace_id, std::optional<ReportStatus> status,
                                              std::size_t limit, std::size_t offset,
                                              std::size_t* total) {
    auto c = reader();
    ReadTransaction snapshot(*c);
    const std::string where =
        std::string(" WHERE r.workspace_id = ?") + (status ? " AND r.status = ?" : "");
    if (total) {
        auto n = c->prepare("SELECT count(*) FROM report r" + where);
        n.bind(1, workspace_id);
        if (status) n.bind(2, enum_name(*status));
        n.step();
        *total = static_cast<std::size_t>(n.int64(0));
    }
    auto st = c->prepare(std::string("SELECT ") + k_report_columns + " FROM report r" + where +
                         " ORDER BY r.id LIMIT ? OFFSET ?");
    int i = 1;
    st.bind(i++, workspace_id);
    if (status) st.bind(i++, enum_name(*status));
    st.bind(i, static_cast<std::int64_t>(limit)).bind(i + 1, static_cast<std::int64_t>(offset));
    std::vector<Report> out;
    while (st.step()) out.push_back(read_report(st));
    return out;
}

ReportPhoto SqliteStore::add_report_photo(Id report_id, const ReportPhoto& photo) {
    return write([&](Connection& c) {
        auto st = c.prepare("INSERT INTO report_photo (report_id, width, height, jpeg, "
                            "thumbnail) VALUES (?, ?, ?, ?, ?)");
        st.bind(1, report_id).bind(2, photo.width).bind(3, photo.height);
        st.bind_blob(4, photo.jpeg).bind_blob(5, photo.thumbnail);
        st.run();
        ReportPhoto out = photo;
        out.id = c.last_insert_rowid();
        out.report_id = report_id;
        return out;
    });
}

std::vector<ReportPhoto> SqliteStore::report_photos(Id report_id) {
    auto c = reader();
    auto st = c->prepare("SELECT id, width, height FROM report_photo WHERE report_id = ? "
                         "ORDER BY id");
    st.bind(1, report_id);
    std::vector<ReportPhoto> out;
    while (st.step()) {
        ReportPhoto p;
        p.id = st.int64(0);
        p.report_id = report_id;
        p.width = static_cast<int>(st.int64(1));
        p.height = static_cast<int>(st.int64(2));
        out.push_back(std::move(p));
    }
    return out;
}

std::optional<ReportPhoto> SqliteStore::report_photo(Id report_id, Id photo_id) {
    auto c = reader();
    auto st = c->prepare("SELECT id, width, height, jpeg, thumbnail FROM report_photo WHERE "
                         "report_id = ? AND id = ?");
    st.bind(1, report_id).bind(2, photo_id);
    if (!st.step()) return std::nullopt;
    ReportPhoto p;
    p.id = st.int64(0);
    p.report_id = report_id;
    p.width = static_cast<int>(st.int64(1));
    p.height = static_cast<int>(st.int64(2));
    p.jpeg = st.blob(3);
    p.thumbnail = st.blob(4);
    return p;
}

Space SqliteStore::accept_report(Id workspace_id, Id id, const SpaceFields& fields,
                                 SpaceStatus status, const std::string& reason) {
    return write([&](Connection& c) {
        const Report before = pending_report(c, workspace_id, id);
        check_references(c, workspace_id, std::nullopt, fields);
        const auto now = now_utc();
        const Id space_id = insert_space(c, workspace_id, fields, status, now);
        insert_change(c, space_id, now, std::nullopt, status, reason);
        Space sp = must_load_space(c, workspace_id, space_id);
        record_audit(c, workspace_id, "space", space_id, "create", nullptr, audit_json(sp));
        decide(c, before, ReportStatus::accepted, reason, space_id);
        return sp;
    });
}

Report SqliteStore::merge_report(Id workspace_id, Id id, Id space_id, const std::string& reason) {
    return write([&](Connection& c) {
        const Report before = pending_report(c, workspace_id, id);
        must_load_space(c, workspace_id, space_id); // of this workspace, or not found
        return decide(c, before, ReportStatus::merged, reason, space_id);
    });
}

Report SqliteStore::reject_report(Id workspace_id, Id id, const std::string& reason) {
    return write([&](Connection& c) {
        const Report before = pending_report(c, workspace_id, id);
        return decide(c, before, ReportStatus::rejected, reason, std::nullopt);
    });
}

// ---------------------------------------------------------------------------------------------
// Background jobs

namespace {

constexpr const char* k_job_columns = "id, workspace_id, kind, status, params, progress, result, "
                                      "error, created_at, started_at, finished_at";

Job read_job(const Statement& st) {
    Job j;
    j.id = st.int64(0);
    j.workspace_id = st.int64(1);
    j.kind = st.text(2);
    j.status = enum_col<JobStatus>(st, 3);
    j.params = json::parse(st.text_view(4), nullptr, false);
    j.progress = json::parse(st.text_view(5), nullptr, false);
    j.result = st.is_null(6) ? json(nullptr) : json::parse(st.text_view(6), nullptr, false);
    if (j.params.is_discarded()) j.params = json::object();
    if (j.progress.is_discarded()) j.progress = json::object();
    if (j.result.is_discarded()) j.result = nullptr;
    j.error = st.text(7);
    j.created_at = st.text(8);
    j.started_at = st.text(9);
    j.finished_at = st.text(10);
    return j;
}

} // namespace

Job SqliteStore::create_job(Id workspace_id, const std::string& kind, const json& params) {
    Id id = write(
        [&](Connection& c) {
            auto st = c.prepare("INSERT INTO job (workspace_id, kind, status, params, created_at) "
                                "VALUES (?, ?, 'queued', ?, ?)");
            st.bind(1, workspace_id).bind(2, kind).bind(3, params.dump()).bind(4, now_utc());
            st.run();
            return c.last_insert_rowid();
        },
        true, false);
    return *job(workspace_id, id);
}

void SqliteStore::start_job(Id job_id) {
    write(
        [&](Connection& c) {
            auto st = c.prepare("UPDATE job SET status = 'running', started_at = ? WHERE id = ? "
                                "AND status = 'queued'");
            st.bind(1, now_utc()).bind(2, job_id);
            st.run();
        },
        true, false);
}

void SqliteStore::report_job_progress(Id job_id, const json& progress) {
    write(
        [&](Connection& c) {
            auto st = c.prepare("UPDATE job SET progress = ? WHERE id = ?");
            st.bind(1, progress.dump()).bind(2, job_id);
            st.run();
        },
        true, false);
}

void SqliteStore::finish_job(Id job_id, JobStatus status, const json& result,
                             const std::string& error) {
    write(
        [&](Connection& c) {
            auto st = c.prepare("UPDATE job SET status = ?, result = ?, error = ?, finished_at = ? "
                                "WHERE id = ?");
            st.bind(1, enum_name(status));
            if (result.is_null()) {
                st.bind_null(2);
            } else {
                st.bind(2, result.dump());
            }
            st.bind(3, error).bind(4, now_utc()).bind(5, job_id);
            st.run();
        },
        true, false);
}

std::optional<Job> SqliteStore::job(Id workspace_id, Id job_id) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_job_columns +
                         " FROM job WHERE id = ? AND workspace_id = ?");
    st.bind(1, job_id).bind(2, workspace_id);
    if (!st.step()) return std::nullopt;
    return read_job(st);
}

std::vector<Job> SqliteStore::list_jobs(Id workspace_id, std::size_t limit) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_job_columns +
                         " FROM job WHERE workspace_id = ? ORDER BY id DESC LIMIT ?");
    st.bind(1, workspace_id).bind(2, static_cast<std::int64_t>(limit));
    std::vector<Job> out;
    while (st.step()) out.push_back(read_job(st));
    return out;
}

std::size_t SqliteStore::fail_interrupted_jobs() {
    return write(
        [&](Connection& c) {
            auto st = c.prepare("UPDATE job SET status = 'failed', error = 'the server stopped "
                                "before the job finished; start it again', finished_at = ? "
                                "WHERE status IN ('queued', 'running')");
            st.bind(1, now_utc());
            st.run();
            return static_cast<std::size_t>(c.changes());
        },
        true, false);
}

// ---------------------------------------------------------------------------------------------
// Administration

int SqliteStore::schema_version() {
    auto c = reader();
    return static_cast<int>(c->query_int("PRAGMA user_version"));
}

void SqliteStore::backup(const std::filesystem::path& target) {
    namespace fs = std::filesystem;
    if (fs::exists(target) && fs::equivalent(target, m_options.location)) {
        throw Error(ErrorKind::invalid_input, "the backup target is the database itself",
                    "give another file name");
    }
    // Written beside the target and renamed into place: a crash never leaves half a backup.
    fs::path tmp = target;
    tmp += ".part";
    fs::remove(tmp);
    {
        Connection dst(tmp.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                       m_options.busy_timeout_ms);
        auto src = reader();
        sqlite3_backup* b = sqlite3_backup_init(dst.handle(), "main", src->handle(), "main");
        if (!b) {
            throw_sqlite(dst.handle(), sqlite3_errcode(dst.handle()), "backup");
        }
        int rc = SQLITE_OK;
        do {
            rc = sqlite3_backup_step(b, 256);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
        } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
            fs::remove(tmp);
            throw_sqlite(dst.handle(), rc, "backup");
        }
        dst.exec("PRAGMA journal_mode = DELETE");
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp);
        throw Error(ErrorKind::io, "cannot write " + target.string() + ": " + ec.message(),
                    "check the folder exists and is writable");
    }
}

StoreCheck SqliteStore::check() {
    StoreCheck r;
    auto c = reader();
    ReadTransaction snapshot(*c);
    r.schema_version = static_cast<int>(c->query_int("PRAGMA user_version"));
    {
        auto st = c->prepare("PRAGMA integrity_check");
        while (st.step()) {
            auto line = st.text(0);
            if (line != "ok") r.problems.push_back("integrity: " + line);
        }
    }
    {
        auto st = c->prepare("PRAGMA foreign_key_check");
        while (st.step()) {
            r.problems.push_back("foreign key: " + st.text(0) + " row " +
                                 std::to_string(st.int64(1)) + " refers to a missing " +
                                 st.text(2));
        }
    }
    {
        auto st = c->prepare("SELECT rtreecheck('space_rtree')");
        if (st.step() && st.text(0) != "ok") r.problems.push_back("spatial index: " + st.text(0));
    }
    auto report = [&](const char* sql, const std::string& what) {
        auto st = c->prepare(sql);
        while (st.step()) {
            r.problems.push_back(what + " (space " + std::to_string(st.int64(0)) + ")");
        }
    };
    report("SELECT s.id FROM space s LEFT JOIN space_rtree t ON t.id = s.id WHERE t.id IS NULL",
           "space missing from the spatial index");
    report("SELECT s.id FROM space s WHERE s.status <> (SELECT to_status FROM "
           "space_status_change c WHERE c.space_id = s.id ORDER BY c.id DESC LIMIT 1) OR NOT "
           "EXISTS (SELECT 1 FROM space_status_change c WHERE c.space_id = s.id)",
           "status differs from the last entry of its history");
    report("SELECT s.id FROM space s JOIN space p ON p.id = s.parent_id WHERE p.workspace_id <> "
           "s.workspace_id",
           "parent space in another workspace");
    report("SELECT s.id FROM space s JOIN organisation o ON o.id = s.owner_organisation_id "
           "WHERE o.workspace_id <> s.workspace_id",
           "owner organisation in another workspace");
    {
        auto st = c->prepare("SELECT id, geometry FROM space");
        while (st.step()) {
            try {
                geo::geometry_from_text(st.text_view(1));
            } catch (const Error&) {
                r.problems.push_back("unreadable geometry (space " + std::to_string(st.int64(0)) +
                                     ")");
            }
        }
    }
    r.workspaces = c->query_int("SELECT count(*) FROM workspace");
    r.organisations = c->query_int("SELECT count(*) FROM organisation");
    r.spaces = c->query_int("SELECT count(*) FROM space");
    r.ok = r.problems.empty();
    return r;
}

} // namespace impetus::sqlite
