// Accounts, roles, sessions, tokens, e-mail links, the mail outbox and the audit log in SQLite.

#include "core/dates.hpp"
#include "core/error.hpp"
#include "store/actor.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <cctype>

namespace impetus::sqlite {

using nlohmann::json;

namespace {

constexpr const char* k_user_columns =
    "id, email, display_name, instance_admin, email_verified_at, locked_until, failed_logins, "
    "created_at, erased_at";

User read_user(const Statement& st, int col = 0) {
    User u;
    u.id = st.int64(col);
    u.email = st.text(col + 1);
    u.display_name = st.text(col + 2);
    u.instance_admin = st.int64(col + 3) != 0;
    u.email_verified_at = st.text(col + 4);
    u.locked_until = st.text(col + 5);
    u.failed_logins = static_cast<int>(st.int64(col + 6));
    u.created_at = st.text(col + 7);
    u.erased_at = st.text(col + 8);
    return u;
}

json user_json(const User& u) {
    return {{"email", u.email},
            {"display_name", u.display_name},
            {"instance_admin", u.instance_admin},
            {"email_verified", !u.email_verified_at.empty()},
            {"locked", !u.locked_until.empty()}};
}

std::optional<User> load_user(Connection& c, Id id) {
    auto st = c.prepare(std::string("SELECT ") + k_user_columns + " FROM user WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return read_user(st);
}

User require_user(Connection& c, Id id) {
    auto u = load_user(c, id);
    if (!u || !u->erased_at.empty()) {
        throw Error(ErrorKind::not_found, "user " + std::to_string(id) + " not found");
    }
    return *u;
}

ApiToken read_token(const Statement& st) {
    ApiToken t;
    t.id = st.int64(0);
    t.user_id = st.int64(1);
    t.name = st.text(2);
    json scopes = json::parse(st.text_view(3), nullptr, false);
    if (scopes.is_array()) {
        for (const auto& s : scopes) {
            if (s.is_string()) t.scopes.push_back(s.get<std::string>());
        }
    }
    t.created_at = st.text(4);
    t.last_used_at = st.text(5);
    t.revoked_at = st.text(6);
    return t;
}

constexpr const char* k_token_columns =
    "id, user_id, name, scopes, created_at, last_used_at, revoked_at";

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

} // namespace

void record_audit(Connection& c, std::optional<Id> workspace_id, const std::string& entity,
                  Id entity_id, const std::string& action, const json& before,
                  const json& after) {
    const Actor& actor = current_actor();
    auto [b, a] = before.is_null() ? std::pair<json, json>{nullptr, after}
                                   : changed_fields(before, after);
    if (!before.is_null() && a.is_object() && a.empty() && action == "update") return;
    auto st = c.prepare("INSERT INTO audit (at, user_id, actor, address, workspace_id, entity, "
                        "entity_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, now_utc()).bind(2, actor.user_id).bind(3, actor.label).bind(4, actor.address);
    st.bind(5, workspace_id).bind(6, entity).bind(7, entity_id).bind(8, action);
    if (b.is_null()) {
        st.bind_null(9);
    } else {
        st.bind(9, b.dump(-1, ' ', false, json::error_handler_t::replace));
    }
    if (a.is_null()) {
        st.bind_null(10);
    } else {
        st.bind(10, a.dump(-1, ' ', false, json::error_handler_t::replace));
    }
    st.run();
}

// ---------------------------------------------------------------------------------------------
// Users

User SqliteStore::create_user(const std::string& email_in, const std::string& display_name,
                              const std::string& password_hash, bool instance_admin) {
    const std::string email = lower(email_in);
    return write([&](Connection& c) {
        auto exists = c.prepare("SELECT 1 FROM user WHERE email = ?");
        exists.bind(1, email);
        if (exists.step()) {
            throw Error(ErrorKind::conflict, "an account with this e-mail already exists",
                        "sign in, or reset the password", {{"/email", "is already registered"}});
        }
        auto st = c.prepare("INSERT INTO user (email, display_name, password_hash, "
                            "instance_admin, created_at) VALUES (?, ?, ?, ?, ?)");
        st.bind(1, email).bind(2, display_name).bind(3, password_hash);
        st.bind(4, instance_admin ? 1 : 0).bind(5, now_utc());
        st.run();
        const User u = *load_user(c, c.last_insert_rowid());
        record_audit(c, std::nullopt, "user", u.id, "create", nullptr, user_json(u));
        return u;
    }, true, false);
}

std::optional<User> SqliteStore::user(Id id) {
    auto c = reader();
    return load_user(*c, id);
}

std::optional<User> SqliteStore::user_by_email(const std::string& email) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_user_columns +
                         " FROM user WHERE email = ? AND email <> ''");
    st.bind(1, lower(email));
    if (!st.step()) return std::nullopt;
    return read_user(st);
}

std::vector<User> SqliteStore::list_users() {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_user_columns +
                         " FROM user WHERE erased_at = '' ORDER BY email");
    std::vector<User> out;
    while (st.step()) out.push_back(read_user(st));
    return out;
}

