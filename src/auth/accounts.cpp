#include "auth/accounts.hpp"

#include "auth/secrets.hpp"
#include "core/dates.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <cctype>

namespace impetus::auth {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string in_future(std::chrono::seconds d) {
    return format_utc(std::chrono::system_clock::now() + d);
}

const std::string k_bad_credentials = "the e-mail address or the password is wrong";

} // namespace

bool plausible_email(const std::string& email) {
    if (email.size() < 6 || email.size() > 254) return false;
    const auto at = email.find('@');
    if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
        return false;
    }
    const auto dot = email.find('.', at);
    if (dot == std::string::npos || dot == at + 1 || email.back() == '.') return false;
    return std::none_of(email.begin(), email.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' ||
               c == '"' || c == '(' || c == ')' || c == '\\';
    });
}

std::optional<Role> Principal::role_in(Id workspace_id) const {
    for (const auto& m : memberships) {
        if (m.workspace_id == workspace_id) return m.role;
    }
    return std::nullopt;
}

bool Principal::member_of(Id organisation_id) const {
    for (const auto& m : memberships) {
        for (const auto& o : m.organisations) {
            if (o.id == organisation_id) return true;
        }
    }
    return false;
}

bool Principal::can_write() const {
    return !via_token || std::find(scopes.begin(), scopes.end(), "write") != scopes.end();
}

const char* const k_no_verified_account = "no verified account has this e-mail address";

AccountService::AccountService(Store& store, AuthSettings settings)
    : m_store(store),
      m_settings(std::move(settings)),
      m_address_failures(m_settings.max_attempts_per_address, m_settings.address_window),
      m_registrations(m_settings.registrations_per_address, m_settings.mail_window),
      m_reset_requests(m_settings.reset_requests_per_address, m_settings.mail_window),
      m_mails(m_settings.mails_per_recipient, m_settings.mail_window),
      m_hashing(m_settings.max_concurrent_hashes, m_settings.hash_wait) {
    while (!m_settings.public_url.empty() && m_settings.public_url.back() == '/') {
        m_settings.public_url.pop_back();
    }
}

std::string AccountService::public_link(const std::string& path) const {
    return m_settings.public_url.empty() ? std::string() : m_settings.public_url + path;
}

void AccountService::require_public_url() const {
    if (m_settings.public_url.empty()) {
        throw Error(ErrorKind::unavailable,
                    "this instance has no public URL configured, so it sends no account e-mails",
                    "the administrator starts the server with --public-url (the address people "
                    "reach it at)");
    }
}

std::string AccountService::hash(const std::string& password) {
    auto turn = m_hashing.enter();
    return hash_password(password, m_settings.password);
}

bool AccountService::verify(const std::string& password, const std::string& encoded) {
    auto turn = m_hashing.enter();
    return verify_password(password, encoded);
}

bool AccountService::may_mail(const std::string& email) { return m_mails.allow(lower(email)); }

void AccountService::register_user(const std::string& email_in, const std::string& password,
                                   const std::string& display_name,
                                   const std::string& address) {
    const std::string email = lower(email_in);
    FieldErrors errors;
    if (!plausible_email(email)) errors.add("/email", "is not an e-mail address");
    if (display_name.size() > 200) errors.add("/display_name", "is longer than 200 characters");
    errors.throw_if_any("the account cannot be created");
    check_password_strength(password, "/password", m_settings.min_password_length);
    require_public_url();
    if (!m_registrations.allow(address)) {
        throw Error(ErrorKind::rate_limited, "too many sign-ups from this address",
                    "wait, then try again")
            .with_retry_after(m_registrations.retry_after(address));
    }
    // Hashed whether or not the address is taken, so that the time taken tells nothing either.
    const std::string password_hash = hash(password);
    std::optional<User> existing = m_store.user_by_email(email);
    if (!existing) {
        try {
            User u = m_store.create_user(email, display_name, password_hash, false);
            mail_link(u, EmailTokenPurpose::verify_email, "Confirm your e-mail address for Impetus",
                      "Someone (hopefully you) created an Impetus account with this address. "
                      "Open this link to confirm it:",
                      "/account/verify");
            return;
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::conflict) throw;
            existing = m_store.user_by_email(email); // registered meanwhile
            if (!existing) throw;
        }
    }
    // The address has an account: its owner hears of the attempt; the caller learns nothing.
    if (!may_mail(email)) return;
    m_store.enqueue_mail(
        email, "Someone tried to create an Impetus account with your address",
        "Hello" + (existing->display_name.empty() ? "" : " " + existing->display_name) +
            ",\n\nSomeone tried to create an Impetus account with this e-mail address, which "
            "already has one. If it was you, sign in:\n\n" +
            public_link("/login") +
            "\n\nor, if you forgot the password, choose a new one:\n\n" +
            public_link("/account/forgot") +
            "\n\nIf it was not you, nothing changes: ignore this message.\n\n-- Impetus\n");
}

