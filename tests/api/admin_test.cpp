// Administration over HTTP: roles in a workspace and the audit log, for the workspace's
// administrators only, never across workspaces.

#include "api_test.hpp"

namespace impetus::test {
namespace {

class AdminApi : public ApiTest {
protected:
    AdminApi() {
        create_workspace("lille");
        create_workspace("roubaix");
        // Accounts through the CLI's path: the store, with the server's weak test hashing.
        ana = add_user("ana@example.org", "lille", Role::admin);
        olga = add_user("olga@example.org", "lille", Role::officer);
        bob = add_user("bob@example.org", "roubaix", Role::admin);
    }

    HttpClient anonymous = server.anonymous_client();
    Account ana, olga, bob;
};

TEST_F(AdminApi, WorkspaceAdministratorsManageRoles) {
    auto r = as(ana, "GET", "/api/v1/workspaces/lille/members");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["items"].size(), 2u);
    // Someone new gets a role by the address of their verified account; an account number
    // reaches only the workspace's own members, so that numbers reveal nobody's address.
    const std::string bob_member = "/api/v1/workspaces/lille/members/" + std::to_string(bob.id);
    r = as(ana, "PUT", bob_member, {{"role", "citizen"}});
    EXPECT_TRUE(is_problem(r, 404)) << "Bob belongs to Roubaix";
    EXPECT_EQ(r.body.find("bob@example.org"), std::string::npos) << r.body;
    // The answer with the number taken out, for comparing the answers to two numbers.
    auto unnumbered = [](const HttpResponse& answer, Id id) {
        std::string detail = answer.json().value("detail", "");
        const auto at = detail.find(std::to_string(id));
        return at == std::string::npos ? detail : detail.replace(at, std::to_string(id).size(), "N");
    };
    EXPECT_EQ(unnumbered(as(ana, "PUT", "/api/v1/workspaces/lille/members/99999",
                            {{"role", "citizen"}}),
                         99999),
              unnumbered(r, bob.id))
        << "an unknown number gets the same answer";
    r = as(ana, "POST", "/api/v1/workspaces/lille/members",
           {{"email", "Bob@example.org"}, {"role", "citizen"}});
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["email"], "bob@example.org");
    r = as(ana, "PUT", bob_member, {{"role", "owner"}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["role"], "owner");
    EXPECT_EQ(as(ana, "GET", "/api/v1/workspaces/lille/members").json()["items"].size(), 3u);
    EXPECT_EQ(as(ana, "DELETE", "/api/v1/workspaces/lille/members/" + std::to_string(bob.id)).status,
              204);

    // Officers, other workspaces' administrators and anonymous visitors may not.
    EXPECT_TRUE(is_problem(as(olga, "GET", "/api/v1/workspaces/lille/members"), 403));
    EXPECT_TRUE(is_problem(as(olga, "POST", "/api/v1/workspaces/lille/members",
                              {{"email", "olga@example.org"}, {"role", "admin"}}),
                           403));
    EXPECT_TRUE(is_problem(as(olga, "PUT", "/api/v1/workspaces/lille/members/" +
                                               std::to_string(olga.id),
                              {{"role", "admin"}}),
                           403))
        << "no promoting oneself";
    EXPECT_TRUE(is_problem(as(bob, "GET", "/api/v1/workspaces/lille/members"), 403));
    EXPECT_TRUE(is_problem(as(bob, "PUT", "/api/v1/workspaces/lille/members/" +
                                              std::to_string(bob.id),
                              {{"role", "admin"}}),
                           403));
    EXPECT_TRUE(is_problem(anonymous.get("/api/v1/workspaces/lille/members"), 401));
}

TEST_F(AdminApi, TheAuditLogShowsWhoChangedWhatInTheWorkspaceOnly) {
    auto r = as(olga, "POST", spaces_path("lille"),
                space_body("Old dairy", point_geometry(3.06, 50.63)));
    ASSERT_EQ(r.status, 201) << r.body;
    const Id dairy = r.json()["id"];
    r = as(olga, "PATCH", space_path("lille", dairy), {{"notes", "roof repaired"}});
    ASSERT_EQ(r.status, 200) << r.body;
    as(bob, "POST", spaces_path("roubaix"), space_body("Mill", point_geometry(3.17, 50.69)));

    r = as(ana, "GET", "/api/v1/workspaces/lille/audit?entity=space&entity_id=" +
                           std::to_string(dairy));
    ASSERT_EQ(r.status, 200) << r.body;
    const json items = r.json()["items"];
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0]["action"], "update");
    EXPECT_EQ(items[0]["actor"], "olga@example.org");
    EXPECT_EQ(items[0]["before"]["notes"], "");
    EXPECT_EQ(items[0]["after"]["notes"], "roof repaired");
    EXPECT_EQ(items[1]["action"], "create");

    // Lille's log holds nothing of Roubaix.
    r = as(ana, "GET", "/api/v1/workspaces/lille/audit?limit=1000");
    const json log = r.json();
    ASSERT_GT(log["items"].size(), 0u);
    for (const auto& e : log["items"]) EXPECT_EQ(e["workspace"], "lille") << e.dump();
    EXPECT_TRUE(is_problem(as(bob, "GET", "/api/v1/workspaces/lille/audit"), 403));
    EXPECT_TRUE(is_problem(as(olga, "GET", "/api/v1/workspaces/lille/audit"), 403));
    EXPECT_TRUE(is_problem(as(ana, "GET", "/api/v1/audit"), 403)) << "instance administrators only";

    // Filters: by author, by period; and the CSV export.
    r = as(ana, "GET", "/api/v1/workspaces/lille/audit?user=olga@example.org");
    EXPECT_EQ(r.json()["total"], 2);
    r = as(ana, "GET", "/api/v1/workspaces/lille/audit?user=nobody@example.org");
    EXPECT_EQ(r.json()["total"], 0);
    r = as(ana, "GET", "/api/v1/workspaces/lille/audit?from=2999-01-01");
    EXPECT_EQ(r.json()["total"], 0);
    EXPECT_TRUE(is_problem(as(ana, "GET", "/api/v1/workspaces/lille/audit?from=yesterday"), 400));
    r = as(ana, "GET", "/api/v1/workspaces/lille/audit.csv?entity=space");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.header("Content-Type").find("text/csv"), std::string::npos);
    EXPECT_NE(r.body.find("olga@example.org"), std::string::npos);
    EXPECT_NE(r.body.find("roof repaired"), std::string::npos);
}

