#pragma once

// Small geometry builders for tests (WGS84 degrees, RFC 7946 axis order).

#include "core/geometry.hpp"

#include <initializer_list>

namespace impetus::test {

// A closed ring through `points`, the first repeated at the end.
inline Ring ring(std::initializer_list<Position> points) {
    Ring r(points);
    r.push_back(*points.begin());
    return r;
}

// The square [lon, lon + size] x [lat, lat + size], counter-clockwise.
inline Ring square_ring(double lon, double lat, double size) {
    return ring({{lon, lat}, {lon + size, lat}, {lon + size, lat + size}, {lon, lat + size}});
}

inline Polygon square(double lon, double lat, double size) {
    return Polygon{{square_ring(lon, lat, size)}};
}

inline Point point(double lon, double lat) {
    return Point{{lon, lat}};
}

} // namespace impetus::test
