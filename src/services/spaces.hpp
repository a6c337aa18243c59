#pragma once

// Spaces as officers keep them: created with an initial status, changed under their version
// (Error(precondition) when stale), moved along the lifecycle; each within the workspace's
// geometry limits and in one store transaction. Imports of whole files go through
// importers::run_import, which the command line shares.

#include "core/model.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace impetus::services {

class SpaceService {
public:
    explicit SpaceService(Store& store);

    // Error(invalid_input) naming /geometry when it is beyond the workspace's limits.
    Space create_space(const Workspace& w, const SpaceFields& fields, SpaceStatus status,
                       const std::string& reason);
    // An RFC 7396 merge patch of the space's writable fields (GeoJSON Feature or flat); the
    // status changes only through transition_space.
    Space update_space(const Workspace& w, Id space_id, const nlohmann::json& patch,
                       std::optional<std::int64_t> expected_version);
    // Error(conflict) when the lifecycle does not allow the move.
    Space transition_space(const Workspace& w, Id space_id, SpaceStatus to,
                           const std::string& reason,
                           std::optional<std::int64_t> expected_version);

private:
    Space require_space(const Workspace& w, Id space_id);

    Store& m_store;
};

} // namespace impetus::services
