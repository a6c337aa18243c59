// Accounts over HTTP: register, confirm the e-mail address, sign in and out (here or
// everywhere), reset a forgotten password, unlock a locked account, one's own account, API
// tokens, a download of one's personal data, and erasure. Sessions live in an HttpOnly,
// SameSite=Strict cookie (Secure when the public URL is https); writes authenticated by that
// cookie carry the session's CSRF token in X-CSRF-Token.

#include "auth/secrets.hpp"
#include "core/dates.hpp"
#include "core/doc_reader.hpp"
#include "core/error.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"

namespace impetus::http {

using nlohmann::json;

namespace {

constexpr const char* k_cookie = "impetus_session";

// The value of cookie `name` in a Cookie header ("a=1; b=2").
std::string cookie_value(const Request& req, std::string_view name) {
    const std::string header = req.header("Cookie").value_or("");
    std::size_t pos = 0;
    while (pos < header.size()) {
        std::size_t end = header.find(';', pos);
        if (end == std::string::npos) end = header.size();
        std::string_view part(header.data() + pos, end - pos);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        const auto eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name) {
            return std::string(part.substr(eq + 1));
        }
        pos = end + 1;
    }
    return {};
}

std::string bearer_token(const Request& req) {
    const std::string h = req.header("Authorization").value_or("");
    if (h.size() > 7 && (h.rfind("Bearer ", 0) == 0 || h.rfind("bearer ", 0) == 0)) {
        return h.substr(7);
    }
    return {};
}

bool unsafe(const std::string& method) {
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string session_cookie(const Services& s, const std::string& value, long max_age) {
    const bool secure = s.options.auth.public_url.rfind("https://", 0) == 0;
    return std::string(k_cookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
           std::to_string(max_age) + (secure ? "; Secure" : "");
}

json user_json(const User& u, const std::vector<Membership>& memberships) {
    json roles = json::array();
    for (const auto& m : memberships) {
        json orgs = json::array();
        for (const auto& o : m.organisations) {
            orgs.push_back({{"id", o.id}, {"name", o.name}, {"type", enum_name(o.type)}});
        }
        roles.push_back({{"workspace", m.workspace_slug},
                         {"role", enum_name(m.role)},
                         {"organisations", orgs}});
    }
    return {{"id", u.id},
            {"email", u.email},
            {"display_name", u.display_name},
            {"email_verified", !u.email_verified_at.empty()},
            {"instance_admin", u.instance_admin},
            {"created_at", u.created_at},
            {"roles", roles}};
}

json token_json(const ApiToken& t) {
    auto opt = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
    return {{"id", t.id},
            {"name", t.name},
            {"scopes", t.scopes},
            {"created_at", t.created_at},
            {"last_used_at", opt(t.last_used_at)},
            {"revoked_at", opt(t.revoked_at)}};
}

// A JSON object body with exactly these string fields (those listed in `optional` may be
// absent); every problem is reported at once.
std::map<std::string, std::string> string_fields(const Request& req,
                                                 std::initializer_list<const char*> required,
                                                 std::initializer_list<const char*> optional = {}) {
    const json body = read_json_body(req);
    if (!body.is_object()) {
        throw Error(ErrorKind::invalid_input, "the body must be a JSON object");
    }
    FieldErrors errors;
    std::map<std::string, std::string> out;
    auto take = [&](const char* key, bool needed) {
        auto it = body.find(key);
        if (it == body.end()) {
            if (needed) errors.add(std::string("/") + key, "is required");
        } else if (!it->is_string()) {
            errors.add(std::string("/") + key, "must be a string");
        } else {
            out[key] = it->get<std::string>();
        }
    };
    for (const char* k : required) take(k, true);
    for (const char* k : optional) take(k, false);
    for (const auto& [key, _] : body.items()) {
        const auto known = [&](std::initializer_list<const char*> list) {
            for (const char* k : list) {
                if (key == k) return true;
            }
            return false;
        };
        if (!known(required) && !known(optional)) errors.add("/" + key, "is not a field here");
    }
    errors.throw_if_any("invalid request body");
    return out;
}

void no_query(const Request& req) {
    QueryParams params(req.query);
    FieldErrors errors;
    reject_unused(params, errors);
    errors.throw_if_any("invalid query");
}

Response no_content_with(std::string cookie = {}) {
    Response r = Response::no_content();
    if (!cookie.empty()) r.headers["Set-Cookie"] = std::move(cookie);
    return r;
}

// What ending one's access ended, as the answer says it (the session cookie is cleared: the
// caller signs in again).
Response access_ended(const Services& s, const EndedAccess& ended) {
    Response r = json_response(200, json{{"sessions_ended", ended.sessions},
                                         {"tokens_revoked", ended.tokens}});
    r.headers["Set-Cookie"] = session_cookie(s, "", 0);
    return r;
}

} // namespace

std::optional<auth::Principal> principal_of(Services& s, const Request& req) {
    if (const std::string bearer = bearer_token(req); !bearer.empty()) {
        return s.accounts.from_api_token(bearer);
    }
    if (const std::string cookie = cookie_value(req, k_cookie); !cookie.empty()) {
        return s.accounts.from_session(cookie);
    }
    return std::nullopt;
}

void add_auth_routes(Router& router, Services& s) {
    const std::string a = "/api/v1/auth";

    router.add("POST", a + "/register", "register", Access::anyone, [&s](Context& ctx) {
        no_query(ctx.request);
        auto f = string_fields(ctx.request, {"email", "password"}, {"display_name"});
        s.accounts.register_user(f["email"], f["password"], f["display_name"],
                                 ctx.request.remote_address);
        s.outbox.wake();
        // The same answer whether or not the address had an account already.
        return json_response(202, json{{"detail", "a message is on its way to the address: "
                                                  "follow its link to confirm it, then sign in"}});
    });

    router.add("POST", a + "/verify-email", "verifyEmail", Access::anyone, [&s](Context& ctx) {
        no_query(ctx.request);
        auto f = string_fields(ctx.request, {"token"});
        s.accounts.verify_email(f["token"]);
        return no_content_with();
    });

    router.add("POST", a + "/login", "login", Access::anyone, [&s](Context& ctx) {
        no_query(ctx.request);
        auto f = string_fields(ctx.request, {"email", "password"});
        auth::SignIn in;
        try {
            in = s.accounts.sign_in(f["email"], f["password"], ctx.request.remote_address);
        } catch (const Error&) {
            s.outbox.wake(); // a failure that locks the account mails an unlock link
            throw;
        }
        // A new session each time; the one the browser had (if any) ends.
        if (const std::string old = cookie_value(ctx.request, k_cookie); !old.empty()) {
            s.accounts.sign_out(old);
        }
        const long max_age =
            std::chrono::duration_cast<std::chrono::seconds>(s.options.auth.session_lifetime)
                .count();
        json body = user_json(in.user, s.store.memberships(in.user.id));
        body["csrf_token"] = in.csrf_token;
        body["session_expires_at"] = in.expires_at;
        Response r = json_response(200, body);
        r.headers["Set-Cookie"] = session_cookie(s, in.session_token, max_age);
        return r;
    });

    router.add("POST", a + "/logout", "logout", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        s.accounts.sign_out(cookie_value(ctx.request, k_cookie));
        return no_content_with(session_cookie(s, "", 0));
    });

    router.add("POST", a + "/logout-everywhere", "logoutEverywhere", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        const auth::Principal& p = *ctx.principal;
        return access_ended(s, s.accounts.sign_out_everywhere(p.user.id));
    });

