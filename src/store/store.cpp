#include "store/store.hpp"

#include "core/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace impetus {

std::unique_ptr<Store> open_store(const StoreOptions& options) {
    const auto& loc = options.location;
    if (loc.rfind("postgresql://", 0) == 0 || loc.rfind("postgres://", 0) == 0) {
        throw Error(ErrorKind::storage, "PostgreSQL stores are not available in this build",
                    "give a file path to use an embedded SQLite store");
    }
    return std::make_unique<sqlite::SqliteStore>(options);
}

} // namespace impetus
