// Accounts against abuse, over real HTTP: links in mails only to the configured public URL,
// whatever Host a request names, and no account mail without one; registration that tells
// nobody which addresses have accounts; unconfirmed addresses trusted with nothing; personal
// API tokens ended with a reset or changed password and with "sign out everywhere"; limits on
// the requests that send mail, per client and per recipient; a bound on password hashing.
//
// No SMTP server here: mails stay in the store's outbox, where the tests read them.

#include "api_test.hpp"
#include "auth/passwords.hpp"

#include <atomic>
#include <regex>
#include <thread>

namespace impetus::test {
namespace {

constexpr const char* k_password = "a long passphrase";

class AccountSecurity : public ApiTest {
protected:
    AccountSecurity() = default;
    explicit AccountSecurity(TestServerOptions options) : ApiTest(std::move(options)) {}

    // The mails waiting for `to`, oldest first.
    std::vector<OutgoingMail> mails_to(const std::string& to) {
        std::vector<OutgoingMail> out;
        for (auto& m : server.store().pending_mail(10000)) {
            if (m.to == to) out.push_back(std::move(m));
        }
        return out;
    }

    // The token of the link to `path` in the last mail to `to`.
    std::string link_token(const std::string& to, const std::string& path) {
        const auto mails = mails_to(to);
        std::smatch m;
        if (mails.empty() ||
            !std::regex_search(mails.back().text, m,
                               std::regex(path + "\\?token=([A-Za-z0-9_-]+)"))) {
            ADD_FAILURE() << "no mail to " << to << " with a link to " << path;
            return {};
        }
        return m[1];
    }

    HttpResponse register_as(const std::string& email, const std::string& password = k_password,
                             HeaderMap headers = {}) {
        return people.post("/api/v1/auth/register", {{"email", email}, {"password", password}},
                           std::move(headers));
    }

    // A verified account made as `impetus user create` makes it, for tests about what comes
    // after registration.
    Id verified_account(const std::string& email) {
        const User u = server.store().create_user(
            email, "", auth::hash_password(k_password, auth::PasswordParams{1024, 1, 1}), false);
        server.store().set_email_verified(u.id);
        return u.id;
    }

    std::string create_token(const Account& who, const std::string& name) {
        auto r = as(who, "POST", "/api/v1/me/tokens", {{"name", name}, {"scopes", {"read"}}});
        return require_status(r, 201, "create token " + name).json()["secret"];
    }

    int status_with_token(const std::string& secret) {
        return people.get("/api/v1/me", {{"Authorization", "Bearer " + secret}}).status;
    }
};

// --- the public URL

TEST_F(AccountSecurity, MailLinksGoToThePublicUrlWhateverHostTheRequestNames) {
    const HeaderMap evil{{"Host", "evil.example"}};
    require_status(register_as("ana@example.org", k_password, evil), 202, "register");
    require_status(people.post("/api/v1/auth/password-reset", {{"email", "ana@example.org"}}, evil),
                   202, "reset");
    const auto mails = mails_to("ana@example.org");
    ASSERT_EQ(mails.size(), 2u);
    for (const auto& m : mails) {
        EXPECT_EQ(m.text.find("evil.example"), std::string::npos) << m.text;
    }
    EXPECT_NE(mails[0].text.find("http://impetus.test/account/verify?token="), std::string::npos)
        << mails[0].text;
    EXPECT_NE(mails[1].text.find("http://impetus.test/account/reset?token="), std::string::npos)
        << mails[1].text;
}

class WithoutPublicUrl : public AccountSecurity {
protected:
    WithoutPublicUrl()
        : AccountSecurity([] {
              TestServerOptions o;
              o.app.auth.public_url.clear();
              o.app.auth.max_failed_logins = 3;
              return o;
          }()) {}
};

TEST_F(WithoutPublicUrl, AccountMailsAreRefusedAndNothingIsQueued) {
    auto r = register_as("ana@example.org");
    ASSERT_TRUE(is_problem(r, 503));
    EXPECT_NE(r.json()["detail"].get<std::string>().find("no public URL"), std::string::npos)
        << r.body;
    EXPECT_FALSE(server.store().user_by_email("ana@example.org")) << "no account made";

    verified_account("bea@example.org");
    EXPECT_TRUE(is_problem(
        people.post("/api/v1/auth/password-reset", {{"email", "bea@example.org"}}), 503));
    EXPECT_TRUE(is_problem(
        people.post("/api/v1/auth/password-reset", {{"email", "nobody@example.org"}}), 503))
        << "the same refusal for an address without an account";
    const Account bea = sign_in("bea@example.org");
    EXPECT_TRUE(is_problem(as(bea, "POST", "/api/v1/me/verification"), 503));

    // Failed sign-ins still lock the account; the unlock mail is simply not written.
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(is_problem(people.post("/api/v1/auth/login", {{"email", "bea@example.org"},
                                                                  {"password", "wrong guess"}}),
                               401));
    }
    EXPECT_TRUE(is_problem(people.post("/api/v1/auth/login",
                                       {{"email", "bea@example.org"}, {"password", k_password}}),
                           429));
    EXPECT_TRUE(server.store().pending_mail(100).empty());
}

// --- registration and unconfirmed addresses

TEST_F(AccountSecurity, RegistrationAnswersAlikeForNewAndTakenAddresses) {
    const auto first = register_as("ana@example.org", "the first passphrase");
    const auto again = register_as("Ana@example.org", "someone else's passphrase");
    ASSERT_EQ(first.status, 202) << first.body;
    EXPECT_EQ(again.status, first.status);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("Content-Type"), first.header("Content-Type"));

