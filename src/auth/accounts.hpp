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
    // The address in e-mail links; empty: the `link_base` each call passes (the address the
    // request came to).
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

    // Self-registration: the account starts unverified; a verification link is mailed.
    User register_user(const std::string& email, const std::string& password,
                       const std::string& display_name, const std::string& link_base = {});
    // For administrators and scripts (impetus user create): verified from the start.
    User create_user(const std::string& email, const std::string& password,
                     const std::string& display_name, bool instance_admin);
    void verify_email(const std::string& link_token);
    void resend_verification(Id user_id, const std::string& link_base = {});

    // Error(unauthenticated) for a wrong e-mail or password (the same message for both),
    // Error(rate_limited) for a locked account or too many attempts from `address`.
    SignIn sign_in(const std::string& email, const std::string& password,
                   const std::string& address, const std::string& link_base = {});
    void sign_out(const std::string& session_token);
    std::size_t sign_out_everywhere(Id user_id);

    // Always succeeds from the caller's view (no hint whether the address has an account).
    void request_password_reset(const std::string& email, const std::string& link_base = {});
    // Sets the password and ends every session of the account.
    void reset_password(const std::string& link_token, const std::string& new_password);
    void change_password(Id user_id, const std::string& current, const std::string& next);
    void unlock(const std::string& link_token);

    IssuedToken create_api_token(Id user_id, const std::string& name,
                                 const std::vector<std::string>& scopes);

    std::optional<Principal> from_session(const std::string& session_token);
    std::optional<Principal> from_api_token(const std::string& secret);

private:
    void mail_link(const User& u, EmailTokenPurpose purpose, const std::string& subject,
                   const std::string& intro, const std::string& path,
                   const std::string& link_base);
    Principal principal(const User& u);

    Store& m_store;
    AuthSettings m_settings;
    RateLimiter m_address_failures; // failed sign-ins per client address
};

// "name@domain.tld" with nothing odd: one @, no spaces or angle brackets, a dot in the domain.
bool plausible_email(const std::string& email);

} // namespace impetus::auth
