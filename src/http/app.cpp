#include "http/app.hpp"

#include "core/error.hpp"
#include "http/jobs.hpp"
#include "http/outbox.hpp"
#include "store/actor.hpp"
#include "http/problem.hpp"
#include "http/routes.hpp"

namespace impetus::http {

using nlohmann::json;

App::App(Store& store, AppOptions options)
    : m_store(store), m_options(std::move(options)),
      m_cache(std::make_unique<ResponseCache>(m_options.cache_bytes)),
      // Jobs a stopped server left behind will never finish: say so before new ones start.
      m_jobs((m_store.fail_interrupted_jobs(),
              std::make_unique<JobRunner>(m_store, m_options.discovery_weights))),
      m_accounts(std::make_unique<auth::AccountService>(m_store, m_options.auth)),
      m_outbox(std::make_unique<OutboxSender>(
          m_store, mail::mail_enabled(m_options.smtp)
                       ? std::make_unique<mail::SmtpSender>(m_options.smtp)
                       : nullptr)),
      m_services(std::make_unique<Services>(
          Services{m_store, m_options, *m_cache, *m_jobs, *m_accounts, *m_outbox})) {
    add_api_v1_routes(m_router, *m_services);
    add_job_routes(m_router, *m_services);
    add_auth_routes(m_router, *m_services);
    add_admin_routes(m_router, *m_services);
    add_ogc_routes(m_router, *m_services);
    add_openapi_routes(m_router, *m_services);
    m_router.set_fallback(static_files_handler(*m_services));
}

App::~App() = default;

Response App::handle(const Request& request) const {
    // The audit log's actor for whatever this request changes.
    Actor actor{std::nullopt, "anonymous", request.remote_address};
    if (request.headers.contains("Cookie") || request.headers.contains("Authorization")) {
        try {
            if (auto p = principal_of(*m_services, request)) {
                actor.user_id = p->user.id;
                actor.label = p->user.email;
            }
        } catch (const std::exception&) {
            // a malformed credential is the route's to refuse
        }
    }
    ActorScope scope(std::move(actor));
    Response r = m_router.dispatch(request);
    if (!r.headers.contains("Cache-Control")) {
        r.headers["Cache-Control"] = "no-cache";
    }
    r.headers["X-Content-Type-Options"] = "nosniff";
    return r;
}

std::size_t App::body_limit(std::string_view method, std::string_view path) const {
    path = path.substr(0, path.find('?')); // the server passes the request target, query and all
    auto ends_with = [&](std::string_view tail) {
        return path.size() >= tail.size() && path.substr(path.size() - tail.size()) == tail;
    };
    if (method == "POST" && ends_with("/imports")) return m_options.max_import_body;
    if (method == "POST" && ends_with("/discoveries")) return m_options.max_upload_body;
    return m_options.max_json_body;
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the route groups

Handler cached(Services& s, Handler h) {
    return [&s, h = std::move(h)](Context& ctx) {
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
    if (req.body.empty()) {
        throw Error(ErrorKind::invalid_input, "the request body is empty",
                    "send a JSON object");
    }
    try {
        return json::parse(req.body);
    } catch (const json::parse_error& e) {
        throw Error(ErrorKind::invalid_input,
                    "the body is not valid JSON (at byte " + std::to_string(e.byte) + ")",
                    "check the JSON syntax");
    }
}

Workspace require_workspace(Store& store, const std::string& slug) {
    auto w = store.workspace_by_slug(slug);
    if (!w) {
        throw Error(ErrorKind::not_found, "workspace '" + slug + "' not found",
                    "list workspaces at /api/v1/workspaces");
    }
    return *w;
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
