#pragma once

// The SQL functions the spatial filters call after the R*Tree (internal to the store module).

#include "store/sqlite/sqlite_db.hpp"

namespace impetus::sqlite {

// Registers impetus_intersects and impetus_distance on a connection, as it opens.
void register_functions(Connection& c);

} // namespace impetus::sqlite
