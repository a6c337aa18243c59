#pragma once

// Row mapping shared by the files of the SQLite store (internal to the store module): enum
// columns, the space row, and the writes of a space that spaces, imports and reports share.

#include "core/error.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace impetus::sqlite {

inline constexpr const char* k_space_columns =
    "s.id, s.workspace_id, s.name, s.kind, s.parent_id, s.geometry, s.area_m2, s.area_computed, "
    "s.floor_area_m2, s.floors, s.address, s.owner_organisation_id, s.owner_type, "
    "s.building_type, s.condition, s.vacancy, s.vacant_since, s.water, s.electricity, "
    "s.heating, s.internet, s.step_free_access, s.available_from, s.available_to, "
    "s.planned_future_use, s.notes, s.source, s.source_id, s.source_attributes, s.status, "
    "s.version, s.created_at, s.updated_at";
inline constexpr int k_space_column_count = 33;

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

template <typename E> std::optional<std::string> opt_name(const std::optional<E>& v) {
    if (!v) return std::nullopt;
    return std::string(enum_name(*v));
}

std::optional<bool> opt_bool(const Statement& st, int col);

// The space in the row of a SELECT of k_space_columns.
Space read_space(const Statement& st);

// "?, ?, ..." with n placeholders.
std::string placeholders(int n);

// The parent (in this workspace, not the space itself or inside it), the owner organisation
// (in this workspace) and the source id (unused by another space) of a space's fields; throws
// Error(invalid_input) with every failing field, or Error(conflict) for a used source id.
void check_references(Connection& c, Id workspace_id, std::optional<Id> self,
                      const SpaceFields& f);

std::optional<Space> load_space(Connection& c, Id id, std::optional<Id> workspace_id);
// The space of this workspace, or Error(not_found).
Space must_load_space(Connection& c, Id workspace_id, Id id);

// Appends to a space's status history.
void insert_change(Connection& c, Id space_id, const std::string& at,
                   std::optional<SpaceStatus> from, SpaceStatus to, const std::string& reason);

// Inserts a space at version 1 and returns its id.
Id insert_space(Connection& c, Id workspace_id, const SpaceFields& f, SpaceStatus status,
                const std::string& now);

// Writes a space's fields and moves its version.
void update_space_row(Connection& c, Id id, const SpaceFields& f, const std::string& now);

// The space as the audit log records it.
nlohmann::json audit_json(const Space& sp);

} // namespace impetus::sqlite
