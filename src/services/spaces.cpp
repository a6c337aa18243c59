#include "services/spaces.hpp"

#include "core/error.hpp"
#include "core/geometry.hpp"
#include "core/records_json.hpp"
#include "geo/space_json.hpp"

namespace impetus::services {

namespace {

void check_geometry(const Workspace& w, const SpaceFields& f) {
    if (auto why = geometry_too_large(f.geometry, w.geometry_limits); !why.empty()) {
        throw Error(ErrorKind::invalid_input, "invalid space",
                    "the workspace's geometry_limits say how large a geometry may be",
                    {{"/geometry", why}});
    }
}

} // namespace

SpaceService::SpaceService(Store& store) : m_store(store) {}

Space SpaceService::require_space(const Workspace& w, Id space_id) {
    auto sp = m_store.space(w.id, space_id);
    if (!sp) {
        throw Error(ErrorKind::not_found,
                    "space " + std::to_string(space_id) + " not found in workspace " + w.slug);
    }
    return *sp;
}

Space SpaceService::create_space(const Workspace& w, const SpaceFields& fields, SpaceStatus status,
                                 const std::string& reason) {
    check_geometry(w, fields);
    return m_store.create_space(w.id, fields, status, reason);
}

Space SpaceService::update_space(const Workspace& w, Id space_id, const nlohmann::json& patch,
                                 std::optional<std::int64_t> expected_version) {
    if (!patch.is_object()) {
        throw Error(ErrorKind::invalid_input, "a patch is a JSON object (RFC 7396)");
    }
    const nlohmann::json flat = geo::flatten_feature(patch);
    if (flat.is_object() && flat.contains("status")) {
        throw Error(ErrorKind::invalid_input, "the status changes through transitions",
                    "POST {\"to\": ..., \"reason\": ...} to the space's /transitions",
                    {{"/status", "is changed through /transitions"}});
    }
    // Read, merged and written in one transaction: nothing can slip in between.
    return in_transaction(m_store, [&] {
        const Space cur = require_space(w, space_id);
        SpaceFields next =
            geo::read_space_fields(merge_patch(geo::space_writable_json(cur.fields), flat));
        check_geometry(w, next);
        return m_store.update_space(w.id, cur.id, next, expected_version);
    });
}

Space SpaceService::transition_space(const Workspace& w, Id space_id, SpaceStatus to,
                                     const std::string& reason,
                                     std::optional<std::int64_t> expected_version) {
    return in_transaction(m_store, [&] {
        const Space cur = require_space(w, space_id);
        return m_store.transition_space(w.id, cur.id, to, reason, expected_version);
    });
}

} // namespace impetus::services
