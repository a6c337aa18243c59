// Who may call what: every route of the server, called by every kind of person (anonymous, each
// role in the workspace, an officer of another workspace, an instance administrator), is
// refused or let through exactly as the route's declared Access says; and nothing of one
// workspace can be read or changed through another's URLs.

#include "api_test.hpp"
#include "auth/secrets.hpp"
#include "http/router.hpp"

#include <map>
#include <regex>

namespace impetus::test {
namespace {

struct Caller {
    std::string name;
    std::string token;                 // empty: anonymous
    std::optional<Role> role_in_lille;
    bool other_workspace_officer = false;
    bool instance_admin = false;
};

class Permissions : public ApiTest {
protected:
    Permissions() {
        create_workspace("lille");
        create_workspace("roubaix");
        lille_space = create_space("lille", space_body("Old mill", point_geometry(3.06, 50.63)))["id"];
        roubaix_space =
            create_space("roubaix", space_body("Depot", point_geometry(3.17, 50.69)))["id"];
        lille_org = require_status(http.post(orgs_path("lille"),
                                             {{"name", "City"}, {"type", "public_authority"}}),
                                   201)
                        .json()["id"];
        roubaix_org = require_status(http.post(orgs_path("roubaix"),
                                               {{"name", "Town"}, {"type", "public_authority"}}),
                                     201)
                          .json()["id"];
        callers.push_back({"anonymous", "", std::nullopt});
        for (Role r : {Role::citizen, Role::applicant, Role::owner, Role::officer, Role::admin}) {
            callers.push_back({std::string(enum_name(r)), make_token(std::string(enum_name(r)), "lille", r), r});
        }
        callers.push_back({"roubaix officer", make_token("other", "roubaix", Role::officer),
                           std::nullopt, true});
        callers.push_back({"instance admin", server.admin_token(), std::nullopt, false, true});
        // The member the /members/{id} routes change (and remove): nobody who calls.
        Store& st = server.store();
        bystander = st.create_user("bystander@example.org", "", "", false).id;
        st.set_role(bystander, st.workspace_by_slug("lille")->id, Role::citizen);
    }

    // An account with `role` in `ws` and a read-write API token; returns the token.
    std::string make_token(const std::string& name, const std::string& ws, Role role) {
        Store& st = server.store();
        const User u = st.create_user(name + "@example.org", name, "", false);
        st.set_role(u.id, st.workspace_by_slug(ws)->id, role);
        const std::string secret = "imp_matrix_" + name;
        st.create_api_token(u.id, "matrix", auth::sha256_hex(secret), {"read", "write"});
        return secret;
    }

    // The route's pattern with real ids of the lille workspace.
    std::string concrete(const std::string& pattern) const {
        std::string out = pattern;
        auto put = [&](const std::string& param, const std::string& value) {
            for (std::size_t p; (p = out.find(param)) != std::string::npos;) {
                out.replace(p, param.size(), value);
            }
        };
        put("{workspace}", "lille");
        put("{collectionId}", "spaces");
        put("{featureId}", std::to_string(lille_space));
        if (out.find("/organisations/{id}") != std::string::npos) {
            put("{id}", std::to_string(lille_org));
            put("{user}", std::to_string(bystander));
        } else if (out.find("/members/{id}") != std::string::npos) {
            put("{id}", std::to_string(bystander));
        } else if (out.find("/spaces/{id}") != std::string::npos) {
            put("{id}", std::to_string(lille_space));
        } else {
            put("{id}", "999999"); // jobs, tokens: none there, a 404 when allowed
        }
        return out;
    }

    bool allowed(const http::Route& r, const Caller& c) const {
        switch (r.access) {
        case http::Access::anyone: return true;
        case http::Access::signed_in: return !c.token.empty();
        case http::Access::instance_admin: return c.instance_admin;
        case http::Access::workspace_admin: return c.instance_admin || c.role_in_lille == Role::admin;
        case http::Access::staff: {
            if (c.instance_admin) return true;
            const bool workspace_route = r.pattern.find("{workspace}") != std::string::npos;
            const bool lille_staff = c.role_in_lille == Role::officer || c.role_in_lille == Role::admin;
            return workspace_route ? lille_staff : lille_staff || c.other_workspace_officer;
        }
        }
        return false;
    }

    HttpResponse call(const http::Route& r, const Caller& c) {
        HttpRequest req;
        req.method = r.method;
        req.target = concrete(r.pattern);
        if (!c.token.empty()) req.headers["Authorization"] = "Bearer " + c.token;
        if (r.method != "GET") {
            req.headers["Content-Type"] = "application/json";
            req.body = "{}"; // an empty object: refused by validation when the call is allowed
        }
        return anonymous.send(req);
    }

