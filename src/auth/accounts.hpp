#pragma once

// Accounts as people use them: register and verify the e-mail address, sign in and out (on
// this device or everywhere), reset a forgotten password, unlock an account locked by failed
// sign-ins, personal API tokens, and who a presented session or token belongs to. Mails go
// through the store's outbox, written with the change that causes them.

#include "auth/passwords.hpp"
#include "core/accounts.hpp"
#include "core/rate_limiter.hpp"
#include "store/store.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace impetus::auth {

struct AuthSettings {
    PasswordParams password;
    std::size_t min_password_length = 10;
    std::chrono::hours session_lifetime{24 * 14};
    int max_failed_logins = 5;                 // per account, then locked
    std::chrono::minutes lock_duration{30};
    int max_attempts_per_address = 20;         // failed sign-ins per address and window
    std::chrono::minutes address_window{15};
    std::chrono::hours link_lifetime{24};      // e-mail links
    // Requests that send mail to an address the sender names, per client address within
    // `mail_window` (beyond: 429 with Retry-After), and the account mails one address receives
    // within it (beyond: nothing more is sent, and the answer does not say so).
    int registrations_per_address = 20;
    int reset_requests_per_address = 20;
    int mails_per_recipient = 3;
    std::chrono::minutes mail_window{60};
    // Argon2 computations at once (0: one less than the cores, at least one) and how long a
    // request waits for a turn (as many may wait as run; beyond, 503 with Retry-After).
    unsigned max_concurrent_hashes = 0;
    std::chrono::milliseconds hash_wait{3000};
    // The address people reach the server at, for the links in e-mails. Without it no account
    // mail is sent (the request is refused), since a link built from the request's Host header
    // could point anywhere.
    std::string public_url;
};

// Who is asking, once a session cookie or an API token has been checked.
struct Principal {
    User user;
    std::vector<Membership> memberships;
    bool via_token = false;
    std::vector<std::string> scopes; // of the token; a session may do everything the user may
    std::string csrf_token;          // of the session

    std::optional<Role> role_in(Id workspace_id) const;
    bool member_of(Id organisation_id) const; // acts for that organisation
    bool can_write() const; // sessions always; tokens with the "write" scope
};

struct SignIn {
    User user;
    std::string session_token; // for the cookie; only its hash is stored
    std::string csrf_token;
    std::string expires_at;
};

struct IssuedToken {
    ApiToken token;
    std::string secret; // shown once
};

class AccountService {
public:
    AccountService(Store& store, AuthSettings settings);

    const AuthSettings& settings() const noexcept { return m_settings; }
    // The public URL of `path` (an absolute path) for a mail; empty without a public URL.
    std::string public_link(const std::string& path) const;

    // Self-registration from the client `address`, answered the same whether or not the
    // e-mail address has an account, so that nobody learns which addresses do: a new account
    // starts unverified and its confirmation link is mailed; the owner of an existing one is
    // mailed a notice instead. Error(rate_limited) past the limit per client address,
    // Error(unavailable) without a public URL.
    void register_user(const std::string& email, const std::string& password,
                       const std::string& display_name, const std::string& address);
    // For administrators and scripts (impetus user create): verified from the start.
    User create_user(const std::string& email, const std::string& password,
                     const std::string& display_name, bool instance_admin);
    void verify_email(const std::string& link_token);
    // Error(rate_limited) when the address has had its mails for now.
    void resend_verification(Id user_id);

    // Error(unauthenticated) for a wrong e-mail or password (the same message for both),
    // Error(rate_limited) for a locked account or too many attempts from `address`.
    SignIn sign_in(const std::string& email, const std::string& password,
                   const std::string& address);
    void sign_out(const std::string& session_token);
    // Every session ends and every personal API token is revoked.
    EndedAccess sign_out_everywhere(Id user_id);

    // Error(rate_limited) past the limit per client `address`; otherwise always succeeds from
    // the caller's view (no hint whether the address has an account, nor whether its mails
    // for now are spent).
    void request_password_reset(const std::string& email, const std::string& address);
    // Sets the password, ends every session and revokes every API token of the account.
    EndedAccess reset_password(const std::string& link_token, const std::string& new_password);
    // Sets the password and ends every session; revokes the API tokens too with
    // `revoke_tokens`.
    EndedAccess change_password(Id user_id, const std::string& current, const std::string& next,
                                bool revoke_tokens);
    void unlock(const std::string& link_token);
    // Erases the account once the password confirms it is its owner asking.
    void erase(Id user_id, const std::string& password);

    IssuedToken create_api_token(Id user_id, const std::string& name,
                                 const std::vector<std::string>& scopes);

    std::optional<Principal> from_session(const std::string& session_token);
    std::optional<Principal> from_api_token(const std::string& secret);

    // The account people may be given a role, an organisation or a place on a jury by: live,
    // and its address confirmed by its owner (anybody can register someone else's address).
    // nullopt otherwise, whatever the reason, so that a refusal tells nothing more.
    std::optional<User> verified_account(const std::string& email);
    std::optional<User> verified_account(Id user_id);

private:
    // Queues a mail with a one-time link to `path`, unless the address has had its mails for
    // now (then returns false and sends nothing).
    bool mail_link(const User& u, EmailTokenPurpose purpose, const std::string& subject,
                   const std::string& intro, const std::string& path);
    bool may_mail(const std::string& email);
    // Error(unavailable) without a public URL: mails with links cannot be written.
    void require_public_url() const;
    std::string hash(const std::string& password);
    bool verify(const std::string& password, const std::string& encoded);
    Principal principal(const User& u);

    Store& m_store;
    AuthSettings m_settings;
    RateLimiter m_address_failures; // failed sign-ins per client address
    RateLimiter m_registrations;    // per client address
    RateLimiter m_reset_requests;   // per client address
    RateLimiter m_mails;            // account mails per recipient
    HashGate m_hashing;
};

// The problem's words when verified_account finds nothing.
extern const char* const k_no_verified_account;

// "name@domain.tld" with nothing odd: one @, no spaces or angle brackets, a dot in the domain.
bool plausible_email(const std::string& email);

} // namespace impetus::auth