std::string SqliteStore::password_hash(Id user_id) {
    auto c = reader();
    auto st = c->prepare("SELECT password_hash FROM user WHERE id = ? AND erased_at = ''");
    st.bind(1, user_id);
    return st.step() ? st.text(0) : std::string();
}

namespace {

// Inside the caller's write transaction: the address marked verified (audited once).
void mark_verified(Connection& c, Id user_id) {
    const User before = require_user(c, user_id);
    if (!before.email_verified_at.empty()) return;
    auto st = c.prepare("UPDATE user SET email_verified_at = ? WHERE id = ?");
    st.bind(1, now_utc()).bind(2, user_id);
    st.run();
    record_audit(c, std::nullopt, "user", user_id, "verify_email", user_json(before),
                 user_json(*load_user(c, user_id)));
}

} // namespace

void SqliteStore::set_password_hash(Id user_id, const std::string& hash) {
    write([&](Connection& c) {
        const User u = require_user(c, user_id);
        auto st = c.prepare("UPDATE user SET password_hash = ? WHERE id = ?");
        st.bind(1, hash).bind(2, user_id);
        st.run();
        record_audit(c, std::nullopt, "user", u.id, "set_password", json::object(),
                     json{{"password", "changed"}});
    }, true, false);
}

namespace {

// Inside the caller's write transaction: every session of the account ended and, with
// `revoke_tokens`, its live API tokens revoked, each revocation audited.
EndedAccess end_access_in(Connection& c, Id user_id, bool revoke_tokens) {
    EndedAccess out;
    auto sessions = c.prepare("DELETE FROM session WHERE user_id = ?");
    sessions.bind(1, user_id);
    sessions.run();
    out.sessions = static_cast<std::size_t>(c.changes());
    if (!revoke_tokens) return out;
    std::vector<Id> revoked;
    {
        auto tokens = c.prepare("UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND "
                                "revoked_at = '' RETURNING id");
        tokens.bind(1, now_utc()).bind(2, user_id);
        while (tokens.step()) revoked.push_back(tokens.int64(0));
    }
    for (Id id : revoked) {
        record_audit(c, std::nullopt, "api_token", id, "revoke", json::object(),
                     json{{"revoked", true}});
    }
    out.tokens = revoked.size();
    return out;
}

// Inside the caller's write transaction: a new password hash, failed sign-ins and the lock
// cleared, and access ended as end_access_in does.
EndedAccess new_password_in(Connection& c, Id user_id, const std::string& hash,
                            bool revoke_tokens) {
    require_user(c, user_id);
    auto st = c.prepare("UPDATE user SET password_hash = ?, failed_logins = 0, locked_until = '' "
                        "WHERE id = ?");
    st.bind(1, hash).bind(2, user_id);
    st.run();
    record_audit(c, std::nullopt, "user", user_id, "set_password", json::object(),
                 json{{"password", "changed"}});
    return end_access_in(c, user_id, revoke_tokens);
}

// Inside the caller's write transaction: marks a one-time link used and returns its user, if
// the link is known, unused and unexpired.
std::optional<Id> consume_link(Connection& c, EmailTokenPurpose purpose,
                               const std::string& token_hash) {
    auto st = c.prepare("UPDATE email_token SET used_at = ? WHERE token_hash = ? AND "
                        "purpose = ? AND used_at = '' AND expires_at > ? RETURNING user_id");
    const std::string now = now_utc();
    st.bind(1, now).bind(2, token_hash).bind(3, enum_name(purpose)).bind(4, now);
    if (!st.step()) return std::nullopt;
    const Id id = st.int64(0);
    st.reset();
    return id;
}

} // namespace

