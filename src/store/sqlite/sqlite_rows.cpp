#include "store/sqlite/sqlite_rows.hpp"

#include "core/error.hpp"
#include "geo/geojson.hpp"
#include "geo/measure.hpp"
#include "geo/space_json.hpp"

namespace impetus::sqlite {

using nlohmann::json;

namespace {

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

} // namespace

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

std::string placeholders(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += i ? ", ?" : "?";
    return s;
}

void check_references(Connection& c, Id workspace_id, std::optional<Id> self,
                      const SpaceFields& f) {
    FieldErrors errors;
    if (f.parent_id) {
        auto st = c.prepare("SELECT workspace_id, parent_id FROM space WHERE id = ?");
        auto link = [&](Id id) -> std::optional<ParentLink> {
            st.reset();
            st.bind(1, id);
            if (!st.step()) return std::nullopt;
            return ParentLink{st.int64(0), st.opt_int64(1)};
        };
        if (auto problem = parent_problem(workspace_id, self, *f.parent_id, link)) {
            errors.add("/parent_id", *problem);
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

json audit_json(const Space& sp) {
    json j = geo::space_to_json(sp);
    j.erase("allowed_transitions");
    return j;
}

} // namespace impetus::sqlite
