// Workspaces and organisations.

#include "support/errors.hpp"
#include "support/store_fixture.hpp"

#include <gtest/gtest.h>

namespace impetus {
namespace {

using test::catch_error;
using test::make_organisation;
using test::make_workspace;

class RecordsTest : public test::StoreTest {};

TEST_F(RecordsTest, WorkspaceRoundTrip) {
    auto w = make_workspace("riga");
    w.name = "Rīgas valstspilsētas pašvaldība";
    w.languages = {"lv", "en-GB"};
    w.map_view = {24.105, 56.949, 11.5};
    auto created = store->create_workspace(w);
    EXPECT_GT(created.id, 0);
    EXPECT_NE(created.id, ws.id);
    EXPECT_FALSE(created.created_at.empty());
    EXPECT_EQ(created.created_at, created.updated_at);

    for (auto got : {store->workspace_by_id(created.id), store->workspace_by_slug("riga")}) {
        ASSERT_TRUE(got);
        EXPECT_EQ(got->id, created.id);
        EXPECT_EQ(got->slug, "riga");
        EXPECT_EQ(got->name, w.name);
        EXPECT_EQ(got->country, "FR");
        EXPECT_EQ(got->languages, w.languages);
        EXPECT_EQ(got->map_view, w.map_view);
        EXPECT_EQ(got->created_at, created.created_at);
    }
    EXPECT_FALSE(store->workspace_by_slug("nowhere"));
    EXPECT_FALSE(store->workspace_by_id(9999));
}

TEST_F(RecordsTest, WorkspacesAreListedBySlug) {
    store->create_workspace(make_workspace("zagreb"));
    store->create_workspace(make_workspace("bucharest-ilfov"));
    std::vector<std::string> slugs;
    for (const auto& w : store->list_workspaces()) {
        slugs.push_back(w.slug);
    }
    EXPECT_EQ(slugs, (std::vector<std::string>{"bucharest-ilfov", "lille", "zagreb"}));
}

TEST_F(RecordsTest, DuplicateSlugIsAConflict) {
    auto e = catch_error([&] { store->create_workspace(make_workspace("lille")); });
    EXPECT_EQ(e.kind(), ErrorKind::conflict);
    EXPECT_EQ(test::field_names(e), (std::vector<std::string>{"/slug"}));
    EXPECT_EQ(store->list_workspaces().size(), 1u);
}

TEST_F(RecordsTest, UpdateWorkspace) {
    auto riga = store->create_workspace(make_workspace("riga"));
    auto changed = riga;
    changed.name = "Riga City Council";
    changed.slug = "riga-city";
    auto updated = store->update_workspace(riga.id, changed);
    EXPECT_EQ(updated.name, "Riga City Council");
    EXPECT_EQ(updated.slug, "riga-city");
    EXPECT_EQ(updated.created_at, riga.created_at);
    EXPECT_GE(updated.updated_at, riga.updated_at);
    EXPECT_FALSE(store->workspace_by_slug("riga"));

    changed.slug = "lille"; // taken by the fixture's workspace
    EXPECT_EQ(catch_error([&] { store->update_workspace(riga.id, changed); }).kind(),
              ErrorKind::conflict);
    EXPECT_EQ(catch_error([&] { store->update_workspace(9999, make_workspace("new")); }).kind(),
              ErrorKind::not_found);
    // Keeping one's own slug is no clash.
    EXPECT_NO_THROW(store->update_workspace(ws.id, ws));
}

TEST_F(RecordsTest, OrganisationRoundTrip) {
    auto o = make_organisation("Lille Métropole Habitat", OrganisationType::urban_agency);
    o.contact = {"Anne", "anne@lmh.fr", "+33 3 20 00 00 00", "https://lmh.fr", "Lille"};
    o.notes = "Bailleur social";
    auto created = store->create_organisation(ws.id, o);
    EXPECT_GT(created.id, 0);
    EXPECT_EQ(created.workspace_id, ws.id);
    auto got = store->organisation(ws.id, created.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->name, o.name);
    EXPECT_EQ(got->type, OrganisationType::urban_agency);
    EXPECT_EQ(got->contact, o.contact);
    EXPECT_EQ(got->notes, o.notes);

    got->name = "LMH";
    auto updated = store->update_organisation(ws.id, created.id, *got);
    EXPECT_EQ(updated.name, "LMH");
    EXPECT_EQ(updated.contact, o.contact);
    EXPECT_EQ(store->organisation(ws.id, created.id)->name, "LMH");
}

TEST_F(RecordsTest, OrganisationsAreScopedByWorkspace) {
    auto other = store->create_workspace(make_workspace("riga"));
    auto o = store->create_organisation(ws.id, make_organisation("Ville de Lille"));
    EXPECT_TRUE(store->organisation(ws.id, o.id));
    EXPECT_FALSE(store->organisation(other.id, o.id));
    EXPECT_EQ(catch_error([&] { store->update_organisation(other.id, o.id, o); }).kind(),
              ErrorKind::not_found);
    EXPECT_EQ(store->organisation(ws.id, o.id)->name, "Ville de Lille");
    std::size_t total = 99;
    EXPECT_TRUE(store->list_organisations(other.id, 10, 0, &total).empty());
    EXPECT_EQ(total, 0u);
}

TEST_F(RecordsTest, OrganisationsListByNameWithPaging) {
    for (const char* name : {"delta", "Alpha", "charlie", "Bravo", "echo"}) {
        store->create_organisation(ws.id, make_organisation(name));
    }
    std::size_t total = 0;
    auto first = store->list_organisations(ws.id, 2, 0, &total);
    auto rest = store->list_organisations(ws.id, 10, 2, nullptr);
    EXPECT_EQ(total, 5u);
    std::vector<std::string> names;
    for (const auto& o : first) {
        names.push_back(o.name);
    }
    for (const auto& o : rest) {
        names.push_back(o.name);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"Alpha", "Bravo", "charlie", "delta", "echo"}));
}

} // namespace
} // namespace impetus