User AccountService::create_user(const std::string& email_in, const std::string& password,
                                 const std::string& display_name, bool instance_admin) {
    const std::string email = lower(email_in);
    if (!plausible_email(email)) {
        throw Error(ErrorKind::invalid_input, "'" + email_in + "' is not an e-mail address",
                    "give an address such as name@example.org", {{"/email", "is not an e-mail address"}});
    }
    check_password_strength(password, "/password", m_settings.min_password_length);
    User u = m_store.create_user(email, display_name, hash(password), instance_admin);
    m_store.set_email_verified(u.id);
    return *m_store.user(u.id);
}

void AccountService::verify_email(const std::string& link_token) {
    auto id = m_store.consume_email_token(EmailTokenPurpose::verify_email, sha256_hex(link_token));
    if (!id) {
        throw Error(ErrorKind::invalid_input, "this confirmation link is not valid any more",
                    "sign in and ask for a new link");
    }
    m_store.set_email_verified(*id);
}

void AccountService::resend_verification(Id user_id) {
    require_public_url();
    auto u = m_store.user(user_id);
    if (!u || !u->erased_at.empty() || !u->email_verified_at.empty()) return;
    if (!mail_link(*u, EmailTokenPurpose::verify_email, "Confirm your e-mail address for Impetus",
                   "Open this link to confirm your e-mail address:", "/account/verify")) {
        throw Error(ErrorKind::rate_limited, "enough confirmation links went to this address for now",
                    "use the link in the last message, or wait, then ask again")
            .with_retry_after(m_mails.retry_after(u->email));
    }
}

bool AccountService::mail_link(const User& u, EmailTokenPurpose purpose,
                               const std::string& subject, const std::string& intro,
                               const std::string& path) {
    if (m_settings.public_url.empty() || !may_mail(u.email)) return false;
    const std::string token = random_token();
    m_store.create_email_token(
        u.id, purpose, sha256_hex(token),
        in_future(std::chrono::duration_cast<std::chrono::seconds>(m_settings.link_lifetime)));
    const std::string hours = std::to_string(m_settings.link_lifetime.count());
    m_store.enqueue_mail(u.email, subject,
                         "Hello" + (u.display_name.empty() ? "" : " " + u.display_name) + ",\n\n" +
                             intro + "\n\n" + public_link(path) + "?token=" + token +
                             "\n\nThe link works once, for " + hours +
                             " hours. If you did not ask for it, ignore this message.\n\n-- "
                             "Impetus\n");
    return true;
}

SignIn AccountService::sign_in(const std::string& email, const std::string& password,
                               const std::string& address) {
    if (m_address_failures.full(address)) {
        throw Error(ErrorKind::rate_limited, "too many failed sign-ins from this address",
                    "wait a few minutes, then try again")
            .with_retry_after(m_address_failures.retry_after(address));
    }
    auto u = m_store.user_by_email(email);
    const std::string now = now_utc();
    if (u && !u->locked_until.empty() && u->locked_until > now) {
        throw Error(ErrorKind::rate_limited,
                    "this account is locked after too many failed sign-ins",
                    "follow the link in the e-mail we sent, or wait until " + u->locked_until);
    }
    const std::string stored = u ? m_store.password_hash(u->id) : std::string();
    // Unknown accounts cost a hash too, so that timing does not tell which addresses exist.
    const bool ok = u ? verify(password, stored) : (hash(password), false);
    if (!ok) {
        m_address_failures.count(address);
        if (u) {
            const bool lock = u->failed_logins + 1 >= m_settings.max_failed_logins;
            std::optional<std::string> until;
            if (lock) {
                until = in_future(std::chrono::duration_cast<std::chrono::seconds>(
                    m_settings.lock_duration));
            }
            m_store.record_failed_login(u->id, until);
            // Without a public URL (or past the address's mails) the lock simply runs out.
            if (lock) {
                mail_link(*u, EmailTokenPurpose::unlock, "Your Impetus account is locked",
                          "Your account was locked after several failed sign-ins. If it was "
                          "you, open this link to unlock it now:",
                          "/account/unlock");
            }
        }
        throw Error(ErrorKind::unauthenticated, k_bad_credentials,
                    "check both, or reset the password");
    }
    m_store.clear_failed_logins(u->id);
    if (needs_rehash(stored, m_settings.password)) {
        m_store.set_password_hash(u->id, hash(password));
    }
    SignIn s;
    s.user = *u;
    s.session_token = random_token();
    s.csrf_token = random_token(24);
    s.expires_at = in_future(
        std::chrono::duration_cast<std::chrono::seconds>(m_settings.session_lifetime));
    m_store.create_session(u->id, sha256_hex(s.session_token), s.csrf_token, s.expires_at);
    return s;
}