    HttpClient anonymous = server.anonymous_client();
    std::vector<Caller> callers;
    Id lille_space = 0, roubaix_space = 0, lille_org = 0, roubaix_org = 0, bystander = 0;
};

TEST_F(Permissions, EveryRouteRefusesOrAllowsEveryCallerAsDeclared) {
    // Signing out everywhere revokes the caller's API tokens too: that route goes last.
    std::vector<const http::Route*> routes;
    for (const auto& r : server.app().router().routes()) {
        if (r.operation_id != "logoutEverywhere") routes.push_back(&r);
    }
    for (const auto& r : server.app().router().routes()) {
        if (r.operation_id == "logoutEverywhere") routes.push_back(&r);
    }
    ASSERT_GT(routes.size(), 50u);
    std::size_t checked = 0;
    for (const http::Route* route : routes) {
        const http::Route& r = *route;
        for (const auto& c : callers) {
            SCOPED_TRACE(r.method + " " + r.pattern + " as " + c.name);
            const auto resp = call(r, c);
            ++checked;
            // The callers here hold API tokens, and tokens never make tokens (only a signed-in
            // person does): a rule of the route on top of its Access.
            if (r.operation_id == "createToken" && !c.token.empty()) {
                EXPECT_EQ(resp.status, 403) << resp.body;
                continue;
            }
            if (allowed(r, c)) {
                EXPECT_NE(resp.status, 401) << resp.body;
                EXPECT_NE(resp.status, 403) << resp.body;
                EXPECT_LT(resp.status, 500) << resp.body;
            } else {
                EXPECT_EQ(resp.status, c.token.empty() ? 401 : 403) << resp.body;
                EXPECT_EQ(resp.media_type(), "application/problem+json");
            }
        }
    }
    EXPECT_EQ(checked, routes.size() * callers.size());
    // Nothing the callers were refused changed anything: the space is as it was.
    EXPECT_EQ(get_space("lille", lille_space)["version"], 1);
}

TEST_F(Permissions, AWorkspacesRecordsCannotBeReachedThroughAnotherWorkspace) {
    // Roubaix's space and organisation, asked for through Lille's URLs, even by an instance
    // administrator: not found.
    const std::string sp = space_path("lille", roubaix_space);
    EXPECT_TRUE(is_problem(http.get(sp), 404));
    EXPECT_TRUE(is_problem(http.get(sp + "/history"), 404));
    EXPECT_TRUE(is_problem(http.patch(sp, {{"notes", "x"}}), 404));
    EXPECT_TRUE(is_problem(http.post(sp + "/transitions", {{"to", "verified"}, {"reason", "x"}}), 404));
    const std::string org = orgs_path("lille") + "/" + std::to_string(roubaix_org);
    EXPECT_TRUE(is_problem(http.get(org), 404));
    EXPECT_TRUE(is_problem(http.patch(org, {{"notes", "x"}}), 404));
    EXPECT_EQ(list(spaces_path("lille") + "?id=" + std::to_string(roubaix_space))["items"].size(), 0u);
    auto audit = list("/api/v1/workspaces/lille/audit?entity=space&entity_id=" +
                      std::to_string(roubaix_space));
    EXPECT_EQ(audit["total"], 0);
    EXPECT_EQ(get_space("roubaix", roubaix_space)["version"], 1);

    // Roubaix's officer can change nothing in Lille.
    HeaderMap other{{"Authorization", "Bearer " + callers[6].token}};
    EXPECT_TRUE(is_problem(anonymous.patch(space_path("lille", lille_space), {{"notes", "x"}}, other), 403));
    EXPECT_TRUE(is_problem(anonymous.post(spaces_path("lille"),
                                          space_body("Mine", point_geometry(3.06, 50.63)), other),
                           403));
    EXPECT_EQ(anonymous.patch(space_path("roubaix", roubaix_space), {{"notes", "ok"}}, other).status,
              200);
}

TEST_F(Permissions, ThePublicDoesNotSeeInternalNotesOrContacts) {
    require_status(http.patch(space_path("lille", lille_space), {{"notes", "key under the mat"}}), 200);
    require_status(http.patch(orgs_path("lille") + "/" + std::to_string(lille_org),
                              {{"contact", {{"email", "mayor@example.org"}}}, {"notes", "ask Tom"}}),
                   200);
    for (const std::string target :
         {space_path("lille", lille_space), spaces_path("lille"), std::string("/api/v1/spaces"),
          spaces_path("lille") + ".geojson", spaces_path("lille") + ".csv",
          std::string("/ogc/collections/spaces/items"),
          "/ogc/collections/spaces/items/" + std::to_string(lille_space),
          orgs_path("lille"), orgs_path("lille") + "/" + std::to_string(lille_org)}) {
        SCOPED_TRACE(target);
        const auto pub = anonymous.get(target);
        ASSERT_EQ(pub.status, 200) << pub.body;
        EXPECT_EQ(pub.body.find("key under the mat"), std::string::npos);
        EXPECT_EQ(pub.body.find("mayor@example.org"), std::string::npos);
        EXPECT_EQ(pub.body.find("ask Tom"), std::string::npos);
        // A citizen of the workspace sees what the public sees.
        HeaderMap citizen{{"Authorization", "Bearer " + callers[1].token}};
        EXPECT_EQ(anonymous.get(target, citizen).body.find("key under the mat"), std::string::npos);
    }
    // Officers do see them.
    HeaderMap officer{{"Authorization", "Bearer " + callers[4].token}};
    EXPECT_NE(anonymous.get(space_path("lille", lille_space), officer).body.find("key under the mat"),
              std::string::npos);
    EXPECT_NE(anonymous.get(orgs_path("lille"), officer).body.find("mayor@example.org"),
              std::string::npos);
}

} // namespace
} // namespace impetus::test
