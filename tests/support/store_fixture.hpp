#pragma once

// A store in a fresh temporary file per test, with one workspace ready, and builders for the
// records the tests write. The tests talk to the Store interface only, so that a second backend
// can run the same tests by opening a different location here.

#include "core/model.hpp"
#include "geo/space_json.hpp"
#include "store/store.hpp"
#include "support/shapes.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

namespace impetus::test {

inline std::unique_ptr<Store> open_store_at(const std::filesystem::path& file) {
    StoreOptions options;
    options.location = file.string();
    return open_store(options);
}

inline Workspace make_workspace(const std::string& slug) {
    Workspace w;
    w.slug = slug;
    w.name = "Workspace " + slug;
    w.country = "FR";
    w.languages = {"fr", "en"};
    w.map_view = {3.06, 50.63, 12};
    return w;
}

inline Organisation make_organisation(const std::string& name,
                                      OrganisationType type = OrganisationType::public_authority) {
    Organisation o;
    o.name = name;
    o.type = type;
    return o;
}

// Fields of a space named `name` with geometry `g`, the area completed as the API would.
inline SpaceFields make_fields(const std::string& name, Geometry g = point(3.06, 50.63)) {
    SpaceFields f;
    f.name = name;
    f.kind = SpaceKind::building;
    f.geometry = std::move(g);
    geo::complete_area(f);
    return f;
}

inline std::vector<Id> ids_of(const std::vector<Space>& spaces) {
    std::vector<Id> out;
    for (const auto& s : spaces) {
        out.push_back(s.id);
    }
    return out;
}

inline std::vector<Id> sorted(std::vector<Id> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
}

class StoreTest : public ::testing::Test {
  protected:
    StoreTest()
        : store(open_store_at(db_path())), ws(store->create_workspace(make_workspace("lille"))) {}

    std::filesystem::path db_path() const { return dir / "impetus.db"; }

    // Closes the store, so that raw SQLite access sees a quiet file.
    void close_store() { store.reset(); }
    // Opens the same file again.
    void reopen_store() { store = open_store_at(db_path()); }

    // Creates a space in the test workspace; `tweak` adjusts the fields first.
    Space add(const std::string& name, Geometry g = point(3.06, 50.63),
              const std::function<void(SpaceFields&)>& tweak = {},
              SpaceStatus status = SpaceStatus::reported) {
        SpaceFields f = make_fields(name, std::move(g));
        if (tweak) {
            tweak(f);
        }
        return store->create_space(ws.id, f, status, "test");
    }

    // A query over the test workspace.
    SpaceQuery query() const {
        SpaceQuery q;
        q.workspace_id = ws.id;
        return q;
    }

    // The ids a query matches, in the store's order.
    std::vector<Id> ids(const SpaceQuery& q) { return ids_of(store->list_spaces(q).items); }

    TempDir dir;
    std::unique_ptr<Store> store;
    Workspace ws;
};

} // namespace impetus::test