EndedAccess SqliteStore::replace_password(Id user_id, const std::string& password_hash,
                                          bool revoke_tokens) {
    return write([&](Connection& c) {
        return new_password_in(c, user_id, password_hash, revoke_tokens);
    }, true, false);
}

std::optional<std::pair<Id, EndedAccess>> SqliteStore::reset_password(
    const std::string& link_hash, const std::string& password_hash) {
    return write([&](Connection& c) -> std::optional<std::pair<Id, EndedAccess>> {
        const auto id = consume_link(c, EmailTokenPurpose::reset_password, link_hash);
        if (!id) return std::nullopt;
        const EndedAccess ended = new_password_in(c, *id, password_hash, true);
        mark_verified(c, *id);
        return std::pair{*id, ended};
    }, true, false);
}

void SqliteStore::set_email_verified(Id user_id) {
    write([&](Connection& c) { mark_verified(c, user_id); }, true, false);
}

void SqliteStore::set_instance_admin(Id user_id, bool admin) {
    write([&](Connection& c) {
        const User before = require_user(c, user_id);
        auto st = c.prepare("UPDATE user SET instance_admin = ? WHERE id = ?");
        st.bind(1, admin ? 1 : 0).bind(2, user_id);
        st.run();
        record_audit(c, std::nullopt, "user", user_id, "update", user_json(before),
                     user_json(*load_user(c, user_id)));
    }, true, false);
}

void SqliteStore::record_failed_login(Id user_id, const std::optional<std::string>& lock_until) {
    write([&](Connection& c) {
        auto st = c.prepare("UPDATE user SET failed_logins = failed_logins + 1, "
                            "locked_until = coalesce(?, locked_until) WHERE id = ?");
        st.bind(1, lock_until).bind(2, user_id);
        st.run();
        if (lock_until) {
            record_audit(c, std::nullopt, "user", user_id, "lock", json::object(),
                         json{{"locked_until", *lock_until}});
        }
    }, true, false);
}

void SqliteStore::clear_failed_logins(Id user_id) {
    write([&](Connection& c) {
        auto st = c.prepare("UPDATE user SET failed_logins = 0, locked_until = '' WHERE id = ? "
                            "AND (failed_logins <> 0 OR locked_until <> '')");
        st.bind(1, user_id);
        st.run();
    }, true, false);
}

void SqliteStore::erase_user(Id user_id) {
    write([&](Connection& c) {
        const User before = require_user(c, user_id);
        for (const char* sql : {"DELETE FROM session WHERE user_id = ?",
                                "DELETE FROM membership WHERE user_id = ?",
                                "DELETE FROM organisation_member WHERE user_id = ?",
                                "DELETE FROM email_token WHERE user_id = ?"}) {
            auto st = c.prepare(sql);
            st.bind(1, user_id);
            st.run();
        }
        auto tokens = c.prepare("UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND "
                                "revoked_at = ''");
        tokens.bind(1, now_utc()).bind(2, user_id);
        tokens.run();
        // Reports the person made stay (they are about places), without the contact.
        auto reports = c.prepare("UPDATE report SET contact_name = '', contact_email = '' WHERE "
                                 "reporter_user_id = ? OR contact_email = ?");
        reports.bind(1, user_id).bind(2, before.email);
        reports.run();
        auto mail = c.prepare("DELETE FROM mail_outbox WHERE recipient = ? AND sent_at = ''");
        mail.bind(1, before.email);
        mail.run();
        auto st = c.prepare("UPDATE user SET email = '', display_name = '', password_hash = '', "
                            "instance_admin = 0, email_verified_at = '', locked_until = '', "
                            "failed_logins = 0, erased_at = ? WHERE id = ?");
        st.bind(1, now_utc()).bind(2, user_id);
        st.run();
        // The audit entry says an account was erased, without the data it erased.
        record_audit(c, std::nullopt, "user", user_id, "erase", nullptr,
                     json{{"erased", true}});
    }, true, false);
}

// ---------------------------------------------------------------------------------------------
// Roles

