// Accounts: Argon2id hashes that record their parameters, sign-in with lockout and per-address
// limits, sessions and tokens stored as hashes only, e-mail links through the outbox.

#include "auth/accounts.hpp"
#include "auth/secrets.hpp"
#include "core/error.hpp"
#include "support/store_fixture.hpp"

#include <atomic>
#include <optional>
#include <regex>
#include <thread>

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
    accounts.register_user("New@Example.org", "long enough pass", "Nina", "192.0.2.1");
    const User u = *store->user_by_email("new@example.org");
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
    EXPECT_EQ(kind_of([&] {
                  accounts.register_user("not-an-address", "long enough pass", "", "192.0.2.1");
              }),
              ErrorKind::invalid_input);
    EXPECT_EQ(kind_of([&] { accounts.register_user("a@example.org", "short", "", "192.0.2.1"); }),
              ErrorKind::invalid_input);
}

// A taken address is not refused (that would tell who has an account): its owner is told.
TEST_F(Accounts, RegistrationOfATakenAddressMailsItsOwnerInstead) {
    accounts.register_user("a@example.org", "long enough pass", "Ann", "192.0.2.1");
    const std::string hash = store->password_hash(store->user_by_email("a@example.org")->id);
    EXPECT_NO_THROW(accounts.register_user("A@example.org", "another long pass", "", "192.0.2.2"));
    EXPECT_EQ(store->list_users().size(), 1u);
    EXPECT_EQ(store->password_hash(store->user_by_email("a@example.org")->id), hash)
        << "the account is untouched";
    const auto mails = store->pending_mail(10);
    ASSERT_EQ(mails.size(), 2u);
    EXPECT_EQ(mails[1].to, "a@example.org");
    EXPECT_EQ(mails[1].subject, "Someone tried to create an Impetus account with your address");
    EXPECT_NE(mails[1].text.find("https://impetus.example/account/forgot"), std::string::npos);
    EXPECT_EQ(mails[1].text.find("token="), std::string::npos) << "no link that acts";
}

TEST_F(Accounts, WithoutAPublicUrlAccountMailsAreRefusedAndNothingIsWritten) {
    AuthSettings settings = fast_settings();
    settings.public_url.clear();
    AccountService bare(*store, settings);
    EXPECT_EQ(kind_of([&] { bare.register_user("b@example.org", "long enough pass", "", "192.0.2.1"); }),
              ErrorKind::unavailable);
    EXPECT_FALSE(store->user_by_email("b@example.org"));
    bare.create_user("c@example.org", "long enough pass", "", false);
    EXPECT_EQ(kind_of([&] { bare.request_password_reset("c@example.org", "192.0.2.1"); }),
              ErrorKind::unavailable);
    EXPECT_TRUE(store->pending_mail(10).empty());
    EXPECT_EQ(bare.public_link("/w/lille"), "") << "no link rather than a bare path";
    EXPECT_EQ(accounts.public_link("/w/lille"), "https://impetus.example/w/lille");
}

