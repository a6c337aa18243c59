#pragma once

// The store backends the contract tests run on (tests/store/contract/*_test.cpp): a new backend
// is one more line in store_backends(), and every contract test then runs on it too, with the
// backend's name at the end of the test's name ("Backends/SpacesContract.X/sqlite").
//
// `open` opens the store at `location`, a path inside a temporary folder the test owns (a fresh
// one per test), creating it when missing; opened again with the same location, it must give
// back the same data (the tests close and reopen stores). A server backend maps the path to a
// database or schema of its own, and drops it when the folder goes.
// `open_backup` opens, as a store, the file that Store::backup wrote. Left empty, `open` is used
// on the file (SQLite's backup is a database file).

#include "store/store.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace impetus::test {

struct StoreBackend {
    std::string name; // [A-Za-z0-9_], a part of the test names
    std::function<std::unique_ptr<Store>(const std::filesystem::path& location)> open;
    std::function<std::unique_ptr<Store>(const std::filesystem::path& backup)> open_backup = {};
};

inline std::vector<StoreBackend> store_backends() {
    return {
        {"sqlite", [](const auto& path) { return open_store({.location = path.string()}); }},
    };
}

} // namespace impetus::test
