#pragma once

// The JSON and GeoJSON representation of spaces, shared by the API, the OGC API, the exports
// and the GeoJSON importer.

#include "core/model.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace impetus::geo {

// Plain JSON object: every field, geometry included.
nlohmann::json space_to_json(const Space& s);

// The writable fields as they stand now: the base for a JSON Merge Patch (RFC 7396). A computed
// area is left out so that a new geometry gets a new area.
nlohmann::json space_writable_json(const SpaceFields& f);

// Appends a GeoJSON Feature (RFC 7946) to `out`: id, geometry and the other fields as
// properties. `workspace_slug` is added as the `workspace` property when not empty.
// `internal` false leaves the internal notes out (empty), for the public.
void append_space_feature(std::string& out, const Space& s, const std::string& workspace_slug = {},
                          bool internal = true);

// Validates a writable document (flat fields, or a GeoJSON Feature whose properties hold the
// fields) and returns the fields with the area computed from a polygon when none is given.
// Every failing field is reported in one Error(invalid_input). `extra_known` names keys the
// caller handles itself (for example "status" on creation); they are ignored here.
SpaceFields read_space_fields(const nlohmann::json& doc,
                              const std::vector<std::string_view>& extra_known = {});

// Flattens a GeoJSON Feature into the flat field document (properties + geometry); any other
// document is returned as it is.
nlohmann::json flatten_feature(const nlohmann::json& doc);

// Computes area_m2 from the geometry when it is a polygon and no area was given.
void complete_area(SpaceFields& f);

// Names of the fields a client may write.
const std::vector<std::string_view>& space_writable_fields();

} // namespace impetus::geo
