#pragma once

// The JSON representation of workspaces, organisations and status changes (the API's, the
// exports' and the importers'). Spaces carry geometry and live in geo/space_json.hpp.

#include "core/model.hpp"

#include <nlohmann/json.hpp>

namespace impetus {

nlohmann::json to_json(const Workspace& w);
nlohmann::json to_json(const Organisation& o);
nlohmann::json to_json(const StatusChange& c);
nlohmann::json to_json(const Job& j);

// The fields a client may write, as they stand now: the base for a JSON Merge Patch (RFC 7396).
nlohmann::json writable_json(const Workspace& w);
nlohmann::json writable_json(const Organisation& o);

// Validates a full document; every failing field is reported in one Error(invalid_input).
// The returned record has no id or timestamps.
Workspace read_workspace(const nlohmann::json& doc);
Organisation read_organisation(const nlohmann::json& doc);

bool valid_slug(std::string_view slug);

// RFC 7396 JSON Merge Patch.
nlohmann::json merge_patch(nlohmann::json target, const nlohmann::json& patch);

} // namespace impetus
