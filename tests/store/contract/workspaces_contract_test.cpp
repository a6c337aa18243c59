// Contract of the workspaces facet: workspaces (unique slugs, every setting kept) and the
// organisations of each workspace (scoped reads and writes, paged lists).

#include "store/contract/contract.hpp"

namespace impetus::test {
namespace {

class WorkspacesContract : public StoreContract {};
IMPETUS_STORE_CONTRACT(WorkspacesContract);

Workspace every_setting(const std::string& slug) {
    Workspace w = contract_workspace(slug);
    w.name = "Métropole de Riga";
    w.country = "LV";
    w.languages = {"lv", "en", "ru"};
    w.map_view = {24.1052, 56.9496, 13.5};
    w.tiles = {"https://tiles.example.org/{z}/{x}/{y}.png", "© the tile makers"};
    w.geometry_limits.max_vertices = 5000;
    w.geometry_limits.max_rings = 40;
    return w;
}

void expect_same_settings(const Workspace& got, const Workspace& want) {
    EXPECT_EQ(got.slug, want.slug);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.country, want.country);
    EXPECT_EQ(got.languages, want.languages);
    EXPECT_TRUE(got.map_view == want.map_view);
    EXPECT_TRUE(got.tiles == want.tiles);
    EXPECT_TRUE(got.geometry_limits == want.geometry_limits);
}

TEST_P(WorkspacesContract, CreateKeepsEverySettingAndFindsItBySlugAndId) {
    const Workspace want = every_setting("riga");
    const Workspace w = store().create_workspace(want);
    EXPECT_GT(w.id, 0);
    EXPECT_NE(w.id, ws.id);
    EXPECT_FALSE(w.created_at.empty());
    expect_same_settings(w, want);
    reopen();
    const auto by_slug = store().workspace_by_slug("riga");
    ASSERT_TRUE(by_slug);
    EXPECT_EQ(by_slug->id, w.id);
    expect_same_settings(*by_slug, want);
    const auto by_id = store().workspace_by_id(w.id);
    ASSERT_TRUE(by_id);
    expect_same_settings(*by_id, want);
    EXPECT_EQ(by_id->created_at, w.created_at);
    EXPECT_FALSE(store().workspace_by_slug("tallinn"));
    EXPECT_FALSE(store().workspace_by_id(w.id + 1000));
}

TEST_P(WorkspacesContract, SlugsAreUnique) {
    EXPECT_EQ(error_kind([&] { store().create_workspace(contract_workspace("lille")); }),
              "conflict");
    EXPECT_EQ(store().list_workspaces().size(), 1u) << "nothing was created";
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    Workspace renamed = other;
    renamed.slug = "lille";
    EXPECT_EQ(error_kind([&] { store().update_workspace(other.id, renamed); }), "conflict");
    EXPECT_EQ(store().workspace_by_id(other.id)->slug, "roubaix");
}

TEST_P(WorkspacesContract, UpdateReplacesTheSettings) {
    Workspace want = every_setting("lille-metropole");
    const Workspace w = store().update_workspace(ws.id, want);
    EXPECT_EQ(w.id, ws.id);
    expect_same_settings(w, want);
    EXPECT_FALSE(w.updated_at.empty());
    EXPECT_FALSE(store().workspace_by_slug("lille")) << "the old slug is free again";
    expect_same_settings(*store().workspace_by_slug("lille-metropole"), want);
    // Its own slug is no clash.
    want.name = "Lille";
    EXPECT_EQ(store().update_workspace(ws.id, want).name, "Lille");
    EXPECT_EQ(error_kind([&] { store().update_workspace(ws.id + 1000, contract_workspace("x")); }),
              "not_found");
}

TEST_P(WorkspacesContract, ListHoldsEveryWorkspace) {
    const Workspace a = store().create_workspace(contract_workspace("tallinn"));
    const Workspace b = store().create_workspace(contract_workspace("bucharest"));
    std::vector<Id> listed;
    for (const auto& w : store().list_workspaces()) listed.push_back(w.id);
    EXPECT_EQ(sorted_ids(listed), sorted_ids({ws.id, a.id, b.id}));
}

TEST_P(WorkspacesContract, OrganisationsKeepEveryFieldInTheirWorkspace) {
    Organisation want = contract_organisation("Ville de Lille", OrganisationType::public_authority);
    want.contact = {"Ana Martin", "ana@lille.example", "+33 3 20 00 00 00",
                    "https://lille.example", "Place Augustin Laurent"};
    want.notes = "owns most of the brownfields";
    const Organisation o = store().create_organisation(ws.id, want);
    EXPECT_GT(o.id, 0);
    EXPECT_EQ(o.workspace_id, ws.id);
    EXPECT_FALSE(o.created_at.empty());
    reopen();
    const auto back = store().organisation(ws.id, o.id);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->name, want.name);
    EXPECT_EQ(back->type, OrganisationType::public_authority);
    EXPECT_TRUE(back->contact == want.contact);
    EXPECT_EQ(back->notes, want.notes);
    EXPECT_EQ(back->workspace_id, ws.id);

    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    EXPECT_FALSE(store().organisation(other.id, o.id)) << "not seen from another workspace";
    EXPECT_EQ(error_kind([&] { store().update_organisation(other.id, o.id, want); }), "not_found");
    EXPECT_EQ(store().organisation(ws.id, o.id)->name, "Ville de Lille");
    EXPECT_FALSE(store().organisation(ws.id, o.id + 1000));
}

TEST_P(WorkspacesContract, UpdateOrganisationReplacesItsFields) {
    const Organisation o = store().create_organisation(ws.id, contract_organisation("Asso"));
    Organisation changed = o;
    changed.name = "Association des jardins";
    changed.type = OrganisationType::informal_group;
    changed.contact.phone = "0102030405";
    changed.notes = "met in March";
    const Organisation out = store().update_organisation(ws.id, o.id, changed);
    EXPECT_EQ(out.id, o.id);
    const auto back = store().organisation(ws.id, o.id);
    EXPECT_EQ(back->name, "Association des jardins");
    EXPECT_EQ(back->type, OrganisationType::informal_group);
    EXPECT_EQ(back->contact.phone, "0102030405");
    EXPECT_EQ(back->notes, "met in March");
    EXPECT_EQ(error_kind([&] { store().update_organisation(ws.id, o.id + 1000, changed); }),
              "not_found");
}

TEST_P(WorkspacesContract, OrganisationsListInPagesWithTheTotal) {
    const Workspace other = store().create_workspace(contract_workspace("roubaix"));
    store().create_organisation(other.id, contract_organisation("Elsewhere"));
    std::vector<Id> made;
    for (const char* name : {"Delta", "alpha", "Charlie", "bravo", "Echo"}) {
        made.push_back(store().create_organisation(ws.id, contract_organisation(name)).id);
    }
    std::vector<Id> seen;
    for (std::size_t offset = 0; offset < 6; offset += 2) {
        std::size_t total = 0;
        const auto page = store().list_organisations(ws.id, 2, offset, &total);
        EXPECT_EQ(total, 5u);
        EXPECT_LE(page.size(), 2u);
        for (const auto& o : page) {
            EXPECT_EQ(o.workspace_id, ws.id);
            seen.push_back(o.id);
        }
    }
    EXPECT_EQ(sorted_ids(seen), sorted_ids(made)) << "the pages hold each one once";
    EXPECT_EQ(store().list_organisations(ws.id, 10, 0, nullptr).size(), 5u)
        << "the total is optional";
}

} // namespace
} // namespace impetus::test