    router.add("POST", a + "/password-reset", "requestPasswordReset", Access::anyone, [&s](Context& ctx) {
        no_query(ctx.request);
        auto f = string_fields(ctx.request, {"email"});
        s.accounts.request_password_reset(f["email"], ctx.request.remote_address);
        s.outbox.wake();
        // The same answer whether or not the address has an account.
        return json_response(202, json{{"detail", "if the address has an account, a reset link "
                                                  "is on its way"}});
    });

    router.add("POST", a + "/password-reset/confirm", "confirmPasswordReset", Access::anyone, [&s](Context& ctx) {
        no_query(ctx.request);
        auto f = string_fields(ctx.request, {"token", "password"});
        return access_ended(s, s.accounts.reset_password(f["token"], f["password"]));
    });

    router.add("POST", a + "/unlock", "unlockAccount", Access::anyone, [&s](Context& ctx) {
        no_query(ctx.request);
        auto f = string_fields(ctx.request, {"token"});
        s.accounts.unlock(f["token"]);
        return no_content_with();
    });

    const std::string me = "/api/v1/me";
    router.add("GET", me, "getMe", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        const auth::Principal& p = *ctx.principal;
        json body = user_json(p.user, p.memberships);
        body["authenticated_by"] = p.via_token ? "token" : "session";
        if (!p.via_token) body["csrf_token"] = p.csrf_token;
        return json_response(200, body);
    });

    router.add("POST", me + "/password", "changePassword", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        const auth::Principal& p = *ctx.principal;
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        DocReader r(body, "", errors);
        if (!r.ok()) throw Error(ErrorKind::invalid_input, "the body must be a JSON object");
        r.reject_unknown({"current_password", "password", "revoke_tokens"});
        const auto current = r.string("current_password", true, 4096);
        const auto next = r.string("password", true, 4096);
        // Whoever knew the old password may have made tokens: they go too unless kept.
        const bool revoke_tokens = r.boolean("revoke_tokens").value_or(true);
        errors.throw_if_any("invalid request body");
        // Every session ends, this one too: sign in again.
        return access_ended(s, s.accounts.change_password(p.user.id, *current, *next,
                                                          revoke_tokens));
    });

    router.add("POST", me + "/verification", "resendVerification", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        const auth::Principal& p = *ctx.principal;
        s.accounts.resend_verification(p.user.id);
        s.outbox.wake();
        return json_response(202, json{{"detail", "a new confirmation link is on its way"}});
    });

    router.add("GET", me + "/tokens", "listTokens", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        const auth::Principal& p = *ctx.principal;
        json items = json::array();
        for (const auto& t : s.store.api_tokens(p.user.id)) items.push_back(token_json(t));
        return json_response(200, json{{"items", items}});
    });

    router.add("POST", me + "/tokens", "createToken", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        const auth::Principal& p = *ctx.principal;
        if (p.via_token) {
            throw Error(ErrorKind::forbidden, "API tokens cannot create tokens",
                        "sign in to create one");
        }
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        std::string name;
        std::vector<std::string> scopes;
        if (!body.is_object()) throw Error(ErrorKind::invalid_input, "the body must be a JSON object");
        if (!body.contains("name") || !body["name"].is_string()) {
            errors.add("/name", "is required (a string)");
        } else {
            name = body["name"];
        }
        if (!body.contains("scopes") || !body["scopes"].is_array()) {
            errors.add("/scopes", "is required (an array of read, write)");
        } else {
            for (const auto& v : body["scopes"]) {
                if (v.is_string()) {
                    scopes.push_back(v);
                } else {
                    errors.add("/scopes", "must hold strings");
                }
            }
        }
        for (const auto& [key, _] : body.items()) {
            if (key != "name" && key != "scopes") errors.add("/" + key, "is not a field here");
        }
        errors.throw_if_any("invalid token");
        auth::IssuedToken t = s.accounts.create_api_token(p.user.id, name, scopes);
        json out = token_json(t.token);
        out["secret"] = t.secret; // shown once
        return json_response(201, out);
    });

    router.add("DELETE", me + "/tokens/{id}", "revokeToken", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        const auth::Principal& p = *ctx.principal;
        const Id id = path_id(ctx.param("id"), "token");
        if (!s.store.revoke_api_token(p.user.id, id)) {
            throw Error(ErrorKind::not_found, "no live token " + std::to_string(id) + " of yours");
        }
        return no_content_with();
    });

    router.add("GET", me + "/export", "exportMyData", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        const auth::Principal& p = *ctx.principal;
        json tokens = json::array();
        for (const auto& t : s.store.api_tokens(p.user.id)) tokens.push_back(token_json(t));
        AuditQuery q;
        q.user_id = p.user.id;
        q.limit = 100000;
        json changes = json::array();
        for (const auto& e : s.store.audit_log(q, nullptr)) {
            changes.push_back({{"at", e.at},
                               {"entity", e.entity},
                               {"entity_id", e.entity_id},
                               {"action", e.action},
                               {"address", e.address},
                               {"before", e.before},
                               {"after", e.after}});
        }
        json body{{"exported_at", now_utc()},
                  {"account", user_json(p.user, p.memberships)},
                  {"api_tokens", tokens},
                  {"changes_made", changes}};
        Response r = json_response(200, body);
        r.headers["Content-Disposition"] = "attachment; filename=\"impetus-my-data.json\"";
        return r;
    });

    router.add("POST", me + "/erase", "eraseMe", Access::signed_in, [&s](Context& ctx) {
        no_query(ctx.request);
        const auth::Principal& p = *ctx.principal;
        auto f = string_fields(ctx.request, {"password"});
        s.accounts.erase(p.user.id, f["password"]);
        return no_content_with(session_cookie(s, "", 0));
    });
}

} // namespace impetus::http