void SqliteStore::set_role(Id user_id, Id workspace_id, std::optional<Role> role) {
    write([&](Connection& c) {
        require_user(c, user_id);
        auto old = c.prepare("SELECT role FROM membership WHERE user_id = ? AND workspace_id = ?");
        old.bind(1, user_id).bind(2, workspace_id);
        json before = old.step() ? json{{"user_id", user_id}, {"role", old.text(0)}} : json(nullptr);
        if (role) {
            auto st = c.prepare("INSERT INTO membership (user_id, workspace_id, role) "
                                "VALUES (?, ?, ?) ON CONFLICT (user_id, workspace_id) "
                                "DO UPDATE SET role = excluded.role");
            st.bind(1, user_id).bind(2, workspace_id).bind(3, enum_name(*role));
            st.run();
        } else {
            auto st = c.prepare("DELETE FROM membership WHERE user_id = ? AND workspace_id = ?");
            st.bind(1, user_id).bind(2, workspace_id);
            st.run();
            auto orgs = c.prepare("DELETE FROM organisation_member WHERE user_id = ? AND "
                                  "organisation_id IN (SELECT id FROM organisation WHERE "
                                  "workspace_id = ?)");
            orgs.bind(1, user_id).bind(2, workspace_id);
            orgs.run();
        }
        json after = role ? json{{"user_id", user_id}, {"role", enum_name(*role)}} : json(nullptr);
        if (before == after) return;
        record_audit(c, workspace_id, "membership", user_id,
                     role ? (before.is_null() ? "create" : "update") : "delete",
                     before.is_null() ? json(nullptr) : before,
                     after.is_null() ? json{{"role", nullptr}} : after);
    }, true, false);
}

std::vector<Membership> SqliteStore::memberships(Id user_id) {
    auto c = reader();
    auto st = c->prepare("SELECT m.workspace_id, w.slug, m.role FROM membership m "
                         "JOIN workspace w ON w.id = m.workspace_id WHERE m.user_id = ? "
                         "ORDER BY w.slug");
    st.bind(1, user_id);
    std::vector<Membership> out;
    while (st.step()) {
        Membership m;
        m.workspace_id = st.int64(0);
        m.workspace_slug = st.text(1);
        m.role = parse_enum<Role>(st.text_view(2)).value_or(Role::citizen);
        out.push_back(std::move(m));
    }
    auto orgs = c->prepare("SELECT o.workspace_id, o.id, o.name, o.type FROM organisation_member om "
                           "JOIN organisation o ON o.id = om.organisation_id "
                           "WHERE om.user_id = ? ORDER BY o.name COLLATE icu_root, o.id");
    orgs.bind(1, user_id);
    while (orgs.step()) {
        for (auto& m : out) {
            if (m.workspace_id != orgs.int64(0)) continue;
            m.organisations.push_back(
                {orgs.int64(1), orgs.text(2),
                 parse_enum<OrganisationType>(orgs.text_view(3)).value_or(OrganisationType::other)});
        }
    }
    return out;
}

namespace {

// The users of a workspace with their role there; `organisation_id`: only its members.
std::vector<std::pair<User, Role>> members(Connection& c, Id workspace_id,
                                           std::optional<Id> organisation_id) {
    std::string sql = "SELECT ";
    for (std::string_view col : {"id", "email", "display_name", "instance_admin",
                                 "email_verified_at", "locked_until", "failed_logins",
                                 "created_at", "erased_at"}) {
        sql += "u." + std::string(col) + ", ";
    }
    sql += "m.role FROM membership m JOIN user u ON u.id = m.user_id WHERE m.workspace_id = ? ";
    if (organisation_id) {
        sql += "AND EXISTS (SELECT 1 FROM organisation_member om WHERE om.user_id = u.id AND "
               "om.organisation_id = ?) ";
    }
    sql += "ORDER BY u.email";
    auto st = c.prepare(sql);
    st.bind(1, workspace_id);
    if (organisation_id) st.bind(2, *organisation_id);
    std::vector<std::pair<User, Role>> out;
    while (st.step()) {
        out.emplace_back(read_user(st), parse_enum<Role>(st.text_view(9)).value_or(Role::citizen));
    }
    return out;
}

void require_organisation(Connection& c, Id workspace_id, Id organisation_id) {
    auto st = c.prepare("SELECT 1 FROM organisation WHERE id = ? AND workspace_id = ?");
    st.bind(1, organisation_id).bind(2, workspace_id);
    if (!st.step()) {
        throw Error(ErrorKind::not_found,
                    "organisation " + std::to_string(organisation_id) + " not found");
    }
}

} // namespace

std::vector<std::pair<User, Role>> SqliteStore::workspace_members(Id workspace_id) {
    auto c = reader();
    return members(*c, workspace_id, std::nullopt);
}

