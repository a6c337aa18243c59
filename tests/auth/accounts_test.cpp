// Accounts: Argon2id hashes that record their parameters, sign-in with lockout and per-address
// limits, sessions and tokens stored as hashes only, e-mail links through the outbox.

#include "auth/accounts.hpp"
#include "auth/secrets.hpp"
#include "core/error.hpp"
#include "support/store_fixture.hpp"

#include <regex>

namespace impetus::test {
namespace {

using namespace impetus::auth;

AuthSettings fast_settings() {
    AuthSettings s;
    s.password = PasswordParams{1024, 1, 1}; // small for tests; production default is 64 MiB
    s.max_failed_logins = 3;
    s.max_attempts_per_address = 5;
    s.public_url = "https://impetus.example";
    return s;
}

class Accounts : public StoreTest {
protected:
    AccountService accounts{*store, fast_settings()};

    // The token in the last mail's link to `path`.
    std::string link_token(const std::string& path) {
        auto mails = store->pending_mail(100);
        for (auto it = mails.rbegin(); it != mails.rend(); ++it) {
            std::smatch m;
            const std::regex re("https://impetus\\.example" + path + "\\?token=([A-Za-z0-9_-]+)");
            if (std::regex_search(it->text, m, re)) return m[1];
        }
        ADD_FAILURE() << "no mail with a link to " << path;
        return {};
    }

    ErrorKind kind_of(const std::function<void()>& f) {
        try {
            f();
        } catch (const Error& e) {
            return e.kind();
        }
        ADD_FAILURE() << "no error";
        return ErrorKind::internal;
    }
};

TEST(Passwords, Argon2idRecordsItsParametersAndVerifies) {
    const PasswordParams weak{1024, 1, 1};
    const std::string h = hash_password("correct horse battery", weak);
    EXPECT_EQ(h.rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0u) << h;
    EXPECT_TRUE(verify_password("correct horse battery", h));
    EXPECT_FALSE(verify_password("correct horse batterY", h));
    EXPECT_NE(hash_password("correct horse battery", weak), h) << "salted";
    EXPECT_FALSE(needs_rehash(h, weak));
    EXPECT_TRUE(needs_rehash(h, PasswordParams{}));
    EXPECT_FALSE(verify_password("x", "not a hash"));
}

TEST(Secrets, TokensAreRandomAndHashesStable) {
    EXPECT_NE(random_token(), random_token());
    EXPECT_EQ(random_token(32).size(), 43u);
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "ab"));
}

TEST_F(Accounts, RegistrationMailsAVerificationLink) {
    User u = accounts.register_user("New@Example.org", "long enough pass", "Nina");
    EXPECT_EQ(u.email, "new@example.org");
    EXPECT_TRUE(store->user(u.id)->email_verified_at.empty());
    const std::string token = link_token("/account/verify");
    accounts.verify_email(token);
    EXPECT_FALSE(store->user(u.id)->email_verified_at.empty());
    EXPECT_EQ(kind_of([&] { accounts.verify_email(token); }), ErrorKind::invalid_input)
        << "a link works once";
    EXPECT_NE(store->password_hash(u.id).find("$argon2id$"), std::string::npos)
        << "only the hash is stored";
}

TEST_F(Accounts, RegistrationRefusesBadInput) {
    EXPECT_EQ(kind_of([&] { accounts.register_user("not-an-address", "long enough pass", ""); }),
              ErrorKind::invalid_input);
    EXPECT_EQ(kind_of([&] { accounts.register_user("a@example.org", "short", ""); }),
              ErrorKind::invalid_input);
    accounts.register_user("a@example.org", "long enough pass", "");
    EXPECT_EQ(kind_of([&] { accounts.register_user("A@example.org", "long enough pass", ""); }),
              ErrorKind::conflict);
}

TEST_F(Accounts, SignInGivesASessionOnlyItsHashIsStored) {
    accounts.create_user("o@example.org", "long enough pass", "O", false);
    SignIn s = accounts.sign_in("O@example.org", "long enough pass", "192.0.2.1");
    EXPECT_FALSE(s.session_token.empty());
    EXPECT_FALSE(store->session_by_hash(s.session_token)) << "the raw token is not a key";
    auto p = accounts.from_session(s.session_token);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->user.email, "o@example.org");
    EXPECT_EQ(p->csrf_token, s.csrf_token);
    accounts.sign_out(s.session_token);
    EXPECT_FALSE(accounts.from_session(s.session_token));
}

