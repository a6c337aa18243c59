// Administration over HTTP: who has which role in a workspace, and the audit log (browse with
// filters, export as CSV). Workspace administrators see their workspace; instance
// administrators see everything, account changes included.

#include "core/dates.hpp"
#include "core/doc_reader.hpp"
#include "core/error.hpp"
#include "exports/exports.hpp"
#include "http/query_params.hpp"
#include "http/routes.hpp"

namespace impetus::http {

using nlohmann::json;

namespace {

AuditQuery audit_query(Services& s, const Request& req, std::optional<Id> workspace,
                       bool paged, bool any_workspace) {
    QueryParams params(req.query);
    FieldErrors errors;
    AuditQuery q;
    q.workspace_id = workspace;
    if (any_workspace) {
        if (auto slug = params.get("workspace", errors)) {
            auto w = s.store.workspace_by_slug(*slug);
            if (w) {
                q.workspace_id = w->id;
            } else {
                errors.add_parameter("workspace", "no workspace '" + *slug + "'");
            }
        }
    }
    q.entity = params.get("entity", errors);
    if (auto id = params.get("entity_id", errors)) {
        char* end = nullptr;
        const long long v = std::strtoll(id->c_str(), &end, 10);
        if (id->empty() || *end || v < 1) {
            errors.add_parameter("entity_id", "must be a positive integer");
        } else {
            q.entity_id = v;
        }
    }
    if (auto email = params.get("user", errors)) {
        auto u = s.store.user_by_email(*email);
        q.user_id = u ? u->id : -1; // an unknown address matches nothing
    }
    for (const char* key : {"from", "to"}) {
        if (auto t = params.get(key, errors)) {
            auto parsed = parse_rfc3339(*t);
            if (!parsed) {
                auto day = parse_iso_date(*t);
                if (day) parsed = *day + "T00:00:00.000Z";
            }
            if (!parsed) {
                errors.add_parameter(key, "must be a date (YYYY-MM-DD) or an RFC 3339 date-time");
            } else {
                (std::string(key) == "from" ? q.from : q.to) = *parsed;
            }
        }
    }
    if (paged) {
        const Paging paging = read_paging(params, errors);
        q.limit = std::min<std::size_t>(paging.limit, 1000);
        q.offset = paging.offset;
    } else {
        q.limit = 1'000'000;
    }
    reject_unused(params, errors);
    errors.throw_if_any("invalid audit query");
    return q;
}

json entry_json(const AuditEntry& e, const std::map<Id, std::string>& slugs) {
    json ws = nullptr;
    if (e.workspace_id) {
        auto it = slugs.find(*e.workspace_id);
        ws = it != slugs.end() ? json(it->second) : json(*e.workspace_id);
    }
    return {{"id", e.id},
            {"at", e.at},
            {"actor", e.actor},
            {"user_id", e.user_id ? json(*e.user_id) : json(nullptr)},
            {"address", e.address},
            {"workspace", ws},
            {"entity", e.entity},
            {"entity_id", e.entity_id},
            {"action", e.action},
            {"before", e.before},
            {"after", e.after}};
}

std::map<Id, std::string> workspace_slugs(Store& store) {
    std::map<Id, std::string> out;
    for (const auto& w : store.list_workspaces()) out[w.id] = w.slug;
    return out;
}

Response audit_page(Services& s, const Request& req, const AuditQuery& q) {
    std::size_t total = 0;
    const auto entries = s.store.audit_log(q, &total);
    const auto slugs = workspace_slugs(s.store);
    json items = json::array();
    for (const auto& e : entries) items.push_back(entry_json(e, slugs));
    json links = json::array();
    const std::string base = req.base_url + req.path + "?";
    links.push_back({{"rel", "self"}, {"href", base + req.query}});
    if (q.offset + entries.size() < total) {
        links.push_back({{"rel", "next"},
                         {"href", base + with_param(req.query, "offset",
                                                    std::to_string(q.offset + q.limit))}});
    }
    return json_response(200, json{{"items", items},
                                   {"total", total},
                                   {"limit", q.limit},
                                   {"offset", q.offset},
                                   {"links", links}});
}

Response audit_csv(Services& s, const AuditQuery& q, const std::string& file_name) {
    const auto entries = s.store.audit_log(q, nullptr);
    const auto slugs = workspace_slugs(s.store);
    using exports::CsvCell;
    static const CsvCell header[] = {"id",     "at",        "actor",  "user_id",
                                     "address", "workspace", "entity", "entity_id",
                                     "action", "before",    "after"};
    std::string out;
    exports::append_csv_row(out, header);
    for (const auto& e : entries) {
        std::string workspace;
        if (e.workspace_id) {
            auto it = slugs.find(*e.workspace_id);
            workspace = it != slugs.end() ? it->second : std::to_string(*e.workspace_id);
        }
        const CsvCell row[] = {CsvCell::number(std::to_string(e.id)),
                               e.at,
                               e.actor,
                               CsvCell::number(e.user_id ? std::to_string(*e.user_id) : ""),
                               e.address,
                               workspace,
                               e.entity,
                               CsvCell::number(std::to_string(e.entity_id)),
                               e.action,
                               e.before.is_null() ? "" : e.before.dump(),
                               e.after.is_null() ? "" : e.after.dump()};
        static_assert(std::size(row) == std::size(header));
        exports::append_csv_row(out, row);
    }
    Response r = Response::text(200, std::move(out), "text/csv; charset=utf-8");
    r.headers["Content-Disposition"] = "attachment; filename=\"" + file_name + "\"";
    return r;
}

json member_json(const User& u, Role role) {
    return {{"user_id", u.id},
            {"email", u.email},
            {"display_name", u.display_name},
            {"role", enum_name(role)}};
}

std::optional<Role> role_in(Store& store, Id user_id, Id workspace_id) {
    for (const auto& m : store.memberships(user_id)) {
        if (m.workspace_id == workspace_id) return m.role;
    }
    return std::nullopt;
}

// The body {"role": ...} (and "email" with `with_email`), every problem reported at once.
std::pair<std::string, Role> read_member_body(const Request& req, bool with_email) {
    const json body = read_json_body(req);
    FieldErrors errors;
    DocReader r(body, "", errors);
    if (!r.ok()) throw Error(ErrorKind::invalid_input, "the body must be a JSON object");
    if (with_email) {
        r.reject_unknown({"email", "role"});
    } else {
        r.reject_unknown({"role"});
    }
    const std::string email = with_email ? r.string("email", true, 254).value_or("") : "";
    const auto role = r.enumeration<Role>("role", true);
    errors.throw_if_any("invalid membership");
    return {email, *role};
}

// Whom a workspace's administrators may give a role by account number: verified accounts
// with a role there already (the number shows them nothing new). Instance administrators, who
// see every account, may name any verified account. Anyone else is "not found", whether the
// account is unknown, unverified or another workspace's, so that numbers reveal no address.
User member_by_id(Services& s, const Context& ctx, const Workspace& w, Id user_id) {
    auto u = s.accounts.verified_account(user_id);
    if (!u || (!ctx.principal->user.instance_admin && !role_in(s.store, u->id, w.id))) {
        throw Error(ErrorKind::not_found,
                    "user " + std::to_string(user_id) + " has no role in " + w.slug,
                    "give a role to someone new by their e-mail address (POST .../members)");
    }
    return *u;
}

} // namespace

void add_admin_routes(Router& router, Services& s) {
    const std::string ws = "/api/v1/workspaces/{workspace}";

    router.add("GET", ws + "/members", "listMembers", Access::workspace_admin, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        json items = json::array();
        for (const auto& [u, role] : s.store.workspace_members(w.id)) {
            items.push_back(member_json(u, role));
        }
        return json_response(200, json{{"items", items}});
    });

