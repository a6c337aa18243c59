#include "cli/commands.hpp"
#include "core/error.hpp"
#include "discovery/discovery.hpp"
#include "http/app.hpp"
#include "http/server.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace impetus::cli {

namespace fs = std::filesystem;

namespace {

// The built interface next to the program (build/.. /web/dist) or in the working directory.
std::string find_web_root() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    std::vector<fs::path> candidates{"web/dist"};
    if (!ec) {
        for (auto p = exe.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
            candidates.push_back(p / "web" / "dist");
            candidates.push_back(p / "share" / "impetus" / "web");
        }
    }
    for (const auto& c : candidates) {
        if (fs::exists(c / "index.html", ec)) return fs::absolute(c, ec).string();
    }
    return {};
}

// Uploads whose jobs a stopped server never finished: those jobs are marked failed at start
// (Store::fail_interrupted_jobs), so their files have no further use.
void remove_stale_uploads(const fs::path& dir) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("upload-", 0) == 0) {
            std::error_code rm;
            fs::remove(it->path(), rm);
        }
    }
}

// A public URL is an http or https address without query or fragment, so that a path appended
// to it is a link.
void check_public_url(const std::string& url) {
    if (url.empty()) return;
    const auto scheme_end = url.find("://");
    const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
    const bool host = scheme_end != std::string::npos && url.size() > scheme_end + 3 &&
                      url[scheme_end + 3] != '/';
    const bool plain = std::none_of(url.begin(), url.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '"' || c == '<' ||
               c == '>' || c == '\\';
    });
    if ((scheme != "http" && scheme != "https") || !host || !plain) {
        throw Error(ErrorKind::invalid_input, "--public-url '" + url + "' is not an http(s) address",
                    "give the address people reach the server at, e.g. https://impetus.example.org");
    }
}

} // namespace

void ServeCommand::setup(CLI::App& parent) {
    m_app = parent.add_subcommand("serve", "Run the HTTP server (REST API, OGC API, interface)");
    add_db_option(*m_app, m_db);
    m_app->add_option("--listen", m_listen, "Address to listen on, HOST:PORT (port 0: any)")
        ->default_val("127.0.0.1:8080");
    m_app->add_option("--web-root", m_web_root,
                      "Folder of the built web interface (default: web/dist when present)");
    m_app->add_option("--threads", m_threads, "Worker threads (default: 2 per core, at least 4)");
    m_app->add_option("--max-connections", m_max_connections,
                      "Open connections at once (default: 1024, fewer when the limit of open "
                      "files is lower)")
        ->check(CLI::Range(1, 1000000));
    m_app->add_option("--max-connections-per-address", m_max_connections_per_address,
                      "Open connections from one client address (raise it behind a reverse "
                      "proxy)")
        ->default_val(128)
        ->check(CLI::Range(1, 1000000));
    m_app->add_option("--log-level", m_log_level, "trace, debug, info, warn or error")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
        ->default_val("info");
    m_app->add_option("--extracts-dir", m_extracts_dir,
                      "Folder of OpenStreetMap extracts the discovery API may read by path "
                      "(default: none, uploads only)")
        ->check(CLI::ExistingDirectory);
    m_app->add_option("--upload-dir", m_upload_dir,
                      "Where uploaded extracts wait for their discovery job (default: "
                      "DB.uploads beside the database)");
    m_app->add_option("--max-upload-mb", m_max_upload_mb,
                      "Largest extract accepted as an upload, in MiB")
        ->default_val(512)
        ->check(CLI::Range(1, 16384));
    m_app->add_option("--public-url", m_public_url,
                      "The address people use to reach this server, http(s)://HOST[:PORT][/PATH], "
                      "for the links in e-mails (https:// also marks the session cookie Secure). "
                      "Required for account e-mails: without it sign-up and password reset are "
                      "refused, and call e-mails carry no links")
        ->envname("IMPETUS_PUBLIC_URL");
    m_app->add_option("--smtp-url", m_smtp_url,
                      "SMTP server for account e-mails, smtp://HOST:PORT or smtps://HOST:PORT "
                      "(default: none; e-mails wait in the outbox)")
        ->envname("IMPETUS_SMTP_URL");
    m_app->add_option("--mail-from", m_mail_from, "Sender of account e-mails")
        ->default_val("Impetus <noreply@localhost>");
    m_app->add_option("--discovery-weights", m_weights,
                      "Discovery score weights (JSON; default: the built-in values documented "
                      "in config/discovery-weights.json)");
}

int ServeCommand::run() {
    // Standard output carries only the "listening on" line that scripts read; the log goes to
    // standard error.
    spdlog::set_default_logger(spdlog::stderr_color_mt("impetus"));
    spdlog::set_level(spdlog::level::from_str(m_log_level));
    auto [host, port] = http::parse_listen(m_listen);
    auto store = open_store_at(m_db, true);
    http::AppOptions app_options;
    app_options.web_root = m_web_root.empty() ? find_web_root() : m_web_root;
    if (!m_web_root.empty() && !fs::exists(fs::path(m_web_root) / "index.html")) {
        throw Error(ErrorKind::not_found, "no index.html in " + m_web_root,
                    "build the interface first (see README), or leave out --web-root");
    }
    if (!m_weights.empty()) {
        discovery::load_weights(m_weights); // refused now rather than at the first scan
        app_options.discovery_weights = fs::absolute(m_weights).string();
    }
    if (!m_extracts_dir.empty()) app_options.extracts_dir = fs::absolute(m_extracts_dir);
    app_options.upload_dir = m_upload_dir.empty() ? fs::absolute(m_db + ".uploads")
                                                  : fs::absolute(m_upload_dir);
    app_options.max_upload_body = m_max_upload_mb << 20;
    remove_stale_uploads(app_options.upload_dir);
    app_options.smtp.url = m_smtp_url;
    app_options.smtp.from = m_mail_from;
    // Never the address a request names in its Host header: anyone can send any.
    check_public_url(m_public_url);
    app_options.auth.public_url = m_public_url;
    if (m_public_url.empty()) {
        spdlog::warn("no --public-url: account e-mails (sign-up, password reset) are refused and "
                     "call e-mails carry no links; start with --public-url "
                     "https://impetus.example.org (or set IMPETUS_PUBLIC_URL)");
    }
    http::App app(*store, app_options);
    http::ServerOptions so;
    so.host = host;
    so.port = port;
    so.threads = m_threads;
    so.max_connections = m_max_connections;
    so.max_connections_per_address = m_max_connections_per_address;
    http::Server server(app, so);
    server.start();
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    // Scripts and tests read this line to learn the port.
    std::cout << "Impetus listening on http://" << shown << ":" << server.port() << std::endl;
    spdlog::info("database {}; interface {}; extracts folder {}", m_db,
                 app_options.web_root.empty() ? "not built" : app_options.web_root.string(),
                 app_options.extracts_dir.empty() ? "none" : app_options.extracts_dir.string());
    server.run(true);
    spdlog::info("stopped");
    return k_exit_ok;
}

} // namespace impetus::cli
