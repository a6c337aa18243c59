#pragma once

// Shared by the importer tests: a real SQLite store in a temporary file with one workspace, and
// file helpers. Not a test file itself (the test glob takes *_test.cpp only).

#include "core/error.hpp"
#include "importers/import.hpp"
#include "store/store.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <string>

namespace impetus::importers::test_support {

inline std::string read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string test_data(const std::string& name) {
    return read_bytes(std::filesystem::path(IMPETUS_TEST_DATA) / name);
}

// The real register; FAILs under CI when it is missing, skips elsewhere.
#define IMPETUS_REQUIRE_SHARED_FILE(path)                                                          \
    do {                                                                                           \
        if (!std::filesystem::exists(path)) {                                                      \
            if (std::getenv("CI")) {                                                               \
                FAIL() << "missing shared data file " << (path);                                   \
            }                                                                                      \
            GTEST_SKIP() << "shared data file not found: " << (path);                              \
        }                                                                                          \
    } while (0)

class StoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::random_device rd;
        m_path =
            std::filesystem::temp_directory_path() /
            ("impetus-import-test-" + std::to_string(rd()) + "-" + std::to_string(rd()) + ".db");
        StoreOptions o;
        o.location = m_path.string();
        o.readers = 2;
        store = open_store(o);
        workspace_id = make_workspace("test");
    }

    void TearDown() override {
        store.reset();
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            std::error_code ec;
            std::filesystem::remove(m_path.string() + suffix, ec);
        }
    }

    Id make_workspace(const std::string& slug) {
        Workspace w;
        w.slug = slug;
        w.name = "Test " + slug;
        w.country = "GB";
        w.languages = {"en"};
        return store->create_workspace(w).id;
    }

    std::size_t count_spaces(Id ws, std::optional<SpaceStatus> status = std::nullopt) {
        SpaceQuery q;
        q.workspace_id = ws;
        q.limit = 1;
        q.count_total = true;
        if (status) {
            q.statuses.insert(*status);
        }
        return store->list_spaces(q).total.value_or(0);
    }

    std::vector<Space> all_spaces(Id ws) {
        SpaceQuery q;
        q.workspace_id = ws;
        q.limit = 10000;
        return store->list_spaces(q).items;
    }

    std::optional<Space> by_source_id(Id ws, const std::string& source_id) {
        SpaceQuery q;
        q.workspace_id = ws;
        q.source_id = source_id;
        q.limit = 2;
        auto page = store->list_spaces(q);
        if (page.items.size() != 1) {
            return std::nullopt;
        }
        return page.items.front();
    }

    std::unique_ptr<Store> store;
    Id workspace_id = 0;

  private:
    std::filesystem::path m_path;
};

// The rejected row with this reference, or nullptr.
inline const RejectedRow* find_row(const std::vector<RejectedRow>& rows,
                                   const std::string& reference) {
    for (const auto& r : rows) {
        if (r.reference == reference) {
            return &r;
        }
    }
    return nullptr;
}

} // namespace impetus::importers::test_support