std::vector<std::pair<User, Role>> SqliteStore::organisation_members(Id workspace_id,
                                                                     Id organisation_id) {
    auto c = reader();
    require_organisation(*c, workspace_id, organisation_id);
    return members(*c, workspace_id, organisation_id);
}

void SqliteStore::set_organisation_member(Id workspace_id, Id organisation_id, Id user_id,
                                          bool member) {
    write([&](Connection& c) {
        require_organisation(c, workspace_id, organisation_id);
        require_user(c, user_id);
        auto is = c.prepare("SELECT 1 FROM organisation_member WHERE organisation_id = ? AND "
                            "user_id = ?");
        is.bind(1, organisation_id).bind(2, user_id);
        if (is.step() == member) return;
        if (member) {
            auto role = c.prepare("SELECT 1 FROM membership WHERE user_id = ? AND workspace_id = ?");
            role.bind(1, user_id).bind(2, workspace_id);
            if (!role.step()) {
                throw Error(ErrorKind::conflict,
                            "user " + std::to_string(user_id) + " has no role in this workspace",
                            "give them a role (owner or applicant) first");
            }
            auto st = c.prepare("INSERT INTO organisation_member (organisation_id, user_id, "
                                "created_at) VALUES (?, ?, ?)");
            st.bind(1, organisation_id).bind(2, user_id).bind(3, now_utc());
            st.run();
        } else {
            auto st = c.prepare("DELETE FROM organisation_member WHERE organisation_id = ? AND "
                                "user_id = ?");
            st.bind(1, organisation_id).bind(2, user_id);
            st.run();
        }
        record_audit(c, workspace_id, "organisation", organisation_id,
                     member ? "add_member" : "remove_member",
                     member ? json(nullptr) : json{{"member", user_id}},
                     member ? json{{"member", user_id}} : json{{"member", nullptr}});
    }, true, false);
}

// ---------------------------------------------------------------------------------------------
// Sessions and API tokens

Session SqliteStore::create_session(Id user_id, const std::string& token_hash,
                                    const std::string& csrf_token,
                                    const std::string& expires_at) {
    return write([&](Connection& c) {
        auto st = c.prepare("INSERT INTO session (token_hash, user_id, csrf_token, created_at, "
                            "expires_at) VALUES (?, ?, ?, ?, ?)");
        Session s;
        s.user_id = user_id;
        s.csrf_token = csrf_token;
        s.created_at = now_utc();
        s.expires_at = expires_at;
        st.bind(1, token_hash).bind(2, user_id).bind(3, csrf_token).bind(4, s.created_at);
        st.bind(5, expires_at);
        st.run();
        s.id = c.last_insert_rowid();
        // Expired sessions go when new ones come.
        auto old = c.prepare("DELETE FROM session WHERE expires_at < ?");
        old.bind(1, s.created_at);
        old.run();
        return s;
    }, true, false);
}

std::optional<Session> SqliteStore::session_by_hash(const std::string& token_hash) {
    auto c = reader();
    auto st = c->prepare("SELECT id, user_id, csrf_token, created_at, expires_at FROM session "
                         "WHERE token_hash = ? AND expires_at > ?");
    st.bind(1, token_hash).bind(2, now_utc());
    if (!st.step()) return std::nullopt;
    return Session{st.int64(0), st.int64(1), st.text(2), st.text(3), st.text(4)};
}

void SqliteStore::delete_session(const std::string& token_hash) {
    write([&](Connection& c) {
        auto st = c.prepare("DELETE FROM session WHERE token_hash = ?");
        st.bind(1, token_hash);
        st.run();
    }, true, false);
}

std::size_t SqliteStore::delete_sessions(Id user_id) {
    return write([&](Connection& c) {
        auto st = c.prepare("DELETE FROM session WHERE user_id = ?");
        st.bind(1, user_id);
        st.run();
        return static_cast<std::size_t>(c.changes());
    }, true, false);
}

EndedAccess SqliteStore::end_access(Id user_id, bool revoke_tokens) {
    return write([&](Connection& c) { return end_access_in(c, user_id, revoke_tokens); }, true,
                 false);
}

