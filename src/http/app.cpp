#include "http/app.hpp"

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "auth/secrets.hpp"
#include "services/jobs.hpp"
#include "http/outbox.hpp"
#include "store/actor.hpp"
#include "http/problem.hpp"
#include "http/routes.hpp"

#include <unistd.h>

#include <fstream>
#include <iterator>

namespace impetus::http {

using nlohmann::json;

App::App(Store& store, AppOptions options)
    : m_store(store), m_options(std::move(options)),
      m_cache(std::make_unique<ResponseCache>(m_options.cache_bytes)),
      // Jobs a stopped server left behind will never finish: say so before new ones start.
      m_jobs((m_store.fail_interrupted_jobs(),
              std::make_unique<services::JobRunner>(m_store, m_options.discovery_weights,
                                          m_options.job_started))),
      m_accounts(std::make_unique<auth::AccountService>(m_store, m_options.auth)),
      m_outbox(std::make_unique<OutboxSender>(
          m_store, mail::mail_enabled(m_options.smtp)
                       ? std::make_unique<mail::SmtpSender>(m_options.smtp)
                       : nullptr)),
      m_reports(std::make_unique<ReportLimiter>(m_options.reports_per_hour,
                                                m_options.report_form_min_age)),
      m_calls(std::make_unique<services::CallService>(m_store, *m_accounts,
                                                      [this] { m_outbox->wake(); })),
      m_report_decisions(
          std::make_unique<services::ReportService>(m_store, [this] { m_outbox->wake(); })),
      m_spaces(std::make_unique<services::SpaceService>(m_store)),
      m_services(std::make_unique<Services>(Services{m_store, m_options, *m_cache, *m_jobs,
                                                     *m_accounts, *m_outbox, *m_reports,
                                                     *m_calls, *m_report_decisions,
                                                     *m_spaces})) {
    if (m_options.upload_dir.empty()) {
        m_options.upload_dir = std::filesystem::temp_directory_path() /
                               ("impetus-uploads-" + std::to_string(::getpid()));
    }
    m_router.set_guard(
        [services = m_services.get()](const Route& r, Context& ctx) { enforce_access(*services, r, ctx); });
    add_api_v1_routes(m_router, *m_services);
    add_job_routes(m_router, *m_services);
    add_auth_routes(m_router, *m_services);
    add_admin_routes(m_router, *m_services);
    add_report_routes(m_router, *m_services);
    add_call_routes(m_router, *m_services);
    add_matching_routes(m_router, *m_services);
    add_ogc_routes(m_router, *m_services);
    add_openapi_routes(m_router, *m_services);
    m_router.set_fallback(static_files_handler(*m_services));
}

App::~App() = default;

namespace {

// What every answer carries.
Response finished(Response r) {
    if (!r.headers.contains("Cache-Control")) {
        r.headers["Cache-Control"] = "no-cache";
    }
    r.headers["X-Content-Type-Options"] = "nosniff";
    return r;
}

} // namespace

Admission App::admit(const Request& head) const {
    Admission a;
    // Who is asking (routes check it against their Access, and it is the audit log's actor
    // for whatever the request changes).
    if (head.headers.contains("Cookie") || head.headers.contains("Authorization")) {
        try {
            a.m_principal = principal_of(*m_services, head);
        } catch (const std::exception&) {
            // an unreadable credential counts as none
        }
    }
    const auth::Principal* who = a.m_principal ? &*a.m_principal : nullptr;
    a.m_route = m_router.find(head, a.m_params);
    if (!a.m_route) {
        a.m_answer = finished(m_router.unmatched(head, who));
        return a;
    }
    Context ctx{head, a.m_params, who};
    if (auto refused = m_router.admit(*a.m_route, ctx)) {
        a.m_answer = finished(std::move(*refused));
        return a;
    }
    a.m_workspace = std::move(ctx.workspace);
    const BodySpec& body = a.m_route->body;
    a.m_limit = body.limit ? body.limit : m_options.max_json_body;
    a.m_to_file = body.to_file;
    return a;
}

Response App::respond(Admission& a, const Request& request) const {
    if (a.m_answer) return std::move(*a.m_answer);
    Actor actor{std::nullopt, "anonymous", request.remote_address};
    if (a.m_principal) {
        actor.user_id = a.m_principal->user.id;
        actor.label = a.m_principal->user.email;
    }
    ActorScope scope(std::move(actor));
    Context ctx{request, a.m_params, a.m_principal ? &*a.m_principal : nullptr, a.m_workspace};
    return finished(m_router.run(*a.m_route, ctx));
}

Response App::handle(const Request& request) const {
    Admission a = admit(request);
    return respond(a, request);
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the route groups

std::string clean_name(std::string name, std::size_t max, const std::string& fallback) {
    auto slash = name.find_last_of("/\\");
    if (slash != std::string::npos) name.erase(0, slash + 1);
    std::string out;
    for (unsigned char c : name) {
        if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
    }
    if (out.size() > max) out.resize(max);
    return out.empty() ? fallback : out;
}

void enforce_access(Services& s, const Route& route, Context& ctx) {
    if (route.access == Access::anyone) return;
    const auth::Principal* p = ctx.principal;
    if (!p) {
        throw Error(ErrorKind::unauthenticated, "sign in first",
                    "sign in (POST /api/v1/auth/login) or send a personal API token as "
                    "'Authorization: Bearer TOKEN'");
    }
    const std::string& method = ctx.request.method;
    if (method != "GET" && method != "HEAD" && method != "OPTIONS") {
        if (p->via_token && !p->can_write()) {
            throw Error(ErrorKind::forbidden, "this API token may only read",
                        "create a token with the write scope");
        }
        if (!p->via_token && !auth::constant_time_equal(
                                 ctx.request.header("X-CSRF-Token").value_or(""), p->csrf_token)) {
            throw Error(ErrorKind::forbidden, "the request lacks the session's CSRF token",
                        "send the csrf_token from sign-in (or GET /api/v1/me) in X-CSRF-Token");
        }
    }
    if (route.access == Access::signed_in || p->user.instance_admin) return;
    if (route.access == Access::instance_admin) {
        throw Error(ErrorKind::forbidden, "only instance administrators may do this");
    }
    const bool admin_only = route.access == Access::workspace_admin;
    auto allowed = [&](Role role) {
        return role == Role::admin || (!admin_only && role == Role::officer);
    };
    bool has_workspace = false;
    for (const auto& [name, value] : ctx.params) has_workspace |= name == "workspace";
    if (has_workspace) {
        const Workspace& w = workspace_of(s, ctx);
        if (auto role = p->role_in(w.id); role && allowed(*role)) return;
    } else {
        for (const auto& m : p->memberships) {
            if (allowed(m.role)) return;
        }
    }
    throw Error(ErrorKind::forbidden,
                admin_only ? "only the workspace's administrators may do this"
                           : "only the workspace's officers and administrators may do this",
                "ask an administrator of the workspace for the role");
}

bool sees_internal(const Context& ctx, std::optional<Id> workspace_id) {
    const auth::Principal* p = ctx.principal;
    if (!p) return false;
    if (p->user.instance_admin) return true;
    if (!workspace_id) return false;
    const auto role = p->role_in(*workspace_id);
    return role == Role::officer || role == Role::admin;
}

Handler cached(Services& s, Handler h) {
    return [&s, h = std::move(h)](Context& ctx) {
        // What signed-in people see may differ from the public view: no shared cache for them.
        if (ctx.principal) return h(ctx);
        const auto& req = ctx.request;
        std::string key = req.base_url + req.target + '\n' +
                          req.header("Accept").value_or("");
        const auto generation = s.store.data_generation();
        if (auto hit = s.cache.get(key, generation)) {
            return std::move(*hit); // the body stays shared with the cache entry
        }
        Response r = h(ctx);
        if (r.status == 200) {
            s.cache.put(key, generation, r);
        }
        return r;
    };
}

std::string body_text(const Request& req) {
    if (req.body_file.empty()) return req.body;
    std::ifstream in(req.body_file, std::ios::binary);
    std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        throw Error(ErrorKind::io, "cannot read the uploaded body back",
                    "the server's disk may be failing; try again later");
    }
    return out;
}

json read_json_body(const Request& req) {
    auto ct = req.header("Content-Type").value_or("");
    auto semi = ct.find(';');
    std::string mime = ct.substr(0, semi);
    while (!mime.empty() && mime.back() == ' ') mime.pop_back();
    if (mime != "application/json" && mime != "application/merge-patch+json" &&
        mime != "application/geo+json") {
        throw Error(ErrorKind::unsupported_media,
                    mime.empty() ? "the request has no Content-Type"
                                 : "'" + mime + "' is not accepted here",
                    "send a JSON body with Content-Type: application/json");
    }
    const std::string text = req.body_file.empty() ? std::string() : body_text(req);
    const std::string& body = req.body_file.empty() ? req.body : text;
    if (body.empty()) {
        throw Error(ErrorKind::invalid_input, "the request body is empty",
                    "send a JSON object");
    }
    return parse_json(body, "the body");
}

Workspace require_workspace(Store& store, const std::string& slug) {
    auto w = store.workspace_by_slug(slug);
    if (!w) {
        throw Error(ErrorKind::not_found, "workspace '" + slug + "' not found",
                    "list workspaces at /api/v1/workspaces");
    }
    return *w;
}

const Workspace& workspace_of(Services& s, Context& ctx) {
    if (!ctx.workspace) ctx.workspace = require_workspace(s.store, ctx.param("workspace"));
    return *ctx.workspace;
}

Id path_id(const std::string& text, const char* what) {
    Id v = 0;
    bool ok = !text.empty() && text.size() <= 18; // 18 digits cannot overflow an int64
    for (char c : text) {
        if (!ok || c < '0' || c > '9') {
            ok = false;
            break;
        }
        v = v * 10 + (c - '0');
    }
    if (!ok || v < 1) {
        throw Error(ErrorKind::not_found, std::string(what) + " '" + text + "' not found");
    }
    return v;
}

Response json_response(int status, const json& j, const std::string& content_type) {
    return Response::json(status, j.dump(-1, ' ', false, json::error_handler_t::replace),
                          content_type);
}

std::string version_etag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

std::optional<std::int64_t> if_match_version(const Request& req) {
    auto h = req.header("If-Match");
    if (!h || *h == "*") return std::nullopt;
    std::string v = *h;
    if (v.rfind("W/", 0) == 0) v.erase(0, 2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    try {
        std::size_t pos = 0;
        auto n = std::stoll(v, &pos);
        if (pos == v.size()) return n;
    } catch (const std::exception&) {
    }
    throw Error(ErrorKind::precondition, "If-Match does not name a version of this resource",
                "use the ETag from the last GET");
}

} // namespace impetus::http
