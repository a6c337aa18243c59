#pragma once

// GeoJSON geometry codec (RFC 7946): Point, Polygon and MultiPolygon in WGS84.

#include "core/error.hpp"
#include "core/geometry.hpp"

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace impetus::geo {

// Reads a GeoJSON geometry object. Structural problems and invalid geometry (ranges, ring
// closure, self-intersection) are added to `errors` under `pointer`; returns nullopt then.
std::optional<Geometry> read_geometry(const nlohmann::json& j, const std::string& pointer,
                                      FieldErrors& errors, bool check_topology = true);

// Reads geometry text this program wrote itself (the store's column): structure is checked,
// topology is not. Throws Error(storage) on damaged text, saying what is wrong at which byte.
// The same values as read_geometry over json::parse, without building a JSON tree.
Geometry geometry_from_text(std::string_view text);

nlohmann::json geometry_to_json(const Geometry& g);

// Compact GeoJSON text, coordinates in the shortest form that reads back to the same double.
std::string geometry_to_text(const Geometry& g);
void append_geometry_text(std::string& out, const Geometry& g);

// Shortest round-trip decimal for a double (std::to_chars).
void append_number(std::string& out, double v);

const char* geometry_type_name(const Geometry& g) noexcept;

} // namespace impetus::geo