ApiToken SqliteStore::create_api_token(Id user_id, const std::string& name,
                                       const std::string& token_hash,
                                       const std::vector<std::string>& scopes) {
    return write([&](Connection& c) {
        require_user(c, user_id);
        auto st = c.prepare("INSERT INTO api_token (user_id, name, token_hash, scopes, "
                            "created_at) VALUES (?, ?, ?, ?, ?)");
        st.bind(1, user_id).bind(2, name).bind(3, token_hash).bind(4, json(scopes).dump());
        st.bind(5, now_utc());
        st.run();
        const Id id = c.last_insert_rowid();
        record_audit(c, std::nullopt, "api_token", id, "create", nullptr,
                     json{{"user_id", user_id}, {"name", name}, {"scopes", scopes}});
        auto get = c.prepare(std::string("SELECT ") + k_token_columns +
                             " FROM api_token WHERE id = ?");
        get.bind(1, id);
        get.step();
        return read_token(get);
    }, true, false);
}

std::optional<ApiToken> SqliteStore::api_token_by_hash(const std::string& token_hash) {
    std::optional<ApiToken> t;
    {
        auto c = reader();
        auto st = c->prepare(std::string("SELECT ") + k_token_columns +
                             " FROM api_token WHERE token_hash = ? AND revoked_at = ''");
        st.bind(1, token_hash);
        if (!st.step()) return std::nullopt;
        t = read_token(st);
    }
    // The time of last use, to the minute: enough to spot an unused token, few writes.
    const std::string now = now_utc();
    if (t->last_used_at.substr(0, 16) != now.substr(0, 16)) {
        write([&](Connection& c) {
            auto st = c.prepare("UPDATE api_token SET last_used_at = ? WHERE id = ?");
            st.bind(1, now).bind(2, t->id);
            st.run();
        }, true, false);
        t->last_used_at = now;
    }
    return t;
}

std::vector<ApiToken> SqliteStore::api_tokens(Id user_id) {
    auto c = reader();
    auto st = c->prepare(std::string("SELECT ") + k_token_columns +
                         " FROM api_token WHERE user_id = ? ORDER BY id");
    st.bind(1, user_id);
    std::vector<ApiToken> out;
    while (st.step()) out.push_back(read_token(st));
    return out;
}

bool SqliteStore::revoke_api_token(Id user_id, Id token_id) {
    return write([&](Connection& c) {
        auto st = c.prepare("UPDATE api_token SET revoked_at = ? WHERE id = ? AND user_id = ? "
                            "AND revoked_at = ''");
        st.bind(1, now_utc()).bind(2, token_id).bind(3, user_id);
        st.run();
        const bool changed = c.changes() > 0;
        if (changed) {
            record_audit(c, std::nullopt, "api_token", token_id, "revoke", json::object(),
                         json{{"revoked", true}});
        }
        return changed;
    }, true, false);
}

// ---------------------------------------------------------------------------------------------
// E-mail links and the outbox

void SqliteStore::create_email_token(Id user_id, EmailTokenPurpose purpose,
                                     const std::string& token_hash,
                                     const std::string& expires_at) {
    write([&](Connection& c) {
        auto st = c.prepare("INSERT INTO email_token (token_hash, user_id, purpose, expires_at) "
                            "VALUES (?, ?, ?, ?)");
        st.bind(1, token_hash).bind(2, user_id).bind(3, enum_name(purpose)).bind(4, expires_at);
        st.run();
    }, true, false);
}

std::optional<Id> SqliteStore::consume_email_token(EmailTokenPurpose purpose,
                                                   const std::string& token_hash) {
    return write([&](Connection& c) { return consume_link(c, purpose, token_hash); }, true,
                 false);
}

void queue_mail(Connection& c, const std::string& to, const std::string& subject,
                const std::string& text) {
    auto st = c.prepare("INSERT INTO mail_outbox (recipient, subject, body, created_at) "
                        "VALUES (?, ?, ?, ?)");
    st.bind(1, to).bind(2, subject).bind(3, text).bind(4, now_utc());
    st.run();
}

void SqliteStore::enqueue_mail(const std::string& to, const std::string& subject,
                               const std::string& text) {
    write([&](Connection& c) { queue_mail(c, to, subject, text); }, true, false);
}

std::vector<OutgoingMail> SqliteStore::pending_mail(std::size_t limit) {
    auto c = reader();
    auto st = c->prepare("SELECT id, recipient, subject, body, attempts, created_at FROM "
                         "mail_outbox WHERE sent_at = '' AND attempts < 10 ORDER BY id LIMIT ?");
    st.bind(1, static_cast<std::int64_t>(limit));
    std::vector<OutgoingMail> out;
    while (st.step()) {
        out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3),
                       static_cast<int>(st.int64(4)), st.text(5)});
    }
    return out;
}