    // The account is untouched; its owner hears of the attempt.
    sign_in("ana@example.org", "the first passphrase");
    EXPECT_TRUE(is_problem(people.post("/api/v1/auth/login",
                                       {{"email", "ana@example.org"},
                                        {"password", "someone else's passphrase"}}),
                           401));
    const auto mails = mails_to("ana@example.org");
    ASSERT_EQ(mails.size(), 2u);
    EXPECT_EQ(mails[0].subject, "Confirm your e-mail address for Impetus");
    EXPECT_EQ(mails[1].subject, "Someone tried to create an Impetus account with your address");
    EXPECT_NE(mails[1].text.find("http://impetus.test/login"), std::string::npos) << mails[1].text;
    EXPECT_NE(mails[1].text.find("http://impetus.test/account/forgot"), std::string::npos);
    EXPECT_EQ(mails[1].text.find("token="), std::string::npos);
}

TEST_F(AccountSecurity, AnUnconfirmedAddressGetsNoOrganisationRoleOrPlaceOnAJury) {
    create_workspace("lille");
    const Account ana = add_user("ana@example.org", "lille", Role::admin);
    const Account olga = add_user("olga@example.org", "lille", Role::officer);
    // Mallory registers Vera's address: she can sign in, but never confirms it.
    require_status(register_as("vera@example.org"), 202, "register");
    const Account mallory = sign_in("vera@example.org");

    const Id coop = require_status(as(olga, "POST", orgs_path("lille"),
                                      {{"name", "Friches Coop"}, {"type", "cooperative"},
                                       {"contact", {{"email", "hello@coop.example"}}}}),
                                   201)
                        .json()["id"];
    const std::string org_members = orgs_path("lille") + "/" + std::to_string(coop) + "/members";
    const auto unknown = as(olga, "POST", org_members,
                            {{"email", "nobody@example.org"}, {"role", "applicant"}});
    ASSERT_TRUE(is_problem(unknown, 404));
    auto r = as(olga, "POST", org_members, {{"email", "vera@example.org"}, {"role", "applicant"}});
    EXPECT_TRUE(is_problem(r, 404));
    EXPECT_EQ(r.json()["detail"], unknown.json()["detail"]) << "unconfirmed and unknown alike";
    EXPECT_EQ(r.json()["detail"], "no verified account has this e-mail address");

    r = as(ana, "POST", "/api/v1/workspaces/lille/members",
           {{"email", "vera@example.org"}, {"role", "officer"}});
    EXPECT_TRUE(is_problem(r, 404));
    EXPECT_EQ(r.json()["detail"], unknown.json()["detail"]);
    EXPECT_TRUE(is_problem(as(ana, "PUT", "/api/v1/workspaces/lille/members/" +
                                              std::to_string(mallory.id),
                              {{"role", "officer"}}),
                           404));

    const Id hall = create_space("lille", space_body("Hall", point_geometry(3.06, 50.63)))["id"];
    const json call{{"title", "Meanwhile 2027"},
                    {"spaces", {{{"space_id", hall},
                                 {"available_from", "2027-01-01"},
                                 {"available_to", "2028-01-01"}}}}};
    for (const json& juror : {json("vera@example.org"), json(mallory.id)}) {
        json body = call;
        body["evaluators"] = {juror};
        r = as(olga, "POST", "/api/v1/workspaces/lille/calls", body);
        EXPECT_TRUE(is_problem(r, 400)) << juror;
        EXPECT_TRUE(error_pointers(r).contains("/evaluators/0")) << r.body;
    }
    EXPECT_EQ(as(mallory, "GET", "/api/v1/me").json()["roles"].size(), 0u);
    EXPECT_FALSE(as(mallory, "GET", orgs_path("lille") + "/" + std::to_string(coop))
                     .json()
                     .contains("contact"));

    // Once the mailbox's owner confirms the address, the account is trusted.
    require_status(people.post("/api/v1/auth/verify-email",
                               {{"token", link_token("vera@example.org", "/account/verify")}}),
                   204, "confirm");
    EXPECT_EQ(as(olga, "POST", org_members, {{"email", "vera@example.org"}, {"role", "applicant"}})
                  .status,
              201);
}

