#pragma once

// Shared by the API tests: a fixture with a running server and a client, builders for request
// bodies, and checks for RFC 9457 problem responses. Everything goes through HTTP.

#include "support/http_client.hpp"
#include "support/test_server.hpp"

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace impetus::test {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Request bodies

inline json point_geometry(double lon, double lat) {
    return json{{"type", "Point"}, {"coordinates", {lon, lat}}};
}

// An axis-aligned square of `size` degrees whose south-west corner is (lon, lat), as a closed,
// counter-clockwise ring (RFC 7946 3.1.6).
inline json square_geometry(double lon, double lat, double size) {
    return json{{"type", "Polygon"},
                {"coordinates",
                 {{{lon, lat},
                   {lon + size, lat},
                   {lon + size, lat + size},
                   {lon, lat + size},
                   {lon, lat}}}}};
}

inline json space_body(const std::string& name, json geometry, const std::string& kind = "building") {
    return json{{"name", name}, {"kind", kind}, {"geometry", std::move(geometry)}};
}

inline json workspace_body(const std::string& slug) {
    return json{{"slug", slug},
                {"name", "Workspace " + slug},
                {"country", "fr"},
                {"languages", {"fr", "en"}},
                {"map_view", {{"lon", 3.06}, {"lat", 50.63}, {"zoom", 12}}}};
}

// ---------------------------------------------------------------------------------------------
// Checks

// Throws (failing the test with the body in the message) unless the response has `status`.
inline const HttpResponse& require_status(const HttpResponse& r, int status,
                                          const std::string& what = {}) {
    if (r.status != status) {
        throw std::runtime_error((what.empty() ? std::string() : what + ": ") + "expected HTTP " +
                                 std::to_string(status) + ", got " + std::to_string(r.status) +
                                 ": " + r.body.substr(0, 1000));
    }
    return r;
}

// An RFC 9457 problem with `status`: the media type, and a body naming the same status.
inline ::testing::AssertionResult is_problem(const HttpResponse& r, int status) {
    if (r.status != status) {
        return ::testing::AssertionFailure() << "expected HTTP " << status << ", got " << r.status
                                             << ": " << r.body.substr(0, 1000);
    }
    if (r.media_type() != "application/problem+json") {
        return ::testing::AssertionFailure()
               << "expected application/problem+json, got '" << r.header("Content-Type") << "'";
    }
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return ::testing::AssertionFailure() << "the problem is not a JSON object: " << r.body;
    }
    if (j.value("status", 0) != status || !j.contains("title") || !j["title"].is_string() ||
        !j.contains("detail") || !j["detail"].is_string()) {
        return ::testing::AssertionFailure()
               << "the problem lacks status " << status << ", title or detail: " << r.body;
    }
    return ::testing::AssertionSuccess();
}

// The JSON pointers (body fields) listed in a problem's `errors`.
inline std::set<std::string> error_pointers(const HttpResponse& r) {
    std::set<std::string> out;
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("errors")) return out;
    for (const auto& e : j["errors"]) {
        if (e.contains("pointer")) out.insert(e["pointer"].get<std::string>());
    }
    return out;
}

// The query parameters listed in a problem's `errors`.
inline std::set<std::string> error_parameters(const HttpResponse& r) {
    std::set<std::string> out;
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("errors")) return out;
    for (const auto& e : j["errors"]) {
        if (e.contains("parameter")) out.insert(e["parameter"].get<std::string>());
    }
    return out;
}

inline std::vector<std::int64_t> ids_of(const json& items) {
    std::vector<std::int64_t> out;
    for (const auto& i : items) out.push_back(i.at("id").get<std::int64_t>());
    return out;
}

inline std::set<std::int64_t> id_set(const json& items) {
    auto v = ids_of(items);
    return {v.begin(), v.end()};
}

// The href of the link with `rel`, or "" when there is none.
inline std::string link_href(const json& links, const std::string& rel) {
    for (const auto& l : links) {
        if (l.value("rel", "") == rel) return l.value("href", "");
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// Fixture

class ApiTest : public ::testing::Test {
protected:
    ApiTest() = default;
    explicit ApiTest(TestServerOptions options) : server(std::move(options)) {}

    static std::string spaces_path(const std::string& ws) {
        return "/api/v1/workspaces/" + ws + "/spaces";
    }
    static std::string space_path(const std::string& ws, std::int64_t id) {
        return spaces_path(ws) + "/" + std::to_string(id);
    }
    static std::string orgs_path(const std::string& ws) {
        return "/api/v1/workspaces/" + ws + "/organisations";
    }

    json create_workspace(const std::string& slug) {
        return require_status(http.post("/api/v1/workspaces", workspace_body(slug)), 201,
                              "create workspace " + slug)
            .json();
    }

    json create_space(const std::string& ws, const json& body) {
        return require_status(http.post(spaces_path(ws), body), 201,
                              "create space " + body.value("name", std::string("?")))
            .json();
    }

    json get_space(const std::string& ws, std::int64_t id) {
        return require_status(http.get(space_path(ws, id)), 200, "get space").json();
    }

    json list(const std::string& target) {
        return require_status(http.get(target), 200, "GET " + target).json();
    }

    // The number of spaces in a workspace, as the list reports it.
    std::int64_t space_count(const std::string& ws) {
        return list(spaces_path(ws) + "?limit=1").at("total").get<std::int64_t>();
    }

    // A person with an account: registered over HTTP, the address confirmed and `role` in
    // `ws` given through the store (as the mailed link and `impetus user set-role` do), then
    // signed in over HTTP.
    struct Account {
        Id id = 0;
        HeaderMap auth; // the session cookie and its CSRF token
    };

    Account add_user(const std::string& email, const std::string& ws, Role role) {
        auto r = people.post("/api/v1/auth/register",
                             {{"email", email}, {"password", "a long passphrase"}});
        EXPECT_EQ(r.status, 202) << r.body;
        const auto user = server.store().user_by_email(email);
        if (!user) throw std::runtime_error("registering " + email + " made no account");
        server.store().set_email_verified(user->id);
        server.store().set_role(user->id, server.store().workspace_by_slug(ws)->id, role);
        return sign_in(email);
    }

    Account sign_in(const std::string& email, const std::string& password = "a long passphrase") {
        auto r = people.post("/api/v1/auth/login", {{"email", email}, {"password", password}});
        require_status(r, 200, "sign in as " + email);
        const std::string cookie =
            r.header("Set-Cookie").substr(0, r.header("Set-Cookie").find(';'));
        return {r.json()["id"].get<Id>(),
                {{"Cookie", cookie}, {"X-CSRF-Token", r.json()["csrf_token"].get<std::string>()}}};
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
        return people.send(req);
    }

    TestServer server;
    HttpClient http = server.client();
    HttpClient people = server.anonymous_client(); // requests that carry their own credentials
};

} // namespace impetus::test
