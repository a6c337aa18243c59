// Accounts over real HTTP with mail delivered through a real SMTP server (the test sink):
// sign-up and the confirmation link, password reset, lockout and the unlock link, session
// cookies and their rotation, CSRF, personal API tokens, the actor in the audit log, the
// download of one's data and erasure.

#include "api_test.hpp"
#include "store/actor.hpp"
#include "support/smtp_sink.hpp"

#include <optional>
#include <regex>

namespace impetus::test {
namespace {

std::unique_ptr<SmtpSink> start_sink() {
    const std::string python = python_with_aiosmtpd();
    if (python.empty()) return nullptr;
    return std::make_unique<SmtpSink>(python);
}

TestServerOptions mail_to(const SmtpSink* sink) {
    TestServerOptions o;
    if (sink) {
        o.app.smtp.url = sink->url();
        o.app.smtp.from = "Impetus <noreply@example.org>";
    }
    o.app.auth.max_failed_logins = 3;
    return o;
}

// The sink outlives the server (bases are destroyed after the class that derives from them),
// so that nothing is still being delivered to it when it stops.
struct WithSink {
    std::unique_ptr<SmtpSink> sink = start_sink();
};

class AccountsApi : public WithSink, public ApiTest {
protected:
    AccountsApi() : ApiTest(mail_to(sink.get())) { http = server.anonymous_client(); }

    void SetUp() override {
        if (!sink) {
            if (std::getenv("CI")) FAIL() << "python3 with aiosmtpd (python3-aiosmtpd) is needed";
            GTEST_SKIP() << "python3 with aiosmtpd is not installed";
        }
    }

    // The token of the link to `path` in the n-th message at the sink (waits for it).
    std::string link_in(std::size_t n, const std::string& path) {
        EXPECT_TRUE(sink->wait_for(n)) << "message " << n << " did not arrive";
        const json m = sink->received(static_cast<int>(n));
        std::smatch match;
        const std::string text = m.is_object() ? m.value("text", "") : "";
        if (!std::regex_search(text, match, std::regex(path + "\\?token=([A-Za-z0-9_-]+)"))) {
            ADD_FAILURE() << "no link to " << path << " in: " << text;
            return {};
        }
        return match[1];
    }

    struct Session {
        std::string cookie; // "impetus_session=..."
        std::string csrf;
        std::string set_cookie;
    };

    Session login(const std::string& email, const std::string& password, int expect = 200) {
        auto r = http.post("/api/v1/auth/login", {{"email", email}, {"password", password}});
        EXPECT_EQ(r.status, expect) << r.body;
        if (r.status != 200) return {};
        const std::string set = r.header("Set-Cookie");
        return {set.substr(0, set.find(';')), r.json()["csrf_token"], set};
    }