// --- personal API tokens end with the password

TEST_F(AccountSecurity, AResetPasswordRevokesEverySessionAndApiToken) {
    create_workspace("lille");
    const Account gil = add_user("gil@example.org", "lille", Role::officer);
    const std::string qgis = create_token(gil, "QGIS");
    const std::string sync = create_token(gil, "sync");
    ASSERT_EQ(status_with_token(qgis), 200);

    require_status(people.post("/api/v1/auth/password-reset", {{"email", "gil@example.org"}}), 202,
                   "ask");
    auto r = people.post("/api/v1/auth/password-reset/confirm",
                         {{"token", link_token("gil@example.org", "/account/reset")},
                          {"password", "a brand new passphrase"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), json({{"sessions_ended", 1}, {"tokens_revoked", 2}}));
    EXPECT_EQ(status_with_token(qgis), 401);
    EXPECT_EQ(status_with_token(sync), 401);
    EXPECT_TRUE(is_problem(as(gil, "GET", "/api/v1/me"), 401));
}

TEST_F(AccountSecurity, AChangedPasswordRevokesTheApiTokensUnlessTheyAreKept) {
    create_workspace("lille");
    Account gil = add_user("gil@example.org", "lille", Role::officer);
    const std::string qgis = create_token(gil, "QGIS");

    auto r = as(gil, "POST", "/api/v1/me/password",
                {{"current_password", k_password}, {"password", "a second passphrase"},
                 {"revoke_tokens", "yes"}});
    EXPECT_TRUE(is_problem(r, 400));
    EXPECT_EQ(error_pointers(r), std::set<std::string>{"/revoke_tokens"});

    r = as(gil, "POST", "/api/v1/me/password",
           {{"current_password", k_password}, {"password", "a second passphrase"},
            {"revoke_tokens", false}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), json({{"sessions_ended", 1}, {"tokens_revoked", 0}}));
    EXPECT_EQ(status_with_token(qgis), 200) << "kept on request";

    gil = sign_in("gil@example.org", "a second passphrase");
    r = as(gil, "POST", "/api/v1/me/password",
           {{"current_password", "a second passphrase"}, {"password", "a third passphrase"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["tokens_revoked"], 1) << "revoked unless kept";
    EXPECT_EQ(status_with_token(qgis), 401);
}

TEST_F(AccountSecurity, SigningOutEverywhereRevokesTheApiTokens) {
    create_workspace("lille");
    const Account gil = add_user("gil@example.org", "lille", Role::officer);
    const Account other_device = sign_in("gil@example.org");
    const std::string qgis = create_token(gil, "QGIS");
    auto r = as(gil, "POST", "/api/v1/auth/logout-everywhere");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), json({{"sessions_ended", 2}, {"tokens_revoked", 1}}));
    EXPECT_NE(r.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(status_with_token(qgis), 401);
    EXPECT_TRUE(is_problem(as(other_device, "GET", "/api/v1/me"), 401));
    const Account back = sign_in("gil@example.org");
    const json tokens = as(back, "GET", "/api/v1/me/tokens").json()["items"];
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_TRUE(tokens[0]["revoked_at"].is_string()) << tokens.dump();
}

// --- limits on requests that send mail

TEST_F(AccountSecurity, ResetRequestsAreLimitedPerRecipientSilentlyAndPerClientOpenly) {
    require_status(register_as("ana@example.org"), 202, "register"); // the first mail to Ana
    const auto first = people.post("/api/v1/auth/password-reset", {{"email", "ana@example.org"}});
    ASSERT_EQ(first.status, 202);
    for (int i = 1; i < 20; ++i) {
        const auto r = people.post("/api/v1/auth/password-reset", {{"email", "ana@example.org"}});
        EXPECT_EQ(r.status, 202);
        EXPECT_EQ(r.body, first.body) << "the same answer when no mail goes out";
    }
    EXPECT_EQ(mails_to("ana@example.org").size(), 3u) << "three account mails an hour to one address";

    const auto refused = people.post("/api/v1/auth/password-reset", {{"email", "bob@example.org"}});
    ASSERT_TRUE(is_problem(refused, 429)) << "the client's twenty-first request";
    const int wait = std::stoi(refused.header("Retry-After"));
    EXPECT_GT(wait, 0);
    EXPECT_LE(wait, 3600);
}

TEST_F(AccountSecurity, SignUpsAreLimitedPerClient) {
    for (int i = 0; i < 20; ++i) {
        require_status(register_as("person" + std::to_string(i) + "@example.org"), 202,
                       "sign-up " + std::to_string(i));
    }
    const auto refused = register_as("one.more@example.org");
    ASSERT_TRUE(is_problem(refused, 429));
    EXPECT_GT(std::stoi(refused.header("Retry-After")), 0);
    EXPECT_FALSE(server.store().user_by_email("one.more@example.org"));
    EXPECT_EQ(server.store().pending_mail(100).size(), 20u);
}

// --- password hashing does not take the whole server

class BoundedHashing : public AccountSecurity {
protected:
    // One hash at a time and no wait; hashes costly enough to overlap.
    BoundedHashing()
        : AccountSecurity([] {
              TestServerOptions o;
              o.app.auth.password = auth::PasswordParams{16 * 1024, 2, 1};
              o.app.auth.max_concurrent_hashes = 1;
              o.app.auth.hash_wait = std::chrono::milliseconds(0);
              return o;
          }()) {}
};

TEST_F(BoundedHashing, HashesBeyondTheBoundAreRefusedWithRetryAfterAndOtherRequestsGoOn) {
    create_workspace("lille");
    verified_account("ana@example.org");
    std::atomic<int> busy = 0;
    std::atomic<int> failures = 0;
    // Rounds of six simultaneous sign-ins until one finds the hashing busy.
    for (int round = 0; round < 50 && busy == 0; ++round) {
        std::vector<std::thread> clients;
        for (int i = 0; i < 6; ++i) {
            clients.emplace_back([&] {
                const auto r = people.post("/api/v1/auth/login",
                                           {{"email", "ana@example.org"}, {"password", k_password}});
                if (r.status == 503 && is_problem(r, 503) && std::stoi(r.header("Retry-After")) > 0) {
                    ++busy;
                } else if (r.status != 200) {
                    ++failures;
                }
            });
        }
        // Requests that hash nothing are answered meanwhile.
        EXPECT_EQ(people.get("/api/v1/workspaces/lille").status, 200);
        for (auto& c : clients) c.join();
    }
    EXPECT_GT(busy, 0) << "six sign-ins at once against one hashing slot";
    EXPECT_EQ(failures, 0) << "every answer is a session or a 503 with Retry-After";
}

} // namespace
} // namespace impetus::test
