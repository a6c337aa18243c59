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

    struct Account {
        Id id = 0;
        HeaderMap auth;
    };

    Account add_user(const std::string& email, const std::string& ws, Role role) {
        auto r = anonymous.post("/api/v1/auth/register",
                                {{"email", email}, {"password", "a long passphrase"}});
        EXPECT_EQ(r.status, 201) << r.body;
        const Id id = r.json()["id"];
        server.store().set_role(id, server.store().workspace_by_slug(ws)->id, role);
        r = anonymous.post("/api/v1/auth/login",
                           {{"email", email}, {"password", "a long passphrase"}});
        const std::string cookie = r.header("Set-Cookie").substr(0, r.header("Set-Cookie").find(';'));
        return {id, {{"Cookie", cookie}, {"X-CSRF-Token", r.json()["csrf_token"].get<std::string>()}}};
    }

    HttpResponse as(const Account& a, const std::string& method, const std::string& target,
                    const json& body = nullptr) {
        HttpRequest req;
        req.method = method;
        req.target = target;
        req.headers = a.auth;
        if (!body.is_null()) {
            req.headers["Content-Type"] = "application/json";
            req.body = body.dump();
        }
        return anonymous.send(req);
    }

    HttpClient anonymous = server.anonymous_client();
    Account ana, olga, bob;
};

TEST_F(AdminApi, WorkspaceAdministratorsManageRoles) {
    auto r = as(ana, "GET", "/api/v1/workspaces/lille/members");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["items"].size(), 2u);
    r = as(ana, "PUT", "/api/v1/workspaces/lille/members/" + std::to_string(bob.id),
           {{"role", "citizen"}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(as(ana, "GET", "/api/v1/workspaces/lille/members").json()["items"].size(), 3u);
    EXPECT_EQ(as(ana, "DELETE", "/api/v1/workspaces/lille/members/" + std::to_string(bob.id)).status,
              204);

    // Officers, other workspaces' administrators and anonymous visitors may not.
    EXPECT_TRUE(is_problem(as(olga, "GET", "/api/v1/workspaces/lille/members"), 403));
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
    for (const auto& e : r.json()["items"]) EXPECT_EQ(e["workspace"], "lille") << e.dump();
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

} // namespace
} // namespace impetus::test
