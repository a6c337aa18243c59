#pragma once

// Exports of a filtered list of spaces: GeoJSON FeatureCollection (RFC 7946) and CSV (RFC 4180,
// one row per space, a representative point and the geometry as WKT for GIS tools).

#include "store/store.hpp"

#include <functional>
#include <string>

namespace impetus::exports {

// Maps a workspace id to its slug for the `workspace` column/property.
using SlugOf = std::function<std::string(Id)>;

// Writes every space matching `q` (its limit and offset are ignored) to `out`.
// `internal` false leaves the internal notes out (the public's view).
std::size_t write_geojson(Store& store, const SpaceQuery& q, const SlugOf& slug, std::string& out,
                          bool internal = true);
std::size_t write_csv(Store& store, const SpaceQuery& q, const SlugOf& slug, std::string& out,
                      bool internal = true);

// The CSV header, in order.
const std::vector<std::string>& csv_columns();

// Well-known text (OGC 06-103r4) of a geometry.
std::string to_wkt(const Geometry& g);

// RFC 4180 field quoting: quoted when it holds a comma, quote, CR or LF.
void append_csv_field(std::string& out, std::string_view field);

} // namespace impetus::exports