    // A role for someone new, by the e-mail address of their verified account.
    router.add("POST", ws + "/members", "addMember", Access::workspace_admin, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const auto [email, role] = read_member_body(ctx.request, true);
        auto u = s.accounts.verified_account(email);
        if (!u) {
            throw Error(ErrorKind::not_found, auth::k_no_verified_account,
                        "they register and confirm their address first");
        }
        const bool had_role = role_in(s.store, u->id, w.id).has_value();
        s.store.set_role(u->id, w.id, role);
        return json_response(had_role ? 200 : 201, member_json(*u, role));
    });

    router.add("PUT", ws + "/members/{id}", "setMemberRole", Access::workspace_admin, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Id user_id = path_id(ctx.param("id"), "user");
        const User u = member_by_id(s, ctx, w, user_id);
        const Role role = read_member_body(ctx.request, false).second;
        s.store.set_role(user_id, w.id, role);
        return json_response(200, member_json(u, role));
    });

    router.add("DELETE", ws + "/members/{id}", "removeMember", Access::workspace_admin, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Id user_id = path_id(ctx.param("id"), "user");
        bool member = false;
        for (const auto& [u, role] : s.store.workspace_members(w.id)) member |= u.id == user_id;
        if (!member) {
            throw Error(ErrorKind::not_found,
                        "user " + std::to_string(user_id) + " has no role in " + w.slug);
        }
        s.store.set_role(user_id, w.id, std::nullopt);
        return Response::no_content();
    });

    // -- members of the workspace's organisations (owners and applicants act for them)
    const std::string org_members = ws + "/organisations/{id}/members";
    router.add("GET", org_members, "listOrganisationMembers", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Id org = path_id(ctx.param("id"), "organisation");
        QueryParams params(ctx.request.query);
        FieldErrors errors;
        reject_unused(params, errors);
        errors.throw_if_any("invalid query");
        json items = json::array();
        for (const auto& [u, role] : s.store.organisation_members(w.id, org)) {
            items.push_back(member_json(u, role));
        }
        return json_response(200, json{{"items", items}});
    });

    router.add("POST", org_members, "addOrganisationMember", Access::staff, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Id org = path_id(ctx.param("id"), "organisation");
        if (!s.store.organisation(w.id, org)) {
            throw Error(ErrorKind::not_found, "organisation " + std::to_string(org) +
                                                  " not found in workspace " + w.slug);
        }
        const json body = read_json_body(ctx.request);
        FieldErrors errors;
        std::string email;
        std::optional<Role> role;
        if (!body.is_object()) {
            errors.add("", "must be an object");
        } else {
            for (const auto& [key, value] : body.items()) {
                if (key == "email" && value.is_string()) {
                    email = value.get<std::string>();
                } else if (key == "role" && value.is_string()) {
                    role = parse_enum<Role>(value.get<std::string>());
                    if (role != Role::owner && role != Role::applicant) {
                        errors.add("/role", "must be owner or applicant");
                    }
                } else if (key == "email" || key == "role") {
                    errors.add("/" + key, "must be a string");
                } else {
                    errors.add("/" + key, "is not a field here");
                }
            }
            if (email.empty() && !body.contains("email")) errors.add("/email", "is required");
        }
        errors.throw_if_any("invalid organisation member");
        // Only a confirmed address: anybody can register someone else's.
        auto u = s.accounts.verified_account(email);
        if (!u) {
            throw Error(ErrorKind::not_found, auth::k_no_verified_account,
                        "they register and confirm their address first");
        }
        // Someone without a role here (or a citizen) gets the role the officer gives; staff
        // keep theirs.
        std::optional<Role> current = role_in(s.store, u->id, w.id);
        if (role && (!current || current == Role::citizen)) {
            s.store.set_role(u->id, w.id, role);
            current = role;
        }
        s.store.set_organisation_member(w.id, org, u->id, true);
        return json_response(201, member_json(*u, current.value_or(Role::citizen)));
    });

    router.add("DELETE", org_members + "/{user}", "removeOrganisationMember", Access::staff,
               [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        const Id org = path_id(ctx.param("id"), "organisation");
        const Id user_id = path_id(ctx.param("user"), "user");
        bool member = false;
        for (const auto& [u, role] : s.store.organisation_members(w.id, org)) {
            member |= u.id == user_id;
        }
        if (!member) {
            throw Error(ErrorKind::not_found, "user " + std::to_string(user_id) +
                                                  " is not a member of organisation " +
                                                  std::to_string(org));
        }
        s.store.set_organisation_member(w.id, org, user_id, false);
        return Response::no_content();
    });

    router.add("GET", ws + "/audit", "listWorkspaceAudit", Access::workspace_admin, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        return audit_page(s, ctx.request, audit_query(s, ctx.request, w.id, true, false));
    });

    router.add("GET", ws + "/audit.csv", "exportWorkspaceAudit", Access::workspace_admin, [&s](Context& ctx) {
        Workspace w = workspace_of(s, ctx);
        return audit_csv(s, audit_query(s, ctx.request, w.id, false, false),
                         w.slug + "-audit.csv");
    });

    router.add("GET", "/api/v1/audit", "listAudit", Access::instance_admin, [&s](Context& ctx) {
        return audit_page(s, ctx.request, audit_query(s, ctx.request, std::nullopt, true, true));
    });
}

} // namespace impetus::http