void AccountService::sign_out(const std::string& session_token) {
    m_store.delete_session(sha256_hex(session_token));
}

EndedAccess AccountService::sign_out_everywhere(Id user_id) {
    return m_store.end_access(user_id, true);
}

void AccountService::request_password_reset(const std::string& email,
                                            const std::string& address) {
    require_public_url();
    if (!m_reset_requests.allow(address)) {
        throw Error(ErrorKind::rate_limited, "too many password resets asked from this address",
                    "wait, then try again")
            .with_retry_after(m_reset_requests.retry_after(address));
    }
    auto u = m_store.user_by_email(email);
    if (!u) return;
    mail_link(*u, EmailTokenPurpose::reset_password, "Reset your Impetus password",
              "Someone (hopefully you) asked to reset the password of your Impetus account. "
              "Open this link to choose a new one:",
              "/account/reset");
}

EndedAccess AccountService::reset_password(const std::string& link_token,
                                           const std::string& new_password) {
    check_password_strength(new_password, "/password", m_settings.min_password_length);
    // Whoever reads the mailbox could reset the password, so the address counts as verified;
    // API tokens made by whoever knew the old password stop working.
    auto done = m_store.reset_password(sha256_hex(link_token), hash(new_password));
    if (!done) {
        throw Error(ErrorKind::invalid_input, "this reset link is not valid any more",
                    "ask for a new one");
    }
    return done->second;
}

EndedAccess AccountService::change_password(Id user_id, const std::string& current,
                                            const std::string& next, bool revoke_tokens) {
    if (!verify(current, m_store.password_hash(user_id))) {
        throw Error(ErrorKind::invalid_input, "the current password is wrong", "",
                    {{"/current_password", "is wrong"}});
    }
    check_password_strength(next, "/password", m_settings.min_password_length);
    return m_store.replace_password(user_id, hash(next), revoke_tokens);
}

void AccountService::unlock(const std::string& link_token) {
    auto id = m_store.consume_email_token(EmailTokenPurpose::unlock, sha256_hex(link_token));
    if (!id) {
        throw Error(ErrorKind::invalid_input, "this unlock link is not valid any more",
                    "wait until the lock ends, or reset the password");
    }
    m_store.clear_failed_logins(*id);
}

void AccountService::erase(Id user_id, const std::string& password) {
    if (!verify(password, m_store.password_hash(user_id))) {
        throw Error(ErrorKind::invalid_input, "the password is wrong",
                    "erasure asks for the password to make sure it is you",
                    {{"/password", "is wrong"}});
    }
    m_store.erase_user(user_id);
}

std::optional<User> AccountService::verified_account(const std::string& email) {
    auto u = m_store.user_by_email(email);
    if (!u || !u->erased_at.empty() || u->email_verified_at.empty()) return std::nullopt;
    return u;
}

std::optional<User> AccountService::verified_account(Id user_id) {
    auto u = m_store.user(user_id);
    if (!u || !u->erased_at.empty() || u->email_verified_at.empty()) return std::nullopt;
    return u;
}

IssuedToken AccountService::create_api_token(Id user_id, const std::string& name,
                                             const std::vector<std::string>& scopes) {
    FieldErrors errors;
    if (name.empty() || name.size() > 100) errors.add("/name", "must be 1 to 100 characters");
    if (scopes.empty()) errors.add("/scopes", "must list read, write or both");
    for (const auto& s : scopes) {
        if (s != "read" && s != "write") errors.add("/scopes", "'" + s + "' is not read or write");
    }
    errors.throw_if_any("the token cannot be created");
    IssuedToken t;
    t.secret = "imp_" + random_token();
    t.token = m_store.create_api_token(user_id, name, sha256_hex(t.secret), scopes);
    return t;
}

Principal AccountService::principal(const User& u) {
    Principal p;
    p.user = u;
    p.memberships = m_store.memberships(u.id);
    return p;
}

std::optional<Principal> AccountService::from_session(const std::string& session_token) {
    if (session_token.empty() || session_token.size() > 200) return std::nullopt;
    auto s = m_store.session_by_hash(sha256_hex(session_token));
    if (!s) return std::nullopt;
    auto u = m_store.user(s->user_id);
    if (!u || !u->erased_at.empty()) return std::nullopt;
    Principal p = principal(*u);
    p.csrf_token = s->csrf_token;
    return p;
}

std::optional<Principal> AccountService::from_api_token(const std::string& secret) {
    if (secret.empty() || secret.size() > 200) return std::nullopt;
    auto t = m_store.api_token_by_hash(sha256_hex(secret));
    if (!t) return std::nullopt;
    auto u = m_store.user(t->user_id);
    if (!u || !u->erased_at.empty()) return std::nullopt;
    Principal p = principal(*u);
    p.via_token = true;
    p.scopes = t->scopes;
    return p;
}

} // namespace impetus::auth