TEST_F(Accounts, OnlyVerifiedAccountsAreTrustedByAddressOrNumber) {
    accounts.register_user("v@example.org", "long enough pass", "", "192.0.2.1");
    const Id id = store->user_by_email("v@example.org")->id;
    EXPECT_FALSE(accounts.verified_account("v@example.org"));
    EXPECT_FALSE(accounts.verified_account(id));
    EXPECT_FALSE(accounts.verified_account("nobody@example.org"));
    accounts.verify_email(link_token("/account/verify"));
    EXPECT_EQ(accounts.verified_account("V@example.org")->id, id);
    EXPECT_EQ(accounts.verified_account(id)->email, "v@example.org");
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

TEST_F(Accounts, PasswordResetEndsEverySessionAndToken) {
    const User u = accounts.create_user("r@example.org", "long enough pass", "R", false);
    SignIn s = accounts.sign_in("r@example.org", "long enough pass", "10.2.0.1");
    const IssuedToken t = accounts.create_api_token(u.id, "QGIS", {"read"});
    accounts.request_password_reset("nobody@example.org", "10.2.0.9"); // silently nothing
    accounts.request_password_reset("R@example.org", "10.2.0.9");
    const std::string token = link_token("/account/reset");
    EXPECT_EQ(kind_of([&] { accounts.reset_password(token, "short"); }), ErrorKind::invalid_input);
    const EndedAccess ended = accounts.reset_password(token, "a brand new password");
    EXPECT_EQ(ended.sessions, 1u);
    EXPECT_EQ(ended.tokens, 1u);
    EXPECT_FALSE(accounts.from_session(s.session_token));
    EXPECT_FALSE(accounts.from_api_token(t.secret));
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

TEST_F(Accounts, ChangingThePasswordRevokesTokensUnlessAskedToKeepThem) {
    const User u = accounts.create_user("p@example.org", "long enough pass", "P", false);
    const IssuedToken t = accounts.create_api_token(u.id, "QGIS", {"read"});
    EXPECT_EQ(kind_of([&] { accounts.change_password(u.id, "wrong", "a second password", true); }),
              ErrorKind::invalid_input);
    EndedAccess ended = accounts.change_password(u.id, "long enough pass", "a second password", false);
    EXPECT_EQ(ended.tokens, 0u);
    EXPECT_TRUE(accounts.from_api_token(t.secret));
    ended = accounts.change_password(u.id, "a second password", "a third password", true);
    EXPECT_EQ(ended.tokens, 1u);
    EXPECT_FALSE(accounts.from_api_token(t.secret));
    const IssuedToken later = accounts.create_api_token(u.id, "script", {"read", "write"});
    EXPECT_EQ(accounts.sign_out_everywhere(u.id).tokens, 1u);
    EXPECT_FALSE(accounts.from_api_token(later.secret));
}

TEST_F(Accounts, MailsToOneAddressAndRequestsFromOneClientAreLimited) {
    AuthSettings settings = fast_settings();
    settings.reset_requests_per_address = 4;
    settings.mails_per_recipient = 2;
    AccountService limited(*store, settings);
    limited.create_user("m@example.org", "long enough pass", "", false);
    for (int i = 0; i < 4; ++i) {
        EXPECT_NO_THROW(limited.request_password_reset("m@example.org", "198.51.100.1"));
    }
    EXPECT_EQ(store->pending_mail(10).size(), 2u) << "two mails to the address, then silence";
    try {
        limited.request_password_reset("m@example.org", "198.51.100.1");
        ADD_FAILURE() << "a fifth request from the same client";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::rate_limited);
        EXPECT_GT(e.retry_after().count(), 0);
    }
}

TEST(HashGate, RunsAtMostItsSlotsLetsAsManyWaitAndRefusesTheRest) {
    HashGate gate(1, std::chrono::hours(1));
    EXPECT_EQ(gate.slots(), 1u);
    std::optional<HashGate::Turn> held(gate.enter());
    std::atomic<bool> served = false;
    std::thread waiter([&] {
        auto turn = gate.enter();
        served = true;
    });
    while (gate.waiting() == 0) std::this_thread::yield();
    try {
        gate.enter();
        ADD_FAILURE() << "a second waiter is one too many";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::unavailable);
        EXPECT_GT(e.retry_after().count(), 0);
    }
    held.reset();
    waiter.join();
    EXPECT_TRUE(served) << "the waiter had its turn once the slot was free";

    HashGate impatient(1, std::chrono::milliseconds(0));
    auto turn = impatient.enter();
    EXPECT_THROW(impatient.enter(), Error) << "no wait: refused while the slot is taken";
    EXPECT_GE(HashGate(0, std::chrono::milliseconds(0)).slots(), 1u) << "0: from the cores";
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
