// Workspaces and organisations over HTTP: create, list, get, merge patch, not found, and the
// wall between workspaces.

#include "api_test.hpp"

namespace impetus::test {
namespace {

using WorkspacesApi = ApiTest;

TEST_F(WorkspacesApi, CreateAnswers201WithLocationAndTheStoredRecord) {
    auto r = http.post("/api/v1/workspaces", workspace_body("lille"));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.media_type(), "application/json");
    EXPECT_EQ(r.header("Location"), server.base_url() + "/api/v1/workspaces/lille");
    auto j = r.json();
    EXPECT_GT(j.at("id").get<std::int64_t>(), 0);
    EXPECT_EQ(j.at("slug"), "lille");
    EXPECT_EQ(j.at("name"), "Workspace lille");
    EXPECT_EQ(j.at("country"), "FR"); // stored upper case
    EXPECT_EQ(j.at("languages"), json({"fr", "en"}));
    EXPECT_FALSE(j.at("created_at").get<std::string>().empty());

    // The Location answers with the same record.
    auto got = http.get(http.target_of(r.header("Location")));
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.json(), j);
}

TEST_F(WorkspacesApi, DuplicateSlugIsAConflictProblem) {
    create_workspace("lille");
    auto again = workspace_body("lille");
    again["name"] = "Another Lille";
    auto r = http.post("/api/v1/workspaces", again);
    EXPECT_TRUE(is_problem(r, 409));
    EXPECT_EQ(error_pointers(r), std::set<std::string>{"/slug"});
    // The first one is untouched.
    EXPECT_EQ(list("/api/v1/workspaces/lille").at("name"), "Workspace lille");
    EXPECT_EQ(list("/api/v1/workspaces").at("total"), 1);
}

TEST_F(WorkspacesApi, ListHoldsEveryWorkspace) {
    EXPECT_EQ(list("/api/v1/workspaces").at("items"), json::array());
    create_workspace("lille");
    create_workspace("brighton");
    create_workspace("warszawa");
    auto j = list("/api/v1/workspaces");
    EXPECT_EQ(j.at("total"), 3);
    std::set<std::string> slugs;
    for (const auto& w : j.at("items")) slugs.insert(w.at("slug").get<std::string>());
    EXPECT_EQ(slugs, (std::set<std::string>{"brighton", "lille", "warszawa"}));
}

