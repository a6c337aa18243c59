// The SQL functions for the exact geometry test after the R*Tree, registered on every
// connection.

#include "store/sqlite/sqlite_functions.hpp"

#include "geo/geojson.hpp"
#include "geo/measure.hpp"

#include <sqlite3.h>

namespace impetus::sqlite {

namespace {

// impetus_intersects(geometry, min_lon, min_lat, max_lon, max_lat, q_min_lon, q_min_lat,
//                    q_max_lon, q_max_lat): 1 when the geometry meets the query box.
void fn_intersects(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    if (argc != 9) {
        sqlite3_result_error(ctx, "impetus_intersects takes 9 arguments", -1);
        return;
    }
    double v[8];
    for (int i = 0; i < 8; ++i) v[i] = sqlite3_value_double(argv[i + 1]);
    BBox own{v[0], v[1], v[2], v[3]};
    BBox q{v[4], v[5], v[6], v[7]};
    if (!q.intersects(own)) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    if (q.contains(own) || (own.min_lon == own.max_lon && own.min_lat == own.max_lat)) {
        sqlite3_result_int(ctx, 1);
        return;
    }
    try {
        auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        auto g = geo::geometry_from_text(text ? text : "");
        sqlite3_result_int(ctx, geo::intersects(g, q) ? 1 : 0);
    } catch (const std::exception& e) {
        sqlite3_result_error(ctx, e.what(), -1);
    }
}

// impetus_distance(geometry, min_lon, min_lat, max_lon, max_lat, lon, lat): metres.
void fn_distance(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
    if (argc != 7) {
        sqlite3_result_error(ctx, "impetus_distance takes 7 arguments", -1);
        return;
    }
    double v[6];
    for (int i = 0; i < 6; ++i) v[i] = sqlite3_value_double(argv[i + 1]);
    Position p{v[4], v[5]};
    if (v[0] == v[2] && v[1] == v[3]) {
        sqlite3_result_double(ctx, geo::distance_m(Position{v[0], v[1]}, p));
        return;
    }
    try {
        auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        auto g = geo::geometry_from_text(text ? text : "");
        sqlite3_result_double(ctx, geo::distance_to_m(g, p));
    } catch (const std::exception& e) {
        sqlite3_result_error(ctx, e.what(), -1);
    }
}

} // namespace

void register_functions(Connection& c) {
    constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    sqlite3_create_function(c.handle(), "impetus_intersects", 9, flags, nullptr, fn_intersects,
                            nullptr, nullptr);
    sqlite3_create_function(c.handle(), "impetus_distance", 7, flags, nullptr, fn_distance,
                            nullptr, nullptr);
}

} // namespace impetus::sqlite
