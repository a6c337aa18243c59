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
#include <memory>

namespace impetus::http {

struct AppOptions {
    std::filesystem::path web_root;           // built user interface; empty: none
    std::size_t max_json_body = 1 << 20;      // 1 MiB
    std::size_t max_import_body = 64u << 20;  // 64 MiB
    std::size_t max_upload_body = 512u << 20; // 512 MiB: an uploaded OSM extract
    std::size_t max_photo_body = 12u << 20;   // a report's photo (media::PhotoLimits: 10 MiB)
    std::size_t max_attachment_body = 10u << 20; // a document attached to an application
    // Citizens' reports: how old a form must be before it is sent (robots are quicker than
    // people), and how many reports an address may send in an hour.
    std::chrono::seconds report_form_min_age{3};
    int reports_per_hour = 10;
    std::size_t cache_bytes = 64u << 20;      // rendered GET responses kept in memory
    // OSM extracts the discovery API may read by path (empty: uploads only), where uploads wait
    // for their job (empty: a folder of this process under the system's temporary folder), and
    // the discovery score weights (empty: the built-in defaults).
    std::filesystem::path extracts_dir;
    std::filesystem::path upload_dir;
    std::string discovery_weights;
    std::string title = "Impetus";
    // Accounts (public_url goes into e-mail links and decides the Secure cookie flag) and the
    // SMTP server the mail outbox is delivered through (empty url: mail stays in the outbox).
    auth::AuthSettings auth;
    mail::SmtpSettings smtp;
};

class ResponseCache;
class JobRunner;
class OutboxSender;
class ReportLimiter;
struct Services;

class App {
public:
    App(Store& store, AppOptions options);
    ~App();

    Response handle(const Request& request) const;
    const Router& router() const noexcept { return m_router; }
    // The largest request body accepted for this request line.
    std::size_t body_limit(std::string_view method, std::string_view path) const;

private:
    Store& m_store;
    AppOptions m_options;
    std::unique_ptr<ResponseCache> m_cache;
    std::unique_ptr<JobRunner> m_jobs;
    std::unique_ptr<auth::AccountService> m_accounts;
    std::unique_ptr<OutboxSender> m_outbox;
    std::unique_ptr<ReportLimiter> m_reports;
    std::unique_ptr<Services> m_services; // handlers keep references to it
    Router m_router;
};

} // namespace impetus::http