TEST_F(AdminApi, OfficersMakeApplicantsMembersOfTheirOrganisation) {
    const Id coop = require_status(as(olga, "POST", orgs_path("lille"),
                                      {{"name", "Friches Coop"},
                                       {"type", "cooperative"},
                                       {"contact", {{"email", "hello@coop.example"}}},
                                       {"notes", "slow to answer"}}),
                                   201)
                        .json()["id"];
    const std::string members = orgs_path("lille") + "/" + std::to_string(coop) + "/members";
    // Carla registered but has no role in Lille: she joins with the role the officer gives.
    Account carla = add_user("carla@example.org", "roubaix", Role::citizen);
    EXPECT_TRUE(is_problem(as(olga, "POST", members, {{"email", "carla@example.org"}}), 409))
        << "no role in the workspace and none given";
    EXPECT_TRUE(is_problem(as(olga, "POST", members, {{"email", "carla@example.org"},
                                                     {"role", "admin"}}),
                           400))
        << "officers give owner or applicant only";
    auto r = as(olga, "POST", members, {{"email", "Carla@Example.org"}, {"role", "applicant"}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["role"], "applicant");

    // Carla's account says whom she acts for.
    r = as(carla, "GET", "/api/v1/me");
    bool found = false;
    const json me = r.json();
    for (const auto& role : me["roles"]) {
        if (role["workspace"] != "lille") continue;
        EXPECT_EQ(role["role"], "applicant");
        ASSERT_EQ(role["organisations"].size(), 1u);
        EXPECT_EQ(role["organisations"][0]["id"], coop);
        found = true;
    }
    EXPECT_TRUE(found) << r.body;

    // Members see their organisation's contact details, never the agency's notes; others see
    // neither.
    const std::string org = orgs_path("lille") + "/" + std::to_string(coop);
    r = as(carla, "GET", org);
    EXPECT_EQ(r.json()["contact"]["email"], "hello@coop.example");
    EXPECT_FALSE(r.json().contains("notes"));
    EXPECT_FALSE(anonymous.get(org).json().contains("contact"));
    EXPECT_FALSE(as(bob, "GET", org).json().contains("contact"));
    EXPECT_EQ(as(olga, "GET", org).json()["notes"], "slow to answer");

    // Only staff of the workspace list or change members.
    EXPECT_EQ(as(olga, "GET", members).json()["items"].size(), 1u);
    EXPECT_TRUE(is_problem(as(carla, "GET", members), 403));
    EXPECT_TRUE(is_problem(as(bob, "POST", members, {{"email", "bob@example.org"}}), 403));

    // The audit log has both changes, with who made them.
    EXPECT_EQ(as(olga, "DELETE", members + "/" + std::to_string(carla.id)).status, 204);
    EXPECT_TRUE(is_problem(as(olga, "DELETE", members + "/" + std::to_string(carla.id)), 404));
    r = as(ana, "GET", "/api/v1/workspaces/lille/audit?entity=organisation&entity_id=" +
                           std::to_string(coop));
    const auto items = r.json()["items"];
    ASSERT_EQ(items.size(), 3u) << r.body;
    EXPECT_EQ(items[0]["action"], "remove_member");
    EXPECT_EQ(items[0]["before"]["member"], carla.id);
    EXPECT_EQ(items[1]["action"], "add_member");
    EXPECT_EQ(items[1]["after"]["member"], carla.id);
    EXPECT_EQ(items[1]["actor"], "olga@example.org");
}

TEST_F(AdminApi, LosingTheRoleOrTheAccountEndsOrganisationMemberships) {
    const Id coop = require_status(as(olga, "POST", orgs_path("lille"),
                                      {{"name", "Coop"}, {"type", "cooperative"}}),
                                   201)
                        .json()["id"];
    const std::string members = orgs_path("lille") + "/" + std::to_string(coop) + "/members";
    Account dan = add_user("dan@example.org", "lille", Role::owner);
    Account eve = add_user("eve@example.org", "lille", Role::applicant);
    for (const char* email : {"dan@example.org", "eve@example.org"}) {
        ASSERT_EQ(as(olga, "POST", members, {{"email", email}}).status, 201);
    }
    EXPECT_EQ(as(ana, "DELETE", "/api/v1/workspaces/lille/members/" + std::to_string(dan.id)).status,
              204);
    ASSERT_EQ(as(eve, "POST", "/api/v1/me/erase", {{"password", "a long passphrase"}}).status, 204);
    EXPECT_EQ(as(olga, "GET", members).json()["items"].size(), 0u);

    // An organisation of another workspace is not reachable through Lille's URLs.
    const Id depot = require_status(as(bob, "POST", orgs_path("roubaix"),
                                       {{"name", "Depot"}, {"type", "other"}}),
                                    201)
                         .json()["id"];
    EXPECT_TRUE(is_problem(as(olga, "GET", orgs_path("lille") + "/" + std::to_string(depot) +
                                               "/members"),
                           404));
    EXPECT_TRUE(is_problem(as(olga, "POST", orgs_path("lille") + "/" + std::to_string(depot) +
                                                "/members",
                              {{"email", "olga@example.org"}}),
                           404));
}

TEST_F(AdminApi, TheAuditLogShowsNoPersonalDataOfAnErasedAccount) {
    Account dora = add_user("dora@example.org", "lille", Role::officer);
    ASSERT_EQ(as(dora, "POST", orgs_path("lille"), {{"name", "Dora's pick"}, {"type", "other"}}).status,
              201);
    ASSERT_EQ(as(dora, "POST", "/api/v1/me/erase", {{"password", "a long passphrase"}}).status, 204);
    const auto r = http.get("/api/v1/audit?limit=1000");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find("dora@example.org"), std::string::npos) << r.body;
    const json log = r.json();
    std::size_t by_dora = 0;
    for (const auto& e : log["items"]) {
        if (e["user_id"] == dora.id) {
            ++by_dora;
            EXPECT_EQ(e["actor"], "erased account " + std::to_string(dora.id));
            EXPECT_EQ(e["address"], "");
        }
    }
    EXPECT_GE(by_dora, 2u) << "the organisation and the erasure stay, under the id";
}

} // namespace
} // namespace impetus::test