    HttpResponse send(const std::string& method, const std::string& target, const Session& s,
                      const json& body = nullptr, bool with_csrf = true) {
        HeaderMap h{{"Cookie", s.cookie}};
        if (with_csrf) h["X-CSRF-Token"] = s.csrf;
        if (body.is_null()) {
            HttpRequest req;
            req.method = method;
            req.target = target;
            req.headers = h;
            return http.send(req);
        }
        h["Content-Type"] = "application/json";
        HttpRequest req;
        req.method = method;
        req.target = target;
        req.headers = h;
        req.body = body.dump();
        return http.send(req);
    }

};

TEST_F(AccountsApi, SignUpConfirmsTheAddressThroughTheMailedLink) {
    auto r = http.post("/api/v1/auth/register", {{"email", "Ana@Example.org"},
                                                 {"password", "a long passphrase"},
                                                 {"display_name", "Ana"}});
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_FALSE(r.json().contains("email")) << "the answer says nothing of the account";
    Session s = login("ana@example.org", "a long passphrase");
    EXPECT_EQ(send("GET", "/api/v1/me", s).json()["email_verified"], false);
    const std::string token = link_in(1, "/account/verify");
    const json mail = sink->received(1);
    EXPECT_EQ(mail["rcpt_tos"], json::array({"ana@example.org"}));
    EXPECT_EQ(mail["subject"], "Confirm your e-mail address for Impetus");
    EXPECT_NE(mail["text"].get<std::string>().find("http://impetus.test/account/verify?token="),
              std::string::npos)
        << "the link points at the server's public URL";

    r = http.post("/api/v1/auth/verify-email", {{"token", token}});
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(send("GET", "/api/v1/me", s).json()["email_verified"], true);
    EXPECT_TRUE(is_problem(http.post("/api/v1/auth/verify-email", {{"token", token}}), 400))
        << "a link works once";
}

TEST_F(AccountsApi, PasswordResetThroughTheRealSmtpServer) {
    ASSERT_EQ(http.post("/api/v1/auth/register",
                        {{"email", "rob@example.org"}, {"password", "the old passphrase"}})
                  .status,
              202);
    Session before = login("rob@example.org", "the old passphrase");
    auto r = http.post("/api/v1/auth/password-reset", {{"email", "ROB@example.org"}});
    EXPECT_EQ(r.status, 202);
    // An unknown address gets the same answer and no mail.
    EXPECT_EQ(http.post("/api/v1/auth/password-reset", {{"email", "nobody@example.org"}}).body,
              r.body);
    const std::string token = link_in(2, "/account/reset");
    EXPECT_EQ(sink->received(2)["subject"], "Reset your Impetus password");

    EXPECT_TRUE(is_problem(http.post("/api/v1/auth/password-reset/confirm",
                                     {{"token", token}, {"password", "short"}}),
                           400));
    r = http.post("/api/v1/auth/password-reset/confirm",
                  {{"token", token}, {"password", "the new passphrase"}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["sessions_ended"], 1);
    EXPECT_TRUE(is_problem(send("GET", "/api/v1/me", before), 401)) << "every session ended";
    login("rob@example.org", "the old passphrase", 401);
    login("rob@example.org", "the new passphrase");
    EXPECT_EQ(sink->received_count(), 2u);
}

TEST_F(AccountsApi, FailedSignInsLockTheAccountUntilTheMailedLinkUnlocksIt) {
    http.post("/api/v1/auth/register", {{"email", "lou@example.org"}, {"password", "a long passphrase"}});
    link_in(1, "/account/verify");
    for (int i = 0; i < 3; ++i) login("lou@example.org", "guess " + std::to_string(i), 401);
    auto r = http.post("/api/v1/auth/login",
                       {{"email", "lou@example.org"}, {"password", "a long passphrase"}});
    EXPECT_TRUE(is_problem(r, 429)) << "locked, even with the right password";
    const std::string token = link_in(2, "/account/unlock");
    EXPECT_EQ(http.post("/api/v1/auth/unlock", {{"token", token}}).status, 204);
    login("lou@example.org", "a long passphrase");
}

TEST_F(AccountsApi, SessionCookiesAreHttpOnlyStrictAndRotated) {
    http.post("/api/v1/auth/register", {{"email", "cam@example.org"}, {"password", "a long passphrase"}});
    Session first = login("cam@example.org", "a long passphrase");
    EXPECT_NE(first.set_cookie.find("HttpOnly"), std::string::npos) << first.set_cookie;
    EXPECT_NE(first.set_cookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_NE(first.set_cookie.find("Path=/"), std::string::npos);
    EXPECT_EQ(first.set_cookie.find("Secure"), std::string::npos) << "plain http here";

    // Signing in again from the same browser replaces the session.
    HttpRequest req;
    req.method = "POST";
    req.target = "/api/v1/auth/login";
    req.headers = {{"Cookie", first.cookie}, {"Content-Type", "application/json"}};
    req.body = json{{"email", "cam@example.org"}, {"password", "a long passphrase"}}.dump();
    auto r = http.send(req);
    ASSERT_EQ(r.status, 200);
    const std::string second = r.header("Set-Cookie").substr(0, r.header("Set-Cookie").find(';'));
    EXPECT_NE(second, first.cookie);
    EXPECT_TRUE(is_problem(send("GET", "/api/v1/me", first), 401));

    Session other = login("cam@example.org", "a long passphrase");
    EXPECT_EQ(send("POST", "/api/v1/auth/logout-everywhere", other).status, 200);
    EXPECT_TRUE(is_problem(send("GET", "/api/v1/me", other), 401));
    EXPECT_TRUE(is_problem(send("GET", "/api/v1/me", Session{second, "", ""}), 401));
}

TEST_F(AccountsApi, CookieWritesNeedTheCsrfToken) {
    http.post("/api/v1/auth/register", {{"email", "cy@example.org"}, {"password", "a long passphrase"}});
    Session s = login("cy@example.org", "a long passphrase");
    const json body{{"name", "script"}, {"scopes", {"read"}}};
    EXPECT_TRUE(is_problem(send("POST", "/api/v1/me/tokens", s, body, false), 403));
    Session forged = s;
    forged.csrf = "not-the-token";
    EXPECT_TRUE(is_problem(send("POST", "/api/v1/me/tokens", forged, body), 403));
    EXPECT_EQ(send("POST", "/api/v1/me/tokens", s, body).status, 201);
    EXPECT_EQ(send("GET", "/api/v1/me/tokens", s, nullptr, false).status, 200)
        << "reads need no CSRF token";
}

TEST_F(AccountsApi, PersonalApiTokensReadOrWriteAsScoped) {
    http.post("/api/v1/auth/register", {{"email", "gis@example.org"}, {"password", "a long passphrase"}});
    Session s = login("gis@example.org", "a long passphrase");
    const std::string reader =
        send("POST", "/api/v1/me/tokens", s, {{"name", "QGIS"}, {"scopes", {"read"}}}).json()["secret"];
    const auto writer_json =
        send("POST", "/api/v1/me/tokens", s, {{"name", "sync"}, {"scopes", {"read", "write"}}}).json();
    const std::string writer = writer_json["secret"];

    auto as = [&](const std::string& token, const std::string& method, const std::string& target) {
        HttpRequest req;
        req.method = method;
        req.target = target;
        req.headers = {{"Authorization", "Bearer " + token}};
        return http.send(req);
    };
    auto r = as(reader, "GET", "/api/v1/me");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["authenticated_by"], "token");
    EXPECT_FALSE(r.json().contains("csrf_token"));
    EXPECT_TRUE(is_problem(as(reader, "POST", "/api/v1/me/verification"), 403));
    EXPECT_EQ(as(writer, "POST", "/api/v1/me/verification").status, 202) << "no CSRF for tokens";
    EXPECT_TRUE(is_problem(as("imp_made_up", "GET", "/api/v1/me"), 401));

    const auto tokens = send("GET", "/api/v1/me/tokens", s).json()["items"];
    ASSERT_EQ(tokens.size(), 2u);
    EXPECT_FALSE(tokens[0].contains("secret")) << "secrets are shown once";
    EXPECT_EQ(send("DELETE", "/api/v1/me/tokens/" + std::to_string(writer_json["id"].get<int>()), s)
                  .status,
              204);
    EXPECT_TRUE(is_problem(as(writer, "GET", "/api/v1/me"), 401)) << "revoked";
}

TEST_F(AccountsApi, ChangesCarryTheirAuthorAndAccountsCanBeExportedAndErased) {
    http.post("/api/v1/auth/register", {{"email", "eve@example.org"}, {"password", "a long passphrase"},
                                        {"display_name", "Eve"}});
    server.client().post("/api/v1/workspaces", workspace_body("lille"));
    const Id eve = server.store().user_by_email("eve@example.org")->id;
    server.store().set_role(eve, server.store().workspace_by_slug("lille")->id, Role::officer);
    Session s = login("eve@example.org", "a long passphrase");
    auto r = send("POST", spaces_path("lille"), s,
                  space_body("Corner shop", point_geometry(3.06, 50.63), "shop"));
    ASSERT_EQ(r.status, 201) << r.body;
    const Id space_id = r.json()["id"];

    AuditQuery q;
    q.entity = "space";
    q.entity_id = space_id;
    const auto log = server.store().audit_log(q, nullptr);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].actor, "eve@example.org");
    EXPECT_EQ(log[0].address, "127.0.0.1");