TEST_F(Accounts, WrongPasswordsLockTheAccountAndTheMailUnlocksIt) {
    accounts.create_user("l@example.org", "long enough pass", "L", false);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(kind_of([&] { accounts.sign_in("l@example.org", "wrong password", "10.0.0." +
                                                                                  std::to_string(i)); }),
                  ErrorKind::unauthenticated);
    }
    // Locked now, even with the right password.
    EXPECT_EQ(kind_of([&] { accounts.sign_in("l@example.org", "long enough pass", "10.0.1.1"); }),
              ErrorKind::rate_limited);
    accounts.unlock(link_token("/account/unlock"));
    EXPECT_NO_THROW(accounts.sign_in("l@example.org", "long enough pass", "10.0.1.1"));
}

TEST_F(Accounts, UnknownAccountsAndWrongPasswordsLookTheSame) {
    accounts.create_user("k@example.org", "long enough pass", "K", false);
    std::string a, b;
    try {
        accounts.sign_in("nobody@example.org", "long enough pass", "10.1.0.1");
    } catch (const Error& e) {
        a = e.what();
    }
    try {
        accounts.sign_in("k@example.org", "not the password", "10.1.0.2");
    } catch (const Error& e) {
        b = e.what();
    }
    EXPECT_EQ(a, b);
    EXPECT_FALSE(a.empty());
}

TEST_F(Accounts, OneAddressCannotTryForever) {
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(kind_of([&] { accounts.sign_in("u" + std::to_string(i) + "@example.org", "x",
                                                 "203.0.113.9"); }),
                  ErrorKind::unauthenticated);
    }
    EXPECT_EQ(kind_of([&] { accounts.sign_in("u9@example.org", "x", "203.0.113.9"); }),
              ErrorKind::rate_limited);
    EXPECT_EQ(kind_of([&] { accounts.sign_in("u9@example.org", "x", "203.0.113.10"); }),
              ErrorKind::unauthenticated)
        << "other addresses are not affected";
}

TEST_F(Accounts, PasswordResetEndsEverySession) {
    accounts.create_user("r@example.org", "long enough pass", "R", false);
    SignIn s = accounts.sign_in("r@example.org", "long enough pass", "10.2.0.1");
    accounts.request_password_reset("nobody@example.org"); // silently nothing
    accounts.request_password_reset("R@example.org");
    const std::string token = link_token("/account/reset");
    EXPECT_EQ(kind_of([&] { accounts.reset_password(token, "short"); }), ErrorKind::invalid_input);
    accounts.reset_password(token, "a brand new password");
    EXPECT_FALSE(accounts.from_session(s.session_token));
    EXPECT_EQ(kind_of([&] { accounts.sign_in("r@example.org", "long enough pass", "10.2.0.1"); }),
              ErrorKind::unauthenticated);
    EXPECT_NO_THROW(accounts.sign_in("r@example.org", "a brand new password", "10.2.0.1"));
    EXPECT_EQ(kind_of([&] { accounts.reset_password(token, "another new password"); }),
              ErrorKind::invalid_input)
        << "a reset link works once";
}

TEST_F(Accounts, WeakerHashesAreReplacedAtSignIn) {
    User u = store->create_user("h@example.org", "H",
                                hash_password("long enough pass", PasswordParams{512, 1, 1}), false);
    accounts.sign_in("h@example.org", "long enough pass", "10.3.0.1");
    EXPECT_FALSE(needs_rehash(store->password_hash(u.id), fast_settings().password));
}

TEST_F(Accounts, ApiTokensAreScopedAndRevocable) {
    User u = accounts.create_user("t@example.org", "long enough pass", "T", false);
    store->set_role(u.id, ws.id, Role::officer);
    IssuedToken t = accounts.create_api_token(u.id, "QGIS", {"read"});
    EXPECT_EQ(t.secret.rfind("imp_", 0), 0u);
    auto p = accounts.from_api_token(t.secret);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->via_token);
    EXPECT_FALSE(p->can_write());
    EXPECT_EQ(p->role_in(ws.id), Role::officer);
    EXPECT_TRUE(accounts.from_api_token(accounts.create_api_token(u.id, "script", {"read", "write"})
                                            .secret)
                    ->can_write());
    store->revoke_api_token(u.id, t.token.id);
    EXPECT_FALSE(accounts.from_api_token(t.secret));
    EXPECT_EQ(kind_of([&] { accounts.create_api_token(u.id, "x", {"admin"}); }),
              ErrorKind::invalid_input);
}

} // namespace
} // namespace impetus::test
