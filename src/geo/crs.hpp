#pragma once

// Coordinate reference system transforms through PROJ.

#include "core/geometry.hpp"

#include <memory>
#include <string>

namespace impetus::geo {

// Transforms coordinates from `source_crs` (e.g. "EPSG:27700") into WGS84 longitude/latitude.
// Owns its own PROJ context: use one per thread.
class ToWgs84 {
public:
    explicit ToWgs84(const std::string& source_crs);
    ~ToWgs84();
    ToWgs84(const ToWgs84&) = delete;
    ToWgs84& operator=(const ToWgs84&) = delete;

    // x/y in the source CRS's easting/northing (or lon/lat) order. Throws Error(invalid_input)
    // when PROJ cannot transform the point.
    Position transform(double x, double y) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace impetus::geo