    r = send("GET", "/api/v1/me/export", s);
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.header("Content-Disposition").find("attachment"), std::string::npos);
    const json data = r.json();
    EXPECT_EQ(data["account"]["display_name"], "Eve");
    bool found = false;
    for (const auto& c : data["changes_made"]) found |= c["entity"] == "space" && c["entity_id"] == space_id;
    EXPECT_TRUE(found) << data.dump(2);

    EXPECT_TRUE(is_problem(send("POST", "/api/v1/me/erase", s, {{"password", "wrong"}}), 400));
    EXPECT_EQ(send("POST", "/api/v1/me/erase", s, {{"password", "a long passphrase"}}).status, 204);
    login("eve@example.org", "a long passphrase", 401);
    EXPECT_EQ(get_space("lille", space_id)["name"], "Corner shop") << "contributions stay";
    const auto after = server.store().user(log[0].user_id.value());
    EXPECT_EQ(after->email, "");
    EXPECT_EQ(after->display_name, "");
}

TEST_F(AccountsApi, BadRequestsAreRefusedClearly) {
    EXPECT_TRUE(is_problem(http.post("/api/v1/auth/register", {{"email", "x@example.org"}}), 400));
    auto r = http.post("/api/v1/auth/register",
                       {{"email", "x@example.org"}, {"password", "long enough pass"}, {"role", "admin"}});
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), std::set<std::string>{"/role"});
    EXPECT_TRUE(is_problem(http.get("/api/v1/me"), 401));
    EXPECT_TRUE(is_problem(http.post("/api/v1/auth/logout", json::object()), 401));
    EXPECT_TRUE(is_problem(http.post("/api/v1/auth/login?remember=1",
                                     {{"email", "x@example.org"}, {"password", "y"}}),
                           400));
}

} // namespace
} // namespace impetus::test
