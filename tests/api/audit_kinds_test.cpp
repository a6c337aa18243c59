// Every kind of change made through the API leaves its entry in the audit log, read back
// through the administrators' audit API: the record (entity and id), the action, who did it
// (e-mail and user id), and the changed fields before and after. Workspaces, organisations,
// spaces (create, update, status transition, import), roles, API tokens, passwords, citizens'
// reports (create, accept, merge, reject) and erasure of an account.

#include "api_test.hpp"

namespace impetus::test {
namespace {

class AuditKinds : public ApiTest {
protected:
    AuditKinds() {
        create_workspace("lille");
        admin_id = list("/api/v1/me")["id"];
    }

    // The entries of the whole instance's log for one record, newest first.
    json entries(const std::string& entity, Id id) {
        return list("/api/v1/audit?limit=1000&entity=" + entity + "&entity_id=" +
                    std::to_string(id))["items"];
    }

    // The newest entry for the record with `action`, or null (the test then fails with the log).
    json entry(const std::string& entity, Id id, const std::string& action) {
        const json all = entries(entity, id);
        for (const auto& e : all) {
            if (e["action"] == action) return e;
        }
        ADD_FAILURE() << "no '" << action << "' entry for " << entity << " " << id << " in "
                      << all.dump(1);
        return json::object();
    }

    void expect_actor(const json& e, const std::string& email, Id user_id) {
        EXPECT_EQ(e.value("actor", ""), email) << e.dump();
        EXPECT_EQ(e.value("user_id", json()), json(user_id)) << e.dump();
        EXPECT_EQ(e.value("address", ""), "127.0.0.1") << e.dump();
    }
    void expect_admin(const json& e) { expect_actor(e, k_admin, admin_id); }

    // An entry of the administrator's that moved a record's status from `from` to `to`.
    void expect_status_change(const json& e, const std::string& from, const std::string& to) {
        expect_admin(e);
        EXPECT_EQ(e["before"]["status"], from) << e.dump();
        EXPECT_EQ(e["after"]["status"], to) << e.dump();
    }

    // A person with an account, signed in with a session (tokens are made only from one).
    struct Person {
        Id id = 0;
        std::string email;
        HeaderMap auth;
    };

    Person sign_up(const std::string& email) {
        auto r = anonymous.post("/api/v1/auth/register",
                                {{"email", email}, {"password", k_password}});
        require_status(r, 202, "register " + email);
        r = require_status(anonymous.post("/api/v1/auth/login",
                                          {{"email", email}, {"password", k_password}}),
                           200, "sign in " + email);
        Person p{r.json()["id"], email, {}};
        // The address confirmed, as the mailed link does: roles go to confirmed addresses only.
        server.store().set_email_verified(p.id);
        const std::string set = r.header("Set-Cookie");
        p.auth = {{"Cookie", set.substr(0, set.find(';'))},
                  {"X-CSRF-Token", r.json()["csrf_token"].get<std::string>()}};
        return p;
    }

    HttpResponse as(const Person& p, const std::string& method, const std::string& target,
                    const json& body = nullptr) {
        HttpRequest req{method, target, p.auth, {}};
        if (!body.is_null()) {
            req.headers["Content-Type"] = "application/json";
            req.body = body.dump();
        }
        return anonymous.send(req);
    }

    std::string form_token() {
        return require_status(anonymous.get("/api/v1/workspaces/lille/reports/form"), 200)
            .json()["form_token"];
    }

    Id report(double lon, double lat) {
        const json body{{"lon", lon}, {"lat", lat},           {"kind", "plot"},
                        {"description", "Fenced for years"},  {"form_token", form_token()}};
        require_status(anonymous.post("/api/v1/workspaces/lille/reports", body), 201, "report");
        return list("/api/v1/workspaces/lille/reports?status=pending")["items"].back()["id"];
    }