void SqliteStore::mark_mail_sent(Id mail_id) {
    write([&](Connection& c) {
        auto st = c.prepare("UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, "
                            "last_error = '' WHERE id = ?");
        st.bind(1, now_utc()).bind(2, mail_id);
        st.run();
    }, true, false);
}

void SqliteStore::mark_mail_failed(Id mail_id, const std::string& error) {
    write([&](Connection& c) {
        auto st = c.prepare("UPDATE mail_outbox SET attempts = attempts + 1, last_error = ? "
                            "WHERE id = ?");
        st.bind(1, error).bind(2, mail_id);
        st.run();
    }, true, false);
}

// ---------------------------------------------------------------------------------------------
// The audit log

std::vector<AuditEntry> SqliteStore::audit_log(const AuditQuery& q, std::size_t* total) {
    std::string where = " WHERE 1";
    std::vector<std::function<void(Statement&, int)>> binds;
    if (q.workspace_id) {
        where += " AND workspace_id = ?";
        binds.push_back([v = *q.workspace_id](Statement& st, int i) { st.bind(i, v); });
    }
    if (q.entity) {
        where += " AND entity = ?";
        binds.push_back([v = *q.entity](Statement& st, int i) { st.bind(i, v); });
    }
    if (q.entity_id) {
        where += " AND entity_id = ?";
        binds.push_back([v = *q.entity_id](Statement& st, int i) { st.bind(i, v); });
    }
    if (q.user_id) {
        where += " AND user_id = ?";
        binds.push_back([v = *q.user_id](Statement& st, int i) { st.bind(i, v); });
    }
    if (q.from) {
        where += " AND at >= ?";
        binds.push_back([v = with_milliseconds(*q.from)](Statement& st, int i) { st.bind(i, v); });
    }
    if (q.to) {
        where += " AND at < ?";
        binds.push_back([v = with_milliseconds(*q.to)](Statement& st, int i) { st.bind(i, v); });
    }
    auto c = reader();
    if (total) {
        auto count = c->prepare("SELECT count(*) FROM audit" + where);
        for (std::size_t i = 0; i < binds.size(); ++i) binds[i](count, static_cast<int>(i + 1));
        count.step();
        *total = static_cast<std::size_t>(count.int64(0));
    }
    // The log itself is never rewritten; what it shows of an erased account is the id only.
    auto st = c->prepare("SELECT id, at, user_id, actor, address, workspace_id, entity, "
                         "entity_id, action, before, after, "
                         "(SELECT erased_at FROM user u WHERE u.id = audit.user_id), "
                         "(SELECT erased_at FROM user u WHERE u.id = audit.entity_id AND "
                         "audit.entity = 'user') FROM audit" +
                         where + " ORDER BY id DESC LIMIT ? OFFSET ?");
    int i = 1;
    for (auto& b : binds) b(st, i++);
    st.bind(i, static_cast<std::int64_t>(q.limit)).bind(i + 1, static_cast<std::int64_t>(q.offset));
    std::vector<AuditEntry> out;
    while (st.step()) {
        AuditEntry e;
        e.id = st.int64(0);
        e.at = st.text(1);
        e.user_id = st.opt_int64(2);
        e.actor = st.text(3);
        e.address = st.text(4);
        e.workspace_id = st.opt_int64(5);
        e.entity = st.text(6);
        e.entity_id = st.int64(7);
        e.action = st.text(8);
        e.before = st.is_null(9) ? json(nullptr) : json::parse(st.text_view(9), nullptr, false);
        e.after = st.is_null(10) ? json(nullptr) : json::parse(st.text_view(10), nullptr, false);
        if (!st.is_null(11) && !st.text_view(11).empty()) {
            e.actor = "erased account " + std::to_string(*e.user_id);
            e.address.clear();
        }
        if (!st.is_null(12) && !st.text_view(12).empty()) {
            for (json* j : {&e.before, &e.after}) {
                if (!j->is_object()) continue;
                for (const char* key : {"email", "display_name"}) {
                    if (j->contains(key)) (*j)[key] = "(erased)";
                }
            }
        }
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace impetus::sqlite