TEST_F(WorkspacesApi, PatchMergesIntoTheStoredRecord) {
    auto created = create_workspace("lille");
    auto r = http.patch("/api/v1/workspaces/lille",
                        {{"name", "Métropole Européenne de Lille"}, {"map_view", {{"zoom", 10}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = r.json();
    EXPECT_EQ(j.at("name"), "Métropole Européenne de Lille");
    EXPECT_EQ(j.at("slug"), "lille");
    EXPECT_EQ(j.at("country"), "FR");
    EXPECT_EQ(j.at("languages"), json({"fr", "en"}));
    EXPECT_EQ(j.at("map_view").at("zoom"), 10.0);
    EXPECT_EQ(j.at("map_view").at("lon"), 3.06); // kept: a merge patch touches what it names
    EXPECT_EQ(j.at("id"), created.at("id"));

    EXPECT_EQ(list("/api/v1/workspaces/lille"), j);
}

TEST_F(WorkspacesApi, PatchThatBreaksARuleIsRefusedAndChangesNothing) {
    create_workspace("lille");
    auto before = list("/api/v1/workspaces/lille");
    auto r = http.patch("/api/v1/workspaces/lille", {{"slug", "Not A Slug"}, {"country", "FRA"}});
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), (std::set<std::string>{"/slug", "/country"}));
    EXPECT_EQ(list("/api/v1/workspaces/lille"), before);
}

TEST_F(WorkspacesApi, UnknownSlugIsNotFound) {
    create_workspace("lille");
    EXPECT_TRUE(is_problem(http.get("/api/v1/workspaces/nowhere"), 404));
    EXPECT_TRUE(is_problem(http.patch("/api/v1/workspaces/nowhere", {{"name", "x"}}), 404));
    EXPECT_TRUE(is_problem(http.get("/api/v1/workspaces/nowhere/spaces"), 404));
    EXPECT_TRUE(is_problem(http.get("/api/v1/workspaces/nowhere/organisations"), 404));
    EXPECT_TRUE(
        is_problem(http.post("/api/v1/workspaces/nowhere/spaces",
                             space_body("x", point_geometry(3.06, 50.63))),
                   404));
}

// ---------------------------------------------------------------------------------------------

class OrganisationsApi : public ApiTest {
protected:
    OrganisationsApi() {
        create_workspace("lille");
        create_workspace("roubaix");
    }

    static json org_body(const std::string& name) {
        return json{{"name", name},
                    {"type", "public_authority"},
                    {"contact", {{"name", "Service foncier"}, {"email", "foncier@example.fr"}}},
                    {"notes", "owns the old mills"}};
    }
};

TEST_F(OrganisationsApi, CreateAnswers201WithLocation) {
    auto r = http.post(orgs_path("lille"), org_body("Ville de Lille"));
    ASSERT_EQ(r.status, 201) << r.body;
    auto j = r.json();
    const auto id = j.at("id").get<std::int64_t>();
    EXPECT_EQ(r.header("Location"),
              server.base_url() + orgs_path("lille") + "/" + std::to_string(id));
    EXPECT_EQ(j.at("name"), "Ville de Lille");
    EXPECT_EQ(j.at("type"), "public_authority");
    EXPECT_EQ(j.at("contact").at("email"), "foncier@example.fr");
    EXPECT_EQ(j.at("workspace_id"), list("/api/v1/workspaces/lille").at("id"));

    auto got = http.get(http.target_of(r.header("Location")));
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.json(), j);
}

TEST_F(OrganisationsApi, ListIsPerWorkspaceAndPaged) {
    for (int i = 0; i < 5; ++i) {
        require_status(http.post(orgs_path("lille"), org_body("Owner " + std::to_string(i))), 201);
    }
    require_status(http.post(orgs_path("roubaix"), org_body("Ville de Roubaix")), 201);

    auto all = list(orgs_path("lille"));
    EXPECT_EQ(all.at("total"), 5);
    EXPECT_EQ(all.at("items").size(), 5u);
    for (const auto& o : all.at("items")) {
        EXPECT_NE(o.at("name"), "Ville de Roubaix");
    }
    auto page = list(orgs_path("lille") + "?limit=2&offset=4");
    EXPECT_EQ(page.at("total"), 5);
    EXPECT_EQ(page.at("items").size(), 1u);
    EXPECT_EQ(list(orgs_path("roubaix")).at("total"), 1);
}

TEST_F(OrganisationsApi, PatchMergesIntoTheStoredRecord) {
    auto o = require_status(http.post(orgs_path("lille"), org_body("Ville de Lille")), 201).json();
    const std::string path = orgs_path("lille") + "/" + std::to_string(o.at("id").get<int>());
    auto r = http.patch(path, {{"contact", {{"phone", "+33 3 20 49 50 00"}}}, {"notes", nullptr}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = r.json();
    EXPECT_EQ(j.at("contact").at("phone"), "+33 3 20 49 50 00");
    EXPECT_EQ(j.at("contact").at("email"), "foncier@example.fr");
    EXPECT_EQ(j.at("notes"), ""); // null removes it
    EXPECT_EQ(j.at("name"), "Ville de Lille");
    EXPECT_EQ(list(path), j);
}

TEST_F(OrganisationsApi, UnknownIdIsNotFound) {
    EXPECT_TRUE(is_problem(http.get(orgs_path("lille") + "/9999"), 404));
    EXPECT_TRUE(is_problem(http.patch(orgs_path("lille") + "/9999", {{"name", "x"}}), 404));
    EXPECT_TRUE(is_problem(http.get(orgs_path("lille") + "/abc"), 404));
    EXPECT_TRUE(is_problem(http.get("/api/v1/workspaces/nowhere/organisations/1"), 404));
}

TEST_F(OrganisationsApi, AnotherWorkspacesOrganisationIsNotFoundAndNotChanged) {
    auto o = require_status(http.post(orgs_path("lille"), org_body("Ville de Lille")), 201).json();
    const std::string id = std::to_string(o.at("id").get<int>());

    EXPECT_TRUE(is_problem(http.get(orgs_path("roubaix") + "/" + id), 404));
    EXPECT_TRUE(is_problem(http.patch(orgs_path("roubaix") + "/" + id, {{"name", "Hijacked"}}), 404));

    auto still = list(orgs_path("lille") + "/" + id);
    EXPECT_EQ(still, o);
    EXPECT_EQ(list(orgs_path("roubaix")).at("total"), 0);
}

TEST_F(OrganisationsApi, SpaceOwnerMustBeAnOrganisationOfTheSameWorkspace) {
    auto lille_org =
        require_status(http.post(orgs_path("lille"), org_body("Ville de Lille")), 201).json();
    auto body = space_body("Old mill", point_geometry(3.17, 50.69));
    body["owner_organisation_id"] = lille_org.at("id");
    auto r = http.post(spaces_path("roubaix"), body);
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), std::set<std::string>{"/owner_organisation_id"});
    EXPECT_EQ(space_count("roubaix"), 0);

    auto ok = http.post(spaces_path("lille"), body);
    ASSERT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(ok.json().at("owner_organisation_id"), lille_org.at("id"));
}

} // namespace
} // namespace impetus::test