    static constexpr const char* k_admin = "admin@impetus.test";
    static constexpr const char* k_password = "a long passphrase";
    HttpClient anonymous = server.anonymous_client();
    Id admin_id = 0;
};

TEST_F(AuditKinds, WorkspaceCreatedAndUpdated) {
    const Id id = create_workspace("roubaix")["id"];
    json e = entry("workspace", id, "create");
    expect_admin(e);
    EXPECT_EQ(e["workspace"], "roubaix");
    EXPECT_TRUE(e["before"].is_null());
    EXPECT_EQ(e["after"]["slug"], "roubaix");
    EXPECT_EQ(e["after"]["name"], "Workspace roubaix");

    require_status(http.patch("/api/v1/workspaces/roubaix", {{"name", "Roubaix"}}), 200);
    e = entry("workspace", id, "update");
    expect_admin(e);
    EXPECT_EQ(e["before"]["name"], "Workspace roubaix");
    EXPECT_EQ(e["after"]["name"], "Roubaix");
    EXPECT_FALSE(e["after"].contains("slug")) << "only what changed: " << e.dump();
    // The workspace's own log holds them too.
    EXPECT_EQ(list("/api/v1/workspaces/roubaix/audit?entity=workspace")["total"], 2);
}

TEST_F(AuditKinds, OrganisationCreatedAndUpdated) {
    auto r = http.post(orgs_path("lille"), {{"name", "Friche collective"}, {"type", "non_profit"}});
    require_status(r, 201, "create organisation");
    const Id id = r.json()["id"];
    json e = entry("organisation", id, "create");
    expect_admin(e);
    EXPECT_EQ(e["workspace"], "lille");
    EXPECT_TRUE(e["before"].is_null());
    EXPECT_EQ(e["after"]["name"], "Friche collective");

    require_status(http.patch(orgs_path("lille") + "/" + std::to_string(id),
                              {{"notes", "meets on Thursdays"}}),
                   200, "update organisation");
    e = entry("organisation", id, "update");
    expect_admin(e);
    EXPECT_EQ(e["before"]["notes"], "");
    EXPECT_EQ(e["after"]["notes"], "meets on Thursdays");
    EXPECT_FALSE(e["after"].contains("name")) << e.dump();
}

TEST_F(AuditKinds, SpaceCreatedUpdatedAndMovedThroughItsLifecycle) {
    const Id id = create_space("lille", space_body("Old dairy", point_geometry(3.06, 50.63)))["id"];
    json e = entry("space", id, "create");
    expect_admin(e);
    EXPECT_TRUE(e["before"].is_null());
    EXPECT_EQ(e["after"]["name"], "Old dairy") << e["after"].dump();

    require_status(http.patch(space_path("lille", id), {{"name", "Former dairy"}}), 200);
    e = entry("space", id, "update");
    expect_admin(e);
    EXPECT_EQ(e["before"]["name"], "Old dairy") << e.dump();
    EXPECT_EQ(e["after"]["name"], "Former dairy") << e.dump();

    require_status(http.post(space_path("lille", id) + "/transitions",
                             {{"to", "verified"}, {"reason", "visited on Monday"}}),
                   200, "transition");
    e = entry("space", id, "transition");
    expect_status_change(e, "reported", "verified");
    EXPECT_EQ(e["after"]["reason"], "visited on Monday");
}

TEST_F(AuditKinds, SpaceImportedFromGeoJson) {
    const json fc{{"type", "FeatureCollection"},
                  {"features",
                   {{{"type", "Feature"},
                     {"id", "g1"},
                     {"geometry", point_geometry(3.07, 50.64)},
                     {"properties", {{"name", "Empty garage"}}}}}}};
    auto r = http.send_body("POST", "/api/v1/workspaces/lille/imports?format=geojson&source=survey",
                            fc.dump(), "application/geo+json");
    require_status(r, 200, "import");
    ASSERT_EQ(r.json()["created"], 1);
    const Id id = list(spaces_path("lille"))["items"][0]["id"];
    json e = entry("space", id, "import");
    expect_admin(e);
    EXPECT_EQ(e["workspace"], "lille");
    EXPECT_TRUE(e["before"].is_null());
    EXPECT_EQ(e["after"]["name"], "Empty garage") << e.dump();

    // A second import that changes the name is an import entry with before and after.
    json changed = fc;
    changed["features"][0]["properties"]["name"] = "Empty garage, north side";
    require_status(http.send_body("POST",
                                  "/api/v1/workspaces/lille/imports?format=geojson&source=survey",
                                  changed.dump(), "application/geo+json"),
                   200, "import again");
    const json all = entries("space", id);
    ASSERT_EQ(all.size(), 2u) << all.dump(1);
    EXPECT_EQ(all[0]["action"], "import");
    EXPECT_EQ(all[0]["before"]["name"], "Empty garage") << all[0].dump();
    EXPECT_EQ(all[0]["after"]["name"], "Empty garage, north side");
}

TEST_F(AuditKinds, RolesGivenChangedAndTakenAway) {
    const Person nina = sign_up("nina@example.org");
    const std::string member = "/api/v1/workspaces/lille/members/" + std::to_string(nina.id);
    require_status(http.send_body("PUT", member, json{{"role", "officer"}}.dump(),
                                  "application/json"),
                   200, "give a role");
    json e = entry("membership", nina.id, "create");
    expect_admin(e);
    EXPECT_EQ(e["workspace"], "lille");
    EXPECT_TRUE(e["before"].is_null());
    EXPECT_EQ(e["after"]["role"], "officer");

    require_status(http.send_body("PUT", member, json{{"role", "admin"}}.dump(),
                                  "application/json"),
                   200, "change the role");
    e = entry("membership", nina.id, "update");
    expect_admin(e);
    EXPECT_EQ(e["before"]["role"], "officer");
    EXPECT_EQ(e["after"]["role"], "admin");

    require_status(http.send_body("DELETE", member, "", ""), 204, "take the role away");
    e = entry("membership", nina.id, "delete");
    expect_admin(e);
    EXPECT_EQ(e["before"]["role"], "admin");
    EXPECT_TRUE(e["after"]["role"].is_null()) << e.dump();
    // Administrators of the workspace see all three in its log.
    EXPECT_EQ(list("/api/v1/workspaces/lille/audit?entity=membership")["total"], 3);
}

TEST_F(AuditKinds, ApiTokensCreatedAndRevokedAndPasswordsChanged) {
    const Person gil = sign_up("gil@example.org");
    auto r = as(gil, "POST", "/api/v1/me/tokens", {{"name", "QGIS"}, {"scopes", {"read"}}});
    require_status(r, 201, "create token");
    const Id token = r.json()["id"];
    json e = entry("api_token", token, "create");
    expect_actor(e, gil.email, gil.id);
    EXPECT_TRUE(e["before"].is_null());
    EXPECT_EQ(e["after"]["name"], "QGIS") << e.dump();
    EXPECT_EQ(e.dump().find(r.json()["secret"].get<std::string>()), std::string::npos)
        << "the secret is never logged";

    require_status(as(gil, "DELETE", "/api/v1/me/tokens/" + std::to_string(token)), 204);
    e = entry("api_token", token, "revoke");
    expect_actor(e, gil.email, gil.id);
    EXPECT_EQ(e["after"]["revoked"], true) << e.dump();

    r = as(gil, "POST", "/api/v1/me/tokens", {{"name", "sync"}, {"scopes", {"read"}}});
    const Id sync = require_status(r, 201, "create token").json()["id"];
    require_status(as(gil, "POST", "/api/v1/me/password",
                      {{"current_password", k_password}, {"password", "another long passphrase"}}),
                   200, "change the password");
    e = entry("user", gil.id, "set_password");
    expect_actor(e, gil.email, gil.id);
    EXPECT_EQ(e["after"]["password"], "changed");
    EXPECT_EQ(e.dump().find("argon2"), std::string::npos) << "no hash in the log";
    // The change revoked the token still live, in the same entry's name.
    e = entry("api_token", sync, "revoke");
    expect_actor(e, gil.email, gil.id);
}

TEST_F(AuditKinds, ReportsCreatedAcceptedMergedAndRejected) {
    const Id mill = create_space("lille", space_body("Old mill", point_geometry(3.06, 50.63)))["id"];
    const Id first = report(3.0601, 50.6301);
    json e = entry("report", first, "create");
    EXPECT_EQ(e["actor"], "anonymous") << "reports come from the public";
    EXPECT_TRUE(e["user_id"].is_null());
    EXPECT_EQ(e["after"]["status"], "pending");
    const Id second = report(3.07, 50.64);
    const Id third = report(3.08, 50.65);
    const std::string reports = "/api/v1/workspaces/lille/reports/";

    auto r = http.post(reports + std::to_string(first) + "/accept", {{"name", "Fenced plot"}});
    require_status(r, 201, "accept");
    const Id space = r.json()["id"];
    e = entry("report", first, "accepted");
    expect_status_change(e, "pending", "accepted");
    EXPECT_EQ(e["after"]["space_id"], space);
    e = entry("space", space, "create");
    expect_admin(e);
    EXPECT_EQ(e["after"]["name"], "Fenced plot") << e.dump();

    require_status(http.post(reports + std::to_string(second) + "/merge",
                             {{"space_id", mill}, {"reason", "the mill's yard"}}),
                   200, "merge");
    e = entry("report", second, "merged");
    expect_status_change(e, "pending", "merged");
    EXPECT_EQ(e["after"]["space_id"], mill);
    EXPECT_EQ(e["after"]["decision_reason"], "the mill's yard");

    require_status(http.post(reports + std::to_string(third) + "/reject",
                             {{"reason", "a car park, in use"}}),
                   200, "reject");
    e = entry("report", third, "rejected");
    expect_status_change(e, "pending", "rejected");
    EXPECT_EQ(e["after"]["decision_reason"], "a car park, in use");
}

TEST_F(AuditKinds, AnAccountErasedByItsOwner) {
    const Person eve = sign_up("eve@example.org");
    require_status(as(eve, "POST", "/api/v1/me/erase", {{"password", k_password}}), 204, "erase");
    const json e = entry("user", eve.id, "erase");
    EXPECT_EQ(e["user_id"], eve.id);
    EXPECT_TRUE(e["before"].is_null()) << "the erased data is not kept in the log: " << e.dump();
    EXPECT_EQ(e["after"]["erased"], true);
}

} // namespace
} // namespace impetus::test
