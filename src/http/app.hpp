#pragma once

// The web application: every route of the REST API, the OGC API, the OpenAPI document and the
// static user interface, over one store. Transport-free: Server feeds it Requests.

#include "auth/accounts.hpp"
#include "http/message.hpp"
#include "mail/mail.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

namespace impetus::http {

struct AppOptions {
    std::filesystem::path web_root;           // built user interface; empty: none
    // Request bodies, each route's own (routes declare theirs; see docs/limits.md): read only
    // once the route and the caller are known, imports and extracts streamed to a file.
    std::size_t max_json_body = 1 << 20;      // 1 MiB
    std::size_t max_import_body = 64u << 20;  // 64 MiB
    std::size_t max_upload_body = 512u << 20; // 512 MiB: an uploaded OSM extract
    std::size_t max_photo_body = 12u << 20;   // a report's photo (media::PhotoLimits: 10 MiB)
    std::size_t max_attachment_body = 10u << 20; // a document attached to an application
    // Citizens' reports: how old a form must be before it is sent (robots are quicker than
    // people), and how many reports an address may send in an hour.
    std::chrono::seconds report_form_min_age{3};
    // The clock the report forms' age is read on, to the millisecond (empty: the system clock;
    // tests set their own).
    std::function<std::chrono::system_clock::time_point()> report_clock;
    int reports_per_hour = 10;
    std::size_t cache_bytes = 64u << 20;      // rendered GET responses kept in memory
    // OSM extracts the discovery API may read by path (empty: uploads only), where uploads wait
    // for their job and request bodies streamed to files (empty: a folder of this process under
    // the system's temporary folder), and
    // the discovery score weights (empty: the built-in defaults).
    std::filesystem::path extracts_dir;
    std::filesystem::path upload_dir;
    std::string discovery_weights;
    // Called on the job runner's thread as each background job starts (empty: nothing); tests
    // hold a job there to see it running or others queued behind it.
    std::function<void(Id job_id)> job_started;
    std::string title = "Impetus";
    // Accounts (public_url goes into e-mail links and decides the Secure cookie flag) and the
    // SMTP server the mail outbox is delivered through (empty url: mail stays in the outbox).
    auth::AuthSettings auth;
    mail::SmtpSettings smtp;
};

class ResponseCache;
class OutboxSender;
class ReportLimiter;
struct Services;
} // namespace impetus::http
namespace impetus::services {
class CallService;
class ReportService;
class SpaceService;
class JobRunner;
} // namespace impetus::services
namespace impetus::http {

// A request whose head has been read: the route and the caller are known, and either the
// answer is already given (refused: no such resource, not signed in, no right) or the body may
// be read, within `body_limit`, into memory or a file. App::admit makes one, App::respond
// answers it once the body is there.
class Admission {
public:
    bool refused() const noexcept { return m_answer.has_value(); }
    std::size_t body_limit() const noexcept { return m_limit; }
    bool body_to_file() const noexcept { return m_to_file; }

private:
    friend class App;
    std::optional<Response> m_answer;
    const Route* m_route = nullptr;
    PathParams m_params;
    std::optional<auth::Principal> m_principal;
    std::optional<Workspace> m_workspace; // as the guard looked it up
    std::size_t m_limit = 0;
    bool m_to_file = false;
};

class App {
public:
    App(Store& store, AppOptions options);
    ~App();

    // Both steps at once, for a request that carries its body already.
    Response handle(const Request& request) const;
    // Step one, on the request's head (its body not yet read): routing, the caller, the
    // route's access rule; no handler runs.
    Admission admit(const Request& head) const;
    // Step two: the answer, running the route's handler on `request` (the head given to
    // admit, now with its body) unless the admission was refused.
    Response respond(Admission& admission, const Request& request) const;

    const Router& router() const noexcept { return m_router; }
    // Where bodies streamed to files and uploads waiting for their job are kept.
    const std::filesystem::path& upload_dir() const noexcept { return m_options.upload_dir; }

private:
    Store& m_store;
    AppOptions m_options;
    std::unique_ptr<ResponseCache> m_cache;
    std::unique_ptr<services::JobRunner> m_jobs;
    std::unique_ptr<auth::AccountService> m_accounts;
    std::unique_ptr<OutboxSender> m_outbox;
    std::unique_ptr<ReportLimiter> m_reports;
    std::unique_ptr<services::CallService> m_calls;
    std::unique_ptr<services::ReportService> m_report_decisions;
    std::unique_ptr<services::SpaceService> m_spaces;
    std::unique_ptr<Services> m_services; // handlers keep references to it
    Router m_router;
};

} // namespace impetus::http
