#pragma once

// Internal to the http module: what the route groups share, and helpers for handlers.

#include "core/calls.hpp"
#include "core/model.hpp"
#include "core/rate_limiter.hpp"
#include "http/app.hpp"
#include "services/jobs.hpp"
#include "auth/secrets.hpp"
#include "http/outbox.hpp"
#include "services/calls.hpp"
#include "services/reports.hpp"
#include "services/spaces.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include "http/response_cache.hpp"

#include <nlohmann/json.hpp>

namespace impetus::http {

// Citizens' reports: the key of the form tokens (new at each start: a form older than the
// process is refused, and its sender asked to reload it) and a limit per client address.
class ReportLimiter {
public:
    ReportLimiter(int per_hour, std::chrono::seconds form_min_age)
        : form_min_age(form_min_age), m_per_address(per_hour, std::chrono::hours(1)) {}
    bool allow(const std::string& address) { return m_per_address.allow(address); }
    std::chrono::seconds retry_after(const std::string& address) {
        return m_per_address.retry_after(address);
    }
    const std::chrono::seconds form_min_age;
    const std::string form_key = auth::random_token();

private:
    RateLimiter m_per_address;
};

struct Services {
    Store& store;
    const AppOptions& options;
    ResponseCache& cache;
    services::JobRunner& jobs;
    auth::AccountService& accounts;
    OutboxSender& outbox;
    ReportLimiter& reports;
    services::CallService& calls;
    services::ReportService& report_decisions;
    services::SpaceService& spaces;
};

void add_api_v1_routes(Router& router, Services& s);
void add_job_routes(Router& router, Services& s);
void add_auth_routes(Router& router, Services& s);
void add_admin_routes(Router& router, Services& s);
void add_report_routes(Router& router, Services& s);
void add_call_routes(Router& router, Services& s);
void add_matching_routes(Router& router, Services& s);
// A name a client gave (a file name, a document's name), safe to show and log: the last path
// part, printable characters only, at most `max` bytes; `fallback` when nothing is left.
std::string clean_name(std::string name, std::size_t max, const std::string& fallback = {});
// The call of the path's {call}, 404 for another workspace's and, to all but staff, for drafts.
Call require_call(Services& s, const Context& ctx, const Workspace& w);
// A call as the API shows it to this caller (internal fields for staff), with whether it takes
// applications now and, on request, its offered spaces.
nlohmann::json call_json(Services& s, const Context& ctx, const Call& c, bool with_spaces);
void add_ogc_routes(Router& router, Services& s);
void add_openapi_routes(Router& router, Services& s);
Handler static_files_handler(Services& s);

// Serves a GET from the response cache while the data has not changed.
Handler cached(Services& s, Handler h);

// The request body as text, read from its file when the route streams bodies to disk.
std::string body_text(const Request& req);
// Reads a JSON request body: 415 unless the content type is JSON, 400 when it does not parse.
nlohmann::json read_json_body(const Request& req);
Workspace require_workspace(Store& store, const std::string& slug);
// The workspace of the path's {workspace} (404 when there is none by that slug), looked up once
// per request: the access guard usually has, and the handler finds it in the context.
const Workspace& workspace_of(Services& s, Context& ctx);
// A path id: anything but a positive integer is simply not found.
Id path_id(const std::string& text, const char* what);
// Who sent the request: the session of the impetus_session cookie, or the personal API token
// of an "Authorization: Bearer" header; nullopt for anonymous requests and unknown secrets.
std::optional<auth::Principal> principal_of(Services& s, const Request& req);
// Enforces a route's Access before its handler runs: Error(unauthenticated) without an account,
// Error(forbidden) without the role. Cookie-authenticated writes must also carry the session's
// CSRF token in X-CSRF-Token; read-only API tokens cannot write.
void enforce_access(Services& s, const Route& route, Context& ctx);
// Whether the request may see internal fields (space notes, organisation contacts and notes):
// officers and administrators of the workspace (nullopt: of every workspace, that is instance
// administrators).
bool sees_internal(const Context& ctx, std::optional<Id> workspace_id);
Response json_response(int status, const nlohmann::json& j,
                       const std::string& content_type = "application/json");
// An entity tag for a version number, and the version an If-Match header asks for.
std::string version_etag(std::int64_t version);
std::optional<std::int64_t> if_match_version(const Request& req);

} // namespace impetus::http

namespace impetus::http {
// The parsed OpenAPI document (for tests and the route above).
const nlohmann::json& openapi_document();
} // namespace impetus::http
